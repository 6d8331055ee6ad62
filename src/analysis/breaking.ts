import { defaults } from '../defaults';
import { round } from '../util/format';
import type { ResolvedProfile } from '../core/profile';
import type { IntervalRow } from '../core/interval';
import { mergeLatency, percentileMs } from '../core/histogram';
import { okCount, rowsByStage, settled } from './intervals';
import { kneedle } from './kneedle';
import type { Finding } from '../core/finding';
import { fitUsl } from './usl';
import { mergeLlm, type LlmFigures } from '../core/llm';

export interface BreakCriteria {
  /** p99 above this (ms) is a breach; undefined when the profile sets no latency SLO. */
  p99Ms: number | undefined;
  /** Error rate (0..1) above this is a breach. */
  errorRate: number;
  /** Achieved good throughput / offered below this is a breach (open model). */
  minAchievedRatio: number;
  /** Consecutive breaching seconds that confirm a break. */
  debounceS: number;
  /** A second with more event-loop or schedule lag than this was the generator's fault. */
  generatorLagMs: number;
  /** llm: TTFT at this percentile above `ms` is a breach (from a ttft.p99 / ttft.p95 threshold). */
  ttft?: { percentile: number; ms: number };
  /** llm: the share of requests meeting every SLO below this is a breach (goodput.fraction). */
  minGoodFraction?: number;
}

/** The SLOs a stress run breaks against, from the profile's thresholds where it has them. */
export function breakCriteria(plan: Pick<ResolvedProfile, 'thresholds'>): BreakCriteria {
  const latency =
    plan.thresholds.find((t) => t.name === 'latency.p99' && (t.op === '<' || t.op === '<=')) ??
    plan.thresholds.find((t) => t.name === 'latency.p95' && (t.op === '<' || t.op === '<='));
  const errors = plan.thresholds.find((t) => t.name === 'errors.rate' && (t.op === '<' || t.op === '<='));
  const below = (t: { op: string }) => t.op === '<' || t.op === '<=';
  const ttft = plan.thresholds.find((t) => t.name === 'ttft.p99' && below(t)) ?? plan.thresholds.find((t) => t.name === 'ttft.p95' && below(t));
  const good = plan.thresholds.find((t) => t.name === 'goodput.fraction' && (t.op === '>' || t.op === '>='));
  return {
    p99Ms: latency?.value,
    errorRate: errors?.value ?? 0.01,
    minAchievedRatio: 0.95,
    debounceS: 3,
    generatorLagMs: defaults.generatorLag.breakExemptMs,
    ...(ttft ? { ttft: { percentile: ttft.name === 'ttft.p99' ? 99 : 95, ms: ttft.value } } : {}),
    ...(good ? { minGoodFraction: good.value } : {}),
  };
}

/** A second's llm figures as the criteria read them. */
export function llmSecond(f: LlmFigures | undefined, c: BreakCriteria): Pick<SecondFigures, 'ttftMs' | 'goodFraction'> {
  if (!f || f.requests === 0) return {};
  const attempted = f.requests + Object.values(f.bad).reduce((a, b) => a + b, 0);
  return {
    ...(c.ttft ? { ttftMs: f.ttft.getValueAtPercentile(c.ttft.percentile) / 1000 } : {}),
    goodFraction: attempted > 0 ? f.good / attempted : 1,
  };
}

/** What one second says: breached (and why), and whether the generator was lagging. */
export interface SecondVerdict {
  breach: 'p99' | 'errors' | 'throughput' | 'ttft' | 'goodput' | undefined;
  generatorBound: boolean;
}

export interface SecondFigures {
  p99Ms: number;
  requests: number;
  errors: number;
  ok: number;
  offered: number;
  model: 'open' | 'closed';
  generatorLagMs: number;
  scheduleLagMs: number;
  /** llm: TTFT at the criteria's percentile, and the share of good requests. */
  ttftMs?: number;
  goodFraction?: number;
}

