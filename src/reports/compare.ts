import { decodeHistogram, newLatencyHistogram, type LatencyStatsMs } from '../core/histogram';
import { thresholdInputsOf } from '../core/thresholds';
import type { Finding } from '../core/finding';
import type { RunSummary } from '../core/summary';
import type { Db } from '../store/db';
import { FindingStore } from '../store/findings';
import { RunStore, type StoredRun } from '../store/runs';
import { llmSummary, mergeLlm } from '../core/llm';

export interface RunFigures {
  id: number;
  profile: string;
  requests: number;
  durationS: number;
  throughput: number;
  errorRate: number;
  latency: LatencyStatsMs;
  cpuMeanPct: number | null;
  rssEndMB: number | null;
  kind: string;
  /** Stress: the last good level found (VUs or arrivals/s); null for other kinds. */
  capacity: number | null;
  /** Spike: seconds to recover; Infinity when it did not recover; null for other kinds. */
  recoveryS: number | null;
  /** llm: steps' figures (whole run, from the stored per-second histograms); null without any. */
  llm: { ttftP95Ms: number; tpotP95Ms: number; outputTokensPerSec: number; goodputFraction: number | null } | null;
}

/** The finding figures compare and trend carry, from a run's findings. */
export function findingFigures(findings: readonly Finding[]): { capacity: number | null; recoveryS: number | null } {
  const b = findings.find((f) => f.kind === 'breaking-point');
  const r = findings.find((f) => f.kind === 'recovery');
  return {
    capacity: typeof b?.lastGoodLevel === 'number' ? b.lastGoodLevel : b ? 0 : null,
    recoveryS: r?.verdict === 'recovered' && typeof r.recoveryS === 'number' ? r.recoveryS : r?.verdict === 'not-recovered' ? Infinity : null,
  };
}

/** Whole-run figures from the stored per-second histograms (added, never averaged). */
export function figuresOf(db: Db, run: StoredRun): RunFigures {
  const runs = new RunStore(db);
  const merged = newLatencyHistogram(64);
  for (const hist of runs.histograms(run.id)) merged.add(decodeHistogram(hist));
  const rows = runs.intervalsWithoutHistograms(run.id);
  const requests = rows.reduce((s, r) => s + r.requests, 0);
  const durationMs = rows.reduce((s, r) => s + r.duration_ms, 0);
  const inputs = thresholdInputsOf(
    merged,
    requests,
    rows.reduce((s, r) => s + r.errors, 0),
    durationMs,
  );
  const summary = run.summary;
  return {
    id: run.id,
    profile: run.profile_name,
    requests,
    durationS: durationMs / 1000,
    throughput: inputs.throughput,
    errorRate: inputs.errorRate,
    latency: inputs.latencyMs,
    cpuMeanPct: summary?.resources.cpuMeanPct ?? null,
    rssEndMB: summary?.resources.rssEndMB ?? null,
    kind: run.kind,
    ...findingFigures(new FindingStore(db).forRun(run.id)),
    llm: llmFigures(rows, durationMs, summary),
  };
}

function llmFigures(rows: readonly { llm_json?: string | null }[], durationMs: number, summary: RunSummary | undefined): RunFigures['llm'] {
  const f = mergeLlm(rows);
  if (!f) return null;
  const l = llmSummary(f, durationMs, true);
  return { ttftP95Ms: l.ttftMs.p95, tpotP95Ms: l.tpotMs.p95, outputTokensPerSec: l.outputTokensPerSec, goodputFraction: summary?.llm?.goodput ? l.goodput!.fraction : null };
}

export interface CompareLimits {
  /** Largest allowed increase of p95, in percent. */
  p95IncreasePct: number;
  /** Largest allowed increase of p99, in percent (off when undefined). */
  p99IncreasePct?: number;
  /** Largest allowed drop of throughput, in percent. */
  throughputDropPct: number;
  /** Largest allowed rise of the error rate, in percentage points. */
  errorRateIncreasePts: number;
  /** Largest allowed drop of a stress run's capacity, in percent (0: any drop regresses). */
  capacityDropPct: number;
  /** Largest allowed rise of a spike's recovery time, in seconds. */
  recoveryRiseS: number;
  /** llm: largest allowed increase of TTFT p95, in percent. */
  ttftP95IncreasePct: number;
  /** llm: largest allowed drop of output tokens/s, in percent. */
  tokensDropPct: number;
}

export const defaultLimits: CompareLimits = {
  p95IncreasePct: 10,
  throughputDropPct: 10,
  errorRateIncreasePts: 1,
  capacityDropPct: 0,
  recoveryRiseS: 5,
  ttftP95IncreasePct: 10,
  tokensDropPct: 10,
};

/** What makes two runs a questionable pair: different profiles, kinds or load models. */
export function compareWarnings(base: StoredRun, cand: StoredRun): string[] {
  const out: string[] = [];
  if (base.profile_name !== cand.profile_name)
    out.push(`run ${base.id} is profile "${base.profile_name}" and run ${cand.id} is "${cand.profile_name}": the figures may not be comparable`);
  if (base.kind !== cand.kind) out.push(`run ${base.id} is a ${base.kind} run and run ${cand.id} a ${cand.kind} run`);
  if (base.model !== cand.model) out.push(`run ${base.id} used the ${base.model} model and run ${cand.id} the ${cand.model} model`);
  return out;
}

export interface CompareRow {
  metric: string;
  base: number | null;
  candidate: number | null;
  change: string;
  limit: string;
  regressed: boolean;
}

