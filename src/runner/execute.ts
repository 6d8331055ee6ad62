import { defaults } from '../defaults';
import { formatDuration } from '../util/duration';
import { longTimeout } from '../util/timers';
import { levelText } from '../util/format';
import type { Engine } from '../engine/engine';
import type { StageEvent, WarmupResult } from '../engine/types';
import { createEngine } from '../split';
import type { DriverFactory } from '../engine/driver';
import type { ResolvedProfile } from '../core/profile';
import type { IntervalSink } from '../core/interval';
import type { NewRun, RunStore } from '../store/runs';
import { StoreSink, toIntervalRow } from '../store/sink';
import { startCheckpointer } from '../store/checkpointer';
import { addHistogram, latencyStatsMs, newLatencyHistogram } from '../core/histogram';
import { settleLimits } from '../engine/settle';
import { CannotRunError } from '../errors';
import { StoreFaults } from './store-faults';
import { MAX_STALLS } from '../recorder/totals';
import { stallReport } from '../analysis/stalls';
import { STALL_EVENT } from '../core/stalls';
import { noSuccessReason } from '../thresholds/evaluate';
import { ThresholdWatch } from '../thresholds/watch';
import { noResources } from '../analysis/resources';
import type { MonitorEvent } from '../core/samples';
import { BreakWatch } from '../analysis/break-watch';
import { analyzeRun } from '../analysis/analyze';
import { FindingStore } from '../store/findings';
import { analysisInput } from './analyze-run';
import { checkReachable } from './preflight';
import { startRunMonitor, type RunMonitor } from './resources';
import { judgeRun } from '../verdict/verdict';
import { buildSummary } from './summary';
import { thresholdInputs, thresholdInputsFromRows } from '../core/thresholds';
import type { RunSummary, SummaryStatus } from '../core/summary';

export interface RunRequest {
  profile: ResolvedProfile;
  profilePath?: string;
  store: RunStore;
  /** Aborting stops the run gracefully; the partial run is stored as aborted. */
  signal?: AbortSignal;
  /** Extra outputs (progress lines, dashboard). */
  sinks?: IntervalSink[];
  scheduleName?: string;
  /** A hard cap on the run's wall time: past it the run is stopped and stored as aborted. */
  maxDurationMs?: number;
  /** Generate the load on a thread of its own even with one worker (the dashboard draws on this one). */
  ownThread?: boolean;
  /** Called once the run exists and the engine is about to start. */
  onStart?: (runId: number, engine: Engine) => void;
  /** Monitor events (target restarted, missing) as they happen. */
  onMonitorEvent?: (event: MonitorEvent) => void;
  /** The first failed write to the store, at once (the summary says what was not stored). */
  onStoreFault?: (message: string) => void;
  /** keep (default): measure on, keeping unwritten seconds in bounded memory and retrying; stop: end the run. */
  onStoreError?: 'keep' | 'stop';
  env?: NodeJS.ProcessEnv;
  /** Where the load comes from, when not from this process (a coordinator's agents). */
  driver?: DriverFactory;
  /** False when this process generates no load (a coordinator): the agents check the target. */
  preflight?: boolean;
  /** Added to the summary before it is stored (a coordinator's per-agent figures). */
  summaryExtras?: () => Partial<RunSummary>;
}

/**
 * Runs one profile end to end: preflight, run row, engine with its sinks, thresholds,
 * summary. Shared by `strain run`, the demo and the scheduler; never exits the process.
 */
