import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDb } from '../src/store/db';
import { RunStore } from '../src/store/runs';
import { cpuSecondsOf, median, pinned, sleep, startTarget, STRAIN, tempDir, writeFile } from './util';

interface Sample {
  throughput: number;
  perCpuSecond: number;
}

/** Waits for the newest run's pid to appear, then tracks its CPU until `done` exists. */
async function followRun(db: string, done: () => boolean): Promise<{ throughput: number; cpu: number }> {
  let pid: number | undefined;
  let cpu = 0;
  while (!done()) {
    if (pid === undefined && existsSync(db)) {
      const handle = openDb(db);
      const row = handle.prepare("SELECT pid FROM runs WHERE status = 'running' ORDER BY id DESC LIMIT 1").get() as { pid: number } | undefined;
      handle.close();
      pid = row?.pid;
    }
    if (pid !== undefined) cpu = cpuSecondsOf(pid) ?? cpu;
    await sleep(100);
  }
  const store = new RunStore(openDb(db));
  const summary = JSON.parse(store.getRun('latest')!.summary_json!);
  store.db.close();
  return { throughput: summary.throughput, cpu };
}

/**
 * The dashboard's cost to the generator: the same profile and target with the TUI (in a
 * tmux terminal) and with --no-tui, alternating A B A B. Target and generator are pinned to
 * different cores; throughput and requests per generator CPU-second are both reported.
 */
export async function benchTuiCost(rounds = 3, seconds = 10): Promise<{ tui: Sample; plain: Sample }> {
  const target = await startTarget();
  const dir = tempDir();
  const profile = writeFile(
    dir,
    'p.yaml',
    ['name: tui-cost', 'kind: load', `target: ${target.url}`, `load: { vus: 50, duration: ${seconds}s }`, 'scenario: [{ request: { path: / } }]'].join('\n'),
  );
  const socket = `strain-bench-${process.pid}`;
  const results: Record<'tui' | 'plain', Sample[]> = { tui: [], plain: [] };
  try {
    for (let i = 0; i < rounds * 2; i++) {
      const mode = i % 2 === 0 ? 'tui' : 'plain';
      const db = join(dir, `run-${i}.db`);
      const done = join(dir, `done-${i}`);
      const command = pinned(1, [process.execPath, STRAIN, 'run', profile, '--db', db, ...(mode === 'plain' ? ['--no-tui'] : [])]).join(' ');
      // Both modes run inside the same kind of terminal; only the dashboard differs.
      execFileSync('tmux', ['-L', socket, 'new-session', '-d', '-s', `r${i}`, '-x', '120', '-y', '40', `${command} < /dev/null; touch ${done}`]); // no key awaited at the end
      const r = await followRun(db, () => existsSync(done));
      results[mode].push({ throughput: r.throughput, perCpuSecond: (r.throughput * seconds) / Math.max(r.cpu, 1e-3) });
    }
  } finally {
    try {
      execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // no server left
    }
    target.child.kill('SIGTERM');
  }
  const summarize = (xs: Sample[]): Sample => ({ throughput: median(xs.map((x) => x.throughput)), perCpuSecond: median(xs.map((x) => x.perCpuSecond)) });
  return { tui: summarize(results.tui), plain: summarize(results.plain) };
}