const pctChange = (a: number, b: number) => (a > 0 ? ((b - a) / a) * 100 : b > 0 ? Infinity : 0);
const signed = (x: number, d = 1) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(d)}` : '+∞');

/** Side-by-side figures and the verdict: which metrics regressed beyond their limits. */
export function compareFigures(base: RunFigures, cand: RunFigures, limits: CompareLimits = defaultLimits): { rows: CompareRow[]; regressions: string[] } {
  const rows: CompareRow[] = [];
  const latencyRow = (key: keyof LatencyStatsMs, label: string, limit?: number) => {
    const change = pctChange(base.latency[key], cand.latency[key]);
    rows.push({
      metric: `latency ${label} (ms)`,
      base: base.latency[key],
      candidate: cand.latency[key],
      change: `${signed(change)}%`,
      limit: limit === undefined ? '' : `+${limit}%`,
      regressed: limit !== undefined && change > limit,
    });
  };
  latencyRow('p50', 'p50');
  latencyRow('p90', 'p90');
  latencyRow('p95', 'p95', limits.p95IncreasePct);
  latencyRow('p99', 'p99', limits.p99IncreasePct);
  latencyRow('max', 'max');
  const tput = pctChange(base.throughput, cand.throughput);
  rows.push({
    metric: 'throughput (req/s)',
    base: base.throughput,
    candidate: cand.throughput,
    change: `${signed(tput)}%`,
    limit: `-${limits.throughputDropPct}%`,
    regressed: tput < -limits.throughputDropPct,
  });
  const errPts = (cand.errorRate - base.errorRate) * 100;
  rows.push({
    metric: 'error rate (%)',
    base: base.errorRate * 100,
    candidate: cand.errorRate * 100,
    change: `${signed(errPts, 2)} pts`,
    limit: `+${limits.errorRateIncreasePts} pts`,
    regressed: errPts > limits.errorRateIncreasePts,
  });
  if (base.cpuMeanPct !== null || cand.cpuMeanPct !== null) {
    rows.push({
      metric: 'target CPU mean (%)',
      base: base.cpuMeanPct,
      candidate: cand.cpuMeanPct,
      change: base.cpuMeanPct !== null && cand.cpuMeanPct !== null ? `${signed(cand.cpuMeanPct - base.cpuMeanPct)} pts` : '',
      limit: '',
      regressed: false,
    });
  }
  if (base.rssEndMB !== null || cand.rssEndMB !== null) {
    rows.push({
      metric: 'target RSS at end (MB)',
      base: base.rssEndMB,
      candidate: cand.rssEndMB,
      change: base.rssEndMB !== null && cand.rssEndMB !== null ? `${signed(cand.rssEndMB - base.rssEndMB)} MB` : '',
      limit: '',
      regressed: false,
    });
  }
  if (base.capacity !== null || cand.capacity !== null) {
    const a = base.capacity ?? 0;
    const b = cand.capacity ?? 0;
    const change = pctChange(a, b);
    rows.push({
      metric: 'capacity (last good level)',
      base: base.capacity,
      candidate: cand.capacity,
      change: `${signed(change)}%`,
      limit: `-${limits.capacityDropPct}%`,
      regressed: change < -limits.capacityDropPct,
    });
  }
  if (base.recoveryS !== null || cand.recoveryS !== null) {
    const a = base.recoveryS;
    const b = cand.recoveryS;
    const rise = a !== null && b !== null ? b - a : NaN;
    const change = b === Infinity ? (a === Infinity ? 'neither recovered' : 'did not recover') : Number.isFinite(rise) ? `${signed(rise)} s` : '';
    const regressed = b === Infinity ? a !== Infinity : Number.isFinite(rise) && rise > limits.recoveryRiseS;
    rows.push({ metric: 'spike recovery (s)', base: a === Infinity ? null : a, candidate: b === Infinity ? null : b, change, limit: `+${limits.recoveryRiseS} s`, regressed });
  }
  if (base.llm || cand.llm) rows.push(...llmRows(base.llm, cand.llm, limits));
  const regressions = rows.filter((r) => r.regressed).map((r) => `${r.metric} ${r.change} (limit ${r.limit})`);
  return { rows, regressions };
}

/** A model or server upgrade gated on TTFT p95 and output tokens/s (TPOT and goodput shown). */
function llmRows(a: RunFigures['llm'], b: RunFigures['llm'], limits: CompareLimits): CompareRow[] {
  const rows: CompareRow[] = [];
  const row = (metric: string, x: number | null | undefined, y: number | null | undefined, limit: string, worse: (change: number) => boolean) => {
    const has = x !== null && x !== undefined && y !== null && y !== undefined;
    const change = has ? pctChange(x, y) : NaN;
    rows.push({ metric, base: x ?? null, candidate: y ?? null, change: has ? `${signed(change)}%` : '', limit, regressed: has && limit !== '' && worse(change) });
  };
  row('llm TTFT p95 (ms)', a?.ttftP95Ms, b?.ttftP95Ms, `+${limits.ttftP95IncreasePct}%`, (c) => c > limits.ttftP95IncreasePct);
  row('llm TPOT p95 (ms)', a?.tpotP95Ms, b?.tpotP95Ms, '', () => false);
  row('llm output tokens/s', a?.outputTokensPerSec, b?.outputTokensPerSec, `-${limits.tokensDropPct}%`, (c) => c < -limits.tokensDropPct);
  if (a?.goodputFraction != null || b?.goodputFraction != null) {
    const x = a?.goodputFraction == null ? null : a.goodputFraction * 100;
    const y = b?.goodputFraction == null ? null : b.goodputFraction * 100;
    rows.push({ metric: 'llm goodput (% of requests)', base: x, candidate: y, change: x !== null && y !== null ? `${signed(y - x)} pts` : '', limit: '', regressed: false });
  }
  return rows;
}