export async function executeRun(req: RunRequest): Promise<RunSummary> {
  const { profile, store } = req;
  if (req.preflight !== false) await checkReachable(profile.target, defaults.http.preflightTimeoutMs);

  // The monitor starts before the run row: one that cannot start (no such cgroup or container,
  // a remote monitor unreachable) leaves no run behind that never ran.
  const monitor: RunMonitor | undefined = profile.monitor ? await startRunMonitor(profile.monitor, store.db, req.env ?? process.env, req.onMonitorEvent) : undefined;
  const startedAt = Date.now();
  let runId: number;
  try {
    runId = createRun(store, {
      profileName: profile.name,
      profilePath: req.profilePath,
      kind: profile.kind,
      model: profile.model,
      target: profile.target,
      startedAt,
      plan: profile,
      scheduleName: req.scheduleName,
    });
  } catch (err) {
    await monitor?.stop();
    throw err;
  }

  let engine: Engine | undefined;
  const faults = new StoreFaults((message) => {
    req.onStoreFault?.(message);
    if (req.onStoreError === 'stop') engine?.stop('stopped', `${message} (--on-store-error stop)`);
  });
  const write = <T>(fn: () => T) => faults.attempt(fn);
  if (monitor) write(() => store.setMonitor(runId, monitor.id));

  const checkpoints = startCheckpointer(store.db);
  const storeSink = new StoreSink(store, runId, faults.record);
  const thresholdStop = (detail: string) => engine?.stop('threshold', detail);
  engine = createEngine(
    profile,
    {
      sinks: [storeSink, ...(req.sinks ?? [])],
      env: req.env,
      rehearsal: [rehearsal(runId)],
      ...(req.driver ? { driver: req.driver } : {}),
    },
    req.ownThread,
  );
  engine.recorder.addSink(new ThresholdWatch(profile.thresholds, engine.recorder.totals, thresholdStop, profile));
  if (profile.kind === 'stress') engine.recorder.addSink(new BreakWatch(profile, (detail) => engine?.stop('stopped', detail)));
  const addEvent: typeof store.addEvent = (...args) => write(() => store.addEvent(...args));
  engine.recorder.addSink(stallEvents(addEvent, runId));

  engine.on('warmup', (w: { at: number; durationMs: number; level: number }) =>
    addEvent(runId, w.at, 'warmup', `warm-up ${formatDuration(w.durationMs)} at ${levelText(profile.model, w.level)} (not in the results)`, w),
  );
  engine.on('warmed', (w: WarmupResult & { at: number }) =>
    addEvent(
      runId,
      w.at,
      'warmup-ended',
      w.settled
        ? `warm-up settled after ${formatDuration(w.durationMs)} (generator and schedule lag under ${settleLimits(w.minimumMs).lagMs} ms for 1 s)`
        : `warm-up ended at its bound, ${formatDuration(w.durationMs)}, without settling (lag up to ${Math.round(w.lagMs)} ms in its last second)`,
      { durationMs: w.durationMs, minimumMs: w.minimumMs, settled: w.settled, lagMs: w.lagMs },
    ),
  );
  engine.on('measuring', (m: { at: number }) => write(() => store.setStartedAt(runId, m.at)));
  engine.on('stage', (e: StageEvent) => addEvent(runId, e.at, 'stage', `stage ${e.index + 1}: ${e.name}`, e));
  engine.on('control', (c: { at: number; action: string; factor: number }) => addEvent(runId, c.at, 'control', `${c.action} (level ×${c.factor.toFixed(1)} of plan)`, c));
  const onAbort = () => engine?.stop('aborted', String(req.signal?.reason ?? 'interrupted'));
  if (req.signal?.aborted) onAbort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  req.onStart?.(runId, engine);
  const cancelCap =
    req.maxDurationMs === undefined ? undefined : longTimeout(() => engine?.stop('aborted', `max duration ${formatDuration(req.maxDurationMs!)} reached`), req.maxDurationMs);

  const result = await engine.run().finally(() => {
    req.signal?.removeEventListener('abort', onAbort);
    cancelCap?.();
  });
  await engine.recorder.closeSinks();
  await monitor?.stop();
  await checkpoints?.stop();

  const totals = engine.recorder.totals;
  const runRow = { ...store.getRun(runId)!, ended_at: result.endedAt };
  const input = analysisInput(store.db, runRow);
  const findings = analyzeRun(input);
  write(() => new FindingStore(store.db).replace(runId, findings));
  const noSuccess = result.reason === 'aborted' ? undefined : noSuccessReason(totals.counts, totals.requests);
  const verdict = judgeRun({
    plan: profile,
    whole: thresholdInputs(totals, profile),
    beforeStage: (stage) =>
      thresholdInputsFromRows(
        input.intervals.filter((r) => r.stage < stage),
        profile,
      ),
    findings,
    stop: { reason: result.reason, detail: result.detail },
    noSuccess,
  });
  const status: SummaryStatus = verdict.status;
  const stopReason = result.detail || result.reason; // why it stopped; a run without success says so in its verdict
  const summary = buildSummary({
    runId,
    profile,
    totals,
    status,
    stopReason,
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    interrupted: result.interrupted,
    verdict: verdict.line,
    thresholds: verdict.thresholds,
    ...(verdict.judgedOn ? { thresholdsJudgedOn: verdict.judgedOn } : {}),
    resources: monitor ? monitor.summarize(result.startedAt, result.endedAt + 1000) : noResources(),
    findings,
    steps: engine.recorder.stepSummaries(),
    warmup: result.warmup,
    loopDelayMs: engine.loopDelayMs(),
    stalls: totals.stallCount > 0 ? stallReport(store.intervals(runId), totals.stalls, totals.stallCount) : undefined,
  });
  Object.assign(summary, req.summaryExtras?.());
  const fault = () => faults.summary(storeSink.stored, storeSink.unstored());
  summary.storeFault = fault();
  write(() => store.finishRun(runId, status, result.endedAt, summary));
  addEvent(runId, result.endedAt, 'run-ended', `run ${status}${stopReason !== 'completed' ? `: ${stopReason}` : noSuccess ? `: ${noSuccess}` : ''}`);
  // Said once more after the last writes: the row itself may be what could not be stored.
  summary.storeFault = fault();
  return summary;
}

/**
 * The store sink's and the progress lines' per-interval work, done on the warm-up's intervals
 * and thrown away: their first runs after the clock started were the stalls of issue 21.
 */
function rehearsal(runId: number): IntervalSink {
  const window = newLatencyHistogram(64);
  return {
    onInterval: (i) => {
      toIntervalRow(runId, i);
      addHistogram(window, i.latency);
      latencyStatsMs(window);
    },
  };
}

/** Each generator stall becomes an event with its time and length (the first MAX_STALLS of a run). */
function stallEvents(addEvent: RunStore['addEvent'], runId: number): IntervalSink {
  let stored = 0;
  return {
    onInterval: (i) => {
      for (const stall of i.stalls) {
        if (stored++ >= MAX_STALLS) return;
        addEvent(runId, stall.at, STALL_EVENT, `strain's event loop stalled ${stall.ms} ms (its own lateness, not the target's)`, stall);
      }
    },
  };
}

/** The run row: a store that cannot take even that is "could not run" (exit 3), in one line. */
function createRun(store: RunStore, run: NewRun): number {
  try {
    return store.createRun(run);
  } catch (err) {
    throw new CannotRunError('STRAIN_STORE_UNWRITABLE', `cannot write the run to the store: ${(err as Error).message.split('\n')[0]}`);
  }
}
