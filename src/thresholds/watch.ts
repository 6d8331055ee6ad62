import type { ResolvedProfile, Threshold } from '../core/profile';
import type { RunTotals } from '../recorder/totals';
import type { IntervalSink, IntervalSnapshot } from '../core/interval';
import { thresholdInputs } from '../core/thresholds';
import { evaluateThreshold } from './evaluate';

/**
 * Thresholds are just another sink: after each interval, thresholds marked abortOnFail are
 * judged on the run so far (once their delay has passed) and a failure stops the run.
 */
export class ThresholdWatch implements IntervalSink {
  private readonly watched: Threshold[];
  private fired = false;

  constructor(
    thresholds: readonly Threshold[],
    private readonly totals: RunTotals,
    private readonly onFail: (detail: string) => void,
    private readonly profile?: Pick<ResolvedProfile, 'llm'>,
  ) {
    this.watched = thresholds.filter((t) => t.abortOnFail);
  }

  onInterval(_interval: IntervalSnapshot): void {
    if (this.fired || this.watched.length === 0) return;
    const inputs = thresholdInputs(this.totals, this.profile);
    for (const t of this.watched) {
      if (this.totals.durationMs < t.delayAbortEvalMs) continue;
      const result = evaluateThreshold(t, inputs);
      if (!result.passed) {
        this.fired = true;
        this.onFail(`threshold ${t.name} ${t.condition} failed (actual ${result.actual}${result.unit}); abortOnFail stopped the run`);
        return;
      }
    }
  }
}
