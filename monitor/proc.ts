import { readdirSync, readFileSync } from 'node:fs';

/**
 * Readers for Linux /proc. Parsers are pure (text in, numbers out) so they are tested on
 * fixed text; readers return undefined when a file cannot be read (process gone, no access).
 */

export const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ is 100 on every mainstream Linux build

export interface ProcStat {
  pid: number;
  comm: string;
  /** CPU time in clock ticks. */
  utime: number;
  stime: number;
  /** Start time after boot, in ticks: with the pid, identifies a process across pid reuse. */
  starttime: number;
}

export function parseProcStat(text: string): ProcStat {
  // comm may contain spaces and parentheses; the fields after the last ')' are fixed.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state): utime is field 14, stime 15, starttime 22.
  return { pid: Number(text.slice(0, text.indexOf(' '))), comm, utime: Number(f[11]), stime: Number(f[12]), starttime: Number(f[19]) };
}

export interface ProcStatus {
  rssBytes: number;
  vsizeBytes: number;
  threads: number;
  voluntaryCtx: number;
  involuntaryCtx: number;
}

export function parseProcStatus(text: string): ProcStatus {
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  return {
    rssBytes: field('VmRSS') * 1024,
    vsizeBytes: field('VmSize') * 1024,
    threads: field('Threads'),
    voluntaryCtx: field('voluntary_ctxt_switches'),
    involuntaryCtx: field('nonvoluntary_ctxt_switches'),
  };
}

export interface ProcIo {
  readBytes: number;
  writeBytes: number;
}

export function parseProcIo(text: string): ProcIo {
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { readBytes: field('read_bytes'), writeBytes: field('write_bytes') };
}

export interface HostCpu {
  busy: number;
  total: number;
}

export function parseHostCpu(procStat: string): HostCpu {
  const fields = procStat.slice(0, procStat.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0); // guest time is already in user
  return { busy: total - idle, total };
}

export interface HostMemory {
  totalBytes: number;
  availableBytes: number;
}

export function parseMeminfo(text: string): HostMemory {
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { totalBytes: kb('MemTotal'), availableBytes: kb('MemAvailable') };
}

export function parseLoadavg(text: string): [number, number, number] {
  const [a, b, c] = text.split(' ').map(Number);
  return [a, b, c];
}

/** Total bytes received and sent over all interfaces (loopback included: load tests use it). */
export function parseNetDev(text: string): { rxBytes: number; txBytes: number } {
  let rxBytes = 0;
  let txBytes = 0;
  for (const row of text.split('\n').slice(2)) {
    const colon = row.indexOf(':');
    if (colon < 0) continue;
    const f = row
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    rxBytes += f[0];
    txBytes += f[8];
  }
  return { rxBytes, txBytes };
}

/** Bytes read and written by whole disks (partitions would count twice; loop and ram devices are skipped). */
export function parseDiskstats(text: string, wholeDisks: ReadonlySet<string>): { readBytes: number; writeBytes: number } {
  let readBytes = 0;
  let writeBytes = 0;
  for (const row of text.split('\n')) {
    const f = row.trim().split(/\s+/);
    if (f.length < 10 || !wholeDisks.has(f[2])) continue;
    readBytes += Number(f[5]) * 512;
    writeBytes += Number(f[9]) * 512;
  }
  return { readBytes, writeBytes };
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export const readProc = read;

/** procRoot other than /proc is for tests and forcing the systeminformation fallback. */
export function hasProc(procRoot = '/proc'): boolean {
  return read(`${procRoot}/self/stat`) !== undefined;
}

export function wholeDisks(): Set<string> {
  try {
    return new Set(readdirSync('/sys/block').filter((d) => !/^(loop|ram|zram)/.test(d)));
  } catch {
    return new Set();
  }
}

export function countFds(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

export function listPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

export function readCmdline(pid: number): string | undefined {
  const raw = read(`/proc/${pid}/cmdline`);
  return raw === undefined ? undefined : raw.replace(/\0+$/, '').replace(/\0/g, ' ');
}
