import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { ResolvedProfile, Stage } from '../core/profile';
import { Recorder } from '../recorder/recorder';
import type { RunTotals } from '../recorder/totals';
import type { IntervalSink } from '../core/interval';
import type { Executor, ExecutorContext, Shard } from './executor';
import { WorkerFleet } from '../split/fleet';
import { SettleWatch, settleLimits } from './settle';
import { executors } from './executors';
import { DataFeeder } from './scenario/feeder';
import { prepareScenarios } from './scenario/steps';
import { planAt } from '../core/plan';
import { HttpTransport } from '../http/transport';
import type { IterationContext } from './iteration';
import { MAX_TIMER_MS, sleepLong } from '../util/timers';

export type StopReason = 'completed' | 'aborted' | 'threshold' | 'stopped';

export interface EngineResult {
  reason: StopReason;
  /** Free text saying why, for stop reasons other than completed. */
  detail: string;
  startedAt: number;
  endedAt: number;
  /** Iterations still running when the graceful stop ran out (not recorded). */
  interrupted: number;
  /** The warm-up before the clock started (never part of the results), when there was one. */
  warmup?: WarmupResult;
}

export interface WarmupResult {
  durationMs: number;
  /** The profile's warmup: the least it ran; it went on until the generator's lag settled (bounded). */
  minimumMs: number;
  settled: boolean;
  /** The worst generator or schedule lag (ms) in its last second. */
  lagMs: number;
  /** The level it ran at, in the model's unit (VUs or arrivals/s). */
  level: number;
  /** Connections opened before it began. */
  connections: number;
  totals: RunTotals;
}

export interface EngineOptions {
  sinks: IntervalSink[];
  /** Set inside a worker thread: this engine runs that share of the load and never splits again. */
  shard?: Shard;
  /** Called after connecting and warming up, just before the clock starts (a worker waits for the others here). */
  beforeClock?: (warmup: WarmupResult | undefined) => Promise<void>;
  /**
   * Outputs' per-interval work rehearsed on the warm-up's intervals (computing a stored row,
   * say, without storing it), so it runs compiled, not cold, once the clock starts.
   */
  rehearsal?: IntervalSink[];
  env?: NodeJS.ProcessEnv;
  clock?: () => number;
  now?: () => number;
  random?: () => number;
}

export interface StageEvent {
  index: number;
  name: string;
  at: number;
}

/**
 * Runs a resolved profile: one plan clock, one executor per load model, one recorder.
 * It never draws and never writes: outcomes go to the recorder, intervals to the sinks,
 * stage changes out as events ('stage').
 */
export class Engine extends EventEmitter {
  readonly recorder: Recorder;
  private readonly transport: HttpTransport;
  private readonly executor: Executor;
  /** Set when the load is split across worker threads: then it is the executor. */
  private readonly fleet: WorkerFleet | undefined;
  private readonly clock: () => number;
  private readonly now: () => number;
  private t0: number;
  private startedAt: number;
  private readonly executorContext: ExecutorContext;
  private readonly stepNames: { name: string; scenario: string }[];
  private stopping = false;
  private recording = true;
  private stopReason: StopReason = 'completed';
  private stopDetail = '';
  private planTimer: NodeJS.Timeout | undefined;
  private stage = -1;
  private resolveStop: (() => void) | undefined;
  private readonly stopRequested = new Promise<void>((resolve) => (this.resolveStop = resolve));

  constructor(private readonly profile: ResolvedProfile, private readonly options: EngineOptions) {
    super();
    this.clock = options.clock ?? (() => performance.now());
    this.now = options.now ?? Date.now;
    this.transport = new HttpTransport({ target: profile.target, connections: profile.connections });
    // Provisional: run() sets both again once connections are open and the warm-up is over.
    this.t0 = this.clock();
    this.startedAt = this.now();
    const plan = (ms: number) => planAt(profile.stages, ms);
    const random = options.random ?? Math.random;
    const prepared = prepareScenarios(this.transport, profile.setup, profile.scenarios);
    this.stepNames = prepared.stepNames;
    const shard = options.shard ?? { index: 0, of: 1 };
    const split = profile.workers > 1 && !options.shard;
    const feeder = profile.data && !split ? new DataFeeder(profile.data.file, profile.data.mode, random, shard) : undefined;
    this.recorder = new Recorder({
      steps: prepared.stepNames,
      clock: this.clock,
      startClock: this.t0,
      startedAt: this.startedAt,
      plan,
      separateServiceLatency: profile.model === 'open',
      inFlight: () => this.executor.inFlight(),
      sinks: options.sinks,
      ...(split ? { mergeParts: profile.workers } : {}),
    });
    const iteration: IterationContext = {
      transport: this.transport,
      setup: prepared.setup,
      scenarios: prepared.scenarios,
      sink: this.recorder,
      clock: this.clock,
      random,
      env: options.env ?? process.env,
      feeder,
      onFeederExhausted: () => this.stop('stopped', feeder!.describeExhausted()),
      isStopping: () => this.stopping,
      isRecording: () => this.recording,
    };
    this.executorContext = {
      iteration,
      recorder: this.recorder,
      stages: profile.stages,
      plan,
      clock: this.clock,
      t0: this.t0,
      maxInFlight: profile.maxInFlight,
      users: [],
      shard,
    };
    this.fleet = split ? new WorkerFleet(profile, this.recorder, options.env ?? process.env, (reason, detail) => this.stop(reason, detail)) : undefined;
    this.executor = this.fleet ?? executors[profile.model](this.executorContext);
  }

