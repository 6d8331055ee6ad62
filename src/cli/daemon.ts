import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readCmdline } from '../../monitor/proc';
import { CannotRunError } from '../errors';
import { STRAIN_BIN } from '../paths';


export interface PidFile {
  pid: number;
  startedAt: string;
  [detail: string]: unknown;
}

/** The pidfile's process, only if it is alive and really `strain COMMAND` (a reused pid is never signalled). */
export function readPidFile(file: string, command: string): PidFile | undefined {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as PidFile;
    const cmd = readCmdline(info.pid);
    return cmd && cmd.includes('strain') && cmd.includes(command) ? info : undefined;
  } catch {
    return undefined;
  }
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
  const running = readPidFile(pidfile, o.command);
  if (running) throw new CannotRunError('STRAIN_DAEMON_RUNNING', `a ${o.command} is already running (pid ${running.pid}, ${pidfile})`);
  const log = resolve(o.log);
  mkdirSync(dirname(log), { recursive: true });
  mkdirSync(dirname(pidfile), { recursive: true });
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, [STRAIN_BIN, o.command, ...o.args], { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...o.env } });
  child.unref();
  writeFileSync(pidfile, `${JSON.stringify({ pid: child.pid, startedAt: new Date().toISOString(), ...o.details })}\n`);
  const deadline = Date.now() + o.timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if (child.exitCode !== null || !readCmdline(child.pid!)) {
      rmSync(pidfile, { force: true });
      const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n');
      throw new CannotRunError('STRAIN_DAEMON_START', `${o.command} exited at start; see ${log}:\n${tail}`);
    }
    if (readFileSync(log, 'utf8').includes(o.ready(child.pid!))) return child.pid!;
  }
  throw new CannotRunError('STRAIN_DAEMON_START', `${o.command} did not report ready within ${o.timeoutMs} ms; see ${log}`);
}

/** SIGTERM to the pidfile's process, then waits for it to go. Returns its pid, or undefined if none ran. */
export async function stopDaemon(pidfile: string, command: string, timeoutMs: number): Promise<number | undefined> {
  const file = resolve(pidfile);
  const running = readPidFile(file, command);
  if (!running) {
    rmSync(file, { force: true });
    return undefined;
  }
  process.kill(running.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (readCmdline(running.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (readCmdline(running.pid)) throw new CannotRunError('STRAIN_DAEMON_STOP', `${command} pid ${running.pid} did not stop within ${timeoutMs} ms`);
  rmSync(file, { force: true });
  return running.pid;
}
