import { round } from '../util/format';
import { OUTCOME_NAMES, Outcome, isError } from '../core/outcome';
import type { ResolvedProfile } from '../core/profile';
import { latencyStatsMs } from '../core/histogram';
import type { RunTotals } from '../recorder/totals';
import type { WarmupResult } from '../engine/types';
import type { ResourceSummary, RunSummary, StepSummary, SummaryStatus, WarmupSummary, GeneratorSummary } from '../core/summary';
import type { Finding } from '../core/finding';
import { redactUrl } from '../util/secrets';
import { thresholdInputs, type ThresholdResult } from '../core/thresholds';
import type { StallReport } from '../core/stalls';

export interface SummaryInput {
  runId: number;
  profile: ResolvedProfile;
  totals: RunTotals;
  status: SummaryStatus;
  stopReason: string;
  startedAt: number;
  endedAt: number;
  interrupted: number;
  verdict: string;
  thresholds: ThresholdResult[];
  thresholdsJudgedOn?: string;
  resources: ResourceSummary;
  findings: Finding[];
  steps: StepSummary[];
  warmup?: WarmupResult;
  loopDelayMs?: GeneratorSummary['loopDelayMs'];
  stalls?: StallReport;
}

export function buildSummary(s: SummaryInput): RunSummary {
  const inputs = thresholdInputs(s.totals, s.profile);
  const errorsByClass: Record<string, number> = {};
  const statusClasses: Record<string, number> = {};
  OUTCOME_NAMES.forEach((name, cls) => {
    const count = s.totals.counts[cls];
    if (isError(cls)) errorsByClass[name] = count;
    if (cls <= Outcome.s5xx) statusClasses[name] = count;
  });
  return {
    runId: s.runId,
    profile: s.profile.name,
    kind: s.profile.kind,
    model: s.profile.model,
    target: redactUrl(s.profile.target),
    status: s.status,
    verdict: s.verdict,
    stopReason: s.stopReason,
    startedAt: new Date(s.startedAt).toISOString(),
    endedAt: new Date(s.endedAt).toISOString(),
    durationS: round((s.endedAt - s.startedAt) / 1000, 3),
    requests: s.totals.requests,
    errors: s.totals.errors,
    errorRate: round(inputs.errorRate, 6),
    throughput: round(inputs.throughput, 2),
    offered: s.totals.offered,
    dropped: s.totals.dropped,
    ...skippedOf(s.steps),
    interrupted: s.interrupted,
    latencyMs: inputs.latencyMs,
    ...(s.profile.model === 'open' ? { serviceLatencyMs: latencyStatsMs(s.totals.serviceLatency) } : {}),
    errorsByClass,
    statusClasses,
    thresholds: s.thresholds,
    ...(s.thresholdsJudgedOn ? { thresholdsJudgedOn: s.thresholdsJudgedOn } : {}),
    findings: s.findings,
    resources: s.resources,
    steps: s.steps,
    generator: {
      maxLagMs: s.totals.maxGeneratorLagMs,
      saturated: s.findings.some((f) => f.kind === 'generator-saturated'),
      workers: s.profile.workers,
      ...(s.loopDelayMs ? { loopDelayMs: s.loopDelayMs } : {}),
      ...(s.stalls ? { stalls: s.stalls } : {}),
    },
    ...(s.warmup ? { warmup: warmupSummary(s.warmup) } : {}),
    ...(inputs.llm ? { llm: inputs.llm } : {}),
  };
}

function skippedOf(steps: readonly StepSummary[]): Pick<RunSummary, 'skipped' | 'skippedByReason'> {
  const byReason: Record<string, number> = {};
  for (const st of steps) for (const r of st.skipReasons ?? []) byReason[r.reason] = (byReason[r.reason] ?? 0) + r.count;
  return { skipped: steps.reduce((n, st) => n + (st.skipped ?? 0), 0), skippedByReason: byReason };
}

function warmupSummary(w: WarmupResult): WarmupSummary {
  return {
    durationS: round(w.durationMs / 1000, 3),
    minimumS: round(w.minimumMs / 1000, 3),
    settled: w.settled,
    lagMs: round(w.lagMs, 2),
    level: w.level,
    connections: w.connections,
    requests: w.totals.requests,
    errors: w.totals.errors,
    latencyMs: latencyStatsMs(w.totals.latency),
  };
}