  /** Milliseconds since the run started. */
  elapsedMs(): number {
    return this.clock() - this.t0;
  }

  describeLevel(): string {
    return this.executor.describeLevel();
  }

  inFlight(): number {
    return this.executor.inFlight();
  }

  private paused = false;
  private factor = 1;

  isPaused(): boolean {
    return this.paused;
  }

  levelFactor(): number {
    return this.factor;
  }

  /** Pauses or resumes the load (interactive runs); recorded as a 'control' event. */
  togglePause(): boolean {
    this.setPaused(!this.paused);
    this.emit('control', { at: this.now(), action: this.paused ? 'pause' : 'resume', factor: this.factor });
    return this.paused;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.executor.setPaused(paused);
  }

  setFactor(factor: number): void {
    this.factor = factor;
    this.executor.setFactor(factor);
  }

  /** Nudges the level by ±10% of plan from now on; recorded as a 'control' event. */
  nudge(direction: 1 | -1): number {
    this.setFactor(Math.max(0.1, Math.round((this.factor + direction * 0.1) * 10) / 10));
    this.emit('control', { at: this.now(), action: direction > 0 ? 'level-up' : 'level-down', factor: this.factor });
    return this.factor;
  }

  /** Asks the run to end early; the first reason given wins. */
  stop(reason: Exclude<StopReason, 'completed'>, detail = ''): void {
    if (this.stopping) return;
    this.stopReason = reason;
    this.stopDetail = detail;
    this.emit('stopping', { reason, detail });
    this.executor.stop(); // no new iterations from now on, even before finish() runs
    this.resolveStop?.();
  }

  async run(): Promise<EngineResult> {
    let warmup: WarmupResult | undefined;
    if (this.fleet) {
      const level = warmupLevel(this.profile.stages, this.profile.model);
      if (this.profile.warmupMs > 0) this.emit('warmup', { at: this.now(), durationMs: this.profile.warmupMs, level });
      this.fleet.launch();
      await Promise.race([this.fleet.whenReady(), this.stopRequested]);
      const merged = this.fleet.warmup();
      // Each worker reports the whole plan's level (it takes its shard of it): the level is the plan's.
      warmup = merged && { ...merged, level };
    } else {
      const connections = await this.openConnections();
      warmup = this.profile.warmupMs > 0 && !this.stopping ? await this.warmUp(connections) : undefined;
      await this.options.beforeClock?.(warmup);
    }
    if (warmup) this.emit('warmed', { at: this.now(), ...warmup });
    // The clock starts now: connecting and warming up are never part of the results.
    this.t0 = this.clock();
    this.startedAt = this.now();
    this.executorContext.t0 = this.t0;
    this.recorder.begin(this.t0, this.startedAt);
    this.emit('measuring', { at: this.startedAt });
    if (!this.stopping) {
      this.executor.start();
      this.watchPlan();
    }
    await Promise.race([this.planOver(), this.stopRequested]);
    if (!this.stopping) this.executor.startDue();
    return { ...(await this.finish()), ...(warmup ? { warmup } : {}) };
  }

