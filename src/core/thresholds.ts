import { latencyStatsMs, mergeLatency, type Histogram, type LatencyStatsMs } from './histogram';
import type { IntervalRow } from './interval';
import type { ThresholdMetric } from './profile';

/** The figures thresholds are judged on. */
export interface ThresholdInputs {
  latencyMs: LatencyStatsMs;
  /** 0..1 */
  errorRate: number;
  /** Requests per second. */
  throughput: number;
  /** Open model: arrivals dropped (maxInFlight reached) over arrivals offered, 0..1; 0 in the closed model. */
  droppedRate: number;
}

export interface ThresholdResult {
  name: ThresholdMetric;
  condition: string;
  /** In the metric's unit: ms, percent, or per second; rounded for display. */
  actual: number;
  unit: 'ms' | '%' | '/s';
  passed: boolean;
}

/** The figures thresholds (and comparisons) are judged on, from a merged histogram and counts. */
export function thresholdInputsOf(latency: Histogram, requests: number, errors: number, durationMs: number, dropped = 0, offered = 0): ThresholdInputs {
  return {
    latencyMs: latencyStatsMs(latency),
    errorRate: requests > 0 ? errors / requests : 0,
    throughput: durationMs > 0 ? (requests * 1000) / durationMs : 0,
    droppedRate: offered > 0 ? dropped / offered : 0,
  };
}

/** The inputs thresholds are judged on, from whole-run (or so-far) totals. */
export function thresholdInputs(totals: { latency: Histogram; requests: number; errors: number; durationMs: number; dropped: number; offered: number }): ThresholdInputs {
  return thresholdInputsOf(totals.latency, totals.requests, totals.errors, totals.durationMs, totals.dropped, totals.offered);
}

/** The same inputs from stored intervals (a subset of a run, e.g. the steps before a break). */
export function thresholdInputsFromRows(rows: readonly IntervalRow[]): ThresholdInputs {
  const sum = (pick: (r: IntervalRow) => number) => rows.reduce((s, r) => s + pick(r), 0);
  return thresholdInputsOf(mergeLatency(rows), sum((r) => r.requests), sum((r) => r.errors), sum((r) => r.duration_ms), sum((r) => r.dropped), sum((r) => r.offered));
}
