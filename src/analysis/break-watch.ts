import { Outcome } from '../core/outcome';
import { percentileMs } from '../core/histogram';
import type { IntervalSink, IntervalSnapshot } from '../core/interval';
import type { ResolvedProfile } from '../core/profile';
import { BreakDebounce, breakCriteria, judgeSecond, llmSecond, type BreakCriteria } from './breaking';

/**
 * Stress runs stop once the break is confirmed instead of running on to max: the same
 * per-second judgement and debounce as the breaking-point analysis, applied live.
 */
export class BreakWatch implements IntervalSink {
  private readonly criteria: BreakCriteria;
  private readonly debounce: BreakDebounce;
  private stage = -1;
  private seenInStage = 0;
  private fired = false;

  constructor(
    private readonly plan: ResolvedProfile,
    private readonly onBreak: (detail: string) => void,
  ) {
    this.criteria = breakCriteria(plan);
    this.debounce = new BreakDebounce(this.criteria.debounceS);
  }

  onInterval(i: IntervalSnapshot): void {
    if (this.fired) return;
    if (i.stage !== this.stage) {
      this.stage = i.stage;
      this.seenInStage = 0;
      this.debounce.reset();
    }
    this.seenInStage++;
    if (this.seenInStage === 1) return; // the step's first second settles
    const verdict = judgeSecond(
      {
        p99Ms: percentileMs(i.latency, 99),
        requests: i.requests,
        errors: i.errors,
        ok: i.counts[Outcome.s2xx] + i.counts[Outcome.s3xx],
        offered: i.offered,
        model: this.plan.model,
        generatorLagMs: i.generatorLagMs,
        scheduleLagMs: i.scheduleLagMs,
        ...llmSecond(i.llm, this.criteria),
      },
      this.criteria,
    );
    const reason = this.debounce.add(verdict);
    if (reason) {
      this.fired = true;
      const unit = this.plan.model === 'open' ? '/s' : ' VUs';
      this.onBreak(`breaking point confirmed at ${this.plan.stages[i.stage].to}${unit} (${reason}); stress stopped`);
    }
  }
}
