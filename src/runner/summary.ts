import { round } from '../util/format';
import { OUTCOME_NAMES } from '../core/outcome';
import type { ResolvedProfile } from '../core/profile';
import { latencyStatsMs, type Histogram, type LatencyStatsMs } from '../core/histogram';
import type { RunTotals } from '../recorder/totals';
import type { WarmupResult } from '../engine/engine';
import type { StepSummary } from '../recorder/steps';
import type { ResourceSummary } from '../analysis/resources';
import { mergeLatency } from '../analysis/intervals';
import type { Finding } from '../core/finding';
import type { IntervalRow } from '../store/runs';
import { redactUrl } from '../util/secrets';
import type { ThresholdInputs, ThresholdResult } from '../thresholds/evaluate';

export type SummaryStatus = 'passed' | 'failed' | 'aborted';

/** The run summary: the JSON printed by --json and stored with the run (keys in README). */
export interface RunSummary {
  runId: number;
  profile: string;
  kind: string;
  model: string;
  target: string;
  status: SummaryStatus;
  stopReason: string;
  startedAt: string;
  endedAt: string;
  durationS: number;
  requests: number;
  errors: number;
  errorRate: number;
  throughput: number;
  offered: number;
  dropped: number;
  interrupted: number;
  latencyMs: LatencyStatsMs;
  /** Open model: latency from the actual send, without queueing behind the schedule. */
  serviceLatencyMs?: LatencyStatsMs;
  errorsByClass: Record<string, number>;
  statusClasses: Record<string, number>;
  thresholds: ThresholdResult[];
  findings: Finding[];
  resources: ResourceSummary;
  /** Per step: latency, outcomes and why checks or captures failed. */
  steps: StepSummary[];
  /** saturated: strain itself was the limit for a while (see the generator-saturated finding). */
  generator: { maxLagMs: number; saturated: boolean; workers: number };
  /** Load before the clock started: shown for honesty, never part of the figures above. */
  warmup?: WarmupSummary;
}

export interface WarmupSummary {
  durationS: number;
  level: number;
  connections: number;
  requests: number;
  errors: number;
  latencyMs: LatencyStatsMs;
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
export function thresholdInputs(totals: RunTotals): ThresholdInputs {
  return thresholdInputsOf(totals.latency, totals.requests, totals.errors, totals.durationMs, totals.dropped, totals.offered);
}

/** The same inputs from stored intervals (a subset of a run, e.g. the steps before a break). */
export function thresholdInputsFromRows(rows: readonly IntervalRow[]): ThresholdInputs {
  const sum = (pick: (r: IntervalRow) => number) => rows.reduce((s, r) => s + pick(r), 0);
  return thresholdInputsOf(mergeLatency(rows), sum((r) => r.requests), sum((r) => r.errors), sum((r) => r.duration_ms), sum((r) => r.dropped), sum((r) => r.offered));
}

export interface SummaryInput {
  runId: number;
  profile: ResolvedProfile;
  totals: RunTotals;
  status: SummaryStatus;
  stopReason: string;
  startedAt: number;
  endedAt: number;
  interrupted: number;
  thresholds: ThresholdResult[];
  resources: ResourceSummary;
  findings: Finding[];
  steps: StepSummary[];
  warmup?: WarmupResult;
}


export function buildSummary(s: SummaryInput): RunSummary {
  const inputs = thresholdInputs(s.totals);
  const errorsByClass: Record<string, number> = {};
  const statusClasses: Record<string, number> = {};
  OUTCOME_NAMES.forEach((name, cls) => {
    const count = s.totals.counts[cls];
    if (cls >= 2) errorsByClass[name] = count;
    if (cls <= 3) statusClasses[name] = count;
  });
  return {
    runId: s.runId,
    profile: s.profile.name,
    kind: s.profile.kind,
    model: s.profile.model,
    target: redactUrl(s.profile.target),
    status: s.status,
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
    interrupted: s.interrupted,
    latencyMs: inputs.latencyMs,
    ...(s.profile.model === 'open' ? { serviceLatencyMs: latencyStatsMs(s.totals.serviceLatency) } : {}),
    errorsByClass,
    statusClasses,
    thresholds: s.thresholds,
    findings: s.findings,
    resources: s.resources,
    steps: s.steps,
    generator: { maxLagMs: s.totals.maxGeneratorLagMs, saturated: s.findings.some((f) => f.kind === 'generator-saturated'), workers: s.profile.workers },
    ...(s.warmup ? { warmup: warmupSummary(s.warmup) } : {}),
  };
}

function warmupSummary(w: WarmupResult): WarmupSummary {
  return {
    durationS: round(w.durationMs / 1000, 3),
    level: w.level,
    connections: w.connections,
    requests: w.totals.requests,
    errors: w.totals.errors,
    latencyMs: latencyStatsMs(w.totals.latency),
  };
}
