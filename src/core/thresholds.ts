import { latencyStatsMs, mergeLatency, type Histogram, type LatencyStatsMs } from './histogram';
import type { IntervalRow } from './interval';
import type { GateName, ResolvedProfile, ThresholdMetric } from './profile';
import { emptyFigures, llmSummary, mergeLlm, type LlmFigures, type LlmSummary } from './llm';

/** The figures thresholds are judged on. */
export interface ThresholdInputs {
  latencyMs: LatencyStatsMs;
  /** 0..1 */
  errorRate: number;
  /** Requests per second. */
  throughput: number;
  /** Open model: arrivals dropped (maxInFlight reached) over arrivals offered, 0..1; 0 in the closed model. */
  droppedRate: number;
  /** The llm: steps' figures, when the profile has any. */
  llm?: LlmSummary;
}

/** A threshold or a gate on a finding, judged: stored in the summary, shown and compared alike. */
export interface ThresholdResult {
  name: ThresholdMetric | GateName;
  condition: string;
  /** In the metric's unit: ms, percent, per second, VUs or s; rounded for display. null: nothing to judge. */
  actual: number | null;
  unit: 'ms' | '%' | '/s' | ' VUs' | 's' | '';
  passed: boolean;
  /** When the actual is not a number (a leak verdict), or needs words ("not recovered"). */
  actualText?: string;
  /** Part of the run it was judged on, when not the whole run ("below the break at 500/s"). */
  judgedOn?: string;
  /** Failed, but the profile asked only to be warned (leak: warn): reported, not failing. */
  warn?: boolean;
}

/** The figures thresholds (and comparisons) are judged on, from a merged histogram and counts. */
export function thresholdInputsOf(latency: Histogram, requests: number, errors: number, durationMs: number, dropped = 0, offered = 0, llm?: LlmInput): ThresholdInputs {
  return {
    latencyMs: latencyStatsMs(latency),
    errorRate: requests > 0 ? errors / requests : 0,
    throughput: durationMs > 0 ? (requests * 1000) / durationMs : 0,
    droppedRate: offered > 0 ? dropped / offered : 0,
    ...(llm ? { llm: llmSummary(llm.figures ?? emptyFigures(64), durationMs, llm.goodput) } : {}),
  };
}

/** A run's llm: figures for its thresholds; goodput when the profile gives llm.slo. */
export interface LlmInput {
  figures: LlmFigures | undefined;
  goodput: boolean;
}

function llmInput(profile: Pick<ResolvedProfile, 'llm'> | undefined, figures: LlmFigures | undefined): LlmInput | undefined {
  return profile?.llm ? { figures, goodput: profile.llm.slo !== undefined } : undefined;
}

/** The inputs thresholds are judged on, from whole-run (or so-far) totals; `profile` brings the llm figures in. */
export function thresholdInputs(
  totals: { latency: Histogram; requests: number; errors: number; durationMs: number; dropped: number; offered: number; llm?: LlmFigures },
  profile?: Pick<ResolvedProfile, 'llm'>,
): ThresholdInputs {
  return thresholdInputsOf(totals.latency, totals.requests, totals.errors, totals.durationMs, totals.dropped, totals.offered, llmInput(profile, totals.llm));
}

/** The same inputs from stored intervals (a subset of a run, e.g. the steps before a break). */
export function thresholdInputsFromRows(rows: readonly IntervalRow[], profile?: Pick<ResolvedProfile, 'llm'>): ThresholdInputs {
  const sum = (pick: (r: IntervalRow) => number) => rows.reduce((s, r) => s + pick(r), 0);
  return thresholdInputsOf(
    mergeLatency(rows),
    sum((r) => r.requests),
    sum((r) => r.errors),
    sum((r) => r.duration_ms),
    sum((r) => r.dropped),
    sum((r) => r.offered),
    profile?.llm ? llmInput(profile, mergeLlm(rows)) : undefined,
  );
}

/** Metrics that are a fraction (0..1, or a percentage): errors over requests, dropped over offered arrivals. */
export function isRateMetric(metric: string): boolean {
  return metric === 'errors.rate' || metric === 'dropped.rate' || metric === 'goodput.fraction';
}
