import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProcStat, CLOCK_TICKS_PER_SECOND } from '../monitor/proc';

const STRAIN = join(__dirname, '..', '..', 'bin', 'strain.js');

function cpuSeconds(pid: number): number {
  const s = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return (s.utime + s.stime) / CLOCK_TICKS_PER_SECOND;
}

/**
 * The monitor's own cost at 1 Hz: CPU seconds its process used over a measured window
 * (after a 5 s start-up, which includes the one-off host inventory), as % of one core.
 */
export async function benchMonitorCost(seconds = 60): Promise<{ cpuPctOfOneCore: number; seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'strain-bench-'));
  const target = spawn(process.execPath, [STRAIN, 'target', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => target.stdout!.once('data', r));
  const monitor = spawn(process.execPath, [STRAIN, 'monitor', '--pid', String(target.pid), '--db', join(dir, 'm.db'), '--interval', '1s'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await new Promise((r) => setTimeout(r, 5000));
    const before = cpuSeconds(monitor.pid!);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const used = cpuSeconds(monitor.pid!) - before;
    const wall = (Date.now() - t0) / 1000;
    return { cpuPctOfOneCore: Math.round((used / wall) * 10000) / 100, seconds: wall };
  } finally {
    monitor.kill('SIGTERM');
    target.kill('SIGTERM');
  }
}

if (require.main === module) {
  // Also runnable on its own: node dist/bench/monitor-cost.js [seconds]
  benchMonitorCost(Number(process.argv[2] ?? 60)).then((r) =>
    console.log(`monitor at 1 Hz: ${r.cpuPctOfOneCore}% of one core over ${r.seconds.toFixed(0)} s (target: < 1%)`),
  );
}
