import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CannotRunError, UsageError } from '../errors';
import { STRAIN_BIN } from '../paths';
import { processStartTime } from '../util/process-identity';
import { inspectPidFile, newNonce, NONCE_ENV, removePidFile, writePidFile, type PidFile } from './pidfile';

export type { PidFile } from './pidfile';

/**
 * The pidfile's daemon if it runs, undefined if there is none (or only a stale pidfile);
 * a file that is not this daemon's pidfile is a usage error, and is left alone.
 */
export function runningDaemon(file: string, command: string): PidFile | undefined {
  const found = inspectPidFile(resolve(file), command);
  if (found.state === 'foreign') throw new UsageError(`${found.reason}; nothing signalled, the file is left alone`);
  return found.state === 'running' ? found.info : undefined;
}

export interface DaemonStart {
  command: string;
  args: string[];
  /** Added to the child's environment (secrets go here, never into its visible arguments). */
  env?: NodeJS.ProcessEnv;
  pidfile: string;
  log: string;
  /** Text the child writes to its log once it is ready. */
  ready: (pid: number) => string;
  details?: Record<string, unknown>;
  timeoutMs: number;
}

/** Starts `strain COMMAND ARGS` detached, logging to a file; resolves once it reports ready. */
export async function startDaemon(o: DaemonStart): Promise<number> {
  const pidfile = resolve(o.pidfile);
  const running = runningDaemon(pidfile, o.command);
  if (running) throw new CannotRunError('STRAIN_DAEMON_RUNNING', `a ${o.command} is already running (pid ${running.pid}, ${pidfile})`);
  const log = resolve(o.log);
  mkdirSync(dirname(log), { recursive: true });
  mkdirSync(dirname(pidfile), { recursive: true });
  const fd = openSync(log, 'a');
  const nonce = newNonce();
  const child = spawn(process.execPath, [STRAIN_BIN, o.command, ...o.args], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...o.env, [NONCE_ENV]: nonce },
  });
  child.unref();
  const pid = child.pid!;
  const info: PidFile = { strain: o.command, pid, start: processStartTime(pid) ?? -1, nonce, startedAt: new Date().toISOString(), ...o.details };
  writePidFile(pidfile, info);
  const deadline = Date.now() + o.timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if (child.exitCode !== null || processStartTime(pid) !== info.start) {
      removePidFile(pidfile, info);
      const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n');
      throw new CannotRunError('STRAIN_DAEMON_START', `${o.command} exited at start; see ${log}:\n${tail}`);
    }
    if (readFileSync(log, 'utf8').includes(o.ready(pid))) return pid;
  }
  throw new CannotRunError('STRAIN_DAEMON_START', `${o.command} did not report ready within ${o.timeoutMs} ms; see ${log}`);
}

/**
 * SIGTERM to the pidfile's daemon, only once its pid, start time and nonce all match, then
 * waits for it to go. Returns what happened, in words.
 */
export async function stopDaemon(pidfile: string, command: string, timeoutMs: number): Promise<string> {
  const file = resolve(pidfile);
  const found = inspectPidFile(file, command);
  if (found.state === 'foreign') throw new UsageError(`${found.reason}; nothing signalled, the file is left alone`);
  if (found.state === 'missing') return `no ${command} running (no pidfile ${file})`;
  if (found.state === 'stale') {
    removePidFile(file, found.info);
    return `no ${command} running: ${found.reason}; removed its stale pidfile ${file}`;
  }
  const { pid, start } = found.info;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (processStartTime(pid) === start && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (processStartTime(pid) === start) throw new CannotRunError('STRAIN_DAEMON_STOP', `${command} pid ${pid} did not stop within ${timeoutMs} ms`);
  removePidFile(file, found.info);
  return `${command} stopped (pid ${pid})`;
}
