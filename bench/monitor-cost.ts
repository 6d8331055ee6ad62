import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CLOCK_TICKS_PER_SECOND } from '../monitor/proc';
import { findNvidiaSmi } from '../monitor/nvidia';

const ROOT = join(__dirname, '..', '..');
const STRAIN = join(ROOT, 'bin', 'strain.js');
const STAND_IN = join(ROOT, 'test', 'fixtures', 'bin');

/** CPU seconds of a process, and of its children it has waited for (a spawn per sample ends up there). */
function cpu(pid: number): { own: number; reaped: number } {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text
    .slice(text.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  // f[11..14] are fields 14..17: utime, stime, cutime, cstime
  return { own: (f[11] + f[12]) / CLOCK_TICKS_PER_SECOND, reaped: (f[13] + f[14]) / CLOCK_TICKS_PER_SECOND };
}

/** CPU seconds of the live children of a process (a long-lived nvidia-smi reader). */
function liveChildren(pid: number): number {
  let total = 0;
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const text = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = text
        .slice(text.lastIndexOf(')') + 2)
        .split(' ')
        .map(Number);
      if (f[1] === pid) total += (f[11] + f[12]) / CLOCK_TICKS_PER_SECOND;
    } catch {
      // gone
    }
  }
  return total;
}

export interface MonitorCost {
  name: string;
  /** The monitor process itself, % of one core. */
  monitorPct: number;
  /** Its nvidia-smi children (live readers, or reaped per-sample processes), % of one core. */
  childrenPct: number;
  seconds: number;
}

const pct = (cpuSeconds: number, wall: number) => Math.round((cpuSeconds / wall) * 10000) / 100;

async function measure(name: string, args: string[], env: NodeJS.ProcessEnv, seconds: number, targetPid: number): Promise<MonitorCost> {
  const dir = mkdtempSync(join(tmpdir(), 'strain-bench-'));
  const monitor = spawn(process.execPath, [STRAIN, 'monitor', '--pid', String(targetPid), '--db', join(dir, 'm.db'), '--interval', '1s', '--listen', 'none', ...args], {
    stdio: ['ignore', 'ignore', 'ignore'],
    env: { ...process.env, ...env },
  });
  try {
    await new Promise((r) => setTimeout(r, 5000)); // start-up, including the one-off host inventory
    const before = cpu(monitor.pid!);
    const liveBefore = liveChildren(monitor.pid!);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const after = cpu(monitor.pid!);
    const liveAfter = liveChildren(monitor.pid!);
    const wall = (Date.now() - t0) / 1000;
    return { name, monitorPct: pct(after.own - before.own, wall), childrenPct: pct(after.reaped - before.reaped + liveAfter - liveBefore, wall), seconds: wall };
  } finally {
    monitor.kill('SIGTERM');
  }
}

/**
 * The monitor's own cost at 1 Hz over a measured window, in four set-ups one after the other:
 * /proc only, with the cgroup source (the target's own cgroup, named), and with GPUs through
 * nvidia-smi read by a long-lived -lms reader and by a process per sample. Without a real
 * nvidia-smi the stand-in from the tests answers: its children's cost is node starting up,
 * not NVML, so the monitor's own figure is the one to compare; on a GPU machine the real
 * one is used.
 */
export async function benchMonitorCost(seconds = 60): Promise<MonitorCost[]> {
  const target = spawn(process.execPath, [STRAIN, 'target', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => target.stdout!.once('data', r));
  const cgroupLine = readFileSync(`/proc/${target.pid}/cgroup`, 'utf8').split('\n');
  const cgroup = (cgroupLine.find((l) => /:memory:/.test(l)) ?? cgroupLine.find((l) => l.startsWith('0::')) ?? '').replace(/^[^:]*:[^:]*:/, '');
  const real = findNvidiaSmi();
  const gpuEnv = real ? {} : { PATH: `${STAND_IN}${delimiter}${process.env.PATH}`, FAKE_GPU_APP_PID: String(target.pid) };
  const gpuName = real ? 'nvidia-smi' : 'stand-in nvidia-smi';
  try {
    const results = [await measure('/proc only', ['--gpu', 'none'], {}, seconds, target.pid!)];
    if (cgroup) results.push(await measure(`+ cgroup ${cgroup}`, ['--gpu', 'none', '--cgroup', cgroup], {}, seconds, target.pid!));
    results.push(await measure(`+ GPU (${gpuName}, long-lived -lms reader)`, ['--gpu', 'loop'], gpuEnv, seconds, target.pid!));
    results.push(await measure(`+ GPU (${gpuName}, a process per sample)`, ['--gpu', 'spawn'], gpuEnv, seconds, target.pid!));
    return results;
  } finally {
    target.kill('SIGTERM');
  }
}

export function formatMonitorCost(results: MonitorCost[]): string {
  const lines = [`monitor at 1 Hz, % of one core over ${results[0]?.seconds.toFixed(0)} s each (target < 1% for the monitor itself):`];
  for (const r of results) lines.push(`  ${r.name.padEnd(58)} monitor ${r.monitorPct.toFixed(2).padStart(5)}%   nvidia-smi processes ${r.childrenPct.toFixed(2).padStart(5)}%`);
  return lines.join('\n');
}

if (require.main === module) {
  // Also runnable on its own: node dist/bench/monitor-cost.js [seconds]
  benchMonitorCost(Number(process.argv[2] ?? 60)).then((r) => console.log(formatMonitorCost(r)));
}
