import { isLoopbackHost } from '../../core/net';
import { resolve } from 'node:path';
import { parseListen, startMonitorApi, type MonitorApi } from '../../../monitor/api';
import { hostInventory } from '../../../monitor/inventory';
import { Monitor } from '../../../monitor/monitor';
import { containerCgroup, noContainer } from '../../../monitor/container';
import type { GpuMode } from '../../../monitor/gpu-source';
import type { TargetSelector } from '../../../monitor/select';
import { defaults } from '../../defaults';
import { CannotRunError, ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import { openDb } from '../../store/db';
import { MonitorStore } from '../../store/monitor';
import { durationMs, parseCommandArgs, port, positiveInt, tokenArgumentWarning } from '../args';
import { runningDaemon, startDaemon, stopDaemon, type PidFile } from '../daemon';
import { line, untilStopSignal, type CliIo } from '../io';

export const monitorUsage =
  'strain monitor [--pid N | --port P | --match REGEX | --container ID] [--cgroup PATH] [--gpu loop|spawn|none] [--interval D] [--db FILE] [--listen ADDR|none] [--token T]\n' +
  '  strain monitor start [same options] [--pidfile F] [--log F] | stop [--pidfile F] | status [--pidfile F] [--json]';

const options = {
  pid: { type: 'string' },
  port: { type: 'string' },
  match: { type: 'string' },
  cgroup: { type: 'string' },
  container: { type: 'string' },
  gpu: { type: 'string' },
  interval: { type: 'string' },
  db: { type: 'string' },
  listen: { type: 'string' },
  token: { type: 'string' },
  pidfile: { type: 'string' },
  log: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof options>>['values'];

/** Exactly one of --pid, --port, --match, --container; or --cgroup alone (its oldest process). */
export function selectorFrom(values: { pid?: string; port?: string; match?: string; cgroup?: string; container?: string }): TargetSelector {
  const given = (['pid', 'port', 'match', 'container'] as const).filter((k) => values[k] !== undefined);
  if (given.length > 1 || (given.length === 0 && values.cgroup === undefined)) {
    throw new UsageError('strain monitor: give exactly one of --pid N, --port P, --match REGEX or --container ID (or --cgroup PATH alone)');
  }
  if (values.container !== undefined && values.cgroup !== undefined) throw new UsageError("--container and --cgroup: give one (a container's cgroup is sampled already)");
  if (values.container !== undefined) {
    const found = containerCgroup(values.container);
    if (!found) throw new CannotRunError('STRAIN_MONITOR_CONTAINER', noContainer(values.container));
    return { kind: 'cgroup', path: found.path };
  }
  if (given.length === 0) return { kind: 'cgroup', path: values.cgroup! };
  if (values.pid !== undefined) return { kind: 'pid', pid: positiveInt(values.pid, 'pid')! };
  if (values.port !== undefined) return { kind: 'port', port: port(values.port)! };
  try {
    new RegExp(values.match!);
  } catch (err) {
    throw new UsageError(`--match: not a valid regular expression: ${(err as Error).message}`);
  }
  return { kind: 'match', pattern: values.match! };
}

const GPU_MODES: Record<string, GpuMode | false> = { loop: 'loop', spawn: 'spawn', none: false };

function gpuMode(value: string | undefined): GpuMode | false {
  if (value === undefined) return 'loop';
  if (!(value in GPU_MODES)) throw new UsageError(`--gpu: "${value}" is not loop, spawn or none`);
  return GPU_MODES[value];
}

/**
 * Every check on the options, shared by the foreground monitor and `monitor start`, so a
 * refusal is the same exit code (2) whether or not the monitor would go to the background.
 */
function monitorOptions(values: Values, env: NodeJS.ProcessEnv) {
  const selector = selectorFrom(values);
  const gpu = gpuMode(values.gpu);
  const cgroup = values.cgroup ?? (selector.kind === 'cgroup' ? selector.path : undefined);
  const intervalMs = durationMs(values.interval ?? defaults.monitor.interval, 'interval')!;
  if (intervalMs < 100) throw new UsageError('--interval: must be at least 100ms');
  const listenSpec = values.listen ?? defaults.monitor.listen;
  const listen = listenSpec === 'none' ? undefined : parseListen(listenSpec);
  if (listenSpec !== 'none' && !listen) throw new UsageError(`--listen: "${listenSpec}" is not HOST:PORT (e.g. 127.0.0.1:9930) or none`);
  const token = values.token ?? env.STRAIN_MONITOR_TOKEN;
  if (listen && !isLoopbackHost(listen.host) && !token) {
    throw new UsageError(`--listen ${listenSpec}: serving beyond loopback requires --token (or STRAIN_MONITOR_TOKEN)`);
  }
  return { selector, gpu, cgroup, intervalMs, listenSpec, listen, token };
}

async function foreground(values: Values, io: CliIo): Promise<ExitCodeValue> {
  const { selector, gpu, cgroup, intervalMs, listenSpec, listen, token } = monitorOptions(values, io.env);
  const db = openDb(values.db ?? defaults.db);
  const store = new MonitorStore(db);
  let monitor: Monitor;
  try {
    monitor = new Monitor({
      selector,
      cgroup,
      gpu,
      intervalMs,
      store,
      host: await hostInventory(),
      procRoot: io.env.STRAIN_PROC_ROOT,
      onEvent: (e) => line(io.stderr, `${new Date(e.at).toISOString()} ${e.kind}: ${e.message}`),
    });
  } catch (err) {
    db.close();
    throw new CannotRunError('STRAIN_MONITOR_START', `cannot start the monitor: ${(err as Error).message}`);
  }
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
  await untilStopSignal();
  monitor.stop();
  await api?.close();
  db.close();
  return ExitCode.passed;
}

async function startMonitorDaemon(argv: string[], values: Values, io: CliIo): Promise<ExitCodeValue> {
  monitorOptions(values, io.env); // fail here, with the foreground's exit code, not in the background
  const listen = values.listen ?? defaults.monitor.listen;
  const pidfile = values.pidfile ?? defaults.monitor.pidfile;
  const log = values.log ?? defaults.monitor.log;
  const pid = await startDaemon({
    command: 'monitor',
    // The token reaches the daemon through its environment: arguments are visible in ps.
    args: withoutToken(argv.filter((a, i) => !(a === 'start' && i === argv.indexOf('start')))),
    env: values.token === undefined ? {} : { STRAIN_MONITOR_TOKEN: values.token },
    pidfile,
    log,
    ready: (p) => `(pid ${p})`,
    details: { listen: listen === 'none' ? null : listen, db: resolve(values.db ?? defaults.db) },
    timeoutMs: defaults.monitor.startTimeoutMs,
  });
  line(io.stdout, `monitor started (pid ${pid}); log ${resolve(log)}; pidfile ${resolve(pidfile)}`);
  return ExitCode.passed;
}

async function stopMonitorDaemon(values: Values, io: CliIo): Promise<ExitCodeValue> {
  line(io.stdout, await stopDaemon(values.pidfile ?? defaults.monitor.pidfile, 'monitor', defaults.monitor.stopTimeoutMs));
  return ExitCode.passed;
}

async function status(values: Values, io: CliIo): Promise<ExitCodeValue> {
  const pidfile = resolve(values.pidfile ?? defaults.monitor.pidfile);
  const running = runningDaemon(pidfile, 'monitor') as (PidFile & { listen?: string | null; db?: string }) | undefined;
  let health: unknown;
  if (running?.listen) {
    const l = parseListen(running.listen)!;
    const host = l.host.includes(':') ? `[${l.host}]` : l.host;
    const token = values.token ?? io.env.STRAIN_MONITOR_TOKEN;
    health = await fetch(`http://${host}:${l.port}/health`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
      .then((r) => r.json())
      .catch((err: Error) => ({ error: err.message }));
  }
  const { nonce: _nonce, ...shown } = running ?? {};
  if (values.json) line(io.stdout, JSON.stringify({ running: !!running, ...shown, health: health ?? null }, null, 2));
  else if (!running) line(io.stdout, 'no monitor running');
  else line(io.stdout, `monitor running (pid ${running.pid}) since ${running.startedAt}, db ${running.db}${health ? `; health ${JSON.stringify(health)}` : ''}`);
  // As with LSB init scripts, "not running" is exit 3.
  return running ? ExitCode.passed : ExitCode.cannotRun;
}

function withoutToken(argv: string[]): string[] {
  return argv.filter((a, i) => a !== '--token' && argv[i - 1] !== '--token' && !a.startsWith('--token='));
}

/** `strain monitor`: foreground sampling, or start/stop/status of the background daemon. */
export async function monitorCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseCommandArgs('monitor', argv, options);
  if (values.token !== undefined) {
    line(io.stderr, tokenArgumentWarning('STRAIN_MONITOR_TOKEN'));
  }
  const action = positionals[0];
  if (positionals.length > 1 || (action !== undefined && !['start', 'stop', 'status'].includes(action))) {
    throw new UsageError(`usage: ${monitorUsage}`);
  }
  if (action === 'start') return startMonitorDaemon(argv, values, io);
  if (action === 'stop') return stopMonitorDaemon(values, io);
  if (action === 'status') return status(values, io);
  return foreground(values, io);
}
