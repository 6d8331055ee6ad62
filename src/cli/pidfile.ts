import { randomBytes } from 'node:crypto';
import { lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { processStartTime } from '../util/process-identity';

/** The daemon's environment carries its pidfile's nonce: proof, read from /proc/PID/environ, that a pid is that daemon. */
export const NONCE_ENV = 'STRAIN_DAEMON_NONCE';

/** What `strain monitor|scheduler start` writes; `stop` trusts nothing else. */
export interface PidFile {
  strain: string;
  pid: number;
  /** /proc/PID/stat start time: a reused pid never matches. */
  start: number;
  nonce: string;
  startedAt: string;
  [detail: string]: unknown;
}

export type PidFileState =
  | { state: 'missing' }
  /** Not a pidfile of this daemon (another file, a directory, a forged pid): never signalled, never removed. */
  | { state: 'foreign'; reason: string }
  /** This daemon's pidfile whose process is gone (or whose pid now belongs to another process): safe to remove. */
  | { state: 'stale'; info: PidFile; reason: string }
  | { state: 'running'; info: PidFile };

export const newNonce = (): string => randomBytes(16).toString('hex');

export function writePidFile(file: string, info: PidFile): void {
  writeFileSync(file, `${JSON.stringify(info)}\n`);
}

/** Reads and checks a pidfile without touching it or any process. */
export function inspectPidFile(file: string, command: string): PidFileState {
  let text: string;
  try {
    const st = lstatSync(file);
    if (!st.isFile()) return { state: 'foreign', reason: `${file} is ${st.isDirectory() ? 'a directory' : 'not a regular file'}` };
    if (st.size > 4096) return { state: 'foreign', reason: `${file} is not a strain ${command} pidfile (${st.size} bytes)` };
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return { state: 'missing' };
    return { state: 'foreign', reason: `${file} cannot be read: ${e.message}` };
  }
  const info = parse(text);
  if (!info || info.strain !== command) {
    const what = info ? `a strain ${info.strain} pidfile` : `not a strain ${command} pidfile`;
    return { state: 'foreign', reason: `${file} is ${what} (expected {"strain":"${command}","pid":N,"start":T,"nonce":...})` };
  }
  const start = processStartTime(info.pid);
  if (start === undefined) return { state: 'stale', info, reason: `pid ${info.pid} is gone` };
  if (start !== info.start) return { state: 'stale', info, reason: `pid ${info.pid} is now another process (it started later)` };
  let environ: string;
  try {
    environ = readFileSync(`/proc/${info.pid}/environ`, 'latin1');
  } catch (err) {
    return { state: 'foreign', reason: `cannot confirm pid ${info.pid} is the strain ${command} (${(err as Error).message})` };
  }
  if (!environ.split('\0').includes(`${NONCE_ENV}=${info.nonce}`)) {
    return { state: 'foreign', reason: `pid ${info.pid} is not the strain ${command} this pidfile names (its nonce is not in the process's environment)` };
  }
  return { state: 'running', info };
}

function parse(text: string): PidFile | undefined {
  try {
    const v = JSON.parse(text) as Partial<PidFile> | null;
    const ok =
      !!v &&
      typeof v === 'object' &&
      typeof v.strain === 'string' &&
      Number.isSafeInteger(v.pid) &&
      v.pid! > 0 &&
      Number.isSafeInteger(v.start) &&
      v.start! >= 0 &&
      typeof v.nonce === 'string' &&
      /^[0-9a-f]{32}$/.test(v.nonce);
    return ok ? (v as PidFile) : undefined;
  } catch {
    return undefined;
  }
}

/** Removes a pidfile only if it still holds what was inspected (nothing else wrote it since). */
export function removePidFile(file: string, info: PidFile): void {
  try {
    if (parse(readFileSync(file, 'utf8'))?.nonce === info.nonce) rmSync(file);
  } catch {
    // already gone
  }
}
