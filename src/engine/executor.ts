import type { Recorder } from '../recorder/recorder';
import type { IterationContext, User } from './iteration';
import type { PlanPoint } from '../core/plan';
import type { Stage, Arrivals } from '../core/profile';

/** A worker's share: VU ids and arrivals whose number modulo `of` is `index`. */
export interface Shard {
  index: number;
  of: number;
}

/** What every load model gets from the engine. */
export interface ExecutorContext {
  iteration: IterationContext;
  recorder: Recorder;
  stages: readonly Stage[];
  plan: (elapsedMs: number) => PlanPoint;
  clock: () => number;
  /** clock() value at the run start. */
  t0: number;
  maxInFlight: number;
  /** Open model: how arrivals are spaced (even when absent). */
  arrivals?: Arrivals;
  /** This engine's share of the load when worker threads split it (index of `of`). */
  shard: Shard;
  /** Closed-model users by VU index, shared by the warm-up and the run so setup runs once per VU. */
  users: User[];
}

/** A load model: starts iterations according to the plan until stopped. */
export interface Executor {
  start(): void;
  /** Starts whatever the plan owes up to now (the open model's last arrival may fall on the end). */
  startDue(): void;
  /** Stop starting iterations; those in progress finish on their own. */
  stop(): void;
  /** Iterations in progress (closed model: VUs inside an iteration). */
  inFlight(): number;
  /** Current level in the model's unit, for progress lines. */
  describeLevel(): string;
  /** Paused: no iterations start (closed VUs wait; open arrivals are not owed). */
  setPaused(paused: boolean): void;
  /** Multiplies the planned level from now on (interactive nudges). */
  setFactor(factor: number): void;
}
