import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { ResolvedProfile } from '../core/profile';
import { Recorder } from '../recorder/recorder';
import type { EngineResult, StageEvent, StopReason, WarmupResult } from './types';
import type { IntervalSink } from '../core/interval';
import type { StepSummary } from '../core/summary';
import type { LoopDelay } from '../core/stalls';
import type { Shard } from './executor';
import { planAt } from '../core/plan';
import { MAX_TIMER_MS } from '../util/timers';
import type { DriverFactory, DriverHost, LoadDriver } from './driver';
import { localDriver } from './local';

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
  /** Where the load comes from: this thread (default) or worker threads (split/). */
  driver?: DriverFactory;
  clock?: () => number;
  now?: () => number;
  random?: () => number;
}

/**
 * Runs a resolved profile: one plan clock, stages, control and stopping. The load itself comes
 * from a driver (this thread's executor by default; split/ supplies worker threads). It never
 * draws and never writes: outcomes go to the recorder, intervals to the sinks, stage changes
 * out as events ('stage').
 */
export class Engine extends EventEmitter {
  readonly recorder: Recorder;
  private readonly driver: LoadDriver;
  private readonly clock: () => number;
  private readonly now: () => number;
  private t0: number;
  private startedAt: number;
  private stopping = false;
  private recording = true;
  private stopReason: StopReason = 'completed';
  private stopDetail = '';
  private planTimer: NodeJS.Timeout | undefined;
  private stage = -1;
  private paused = false;
  private factor = 1;
  private resolveStop: (() => void) | undefined;
  private readonly stopRequested = new Promise<void>((resolve) => (this.resolveStop = resolve));

  constructor(
    private readonly profile: ResolvedProfile,
    options: EngineOptions,
  ) {
    super();
    this.clock = options.clock ?? (() => performance.now());
    this.now = options.now ?? Date.now;
    // Provisional: run() sets both again once connections are open and the warm-up is over.
    this.t0 = this.clock();
    this.startedAt = this.now();
    const host: DriverHost = {
      profile,
      clock: this.clock,
      now: this.now,
      random: options.random ?? Math.random,
      env: options.env ?? process.env,
      shard: options.shard,
      beforeClock: options.beforeClock,
      rehearsal: options.rehearsal ?? [],
      newRecorder: (steps, inFlight) =>
        new Recorder({
          steps,
          clock: this.clock,
          startClock: this.t0,
          startedAt: this.startedAt,
          plan: (ms) => planAt(profile.stages, ms),
          separateServiceLatency: profile.model === 'open',
          inFlight,
          sinks: options.sinks,
          ...(profile.llm ? { llm: profile.llm } : {}),
        }),
      stopRequested: this.stopRequested,
      isStopping: () => this.stopping,
      isRecording: () => this.recording,
      stop: (reason, detail) => this.stop(reason, detail),
      emit: (event, payload) => this.emit(event, payload),
    };
    this.driver = (options.driver ?? localDriver)(host);
    this.recorder = this.driver.recorder;
  }

  /** Milliseconds since the run started. */
  elapsedMs(): number {
    return this.clock() - this.t0;
  }

  describeLevel(): string {
    return this.driver.describeLevel();
  }

  inFlight(): number {
    return this.driver.inFlight();
  }

  /** The generator's event-loop delay over the run (the worst worker thread's when split). */
  loopDelayMs(): LoopDelay | undefined {
    return this.driver.loopDelayMs ? this.driver.loopDelayMs() : this.recorder.stalls.delaySummary();
  }

  /** Per-step figures so far (the dashboard's step table), wherever the load runs. */
  liveStepSummaries(): StepSummary[] {
    return this.driver.liveStepSummaries?.() ?? this.recorder.stepSummaries();
  }

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
    this.driver.setPaused(paused);
  }

  setFactor(factor: number): void {
    this.factor = factor;
    this.driver.setFactor(factor);
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
    this.driver.stop(); // no new iterations from now on, even before finish() runs
    this.resolveStop?.();
  }

  async run(): Promise<EngineResult> {
    const warmup = await this.driver.prepare();
    if (warmup) this.emit('warmed', { at: this.now(), ...warmup });
    // The clock starts now: connecting and warming up are never part of the results.
    this.t0 = this.clock();
    this.startedAt = this.now();
    this.driver.begin(this.t0, this.startedAt);
    this.emit('measuring', { at: this.startedAt });
    if (!this.stopping) {
      this.driver.start();
      this.watchPlan();
    }
    await Promise.race([this.planOver(), this.stopRequested]);
    if (!this.stopping) this.driver.startDue();
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
    const interrupted = await this.driver.drain();
    this.recording = false;
    this.recorder.finish();
    await this.driver.close();
    return {
      reason: this.stopReason,
      detail: this.stopDetail,
      startedAt: this.startedAt,
      endedAt: this.now(),
      interrupted,
    };
  }
}
