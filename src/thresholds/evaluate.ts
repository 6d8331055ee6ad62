import { type ThresholdInputs, type ThresholdResult, isRateMetric } from '../core/thresholds';
import type { LatencyStatsMs } from '../core/histogram';
import type { Threshold, ThresholdMetric } from '../core/profile';
import { OUTCOME_NAMES, Outcome } from '../core/outcome';
import { compare, isLlmMetric } from './parse';
import type { LlmPercentiles, LlmSummary } from '../core/llm';

function llmActual(name: ThresholdMetric, llm: LlmSummary | undefined): number {
  if (!llm) return NaN; // no llm figures: the threshold cannot pass
  if (name === 'tokens.rate') return llm.outputTokensPerSec;
  if (name === 'goodput.rate') return llm.goodput?.requestsPerSec ?? NaN;
  if (name === 'goodput.fraction') return llm.goodput?.fraction ?? NaN;
  const [metric, stat] = name.split('.') as ['ttft' | 'tpot' | 'itl' | 'e2e', keyof LlmPercentiles];
  return llm[`${metric}Ms`][stat];
}

function actualOf(name: ThresholdMetric, inputs: ThresholdInputs): number {
  if (isLlmMetric(name)) return llmActual(name, inputs.llm);
  if (name === 'errors.rate') return inputs.errorRate;
  if (name === 'dropped.rate') return inputs.droppedRate;
  if (name === 'throughput') return inputs.throughput;
  const key = name.slice('latency.'.length) as keyof LatencyStatsMs;
  return inputs.latencyMs[key];
}

export function evaluateThreshold(t: Threshold, inputs: ThresholdInputs): ThresholdResult {
  const actual = actualOf(t.name, inputs);
  const passed = compare(actual, t.op, t.value);
  const isRate = isRateMetric(t.name);
  const perSecond = t.name === 'throughput' || t.name === 'tokens.rate' || t.name === 'goodput.rate';
  return {
    name: t.name,
    condition: t.condition,
    actual: isRate ? Math.round(actual * 1e6) / 1e4 : Math.round(actual * 1000) / 1000,
    unit: isRate ? '%' : perSecond ? '/s' : 'ms',
    passed,
  };
}

export function evaluateThresholds(thresholds: readonly Threshold[], inputs: ThresholdInputs): ThresholdResult[] {
  return thresholds.map((t) => evaluateThreshold(t, inputs));
}

/**
 * A run in which no request succeeded (2xx or 3xx) fails whatever its thresholds say: a target
 * that never answered must not pass because nothing was measured. Returns why, or undefined.
 */
export function noSuccessReason(counts: readonly number[], requests: number): string | undefined {
  if (requests === 0) return 'no request completed';
  if (counts[Outcome.s2xx] + counts[Outcome.s3xx] > 0) return undefined;
  const classes = OUTCOME_NAMES.map((name, cls) => [name, counts[cls]] as const).filter(([, n]) => n > 0);
  return `no request succeeded (${requests} requests: ${classes.map(([name, n]) => `${name} ${n}`).join(', ')})`;
}
