import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDb } from '../src/store/db';
import { RunStore } from '../src/store/runs';
import type { RunSummary } from '../src/core/summary';
import { startBenchTarget } from './targets';
import { strainRunner, wrk, WRK, type GeneratorResult } from './generator';
import { median, pinned, run, sleep, STRAIN, tempDir, writeFile } from './util';

type OpenTool = 'strain' | 'strain, dashboard' | 'hey -q';

interface OpenResult {
  tool: OpenTool;
  rate: number;
  achieved: number;
  /** Over the whole run: strain's from the intended start (corrected), hey's from its send. */
  p99Ms: number;
  /** strain only. */
  serviceP99Ms?: number;
  loopDelayMs?: { p99: number; max: number };
  stalls?: number;
  longestStallMs?: number;
  saturated?: boolean;
  warmupS?: number;
}

export interface OpenBench {
  target: string;
  seconds: number;
  rounds: number;
  /** Medians over the rounds, per rate and tool. */
  results: OpenResult[];
  /** Closed model at full speed, same target, same run: requests per generator CPU-second. */
  perCpu: GeneratorResult[];
}

const HEY = ['/usr/bin/hey', '/usr/local/bin/hey'].find((p) => existsSync(p));
const HEY_WORKERS = 50;

/**
 * The open model at fixed rates against one target (CPU 0), every generator pinned to CPU 1:
 * strain plain, strain with its dashboard (in a tmux terminal) and hey at the same rate, in an
 * order that alternates between rounds so drift on the machine hits each alike. strain's p99 is
 * from each arrival's intended start over the whole run (warm-up apart); hey's is its own.
 * Then strain and wrk flat out in the closed model: requests per generator CPU-second.
 */
export async function benchOpenModel(rates = [1000, 5000, 20_000], seconds = 10, rounds = 2): Promise<OpenBench> {
  const target = await startBenchTarget();
  const dir = tempDir();
  const runs: OpenResult[] = [];
  const perCpuRuns: GeneratorResult[] = [];
  const order: OpenTool[] = HEY ? ['strain', 'hey -q', 'strain, dashboard'] : ['strain', 'strain, dashboard'];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const rate of rates) {
        for (const tool of round % 2 === 0 ? order : [...order].reverse()) {
          if (tool === 'hey -q') runs.push(await heyAt(target.url, rate, seconds));
          else runs.push(await strainAt(target.url, dir, rate, seconds, tool === 'strain, dashboard', `${round}-${rate}`));
          await sleep(500);
        }
      }
      perCpuRuns.push(await strainRunner(dir)(target.url, seconds, 50));
      await sleep(500);
      if (WRK) perCpuRuns.push(await wrk(target.url, seconds, 50));
      await sleep(500);
    }
  } finally {
    target.stop();
  }
  return { target: target.name, seconds, rounds, results: medians(runs), perCpu: mediansOf(perCpuRuns) };
}

function profileFor(dir: string, url: string, rate: number, seconds: number): string {
  return writeFile(
    dir,
    `open-${rate}.yaml`,
    [
      'name: bench-open',
      'kind: load',
      `target: ${url}`,
      `load: { model: open, rate: ${rate}, duration: ${seconds}s, maxInFlight: ${Math.max(1000, rate)} }`,
      'scenario: [{ request: { path: / } }]',
    ].join('\n'),
  );
}

