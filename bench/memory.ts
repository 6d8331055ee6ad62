import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchTarget } from './targets';
import { pinned, STRAIN, tempDir, writeFile } from './util';

export interface MemoryResult {
  target: string;
  minutes: number;
  requests: number;
  throughput: number;
  /** VmRSS of the strain process (MB) once warm (after the first minute), at the end, and the highest seen after warm-up. */
  rssWarmMB: number;
  rssEndMB: number;
  rssMaxAfterWarmMB: number;
  samples: { atS: number; rssMB: number; dbBytes: number }[];
  /** Growth of the database from the first minute to the end, per hour (the WAL's fixed size left out). */
  dbGrowthPerHour: number;
  dbBytes: number;
  dbBytesPerHour: number;
  dbBytesPerMillionRequests: number;
}

function rssMBOf(pid: number): number | undefined {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Math.round((kb / 1024) * 10) / 10;
  } catch {
    return undefined;
  }
}

/** Size of a SQLite database with its WAL (what the run really wrote to disk). */
function dbBytesOf(file: string): number {
  let total = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      total += statSync(f).size;
    } catch {
      // not there (yet)
    }
  }
  return total;
}

/**
 * The generator at its maximum rate (closed model, 50 VUs, no think time) against the pinned
 * bench target for `minutes`: its RSS every 10 s and what the database holds at the end.
 */
export async function benchMemory(minutes: number, log: (line: string) => void): Promise<MemoryResult> {
  const target = await startBenchTarget();
  const dir = tempDir();
  const db = join(dir, 'memory.db');
  const profile = writeFile(
    dir,
    'memory.yaml',
    ['name: bench-memory', 'kind: load', `target: ${target.url}`, `load: { vus: 50, duration: ${minutes}m }`, 'scenario: [{ request: { path: / } }]'].join('\n'),
  );
  const [cmd, ...args] = pinned(1, [process.execPath, STRAIN, 'run', profile, '--no-tui', '--json', '--no-monitor', '--db', db]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const started = Date.now();
  const samples: { atS: number; rssMB: number; dbBytes: number }[] = [];
  const timer = setInterval(() => {
    const rss = rssMBOf(child.pid!);
    if (rss === undefined) return;
    const sample = { atS: Math.round((Date.now() - started) / 1000), rssMB: rss, dbBytes: dbBytesOf(db) };
    samples.push(sample);
    if (sample.atS % 60 < 10) log(`  ${sample.atS}s: RSS ${rss} MB, database ${(dbBytesOf(db) / 1e6).toFixed(2)} MB`);
  }, 10_000);
  await new Promise((resolve) => child.on('close', resolve));
  clearInterval(timer);
  target.stop();
  const summary = JSON.parse(stdout);
  const warm = samples.filter((s) => s.atS >= 60);
  const dbBytes = dbBytesOf(db);
  const hours = summary.durationS / 3600;
  return {
    target: target.name,
    minutes,
    requests: summary.requests,
    throughput: summary.throughput,
    rssWarmMB: warm[0]?.rssMB ?? NaN,
    rssEndMB: samples[samples.length - 1]?.rssMB ?? NaN,
    rssMaxAfterWarmMB: Math.max(...warm.map((s) => s.rssMB)),
    samples,
    dbBytes,
    dbBytesPerHour: dbBytes / hours,
    dbBytesPerMillionRequests: dbBytes / (summary.requests / 1e6),
    dbGrowthPerHour: warm.length > 1 ? ((warm[warm.length - 1].dbBytes - warm[0].dbBytes) / (warm[warm.length - 1].atS - warm[0].atS)) * 3600 : NaN,
  };
}