  /** Resolves once the plan's time is up on the run's clock (timers may fire a little early). */
  private async planOver(): Promise<void> {
    let left = this.profile.totalDurationMs;
    while (left > 0 && !this.stopping) {
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(MAX_TIMER_MS, Math.max(1, left))).unref());
      left = this.profile.totalDurationMs - this.elapsedMs();
    }
  }

  /** Opens the target's connections before the clock: VUs in the closed model, a share of maxInFlight in the open one. */
  private openConnections(): Promise<number> {
    const wanted = this.profile.model === 'closed' ? this.profile.connections : Math.min(this.profile.connections, OPEN_MODEL_PREOPEN);
    return Promise.race([this.transport.warm(wanted), this.stopRequested.then(() => 0)]);
  }

  /**
   * Runs the load at its starting level for warmupMs into a recorder of its own, so the
   * generator's JIT warm-up (and the target's) is shown but never mixed into the results.
   * In-flight iterations drain before the clock starts; closed-model VUs keep their users.
   */
  private async warmUp(connections: number): Promise<WarmupResult> {
    const level = warmupLevel(this.profile.stages, this.profile.model);
    const limits = settleLimits(this.profile.warmupMs);
    const settle = new SettleWatch(limits);
    const stages: Stage[] = [{ name: 'warm-up', durationMs: limits.maxMs, from: level, to: level }];
    const t0 = this.clock();
    const recorder = new Recorder({
      intervalMs: WARMUP_SLICE_MS,
      steps: this.stepNames,
      clock: this.clock,
      startClock: t0,
      startedAt: this.now(),
      plan: (ms) => planAt(stages, ms),
      separateServiceLatency: this.profile.model === 'open',
      inFlight: () => executor.inFlight(),
      sinks: [settle, ...(this.options.rehearsal ?? [])],
    });
    const executor = executors[this.profile.model]({
      ...this.executorContext,
      iteration: { ...this.executorContext.iteration, sink: recorder },
      recorder,
      stages,
      plan: (ms) => planAt(stages, ms),
      t0,
    });
    this.emit('warmup', { at: this.now(), durationMs: this.profile.warmupMs, level });
    recorder.begin(t0, this.now());
    executor.start();
    await Promise.race([settle.settled, sleepLong(limits.maxMs), this.stopRequested]);
    executor.stop();
    const drainUntil = this.clock() + Math.min(this.profile.gracefulStopMs, WARMUP_DRAIN_MS);
    while (executor.inFlight() > 0 && this.clock() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 5));
    recorder.finish();
    return {
      durationMs: Math.round(this.clock() - t0), minimumMs: limits.minMs, settled: settle.isSettled, lagMs: settle.recentLagMs,
      level, connections, totals: recorder.totals,
    };
  }

  private watchPlan(): void {
    const check = () => {
      const { stage } = planAt(this.profile.stages, this.elapsedMs());
      if (stage !== this.stage && this.elapsedMs() < this.profile.totalDurationMs) {
        this.stage = stage;
        const event: StageEvent = { index: stage, name: this.profile.stages[stage].name, at: this.now() };
        this.emit('stage', event);
      }
    };
    check();
    this.planTimer = setInterval(check, 100);
  }

  private async finish(): Promise<EngineResult> {
    this.stopping = true;
    if (this.planTimer) clearInterval(this.planTimer);
    // An early stop reached the executor in stop(). Worker threads are not stopped at a normal
    // end: their clocks started a moment after this one (the 'go' message), and each finishes
    // its own plan, or its last arrivals would be cut off.
    if (!this.fleet) this.executor.stop();
    let interrupted: number;
    if (this.fleet) {
      // Each worker drains its own in-flight iterations, then hands over its last interval.
      interrupted = await this.fleet.finished(this.profile.gracefulStopMs + WORKER_HANDOVER_MS);
    } else {
      const deadline = this.clock() + this.profile.gracefulStopMs;
      while (this.executor.inFlight() > 0 && this.clock() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      interrupted = this.executor.inFlight();
    }
    this.recording = false;
    this.recorder.finish();
    await this.transport.destroy().catch(() => undefined);
    return {
      reason: this.stopReason,
      detail: this.stopDetail,
      startedAt: this.startedAt,
      endedAt: this.now(),
      interrupted,
    };
  }
}

/** The open model pre-opens at most this many connections; more open as the load needs them. */
const OPEN_MODEL_PREOPEN = 100;
/** Time past the graceful stop for worker threads to send their last figures. */
const WORKER_HANDOVER_MS = 3000;
/** The warm-up's intervals: short, so its settling is judged (and strain's per-interval work rehearsed) often. */
const WARMUP_SLICE_MS = 250;
/** How long warm-up iterations still in flight may take before the clock starts anyway. */
const WARMUP_DRAIN_MS = 2000;

/**
 * The warm-up runs at the plan's starting level; a plan that starts from zero (a ramp) warms
 * up at a tenth of where its first stage ends, at least one VU or arrival per second.
 */
export function warmupLevel(stages: readonly Stage[], model: 'open' | 'closed'): number {
  const first = stages[0];
  const level = first.from > 0 ? first.from : Math.max(1, first.to / 10);
  return model === 'closed' ? Math.max(1, Math.ceil(level)) : level;
}
