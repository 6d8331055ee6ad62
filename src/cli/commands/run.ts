import { defaults } from '../../defaults';
import { CannotRunError, ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import { loadProfile } from '../../profiles/load';
import { parseMonitorSpec } from '../../profiles/monitor-spec';
import { executeRun } from '../../runner/execute';
import { redactUrl } from '../../util/secrets';
import type { RunSummary } from '../../core/summary';
import type { ResolvedProfile } from '../../core/profile';
import { printable } from '../../util/format';
import { openDb } from '../../store/db';
import { RunStore } from '../../store/runs';
import { finishFromStored } from '../../store/recover';
import { spaceShortfall } from '../../store/space';
import { openFileLimit } from '../../util/process-identity';
import { formatDuration } from '../../util/duration';
import { durationMs, parseCommandArgs, positiveInt, positiveNumber } from '../args';
import { formatSummary } from '../format';
import { line, type CliIo } from '../io';
import { ProgressPrinter } from '../progress';
import type { LiveDashboard } from '../../tui/live';

export const runUsage = 'strain run PROFILE [--target URL] [--duration D] [--warmup D] [--workers N] [--vus N] [--rate N] [--db FILE] [--monitor SPEC | --no-monitor] [--max-duration D] [--schedule NAME] [--on-store-error keep|stop] [--insecure] [--no-tui] [--json]';

const size = (bytes: number) => (bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

/** Before the run: a warning when the database's file system cannot hold the planned duration. */
function warnIfShortOfSpace(dbFile: string, durationMs: number, io: CliIo): void {
  const short = spaceShortfall(dbFile, durationMs);
  if (!short) return;
  line(io.stderr, `warning: ${size(short.freeBytes)} free for ${dbFile}; a ${formatDuration(durationMs)} run writes about ${size(short.neededBytes)} ` +
    `(${size(defaults.store.bytesPerHour)} per hour measured)`);
}

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
  throw new UsageError(`load: ${profile.connections} connections need more open files than this process may have (ulimit -n ${limit}, ` +
    `${SPARE_FILES} kept spare); lower load.vus or load.connections, or raise ulimit -n`);
}

/** After the summary is printed: a run the store could not take whole is exit 3, in one line. */
function throwIfNotStored(summary: RunSummary): void {
  const fault = summary.storeFault;
  if (!fault) return;
  throw new CannotRunError('STRAIN_STORE_WRITE', `run ${summary.runId} was not stored completely: ${fault.error}; ` +
    `${fault.unstoredSeconds} of ${fault.storedSeconds + fault.unstoredSeconds} measured seconds are only in this summary`);
}

export function exitCodeFor(summary: RunSummary): ExitCodeValue {
  return summary.status === 'passed' ? ExitCode.passed : summary.status === 'aborted' ? ExitCode.interrupted : ExitCode.failed;
}

/** Ctrl-C or SIGTERM stops the run gracefully; a second one gives up at once (quit() first stores what it can). */
function abortOnSignals(controller: AbortController, io: CliIo, quit: (signal: NodeJS.Signals) => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      quit(signal);
      io.exit?.(ExitCode.interrupted);
      return;
    }
    line(io.stderr, `\n${signal}: stopping the run (press again to quit at once)`);
    controller.abort(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

export async function runCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseCommandArgs('run', argv, {
    target: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    workers: { type: 'string' },
    vus: { type: 'string' },
    rate: { type: 'string' },
    db: { type: 'string' },
    'no-tui': { type: 'boolean' },
    json: { type: 'boolean' },
    monitor: { type: 'string' },
    'no-monitor': { type: 'boolean' },
    'max-duration': { type: 'string' },
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
  const profile = loadProfile(profilePath, {
    target: values.target,
    duration: values.duration,
    warmup: values.warmup,
    workers: positiveInt(values.workers, 'workers'),
    vus: positiveInt(values.vus, 'vus'),
    rate: positiveNumber(values.rate, 'rate'),
    monitor: values['no-monitor'] ? false : monitorSpec,
    insecure: values.insecure,
  }, io.env);
  if (profile.tls?.insecure) {
    line(io.stderr, 'warning: HTTPS certificates are not verified (--insecure / http.insecure): use this only against a staging server you control; prefer http.ca with its certificate');
  }
  checkFileLimit(profile);
  const dbFile = values.db ?? defaults.db;
  const db = openDb(dbFile);
  const store = new RunStore(db);
  warnIfShortOfSpace(dbFile, profile.totalDurationMs, io);
  const controller = new AbortController();
  const useTui = io.stdout.isTTY === true && !values['no-tui'] && !values.json;
  let dashboard: LiveDashboard | undefined;
  let runId: number | undefined;
  // A second Ctrl-C quits without the graceful end, but the row is still finalised: aborted, with what was stored.
  const releaseSignals = abortOnSignals(controller, io, (signal) => {
    dashboard?.close();
    try {
      if (runId !== undefined) finishFromStored(db, runId, 'aborted', `${signal} twice: quit before the run finished; the stored seconds are kept`);
    } catch (err) {
      line(io.stderr, `strain: run ${runId} could not be finalised (${(err as Error).message}); the next strain command marks it crashed`);
    }
  });
  try {
    const summary = await executeRun({
      profile,
      profilePath,
      store,
      signal: controller.signal,
      env: io.env,
      maxDurationMs,
      scheduleName: values.schedule,
      // The dashboard redraws on this thread (4-17 ms a frame): the load gets a thread of its own.
      ownThread: useTui,
      onStoreError,
      onStoreFault: (message) => {
        const text = `${message}; measuring on, unwritten seconds kept in memory and retried${onStoreError === 'stop' ? ' (stopping: --on-store-error stop)' : ''}`;
        if (dashboard) dashboard.note(text);
        else line(io.stderr, `strain: ${text}`);
      },
      onMonitorEvent: (e) => {
        // The dashboard shows monitor events from the store; plain mode prints them.
        if (!useTui && e.kind !== 'monitor-started' && e.kind !== 'monitor-stopped') line(io.stderr, printable(`monitor: ${e.message}`));
      },
      onStart: (id, engine) => {
        runId = id;
        if (useTui) {
          // Loaded only when drawn: blessed and its charts cost start-up time plain runs do not need.
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const { startLiveDashboard } = require('../../tui/live') as typeof import('../../tui/live');
          dashboard = startLiveDashboard(db, id, engine, () => controller.abort('q'));
          return;
        }
        line(io.stderr, printable(`run ${id}: ${profile.name} (${profile.kind}, ${profile.model}) against ${redactUrl(profile.target)} for ${Math.round(profile.totalDurationMs / 1000)}s`));
        const progress = new ProgressPrinter(io.stderr, profile, { factor: () => engine.levelFactor(), paused: () => engine.isPaused(), workers: profile.workers });
        engine.recorder.addSink(progress);
        engine.on('stage', (e: { index: number }) => { if (e.index > 0) progress.onStage(e.index, engine.elapsedMs()); });
        engine.on('stopping', (x: { reason: string; detail: string }) => progress.onStopping(engine.elapsedMs(), x.reason, x.detail));
      },
    }).catch((err: unknown) => {
      dashboard?.close();
      throw err;
    });
    // On a terminal, the finished run stays on screen with its verdict until a key; a run the
    // user stopped (q, Ctrl-C) ends at once.
    if (dashboard && summary.status !== 'aborted' && process.stdin.isTTY) await dashboard.hold();
    dashboard?.close();
    if (values.json) line(io.stdout, JSON.stringify(summary, null, 2));
    else line(io.stdout, formatSummary(summary));
    throwIfNotStored(summary);
    return exitCodeFor(summary);
  } finally {
    releaseSignals();
    db.close();
  }
}
