import type { LatencyStatsMs } from '../recorder/histogram';
import type { Threshold, ThresholdMetric } from '../profiles/types';
import { compare } from './parse';

/** The figures thresholds are judged on. */
export interface ThresholdInputs {
  latencyMs: LatencyStatsMs;
  /** 0..1 */
  errorRate: number;
  /** Requests per second. */
  throughput: number;
}

export interface ThresholdResult {
  name: ThresholdMetric;
  condition: string;
  /** In the metric's unit: ms, percent, or per second; rounded for display. */
  actual: number;
  unit: 'ms' | '%' | '/s';
  passed: boolean;
}

function actualOf(name: ThresholdMetric, inputs: ThresholdInputs): number {
  if (name === 'errors.rate') return inputs.errorRate;
  if (name === 'throughput') return inputs.throughput;
  const key = name.slice('latency.'.length) as keyof LatencyStatsMs;
  return inputs.latencyMs[key];
}

export function evaluateThreshold(t: Threshold, inputs: ThresholdInputs): ThresholdResult {
  const actual = actualOf(t.name, inputs);
  const passed = compare(actual, t.op, t.value);
  const isRate = t.name === 'errors.rate';
  return {
    name: t.name,
    condition: t.condition,
    actual: isRate ? Math.round(actual * 1e6) / 1e4 : Math.round(actual * 1000) / 1000,
    unit: isRate ? '%' : t.name === 'throughput' ? '/s' : 'ms',
    passed,
  };
}

export function evaluateThresholds(thresholds: readonly Threshold[], inputs: ThresholdInputs): ThresholdResult[] {
  return thresholds.map((t) => evaluateThreshold(t, inputs));
}
