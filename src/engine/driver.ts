import type { IntervalSink } from '../core/interval';
import type { ResolvedProfile } from '../core/profile';
import type { Recorder } from '../recorder/recorder';
import type { StepSummary } from '../core/summary';
import type { LoopDelay } from '../core/stalls';
import type { Executor, Shard } from './executor';
import type { StopReason, WarmupResult } from './types';

/** What the engine lends a driver: its clocks, its recorder factory, its stop and its events. */
export interface DriverHost {
  profile: ResolvedProfile;
  clock: () => number;
  now: () => number;
  random: () => number;
  env: NodeJS.ProcessEnv;
  /** Set inside a worker thread (or an agent): this engine runs that share of the load. */
  shard: Shard | undefined;
  /** Called after connecting and warming up, just before the clock starts. */
  beforeClock: ((warmup: WarmupResult | undefined) => Promise<void>) | undefined;
  /** Sinks that rehearse their per-interval work on the warm-up's intervals (see EngineOptions). */
  rehearsal: IntervalSink[];
  /** A recorder on the engine's plan and sinks, for the driver's step names. */
  newRecorder(steps: { name: string; scenario: string }[], inFlight: () => number): Recorder;
  /** Resolves when the run is asked to stop. */
  stopRequested: Promise<void>;
  isStopping(): boolean;
  isRecording(): boolean;
  stop(reason: Exclude<StopReason, 'completed'>, detail: string): void;
  emit(event: 'warmup', payload: { at: number; durationMs: number; level: number }): void;
}

/**
 * Where the load comes from: this thread's executor (engine/local.ts) or worker threads
 * (split/fleet.ts). The engine owns the plan clock, stages, control and stopping; a driver
 * owns connections, the warm-up and the load itself, and feeds the recorder.
 */
export interface LoadDriver extends Executor {
  readonly recorder: Recorder;
  /** Before the clock: open connections and warm up; the warm-up's figures, if there was one. */
  prepare(): Promise<WarmupResult | undefined>;
  /** The clock starts at `t0` (clock ms), wall time `startedAt`. */
  begin(t0: number, startedAt: number): void;
  /** After the plan or a stop: in-flight iterations finish (up to the graceful stop); returns those cut off. */
  drain(): Promise<number>;
  /** Releases connections or threads, after the recorder finished. */
  close(): Promise<void>;
  /** Per-step figures so far, when they live elsewhere until the end (worker threads). */
  liveStepSummaries?(): StepSummary[];
  /** The event-loop delay of the thread(s) generating the load, when that is not this one. */
  loopDelayMs?(): LoopDelay | undefined;
}

/** Makes a driver for an engine (the engine passes itself as the host). */
export type DriverFactory = (host: DriverHost) => LoadDriver;
