import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { ResolvedProfile } from '../profiles/types';
import { Recorder } from '../recorder/recorder';
import type { IntervalSink } from '../recorder/types';
import type { Executor } from './executor';
import { executors } from './executors';
import { DataFeeder } from './scenario/feeder';
import { prepareScenarios } from './scenario/steps';
import { planAt } from './plan';
import { HttpTransport } from './transport';

export type StopReason = 'completed' | 'aborted' | 'threshold' | 'stopped';

export interface EngineResult {
  reason: StopReason;
  /** Free text saying why, for stop reasons other than completed. */
  detail: string;
  startedAt: number;
  endedAt: number;
  /** Iterations still running when the graceful stop ran out (not recorded). */
  interrupted: number;
}

export interface EngineOptions {
  sinks: IntervalSink[];
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
  private readonly clock: () => number;
  private readonly now: () => number;
  private readonly t0: number;
  private readonly startedAt: number;
  private stopping = false;
  private recording = true;
  private stopReason: StopReason = 'completed';
  private stopDetail = '';
  private planTimer: NodeJS.Timeout | undefined;
  private stage = -1;
  private resolveStop: (() => void) | undefined;
  private readonly stopRequested = new Promise<void>((resolve) => (this.resolveStop = resolve));

  constructor(private readonly profile: ResolvedProfile, options: EngineOptions) {
    super();
    this.clock = options.clock ?? (() => performance.now());
    this.now = options.now ?? Date.now;
    this.transport = new HttpTransport({ target: profile.target, connections: profile.connections });
    this.t0 = this.clock();
    this.startedAt = this.now();
    const plan = (ms: number) => planAt(profile.stages, ms);
    const random = options.random ?? Math.random;
    const prepared = prepareScenarios(this.transport, profile.setup, profile.scenarios);
    const feeder = profile.data ? new DataFeeder(profile.data.file, profile.data.mode, random) : undefined;
    this.recorder = new Recorder({
      steps: prepared.stepNames,
      clock: this.clock,
      startClock: this.t0,
      startedAt: this.startedAt,
      plan,
      separateServiceLatency: profile.model === 'open',
      inFlight: () => this.executor.inFlight(),
      sinks: options.sinks,
    });
    this.executor = executors[profile.model]({
      iteration: {
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
      },
      recorder: this.recorder,
      stages: profile.stages,
      plan,
      clock: this.clock,
      t0: this.t0,
      maxInFlight: profile.maxInFlight,
    });
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
    this.paused = !this.paused;
    this.executor.setPaused(this.paused);
    this.emit('control', { at: this.now(), action: this.paused ? 'pause' : 'resume', factor: this.factor });
    return this.paused;
  }

  /** Nudges the level by ±10% of plan from now on; recorded as a 'control' event. */
  nudge(direction: 1 | -1): number {
    this.factor = Math.max(0.1, Math.round((this.factor + direction * 0.1) * 10) / 10);
    this.executor.setFactor(this.factor);
    this.emit('control', { at: this.now(), action: direction > 0 ? 'level-up' : 'level-down', factor: this.factor });
    return this.factor;
  }

  /** Asks the run to end early; the first reason given wins. */
  stop(reason: Exclude<StopReason, 'completed'>, detail = ''): void {
    if (this.stopping) return;
    this.stopReason = reason;
    this.stopDetail = detail;
    this.executor.stop(); // no new iterations from now on, even before finish() runs
    this.resolveStop?.();
  }

  async run(): Promise<EngineResult> {
    this.recorder.start();
    this.executor.start();
    this.watchPlan();
    const planDone = new Promise<void>((resolve) => setTimeout(resolve, this.profile.totalDurationMs).unref());
    await Promise.race([planDone, this.stopRequested]);
    return this.finish();
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
    this.executor.stop();
    const deadline = this.clock() + this.profile.gracefulStopMs;
    while (this.executor.inFlight() > 0 && this.clock() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const interrupted = this.executor.inFlight();
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
