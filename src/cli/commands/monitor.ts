import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseListen, startMonitorApi, type MonitorApi } from '../../../monitor/api';
import { hostInventory } from '../../../monitor/inventory';
import { Monitor } from '../../../monitor/monitor';
import { readCmdline } from '../../../monitor/proc';
import type { TargetSelector } from '../../../monitor/select';
import { defaults } from '../../defaults';
import { CannotRunError, ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import { openDb } from '../../store/db';
import { MonitorStore } from '../../store/monitor';
import { durationMs, parseCommandArgs, port, positiveInt } from '../args';
import { line, type CliIo } from '../io';

const STRAIN_BIN = join(__dirname, '..', '..', '..', '..', 'bin', 'strain.js');

export const monitorUsage =
  'strain monitor [--pid N | --port P | --match REGEX] [--interval D] [--db FILE] [--listen ADDR|none] [--token T]\n' +
  '  strain monitor start [same options] [--pidfile F] [--log F] | stop [--pidfile F] | status [--pidfile F] [--json]';

const options = {
  pid: { type: 'string' },
  port: { type: 'string' },
  match: { type: 'string' },
  interval: { type: 'string' },
  db: { type: 'string' },
  listen: { type: 'string' },
  token: { type: 'string' },
  pidfile: { type: 'string' },
  log: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof options>>['values'];

/** Exactly one of --pid, --port, --match. */
export function selectorFrom(values: { pid?: string; port?: string; match?: string }): TargetSelector {
  const given = (['pid', 'port', 'match'] as const).filter((k) => values[k] !== undefined);
  if (given.length !== 1) throw new UsageError('strain monitor: give exactly one of --pid N, --port P or --match REGEX');
  if (values.pid !== undefined) return { kind: 'pid', pid: positiveInt(values.pid, 'pid')! };
  if (values.port !== undefined) return { kind: 'port', port: port(values.port)! };
  try {
    new RegExp(values.match!);
  } catch (err) {
    throw new UsageError(`--match: not a valid regular expression: ${(err as Error).message}`);
  }
  return { kind: 'match', pattern: values.match! };
}

interface PidFile {
  pid: number;
  listen: string | null;
  db: string;
  startedAt: string;
}

function readPidFile(file: string): PidFile | undefined {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as PidFile;
    // Only a live strain monitor counts: a stale file or a reused pid must never be signalled.
    const cmd = readCmdline(info.pid);
    return cmd && cmd.includes('strain') && cmd.includes('monitor') ? info : undefined;
  } catch {
    return undefined;
  }
}

async function foreground(values: Values, io: CliIo): Promise<ExitCodeValue> {
  const selector = selectorFrom(values);
  const intervalMs = durationMs(values.interval ?? defaults.monitor.interval, 'interval')!;
  if (intervalMs < 100) throw new UsageError('--interval: must be at least 100ms');
  const listenSpec = values.listen ?? defaults.monitor.listen;
  const listen = listenSpec === 'none' ? undefined : parseListen(listenSpec);
  if (listenSpec !== 'none' && !listen) throw new UsageError(`--listen: "${listenSpec}" is not HOST:PORT (e.g. 127.0.0.1:9930) or none`);
  const token = values.token ?? io.env.STRAIN_MONITOR_TOKEN;
  if (listen && !['127.0.0.1', 'localhost', '::1'].includes(listen.host) && !/^127\./.test(listen.host) && !token) {
    throw new UsageError(`--listen ${listenSpec}: serving beyond loopback requires --token (or STRAIN_MONITOR_TOKEN)`);
  }
  const db = openDb(values.db ?? defaults.db);
  const store = new MonitorStore(db);
  const monitor = new Monitor({
    selector, intervalMs, store, host: await hostInventory(),
    onEvent: (e) => line(io.stderr, `${new Date(e.at).toISOString()} ${e.kind}: ${e.message}`),
  });
  let api: MonitorApi | undefined;
  try {
    if (listen) api = await startMonitorApi({ monitor, store, host: listen.host, port: listen.port, token });
  } catch (err) {
    monitor.stop();
    db.close();
    throw new CannotRunError('STRAIN_MONITOR_LISTEN', `cannot serve the monitor API on ${listenSpec}: ${(err as Error).message}`);
  }
  monitor.start();
  line(io.stdout, `strain monitor ${monitor.id} (pid ${process.pid}) sampling ${values.db ?? defaults.db} every ${intervalMs} ms${api ? `; API on ${api.url}` : ''}`);
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  monitor.stop();
  await api?.close();
  db.close();
  return ExitCode.passed;
}

async function startDaemon(argv: string[], values: Values, io: CliIo): Promise<ExitCodeValue> {
  selectorFrom(values); // fail here, not in the background
  const pidfile = resolve(values.pidfile ?? defaults.monitor.pidfile);
  const running = readPidFile(pidfile);
  if (running) throw new CannotRunError('STRAIN_MONITOR_RUNNING', `a monitor is already running (pid ${running.pid}, ${pidfile})`);
  const log = resolve(values.log ?? defaults.monitor.log);
  mkdirSync(dirname(log), { recursive: true });
  mkdirSync(dirname(pidfile), { recursive: true });
  const childArgs = argv.filter((a, i) => !(a === 'start' && i === argv.indexOf('start')));
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, [STRAIN_BIN, 'monitor', ...childArgs], { detached: true, stdio: ['ignore', fd, fd] });
  child.unref();
  const listen = values.listen ?? defaults.monitor.listen;
  const info: PidFile = { pid: child.pid!, listen: listen === 'none' ? null : listen, db: resolve(values.db ?? defaults.db), startedAt: new Date().toISOString() };
  writeFileSync(pidfile, `${JSON.stringify(info)}\n`);
  // Ready when its log says so; gone early means it failed (the log says why).
  const deadline = Date.now() + defaults.monitor.startTimeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if (child.exitCode !== null || !readCmdline(child.pid!)) {
      rmSync(pidfile, { force: true });
      throw new CannotRunError('STRAIN_MONITOR_START', `monitor exited at start; see ${log}:\n${readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n')}`);
    }
    if (readFileSync(log, 'utf8').includes(`(pid ${child.pid})`)) {
      line(io.stdout, `monitor started (pid ${child.pid}); log ${log}; pidfile ${pidfile}`);
      return ExitCode.passed;
    }
  }
  throw new CannotRunError('STRAIN_MONITOR_START', `monitor did not report ready within ${defaults.monitor.startTimeoutMs} ms; see ${log}`);
}

