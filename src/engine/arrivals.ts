import type { Stage } from '../core/profile';

/**
 * Intended start times for the open model. Within a stage the rate changes linearly, so the
 * number of arrivals owed between two instants is a quadratic in time; the next arrival is
 * where that integral reaches one. This stays exact on ramps from zero (where 1/rate would
 * not) and lets the rate be scaled (`factor`) or the schedule moved on (`skipTo`) mid-run.
 */
export class ArrivalSchedule {
  private stageIndex = 0;
  private stageStartMs = 0;
  /** Time (ms since start) up to which arrivals have been accounted for. */
  private atMs = 0;
  /** Multiplier on the planned rate (the dashboard's +/- nudges). */
  factor = 1;

  /**
   * `gap`: the next gap in units of the mean gap (a Poisson or gamma process, see
   * core/random); without it arrivals are evenly spaced.
   */
  constructor(
    private readonly stages: readonly Stage[],
    private readonly gap?: () => number,
  ) {}

  /** Offset in ms from the run start of the next arrival, or undefined when the plan is over. */
  next(): number | undefined {
    let need = this.gap ? this.gap() : 1;
    while (this.stageIndex < this.stages.length) {
      const s = this.stages[this.stageIndex];
      const d = s.durationMs / 1000;
      const a = (this.atMs - this.stageStartMs) / 1000;
      const k = d > 0 ? (s.to - s.from) / (2 * d) : 0;
      const owedTo = (x: number) => this.factor * (s.from * x + k * x * x);
      const available = owedTo(d) - owedTo(a);
      if (available >= need - 1e-9 && available > 0) {
        const x = solve(k, s.from, owedTo(a) / this.factor + need / this.factor, d);
        this.atMs = this.stageStartMs + x * 1000;
        return this.atMs;
      }
      need -= Math.max(available, 0);
      this.stageStartMs += s.durationMs;
      this.atMs = this.stageStartMs;
      this.stageIndex++;
    }
    return undefined;
  }

  /** Forgets arrivals owed before `ms` (after a pause), so resuming does not burst. */
  skipTo(ms: number): void {
    while (this.stageIndex < this.stages.length && ms >= this.stageStartMs + this.stages[this.stageIndex].durationMs) {
      this.stageStartMs += this.stages[this.stageIndex].durationMs;
      this.stageIndex++;
    }
    this.atMs = Math.max(this.atMs, ms);
  }
}

/** The x in [0, d] where from·x + k·x² = target (k may be negative on a ramp down). */
function solve(k: number, from: number, target: number, d: number): number {
  if (Math.abs(k) < 1e-12) return Math.min(target / from, d);
  const disc = Math.max(from * from + 4 * k * target, 0);
  return Math.min(Math.max((-from + Math.sqrt(disc)) / (2 * k), 0), d);
}
