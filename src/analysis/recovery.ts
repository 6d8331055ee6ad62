import { round } from '../util/format';
import type { ResolvedProfile } from '../core/profile';
import type { IntervalRow } from '../core/interval';
import { mergeLatency, percentileMs } from '../core/histogram';
import { okCount, rowsByStage, settled, strainLagMs, strainsOwn } from './intervals';
import type { Finding } from '../core/finding';
import { mergeLlm } from '../core/llm';

export interface RecoveryOptions {
  /** Seconds the metrics must stay near baseline to count as recovered. */
  holdS: number;
  /** p99 counts as near baseline below max(baseline × ratio, baseline + slackMs). */
  p99Ratio: number;
  p99SlackMs: number;
  /** Error rate may exceed the baseline's by this much (absolute, 0..1). */
  errorSlack: number;
  /** Achieved good throughput must reach this share of offered. */
  minAchievedRatio: number;
}

const recoveryDefaults: RecoveryOptions = { holdS: 5, p99Ratio: 2, p99SlackMs: 20, errorSlack: 0.01, minAchievedRatio: 0.9 };

/**
 * Spike recovery: how long after the spike ends until per-second p99, error rate and achieved
 * rate are back near the baseline and stay there for the hold window. Resolution is one second.
 */
export function analyzeRecovery(plan: ResolvedProfile, rows: readonly IntervalRow[], o: RecoveryOptions = recoveryDefaults): Finding {
  const [baselineRows, spikeRows, recoveryRows] = rowsByStage(rows, plan.stages.length);
  const baseline = settled(baselineRows ?? []);
  if (baseline.length === 0 || !spikeRows?.length || !recoveryRows?.length) {
    return { kind: 'recovery', verdict: 'inconclusive', summary: 'the run has no complete baseline, spike and recovery to compare', recoveryS: null };
  }
  const baseHist = mergeLatency(baseline);
  const baselineP99Ms = percentileMs(baseHist, 99);
  const baseRequests = baseline.reduce((s, r) => s + r.requests, 0);
  const baselineErrorRate = baseRequests > 0 ? baseline.reduce((s, r) => s + r.errors, 0) / baseRequests : 0;
  const peakP99Ms = Math.max(...[...spikeRows, ...recoveryRows].map((r) => r.p99_ms));
  const p99Limit = Math.max(baselineP99Ms * o.p99Ratio, baselineP99Ms + o.p99SlackMs);
  // An LLM's recovery is also its time to first token back near the baseline's.
  const ttft = plan.llm ? ttftLimit(baseline, o) : undefined;
  const errorsNear = (r: IntervalRow) => r.requests > 0 && r.errors / r.requests <= baselineErrorRate + o.errorSlack;
  const achieved = (r: IntervalRow) => plan.model === 'closed' || r.offered === 0 || okCount(r) / r.offered >= o.minAchievedRatio;
  const near = (r: IntervalRow) => errorsNear(r) && (ttft === undefined || ttftP99Of(r) <= ttft.limitMs) && r.p99_ms <= p99Limit && achieved(r);
  // A second whose p99 was strain's own lateness (a stall of the generator, not of the target) says
  // nothing about the target's latency: it is skipped, neither counted in the hold nor breaking it,
  // as long as its errors, its achieved rate and its p99 less strain's lag are near the baseline.
  const skipped = (r: IntervalRow) => strainsOwn(r) && errorsNear(r) && achieved(r) && r.p99_ms - strainLagMs(r) <= p99Limit;
  const common = {
    kind: 'recovery' as const,
    baselineP99Ms: round(baselineP99Ms, 3),
    peakP99Ms: round(peakP99Ms, 3),
    p99LimitMs: round(p99Limit, 3),
    baselineErrorRate: round(baselineErrorRate, 5),
    holdS: o.holdS,
    spikeEndedAt: recoveryRows[0].started_at,
    ...(ttft ? { baselineTtftP99Ms: round(ttft.baselineMs, 3), ttftLimitMs: round(ttft.limitMs, 3) } : {}),
  };
  const ttftNote = ttft ? ` and TTFT p99 under ${round(ttft.limitMs, 1)} ms` : '';
  const whole = recoveryRows.filter((r) => r.duration_ms >= 999);
  for (let i = 0; i < whole.length; i++) {
    if (!near(whole[i])) continue;
    const held = heldFrom(whole, i, o.holdS, near, skipped);
    if (!held) continue;
    const recoveryS = (whole[i].started_at - recoveryRows[0].started_at) / 1000;
    const last = whole[held.lastIndex];
    const ownNote = held.skipped ? `; ${held.skipped} s of strain's own lateness inside it not counted` : '';
    return {
      ...common,
      verdict: 'recovered',
      recoveryS,
      confirmedS: (last.started_at + last.duration_ms - recoveryRows[0].started_at) / 1000,
      summary: `recovered ${recoveryS} s after the spike (p99 back under ${round(p99Limit, 1)} ms${ttftNote} and held for ${o.holdS} s${ownNote}); peak p99 ${round(peakP99Ms, 1)} ms vs baseline ${round(baselineP99Ms, 1)} ms`,
    };
  }
  return {
    ...common,
    verdict: 'not-recovered',
    recoveryS: null,
    summary: `degraded after spike: p99${ttft ? ', TTFT' : ''}, errors or throughput did not return near baseline for ${o.holdS} s within the ${round(whole.length, 0)} s recovery window (peak p99 ${round(peakP99Ms, 1)} ms vs baseline ${round(baselineP99Ms, 1)} ms)`,
  };
}

/** The baseline's TTFT p99 and the limit a recovered second must be under (same ratio and slack as p99). */
function ttftLimit(baseline: readonly IntervalRow[], o: RecoveryOptions): { baselineMs: number; limitMs: number } | undefined {
  const f = mergeLlm(baseline);
  if (!f || f.ttft.totalCount === 0) return undefined;
  const baselineMs = percentileMs(f.ttft, 99);
  return { baselineMs, limitMs: Math.max(baselineMs * o.p99Ratio, baselineMs + o.p99SlackMs) };
}

/** A second's TTFT p99 (0 when it carried no llm answers). */
function ttftP99Of(r: IntervalRow): number {
  const f = mergeLlm([r]);
  return f && f.ttft.totalCount > 0 ? percentileMs(f.ttft, 99) : 0;
}

/**
 * From seconds[start], holdS seconds near the baseline in a row, strain's own late seconds passed
 * over: where the hold ends and how many were passed over, or undefined when a second breaks it
 * (or the run ends) first.
 */
function heldFrom(
  seconds: readonly IntervalRow[],
  start: number,
  holdS: number,
  near: (r: IntervalRow) => boolean,
  skipped: (r: IntervalRow) => boolean,
): { lastIndex: number; skipped: number } | undefined {
  let counted = 0;
  let passedOver = 0;
  for (let j = start; j < seconds.length; j++) {
    if (near(seconds[j])) counted++;
    else if (skipped(seconds[j])) passedOver++;
    else return undefined;
    if (counted === holdS) return { lastIndex: j, skipped: passedOver };
  }
  return undefined;
}