async function stopDaemon(values: Values, io: CliIo): Promise<ExitCodeValue> {
  const pidfile = resolve(values.pidfile ?? defaults.monitor.pidfile);
  const running = readPidFile(pidfile);
  if (!running) {
    rmSync(pidfile, { force: true });
    line(io.stdout, 'no monitor running');
    return ExitCode.passed;
  }
  process.kill(running.pid, 'SIGTERM');
  const deadline = Date.now() + defaults.monitor.stopTimeoutMs;
  while (readCmdline(running.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (readCmdline(running.pid)) throw new CannotRunError('STRAIN_MONITOR_STOP', `monitor pid ${running.pid} did not stop within ${defaults.monitor.stopTimeoutMs} ms`);
  rmSync(pidfile, { force: true });
  line(io.stdout, `monitor stopped (pid ${running.pid})`);
  return ExitCode.passed;
}

async function status(values: Values, io: CliIo): Promise<ExitCodeValue> {
  const pidfile = resolve(values.pidfile ?? defaults.monitor.pidfile);
  const running = readPidFile(pidfile);
  let health: unknown;
  if (running?.listen) {
    const l = parseListen(running.listen)!;
    const host = l.host.includes(':') ? `[${l.host}]` : l.host;
    const token = values.token ?? io.env.STRAIN_MONITOR_TOKEN;
    health = await fetch(`http://${host}:${l.port}/health`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
      .then((r) => r.json())
      .catch((err: Error) => ({ error: err.message }));
  }
  if (values.json) line(io.stdout, JSON.stringify({ running: !!running, ...(running ?? {}), health: health ?? null }, null, 2));
  else if (!running) line(io.stdout, 'no monitor running');
  else line(io.stdout, `monitor running (pid ${running.pid}) since ${running.startedAt}, db ${running.db}${health ? `; health ${JSON.stringify(health)}` : ''}`);
  // As with LSB init scripts, "not running" is exit 3.
  return running ? ExitCode.passed : ExitCode.cannotRun;
}

/** `strain monitor`: foreground sampling, or start/stop/status of the background daemon. */
export async function monitorCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseCommandArgs('monitor', argv, options);
  const action = positionals[0];
  if (positionals.length > 1 || (action !== undefined && !['start', 'stop', 'status'].includes(action))) {
    throw new UsageError(`usage: ${monitorUsage}`);
  }
  if (action === 'start') return startDaemon(argv, values, io);
  if (action === 'stop') return stopDaemon(values, io);
  if (action === 'status') return status(values, io);
  return foreground(values, io);
}
