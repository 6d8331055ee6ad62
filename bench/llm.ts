import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cpuSecondsOf, pinned, sleep, startTarget, STRAIN, tempDir, writeFile } from './util';

export interface LlmRate {
  streams: number;
  events: number;
  cpuSeconds: number;
  eventsPerCpuSecond: number;
}

export interface LlmHold {
  streams: number;
  /** Mean streams in flight over the measured seconds. */
  held: number;
  truthTtftMs: number;
  truthTpotMs: number;
  ttftP50Ms: number;
  ttftP99Ms: number;
  tpotP50Ms: number;
  tpotP99Ms: number;
  itlP99Ms: number;
  generatorCpuPct: number;
  bad: number;
}

interface RunResult {
  summary: {
    durationS: number;
    llm: { requests: number; outputTokens: number; ttftMs: Record<string, number>; tpotMs: Record<string, number>; itlMs: Record<string, number>; bad: Record<string, number> };
    errors: number;
  };
  cpuSeconds: number;
}

/** Runs strain (pinned to CPU 1) on a profile and follows its CPU time until it exits. */
async function runStrain(profile: string, db: string): Promise<RunResult> {
  const [cmd, ...args] = pinned(1, [process.execPath, STRAIN, 'run', profile, '--db', db, '--json', '--no-tui', '--no-monitor']);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  let cpu = 0;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (!exited) {
    cpu = cpuSecondsOf(child.pid!) ?? cpu;
    await sleep(50);
  }
  await new Promise((r) => setImmediate(r));
  return { summary: JSON.parse(out), cpuSeconds: cpu };
}

function profileText(url: string, vus: number, seconds: number, maxTokens: number): string {
  return [
    'name: llm-bench',
    'kind: load',
    `target: ${url}`,
    `load: { model: closed, vus: ${vus}, rampUp: 2s, duration: ${seconds}s, warmup: 0s, gracefulStop: 30s }`,
    'http: { timeout: 60s }',
    `scenario: [{ llm: { model: demo, prompt: "Count to ten", maxTokens: ${maxTokens} } }]`,
  ].join('\n');
}

/**
 * Stream events per generator CPU-second: many short-gap streams (1 ms per token) from the
 * demo target pinned to CPU 0, strain pinned to CPU 1; every content chunk is one event.
 */
export async function benchLlmRate(streams = 64, seconds = 10): Promise<LlmRate> {
  const target = await startTarget(['--llm', '--ttft', '0ms', '--tpot', '1ms']);
  const dir = tempDir();
  try {
    const r = await runStrain(writeFile(dir, 'rate.yaml', profileText(target.url, streams, seconds, 200)), join(dir, 'rate.db'));
    const events = r.summary.llm.outputTokens;
    return { streams, events, cpuSeconds: r.cpuSeconds, eventsPerCpuSecond: events / Math.max(r.cpuSeconds, 1e-3) };
  } finally {
    target.child.kill('SIGTERM');
  }
}

/**
 * Concurrent streams held, and how far the measured TTFT and TPOT are from the target's known
 * timing (100 ms to the first token, then one every 100 ms). The error includes the demo
 * target's own timer lateness, so it bounds strain's error from above.
 */
export async function benchLlmHold(streams: number, seconds = 10): Promise<LlmHold> {
  const ttft = 100;
  const tpot = 100;
  const target = await startTarget(['--llm', '--ttft', `${ttft}ms`, '--tpot', `${tpot}ms`]);
  const dir = tempDir();
  try {
    const r = await runStrain(writeFile(dir, 'hold.yaml', profileText(target.url, streams, seconds, 30)), join(dir, 'hold.db'));
    const l = r.summary.llm;
    const { openDb } = await import('../src/store/db');
    const db = openDb(join(dir, 'hold.db'));
    // The hold stage's whole seconds (the ramp and the last, partial second left out).
    const rows = (db.prepare('SELECT in_flight, duration_ms FROM intervals WHERE stage = 1 ORDER BY t').all() as { in_flight: number; duration_ms: number }[]).filter(
      (r) => r.duration_ms >= 900,
    );
    db.close();
    const held = rows.length ? rows.reduce((s, x) => s + x.in_flight, 0) / rows.length : 0;
    return {
      streams,
      held,
      truthTtftMs: ttft,
      truthTpotMs: tpot,
      ttftP50Ms: l.ttftMs.p50,
      ttftP99Ms: l.ttftMs.p99,
      tpotP50Ms: l.tpotMs.p50,
      tpotP99Ms: l.tpotMs.p99,
      itlP99Ms: l.itlMs.p99,
      generatorCpuPct: Math.round((r.cpuSeconds / r.summary.durationS) * 1000) / 10,
      bad: Object.values(l.bad).reduce((a, b) => a + b, 0) + r.summary.errors,
    };
  } finally {
    target.child.kill('SIGTERM');
  }
}
