import type { Stage } from '../profiles/types';

/**
 * Intended start times for the open model. Within a stage the rate changes linearly,
 * so the cumulative arrival count is quadratic in time; arrival k is scheduled where
 * that count reaches k. This stays exact on ramps from zero, where 1/rate would not.
 */
export class ArrivalSchedule {
  private stageIndex = 0;
  private stageStartMs = 0;
  /** Arrivals owed before the current stage began (fractional). */
  private countAtStageStart = 0;
  private issued = 0;

  constructor(private readonly stages: readonly Stage[]) {}

  /** Offset in ms from the run start of the next arrival, or undefined when the plan is over. */
  next(): number | undefined {
    const k = this.issued + 1;
    while (this.stageIndex < this.stages.length) {
      const s = this.stages[this.stageIndex];
      const d = s.durationMs / 1000;
      const owedInStage = ((s.from + s.to) / 2) * d;
      const needed = k - this.countAtStageStart;
      if (needed <= owedInStage + 1e-9) {
        this.issued = k;
        return this.stageStartMs + solveTime(s.from, s.to, d, needed) * 1000;
      }
      this.countAtStageStart += owedInStage;
      this.stageStartMs += s.durationMs;
      this.stageIndex++;
    }
    return undefined;
  }
}

/** Seconds τ into a stage at which from·τ + (to-from)/(2d)·τ² = n. */
function solveTime(from: number, to: number, d: number, n: number): number {
  const a = (to - from) / (2 * d);
  if (Math.abs(a) < 1e-12) return n / from;
  // a·τ² + from·τ - n = 0; the root in [0, d] is the one with +sqrt.
  const disc = Math.max(from * from + 4 * a * n, 0);
  return Math.min((-from + Math.sqrt(disc)) / (2 * a), d);
}
