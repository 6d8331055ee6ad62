import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupSample } from '../src/core/samples';

/**
 * cgroup v1 and v2 readers. A cgroup is named by its path as /proc/PID/cgroup gives it
 * ("/docker/abc"); each figure is read from the v2 directory when that file exists there,
 * else from the v1 controller's directory, so hybrid hosts (v1 memory, v2 mount) work too.
 * Parsers are pure (text in, numbers out).
 */

/** Above this a v1 memory limit means "none" (the kernel writes PAGE_COUNTER_MAX pages). */
const UNLIMITED = 2 ** 62;

export interface CgroupMounts {
  v2?: { root: string; mount: string };
  /** v1 controller name (memory, cpu, cpuacct, blkio) → its hierarchy. */
  v1: Record<string, { root: string; mount: string }>;
}

/** cgroup mounts from /proc/self/mountinfo. */
export function parseMountinfo(text: string): CgroupMounts {
  const mounts: CgroupMounts = { v1: {} };
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!right) continue;
    const f = left.split(' ');
    const [fstype, , options = ''] = right.split(' ');
    const entry = { root: f[3], mount: f[4] };
    if (fstype === 'cgroup2') mounts.v2 ??= entry;
    if (fstype === 'cgroup') for (const o of options.split(',')) if (['memory', 'cpu', 'cpuacct', 'blkio'].includes(o)) mounts.v1[o] ??= entry;
  }
  return mounts;
}

/** /proc/PID/cgroup → the v2 path ("0::/x") and v1 paths per controller. */
export function parseProcCgroup(text: string): { v2?: string; v1: Record<string, string> } {
  const out: { v2?: string; v1: Record<string, string> } = { v1: {} };
  for (const line of text.trim().split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') out.v2 = m[3];
    else for (const c of m[2].split(',')) out.v1[c] = m[3];
  }
  return out;
}

/** "key value" lines (cpu.stat, memory.events, memory.oom_control) → numbers by key. */
export function parseKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^-?\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** v2 cpu.max ("max 100000" or "50000 100000") → cores, or null when unlimited. */
export function parseCpuMax(text: string): number | null {
  const [quota, period] = text.trim().split(/\s+/);
  return quota === 'max' || !Number(period) ? null : Number(quota) / Number(period);
}

/** A memory limit file (v2 "max" or a number; v1 a huge number when none) → bytes or null. */
export function parseMemLimit(text: string): number | null {
  const t = text.trim();
  if (t === 'max') return null;
  const n = Number(t);
  return Number.isFinite(n) && n < UNLIMITED ? n : null;
}

/** v2 io.stat: sum rbytes and wbytes across devices. */
export function parseIoStat(text: string): { readBytes: number; writeBytes: number } {
  let readBytes = 0;
  let writeBytes = 0;
  for (const m of text.matchAll(/\brbytes=(\d+)/g)) readBytes += Number(m[1]);
  for (const m of text.matchAll(/\bwbytes=(\d+)/g)) writeBytes += Number(m[1]);
  return { readBytes, writeBytes };
}

/** v1 blkio.throttle.io_service_bytes: "8:0 Read N" lines summed (the Total line skipped). */
export function parseBlkioBytes(text: string): { readBytes: number; writeBytes: number } {
  let readBytes = 0;
  let writeBytes = 0;
  for (const line of text.split('\n')) {
    const [dev, op, n] = line.trim().split(/\s+/);
    if (!dev?.includes(':')) continue;
    if (op === 'Read') readBytes += Number(n);
    if (op === 'Write') writeBytes += Number(n);
  }
  return { readBytes, writeBytes };
}