export function judgeSecond(f: SecondFigures, c: BreakCriteria): SecondVerdict {
  const generatorBound = f.generatorLagMs > c.generatorLagMs || f.scheduleLagMs > c.generatorLagMs;
  let breach: SecondVerdict['breach'];
  if (f.requests > 0 && f.errors / f.requests > c.errorRate) breach = 'errors';
  else if (c.p99Ms !== undefined && f.p99Ms > c.p99Ms) breach = 'p99';
  else if (c.ttft && f.ttftMs !== undefined && f.ttftMs > c.ttft.ms) breach = 'ttft';
  else if (c.minGoodFraction !== undefined && f.goodFraction !== undefined && f.goodFraction < c.minGoodFraction) breach = 'goodput';
  else if (f.model === 'open' && f.offered > 0 && f.ok / f.offered < c.minAchievedRatio) breach = 'throughput';
  return { breach, generatorBound };
}

function secondFiguresOf(r: IntervalRow, model: 'open' | 'closed', c?: BreakCriteria): SecondFigures {
  return {
    p99Ms: r.p99_ms,
    requests: r.requests,
    errors: r.errors,
    ok: okCount(r),
    offered: r.offered,
    model,
    generatorLagMs: r.generator_lag_ms,
    scheduleLagMs: r.schedule_lag_ms,
    ...(c && r.llm_json ? llmSecond(mergeLlm([r]), c) : {}),
  };
}

