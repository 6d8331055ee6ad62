import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * A process's start time: clock ticks since boot, /proc/PID/stat field 22. With the pid it
 * names one process for the life of the machine (a reused pid starts later). Undefined when
 * the process is gone, a zombie, or there is no /proc.
 */
export function processStartTime(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  const start = Number(fields[19]);
  return Number.isFinite(start) ? start : undefined;
}

/**
 * Where pids mean something: this host and its pid namespace. A run row written in another
 * container or machine sharing the database is never judged by this one's process table.
 */
export function pidHost(): string {
  let ns = '';
  try {
    ns = readlinkSync('/proc/self/ns/pid');
  } catch {
    // no /proc: the host name alone
  }
  return `${hostname()} ${ns}`.trim();
}

/** This process's soft limit on open files (`ulimit -n`), from /proc/self/limits; undefined when unknown. */
export function openFileLimit(): number | undefined {
  try {
    const row = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = row?.slice('Max open files'.length).trim().split(/\s+/)[0];
    return soft && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}
