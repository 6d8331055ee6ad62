import { defaults } from '../../defaults';
import { UsageError, type ExitCodeValue } from '../../errors';
import { loadProfile } from '../../profiles/load';
import { parseMonitorSpec } from '../../profiles/monitor-spec';
import { durationMs, parseCommandArgs, runOptions, positiveInt, positiveNumber } from '../args';
import { line, type CliIo } from '../io';
import { runSession } from '../run-session';
import type { ResolvedProfile } from '../../core/profile';
import { openFileLimit } from '../../util/process-identity';

export const runUsage =
  'strain run PROFILE [--target URL] [--duration D] [--warmup D] [--workers N] [--vus N] [--rate N] [--db FILE] [--monitor SPEC | --no-monitor] [--max-duration D] [--schedule NAME] [--on-store-error keep|stop] [--insecure] [--no-tui] [--json]';

/** Files kept for the database, logs and the monitor beside the target's connections. */
const SPARE_FILES = 64;

/**
 * The closed model opens a connection per VU up front, and a VU whose connect fails (EMFILE)
 * tries again at once: 30,000 VUs under ulimit -n 20,000 kept Ctrl-C waiting for half a minute.
 * (The open model opens connections as arrivals need them and does not retry.)
 */
function checkFileLimit(profile: ResolvedProfile): void {
  const limit = openFileLimit();
  if (profile.model !== 'closed' || limit === undefined || profile.connections + SPARE_FILES <= limit) return;
  throw new UsageError(
    `load: ${profile.connections} connections need more open files than this process may have (ulimit -n ${limit}, ` +
      `${SPARE_FILES} kept spare); lower load.vus or load.connections, or raise ulimit -n`,
  );
}

export async function runCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseCommandArgs('run', argv, {
    ...runOptions,
    monitor: { type: 'string' },
    'no-monitor': { type: 'boolean' },
    schedule: { type: 'string' },
    'on-store-error': { type: 'string' },
    insecure: { type: 'boolean' },
  });
  const onStoreError = values['on-store-error'] ?? 'keep';
  if (onStoreError !== 'keep' && onStoreError !== 'stop') throw new UsageError(`--on-store-error: "${onStoreError}" is not keep or stop`);
  const maxDurationMs = durationMs(values['max-duration'], 'max-duration');
  if (values.monitor !== undefined && values['no-monitor']) throw new UsageError('--monitor and --no-monitor: give one or the other');
  const monitorSpec = values.monitor === undefined ? undefined : parseMonitorSpec(values.monitor);
  if (values.monitor !== undefined && !monitorSpec) {
    throw new UsageError(`--monitor: "${values.monitor}" is not port:P, pid:N, match:REGEX, cgroup:PATH, container:ID or the http:// URL of a running monitor`);
  }
  if (positionals.length !== 1) throw new UsageError(`usage: ${runUsage}`);
  const profilePath = positionals[0];
  const profile = loadProfile(
    profilePath,
    {
      target: values.target,
      duration: values.duration,
      warmup: values.warmup,
      workers: positiveInt(values.workers, 'workers'),
      vus: positiveInt(values.vus, 'vus'),
      rate: positiveNumber(values.rate, 'rate'),
      monitor: values['no-monitor'] ? false : monitorSpec,
      insecure: values.insecure,
    },
    io.env,
  );
  if (profile.tls?.insecure) {
    line(
      io.stderr,
      'warning: HTTPS certificates are not verified (--insecure / http.insecure): use this only against a staging server you control; prefer http.ca with its certificate',
    );
  }
  checkFileLimit(profile);
  return runSession({
    profile,
    profilePath,
    io,
    dbFile: values.db ?? defaults.db,
    json: values.json === true,
    noTui: values['no-tui'] === true,
    maxDurationMs,
    scheduleName: values.schedule,
    onStoreError,
  });
}