/** Tracks consecutive breaching seconds inside one step; shared by the live stop and the analysis. */
export class BreakDebounce {
  private run = 0;
  private reasons: string[] = [];
  constructor(private readonly debounceS: number) {}
  reset(): void {
    this.run = 0;
    this.reasons = [];
  }
  /** Feeds one second; returns the dominant reason once the break is confirmed. */
  add(v: SecondVerdict): string | undefined {
    if (!v.breach || v.generatorBound) {
      this.reset();
      return undefined;
    }
    this.run++;
    this.reasons.push(v.breach);
    if (this.run < this.debounceS) return undefined;
    const counts = new Map<string, number>();
    for (const r of this.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  }
}

interface StepMetrics {
  stage: number;
  level: number;
  seconds: number;
  throughput: number;
  goodThroughput: number;
  p99Ms: number;
  errorRate: number;
  meanInFlight: number;
  /** llm: output tokens per second over the step. */
  outputTokensPerSec?: number;
  generatorBound: boolean;
  broken: boolean;
  reason: string | undefined;
}

const REASONS: Record<string, string> = {
  p99: 'p99 latency above its SLO',
  errors: 'error rate above its limit',
  throughput: 'achieved throughput below 95% of offered',
  ttft: 'time to first token above its SLO',
  goodput: 'share of requests meeting every SLO below its limit',
};

/** Per-step figures from the step's own intervals (its first second settles), never cumulative. */
function stepMetrics(plan: ResolvedProfile, rows: readonly IntervalRow[], c: BreakCriteria): StepMetrics[] {
  return rowsByStage(rows, plan.stages.length).flatMap((stageRows, stage) => {
    const measured = settled(stageRows, 0);
    if (measured.length === 0) return [];
    const seconds = measured.reduce((s, r) => s + r.duration_ms, 0) / 1000;
    const requests = measured.reduce((s, r) => s + r.requests, 0);
    const errors = measured.reduce((s, r) => s + r.errors, 0);
    const h = mergeLatency(measured);
    const debounce = new BreakDebounce(Math.min(c.debounceS, measured.length));
    let reason: string | undefined;
    let lagging = 0;
    for (const r of measured) {
      const v = judgeSecond(secondFiguresOf(r, plan.model, c), c);
      if (v.generatorBound) lagging++;
      reason = reason ?? debounce.add(v);
    }
    return [
      {
        stage,
        level: plan.stages[stage].to,
        seconds,
        throughput: requests / seconds,
        goodThroughput: measured.reduce((s, r) => s + okCount(r), 0) / seconds,
        p99Ms: percentileMs(h, 99),
        errorRate: requests > 0 ? errors / requests : 0,
        meanInFlight: measured.reduce((s, r) => s + r.in_flight, 0) / measured.length,
        ...(plan.llm ? { outputTokensPerSec: (mergeLlm(measured)?.outputTokens ?? 0) / seconds } : {}),
        generatorBound: lagging >= measured.length * 0.3,
        broken: reason !== undefined,
        reason,
      },
    ];
  });
}

/** The breaking point of a stress run, its knee, and a USL fit where the data allow. */
export function analyzeBreakingPoint(plan: ResolvedProfile, rows: readonly IntervalRow[]): Finding {
  const c = breakCriteria(plan);
  const steps = stepMetrics(plan, rows, c);
  const unit = plan.model === 'open' ? '/s' : ' VUs';
  const breaking = steps.find((s) => s.broken && !s.generatorBound);
  const lastGood = breaking ? [...steps].reverse().find((s) => s.level < breaking.level && !s.broken) : steps.filter((s) => !s.broken).pop();
  // For an LLM the curve people sweep by hand is output tokens/s against concurrency.
  const knee = kneedle(
    steps.map((s) => s.level),
    steps.map((s) => s.outputTokensPerSec ?? s.goodThroughput),
  );
  // USL wants concurrency: VUs in the closed model, mean requests in flight in the open one.
  const usable = steps.filter((s) => !s.generatorBound && s.goodThroughput > 0);
  const concurrency = usable.map((s) => (plan.model === 'closed' ? s.level : Math.max(s.meanInFlight, 1e-3)));
  const usl =
    usable.length >= 4
      ? fitUsl(
          concurrency,
          usable.map((s) => s.goodThroughput),
        )
      : undefined;
  const maxN = Math.max(...concurrency, 0);
  const retrograde = usl && Number.isFinite(usl.nmax) && usl.nmax < maxN;
  const uslText = !usl
    ? 'too few steps for a scalability fit'
    : retrograde
      ? `throughput peaks near concurrency ${round(usl.nmax, 1)} and falls beyond it (retrograde)`
      : 'no retrograde region observed';
  const generatorSteps = steps.filter((s) => s.generatorBound).map((s) => s.level);
  const common = {
    kind: 'breaking-point' as const,
    criteria: c,
    knee: knee ?? null,
    usl: usl
      ? {
          alpha: round(usl.alpha, 6),
          beta: round(usl.beta, 8),
          gamma: round(usl.gamma, 4),
          nmax: Number.isFinite(usl.nmax) ? round(usl.nmax, 2) : null,
          r2: round(usl.r2, 4),
          retrograde: !!retrograde,
        }
      : null,
    uslSummary: uslText,
    generatorBoundLevels: generatorSteps,
    steps: steps.map((s) => ({
      ...s,
      throughput: round(s.throughput),
      goodThroughput: round(s.goodThroughput),
      p99Ms: round(s.p99Ms, 3),
      errorRate: round(s.errorRate, 5),
      meanInFlight: round(s.meanInFlight),
      ...(s.outputTokensPerSec !== undefined ? { outputTokensPerSec: round(s.outputTokensPerSec) } : {}),
    })),
  };
  const genNote = generatorSteps.length ? `; steps at ${generatorSteps.join(', ')}${unit} were generator-bound and not blamed on the target` : '';
  const kneeNote = knee !== undefined ? `; knee${plan.llm ? ' of output tokens/s' : ''} at ${knee}${unit}` : '';
  if (!breaking) {
    return {
      ...common,
      verdict: 'not-reached',
      breakingLevel: null,
      lastGoodLevel: lastGood?.level ?? null,
      reason: null,
      summary: `no breaking point up to ${steps.at(-1)?.level ?? 0}${unit}${kneeNote}; ${uslText}${genNote}`,
    };
  }
  return {
    ...common,
    verdict: 'broken',
    breakingLevel: breaking.level,
    lastGoodLevel: lastGood?.level ?? null,
    reason: breaking.reason,
    summary: `breaks at ${breaking.level}${unit} (${REASONS[breaking.reason!]}); last good level ${lastGood ? `${lastGood.level}${unit}` : 'none'}${kneeNote}; ${uslText}${genNote}`,
  };
}
