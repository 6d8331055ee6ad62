import type { Comparator, ThresholdMetric } from '../core/profile';
import { isRateMetric } from '../core/thresholds';

export interface ParsedCondition {
  op: Comparator;
  /** In the metric's base unit: ms, fraction 0..1, or per second. */
  value: number;
}

const CONDITION = /^\s*(<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)?)\s*(us|ms|s|%|\/s)?\s*$/;

/** Which units each metric family accepts, and how they convert to the base unit. */
const UNITS: Record<'latency' | 'errors' | 'throughput', Record<string, number>> = {
  latency: { ms: 1, s: 1000, us: 0.001 },
  errors: { '%': 0.01, '': 1 },
  throughput: { '/s': 1, '': 1 },
};
const ACCEPTED: Record<keyof typeof UNITS, string> = {
  latency: 'a time like "< 200ms" or "< 1.5s"',
  errors: 'a percentage like "< 1%" or a fraction like "< 0.01"',
  throughput: 'a rate like "> 100/s"',
};

/** Thresholds judged on the llm: steps' figures. */
export function isLlmMetric(metric: ThresholdMetric): boolean {
  return /^(ttft|tpot|itl|e2e|tokens|goodput)\./.test(metric);
}

function family(metric: ThresholdMetric): keyof typeof UNITS {
  if (/^(latency|ttft|tpot|itl|e2e)\./.test(metric)) return 'latency';
  return isRateMetric(metric) ? 'errors' : 'throughput';
}

/** Parses "< 200ms" for a metric; returns an error message naming what is accepted instead. */
export function parseCondition(metric: ThresholdMetric, text: string): ParsedCondition | string {
  const match = CONDITION.exec(text);
  const fam = family(metric);
  if (!match) return `must be ${ACCEPTED[fam]}`;
  const unit = match[3] ?? '';
  const factor = UNITS[fam][unit];
  if (factor === undefined) return `unit "${unit || 'none'}" does not fit ${metric}; use ${ACCEPTED[fam]}`;
  return { op: match[1] as Comparator, value: Number(match[2]) * factor };
}

export function compare(actual: number, op: Comparator, expected: number): boolean {
  switch (op) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
  }
}
