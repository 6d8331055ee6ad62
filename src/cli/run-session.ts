import { defaults } from '../defaults';
import { CannotRunError, ExitCode, type ExitCodeValue } from '../errors';
import { executeRun, type RunRequest } from '../runner/execute';
import { redactUrl } from '../util/secrets';
import type { ResolvedProfile } from '../core/profile';
import type { RunSummary } from '../core/summary';
import { printable } from '../util/format';
import { openDb } from '../store/db';
import { RunStore } from '../store/runs';
import { finishFromStored } from '../store/recover';
import { spaceShortfall } from '../store/space';
import { formatDuration } from '../util/duration';
import { formatSummary } from './format';
import { line, type CliIo } from './io';
import { ProgressPrinter } from './progress';
import type { LiveDashboard } from '../tui/live';

const size = (bytes: number) => (bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

/** Before the run: a warning when the database's file system cannot hold the planned duration. */
function warnIfShortOfSpace(dbFile: string, durationMs: number, io: CliIo): void {
  const short = spaceShortfall(dbFile, durationMs);
  if (!short) return;
  line(
    io.stderr,
    `warning: ${size(short.freeBytes)} free for ${dbFile}; a ${formatDuration(durationMs)} run writes about ${size(short.neededBytes)} ` +
      `(${size(defaults.store.bytesPerHour)} per hour measured)`,
  );
}

/** After the summary is printed: a run the store could not take whole is exit 3, in one line. */
function throwIfNotStored(summary: RunSummary): void {
  const fault = summary.storeFault;
  if (!fault) return;
  throw new CannotRunError(
    'STRAIN_STORE_WRITE',
    `run ${summary.runId} was not stored completely: ${fault.error}; ` +
      `${fault.unstoredSeconds} of ${fault.storedSeconds + fault.unstoredSeconds} measured seconds are only in this summary`,
  );
}

function exitCodeFor(summary: RunSummary): ExitCodeValue {
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

export interface SessionOptions {
  profile: ResolvedProfile;
  profilePath: string;
  io: CliIo;
  dbFile: string;
  json: boolean;
  noTui: boolean;
  maxDurationMs?: number;
  scheduleName?: string;
  onStoreError: 'keep' | 'stop';
  /** What a caller adds to the run (a coordinator: its agents as the driver, no local preflight). */
  request?: Pick<RunRequest, 'driver' | 'preflight' | 'summaryExtras'>;
  /** Called with the run's id and store once the run exists (a coordinator stores its agents' events). */
  onRun?: (runId: number, store: RunStore, note: (text: string) => void, stop: (detail: string) => void) => void;
}

/**
 * One run as the CLI shows it: the dashboard on a terminal (else progress lines), Ctrl-C and
 * SIGTERM handled, the summary printed (JSON with --json), the exit code. Shared by `strain run`
 * and `strain coordinate`.
 */
export async function runSession(o: SessionOptions): Promise<ExitCodeValue> {
  const { profile, profilePath, io, dbFile, onStoreError } = o;
  const db = openDb(dbFile);
  const store = new RunStore(db);
  warnIfShortOfSpace(dbFile, profile.totalDurationMs, io);
  const controller = new AbortController();
  const useTui = io.stdout.isTTY === true && !o.noTui && !o.json;
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
      maxDurationMs: o.maxDurationMs,
      scheduleName: o.scheduleName,
      ...o.request,
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
        o.onRun?.(
          id,
          store,
          (text) => (dashboard ? dashboard.note(text) : line(io.stderr, printable(text))),
          (detail) => engine.stop('aborted', detail),
        );
        if (useTui) {
          // Loaded only when drawn: blessed and its charts cost start-up time plain runs do not need.
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const { startLiveDashboard } = require('../tui/live') as typeof import('../tui/live');
          dashboard = startLiveDashboard(db, id, engine, () => controller.abort('q'));
          return;
        }
        line(
          io.stderr,
          printable(`run ${id}: ${profile.name} (${profile.kind}, ${profile.model}) against ${redactUrl(profile.target)} for ${Math.round(profile.totalDurationMs / 1000)}s`),
        );
        const progress = new ProgressPrinter(io.stderr, profile, { factor: () => engine.levelFactor(), paused: () => engine.isPaused(), workers: profile.workers });
        engine.recorder.addSink(progress);
        engine.on('stage', (e: { index: number }) => {
          if (e.index > 0) progress.onStage(e.index, engine.elapsedMs());
        });
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
    if (o.json) line(io.stdout, JSON.stringify(summary, null, 2));
    else line(io.stdout, formatSummary(summary));
    throwIfNotStored(summary);
    return exitCodeFor(summary);
  } finally {
    releaseSignals();
    db.close();
  }
}