async function strainAt(url: string, dir: string, rate: number, seconds: number, dashboard: boolean, tag: string): Promise<OpenResult> {
  const profile = profileFor(dir, url, rate, seconds);
  const db = join(dir, `open-${tag}-${dashboard ? 'tui' : 'plain'}.db`);
  const command = pinned(1, [process.execPath, STRAIN, 'run', profile, '--no-monitor', '--db', db, ...(dashboard ? [] : ['--no-tui', '--json'])]);
  let s: RunSummary;
  if (dashboard) {
    s = await inTmux(command, db, seconds);
  } else {
    const [cmd, ...args] = command;
    s = JSON.parse((await run(cmd, args)).stdout) as RunSummary;
  }
  return {
    tool: dashboard ? 'strain, dashboard' : 'strain',
    rate,
    achieved: s.throughput,
    p99Ms: s.latencyMs.p99,
    serviceP99Ms: s.serviceLatencyMs?.p99,
    loopDelayMs: s.generator.loopDelayMs,
    stalls: s.generator.stalls?.count ?? 0,
    longestStallMs: s.generator.stalls?.longestMs ?? 0,
    saturated: s.generator.saturated,
    warmupS: s.warmup?.durationS,
  };
}

/**
 * Runs strain with its dashboard in a 120x40 tmux terminal and reads the summary it stored
 * (stdin not a terminal: the finished run does not wait on screen for a key).
 */
async function inTmux(command: string[], db: string, seconds: number): Promise<RunSummary> {
  const socket = `strain-bench-${process.pid}`;
  const done = `${db}.done`;
  execFileSync('tmux', ['-L', socket, 'new-session', '-d', '-x', '120', '-y', '40', `${command.join(' ')} < /dev/null; touch ${done}`]);
  const deadline = Date.now() + (seconds + 60) * 1000;
  while (!existsSync(done) && Date.now() < deadline) await sleep(200);
  try {
    execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // the session ended with the run
  }
  const store = new RunStore(openDb(db));
  try {
    const row = store.getRun('latest');
    if (!row?.summary_json) throw new Error(`the dashboard run stored no summary in ${db}`);
    return JSON.parse(row.summary_json) as RunSummary;
  } finally {
    store.db.close();
  }
}

async function heyAt(url: string, rate: number, seconds: number): Promise<OpenResult> {
  const [cmd, ...args] = pinned(1, [HEY!, '-z', `${seconds}s`, '-c', String(HEY_WORKERS), '-q', String(rate / HEY_WORKERS), url]);
  const text = (await run(cmd, args)).stdout;
  const p99 = /99%% in ([\d.]+) secs/.exec(text)?.[1] ?? /99% in ([\d.]+) secs/.exec(text)?.[1];
  return { tool: 'hey -q', rate, achieved: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0), p99Ms: Number(p99 ?? NaN) * 1000 };
}

function medians(runs: OpenResult[]): OpenResult[] {
  const groups = new Map<string, OpenResult[]>();
  for (const r of runs) groups.set(`${r.rate} ${r.tool}`, [...(groups.get(`${r.rate} ${r.tool}`) ?? []), r]);
  return [...groups.values()].map((xs) => {
    const m = (pick: (r: OpenResult) => number | undefined) => {
      const v = xs.map(pick).filter((x): x is number => x !== undefined);
      return v.length ? median(v) : undefined;
    };
    const delayP99 = m((r) => r.loopDelayMs?.p99);
    return {
      tool: xs[0].tool,
      rate: xs[0].rate,
      achieved: m((r) => r.achieved)!,
      p99Ms: m((r) => r.p99Ms)!,
      serviceP99Ms: m((r) => r.serviceP99Ms),
      ...(delayP99 !== undefined ? { loopDelayMs: { p99: delayP99, max: m((r) => r.loopDelayMs?.max)! } } : {}),
      stalls: m((r) => r.stalls),
      longestStallMs: m((r) => r.longestStallMs),
      // Saturated in any round is reported: it is strain's own verdict on itself.
      saturated: xs[0].saturated === undefined ? undefined : xs.some((r) => r.saturated),
      warmupS: m((r) => r.warmupS),
    };
  });
}

function mediansOf(runs: GeneratorResult[]): GeneratorResult[] {
  const tools = [...new Set(runs.map((r) => r.tool))];
  return tools.map((tool) => {
    const xs = runs.filter((r) => r.tool === tool);
    return { tool, rps: median(xs.map((x) => x.rps)), perCpuSecond: median(xs.map((x) => x.perCpuSecond)) };
  });
}
