import type { RunTotals } from '../recorder/totals';

/** What an engine run says about itself: how it ended, its warm-up, its stage changes. */

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

export interface StageEvent {
  index: number;
  name: string;
  at: number;
}
