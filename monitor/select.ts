import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupMounts, locateCgroup } from './cgroup';
import { listPids, parseProcStat, readCmdline, readProc } from './proc';

/** Which process the monitor watches. */
export type TargetSelector =
  | { kind: 'pid'; pid: number }
  | { kind: 'port'; port: number }
  | { kind: 'match'; pattern: string }
  /** The oldest process in a cgroup (a container's main process). */
  | { kind: 'cgroup'; path: string };

export function describeSelector(s: TargetSelector): string {
  switch (s.kind) {
    case 'pid':
      return `pid ${s.pid}`;
    case 'port':
      return `port ${s.port}`;
    case 'match':
      return `match /${s.pattern}/`;
    case 'cgroup':
      return `cgroup ${s.path}`;
  }
}

/** Socket inodes listening on a TCP port, from /proc/net/tcp and tcp6 (state 0A is LISTEN). */
export function listeningInodes(port: number, tables: string[]): Set<string> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of tables) {
    for (const row of table.split('\n').slice(1)) {
      const f = row.trim().split(/\s+/);
      if (f.length < 10) continue;
      if (f[3] === '0A' && f[1].endsWith(`:${hexPort}`)) inodes.add(f[9]);
    }
  }
  return inodes;
}

function pidOwningSocket(inodes: Set<string>, exclude: ReadonlySet<number>): number | undefined {
  for (const pid of listPids()) {
    if (exclude.has(pid)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      try {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (link.startsWith('socket:[') && inodes.has(link.slice(8, -1))) return pid;
      } catch {
        // fd closed while we looked
      }
    }
  }
  return undefined;
}

/** The oldest of some pids (by start time), or undefined. */
function oldest(pids: Iterable<number>): number | undefined {
  let best: { pid: number; start: number } | undefined;
  for (const pid of pids) {
    const stat = readProc(`/proc/${pid}/stat`);
    if (!stat) continue;
    const start = parseProcStat(stat).starttime;
    if (!best || start < best.start) best = { pid, start };
  }
  return best?.pid;
}

/** The oldest process in a cgroup, from whichever hierarchy lists its processes. */
function pidInCgroup(path: string, exclude: ReadonlySet<number>): number | undefined {
  const dirs = locateCgroup(path, cgroupMounts());
  if (!dirs) return undefined;
  for (const dir of [dirs.v1.memory, dirs.v2, ...Object.values(dirs.v1)]) {
    const procs = dir ? readProc(join(dir, 'cgroup.procs')) : undefined;
    const pids = (procs ?? '')
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((p) => !exclude.has(p));
    if (pids.length) return oldest(pids);
  }
  return undefined;
}

/** The oldest process whose command line matches (so a restart's new process is found again). */
function pidMatching(pattern: RegExp, exclude: ReadonlySet<number>): number | undefined {
  return oldest(
    listPids().filter((pid) => {
      if (exclude.has(pid)) return false;
      const cmd = readCmdline(pid);
      return !!cmd && pattern.test(cmd);
    }),
  );
}

/**
 * Finds the pid the selector points at now, or undefined. The monitor's own process and
 * its parent are excluded: their command lines contain the --match pattern itself.
 */
export function resolveTarget(selector: TargetSelector, exclude: ReadonlySet<number> = new Set([process.pid, process.ppid])): number | undefined {
  switch (selector.kind) {
    case 'pid':
      return readProc(`/proc/${selector.pid}/stat`) !== undefined ? selector.pid : undefined;
    case 'port': {
      const tables = [readProc('/proc/net/tcp') ?? '', readProc('/proc/net/tcp6') ?? ''];
      const inodes = listeningInodes(selector.port, tables);
      // No exclusion here: whoever holds the listening socket is the target, even this process.
      return inodes.size > 0 ? pidOwningSocket(inodes, new Set()) : undefined;
    }
    case 'match':
      return pidMatching(new RegExp(selector.pattern), exclude);
    case 'cgroup':
      return pidInCgroup(selector.path, exclude);
  }
}