function read(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Where one cgroup's directories are, per hierarchy. */
export interface CgroupDirs {
  path: string;
  v2?: string;
  v1: Record<string, string>;
}

function under(entry: { root: string; mount: string }, path: string): string {
  const rel = entry.root !== '/' && path.startsWith(entry.root) ? path.slice(entry.root.length) : path;
  return join(entry.mount, rel);
}

/**
 * Finds a cgroup's directories. `spec` is a cgroup path ("/docker/abc") or a directory under
 * a cgroup mount ("/sys/fs/cgroup/memory/docker/abc"). Undefined when no directory exists.
 */
export function locateCgroup(spec: string, mounts: CgroupMounts): CgroupDirs | undefined {
  let path = spec;
  for (const entry of [mounts.v2, ...Object.values(mounts.v1)]) {
    if (entry && (spec === entry.mount || spec.startsWith(`${entry.mount}/`))) {
      path = spec.slice(entry.mount.length) || '/';
      if (entry.root !== '/') path = join(entry.root, path);
      break;
    }
  }
  const dirs: CgroupDirs = { path, v1: {} };
  if (mounts.v2 && existsSync(join(under(mounts.v2, path), 'cgroup.procs'))) dirs.v2 = under(mounts.v2, path);
  for (const [controller, entry] of Object.entries(mounts.v1)) {
    const dir = under(entry, path);
    if (existsSync(join(dir, 'cgroup.procs'))) dirs.v1[controller] = dir;
  }
  return dirs.v2 || Object.keys(dirs.v1).length ? dirs : undefined;
}

/** The cgroup a process is in, located through its /proc/PID/cgroup (memory's v1 path first). */
export function cgroupOfPid(pid: number, mounts: CgroupMounts, procRoot = '/proc'): CgroupDirs | undefined {
  const text = read(`${procRoot}/${pid}/cgroup`);
  if (!text) return undefined;
  const paths = parseProcCgroup(text);
  const dirs: CgroupDirs = { path: paths.v1.memory ?? paths.v2 ?? '/', v1: {} };
  if (mounts.v2 && paths.v2 !== undefined) dirs.v2 = under(mounts.v2, paths.v2);
  for (const [controller, entry] of Object.entries(mounts.v1)) {
    if (paths.v1[controller] !== undefined) dirs.v1[controller] = under(entry, paths.v1[controller]);
  }
  return dirs;
}

export function cgroupMounts(procRoot = '/proc'): CgroupMounts {
  return parseMountinfo(read(`${procRoot}/self/mountinfo`) ?? '');
}

/** Raw figures of one cgroup right now, v2 first; undefined fields where nothing could be read. */
export interface CgroupReading {
  cpuUsageUsec?: number;
  quotaCores: number | null;
  memBytes?: number;
  memLimitBytes: number | null;
  oomKills?: number;
  io?: { readBytes: number; writeBytes: number };
}

function readCgroup(d: CgroupDirs): CgroupReading {
  const v2 = (file: string) => read(d.v2 && join(d.v2, file));
  const v1 = (controller: string, file: string) => read(d.v1[controller] && join(d.v1[controller], file));
  const cpuStat = v2('cpu.stat');
  const cpuacct = v1('cpuacct', 'cpuacct.usage');
  const cpuUsageUsec = cpuStat ? parseKeyed(cpuStat).usage_usec : cpuacct ? Math.round(Number(cpuacct) / 1000) : undefined;
  const cpuMax = v2('cpu.max');
  const cfsQuota = v1('cpu', 'cpu.cfs_quota_us');
  const cfsPeriod = v1('cpu', 'cpu.cfs_period_us');
  const quotaCores = cpuMax ? parseCpuMax(cpuMax) : cfsQuota && cfsPeriod && Number(cfsQuota) > 0 ? Number(cfsQuota) / Number(cfsPeriod) : null;
  const memCurrent = v2('memory.current');
  const memText = memCurrent ?? v1('memory', 'memory.usage_in_bytes');
  const limitText = memCurrent ? v2('memory.max') : v1('memory', 'memory.limit_in_bytes');
  const events = memCurrent ? v2('memory.events') : v1('memory', 'memory.oom_control');
  const ioText = v2('io.stat');
  const blkio = ioText === undefined ? v1('blkio', 'blkio.throttle.io_service_bytes') : undefined;
  return {
    cpuUsageUsec,
    quotaCores,
    memBytes: memText === undefined ? undefined : Number(memText.trim()),
    memLimitBytes: limitText ? parseMemLimit(limitText) : null,
    oomKills: events ? parseKeyed(events).oom_kill : undefined,
    io: ioText !== undefined ? parseIoStat(ioText) : blkio !== undefined ? parseBlkioBytes(blkio) : undefined,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Samples one cgroup; CPU and I/O are deltas from the previous reading. */
export class CgroupSampler {
  private prev: { at: number; reading: CgroupReading };

  constructor(
    readonly dirs: CgroupDirs,
    at: number,
  ) {
    this.prev = { at, reading: readCgroup(dirs) };
  }

  /** The latest raw reading (the constructor's until the first sample). */
  get reading(): CgroupReading {
    return this.prev.reading;
  }

  get limitBytes(): number | null {
    return this.prev.reading.memLimitBytes;
  }

  sample(at: number): CgroupSample {
    const r = readCgroup(this.dirs);
    const p = this.prev.reading;
    const seconds = Math.max((at - this.prev.at) / 1000, 1e-3);
    const cpuPct = r.cpuUsageUsec !== undefined && p.cpuUsageUsec !== undefined ? round2(((r.cpuUsageUsec - p.cpuUsageUsec) / 1e6 / seconds) * 100) : null;
    const rate = (now: number | undefined, before: number | undefined) => (now !== undefined && before !== undefined ? round2((now - before) / seconds) : null);
    this.prev = { at, reading: r };
    return {
      at,
      path: this.dirs.path,
      cpuUsageUsec: r.cpuUsageUsec ?? null,
      cpuPct,
      quotaCores: r.quotaCores,
      quotaPct: cpuPct !== null && r.quotaCores ? round2(cpuPct / r.quotaCores) : null,
      memBytes: r.memBytes ?? null,
      memLimitBytes: r.memLimitBytes,
      oomKills: r.oomKills ?? null,
      ioReadBps: rate(r.io?.readBytes, p.io?.readBytes),
      ioWriteBps: rate(r.io?.writeBytes, p.io?.writeBytes),
    };
  }
}
