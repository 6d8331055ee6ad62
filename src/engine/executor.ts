import type { Recorder } from '../recorder/recorder';
import type { IterationContext, User } from './iteration';
import type { PlanPoint } from './plan';
import type { Stage } from '../profiles/types';

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
