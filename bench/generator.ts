import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchTarget } from './targets';
import { cpuSecondsOf, median, pinned, ROOT, sleep, STRAIN, tempDir, writeFile } from './util';

export interface GeneratorResult {
  tool: string;
  rps: number;
  perCpuSecond: number;
  p99Ms?: number;
}

/** Runs a command pinned to CPU 1, sampling its CPU time until it exits. */
async function measured(command: string[]): Promise<{ stdout: string; cpu: number; wallS: number }> {
  const [cmd, ...args] = pinned(1, command);
  const started = Date.now();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', () => undefined);
  let cpu = 0;
  const timer = setInterval(() => (cpu = cpuSecondsOf(child.pid!) ?? cpu), 50);
  await new Promise((r) => child.on('close', r));
  clearInterval(timer);
  return { stdout, cpu, wallS: (Date.now() - started) / 1000 };
}

const AUTOCANNON = join(ROOT, 'node_modules', 'autocannon', 'autocannon.js');
export const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));
const HEY = ['/usr/bin/hey', '/usr/local/bin/hey'].find((p) => existsSync(p));

export type Runner = (url: string, seconds: number, connections: number) => Promise<GeneratorResult>;

export function strainRunner(dir: string): Runner {
  return async (url, seconds, connections) => {
    const profile = writeFile(
      dir,
      `closed-${connections}.yaml`,
      ['name: bench-closed', 'kind: load', `target: ${url}`, `load: { vus: ${connections}, duration: ${seconds}s }`, 'scenario: [{ request: { path: / } }]'].join('\n'),
    );
    const r = await measured([process.execPath, STRAIN, 'run', profile, '--no-tui', '--json', '--no-monitor', '--db', join(dir, 'bench.db')]);
    const s = JSON.parse(r.stdout);
    // The CPU counted covers the whole process, so the requests counted do too (warm-up included).
    const sent = s.requests + (s.warmup?.requests ?? 0);
    return { tool: 'strain', rps: s.throughput, perCpuSecond: sent / r.cpu, p99Ms: s.latencyMs.p99 };
  };
}

const autocannon: Runner = async (url, seconds, connections) => {
  const r = await measured([process.execPath, AUTOCANNON, '-c', String(connections), '-d', String(seconds), '-j', url]);
  const j = JSON.parse(r.stdout);
  return { tool: 'autocannon', rps: j.requests.total / j.duration, perCpuSecond: j.requests.total / r.cpu, p99Ms: j.latency.p99 };
};

export const wrk: Runner = async (url, seconds, connections) => {
  const r = await measured([WRK!, '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)![1]);
  const total = Number(/(\d+) requests in/.exec(r.stdout)![1]);
  return { tool: 'wrk', rps, perCpuSecond: total / r.cpu };
};

const hey: Runner = async (url, seconds, connections) => {
  const r = await measured([HEY!, '-z', `${seconds}s`, '-c', String(connections), url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)![1]);
  return { tool: 'hey', rps, perCpuSecond: (rps * seconds) / r.cpu };
};

/**
 * Closed model, same target and connections, tools alternated A B C A B C so drift on a shared
 * machine hits each alike. Reports medians of requests per second and per generator CPU-second.
 */
export async function benchGenerators(rounds = 3, seconds = 8, connections = 50): Promise<{ target: string; results: GeneratorResult[] }> {
  const target = await startBenchTarget();
  const dir = tempDir();
  const runners: [string, Runner][] = [
    ['strain', strainRunner(dir)],
    ['autocannon', autocannon],
  ];
  if (WRK) runners.push(['wrk', wrk]);
  if (HEY) runners.push(['hey', hey]);
  const all = new Map<string, GeneratorResult[]>();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [name, run] of runners) {
        all.set(name, [...(all.get(name) ?? []), await run(target.url, seconds, connections)]);
        await sleep(500);
      }
    }
  } finally {
    target.stop();
  }
  const results = [...all.entries()].map(([tool, xs]) => ({
    tool,
    rps: median(xs.map((x) => x.rps)),
    perCpuSecond: median(xs.map((x) => x.perCpuSecond)),
    p99Ms: xs[0].p99Ms === undefined ? undefined : median(xs.map((x) => x.p99Ms!)),
  }));
  return { target: target.name, results };
}
