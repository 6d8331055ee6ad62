import type { Finding } from '../core/finding';
import type { StoredRun } from '../store/runs';
import { findingFigures } from './compare';

export interface TrendRow {
  id: number;
  startedAt: string;
  status: string;
  p95Ms: number | null;
  throughput: number | null;
  errorRate: number | null;
  rssSlopeMBPerHour: number | null;
  leakVerdict: string | null;
  /** Stress: last good level; spike: seconds to recover (Infinity: did not). */
  capacity: number | null;
  recoveryS: number | null;
  verdict: string | null;
  /** llm: TTFT p95 (ms) and output tokens/s from the summary; null without llm: steps. */
  ttftP95Ms: number | null;
  outputTokensPerSec: number | null;
}

/** One row per run of a profile: how it moved over time. */
export function trendRows(runs: readonly StoredRun[]): TrendRow[] {
  return runs.map((run) => {
    const s = run.summary;
    const leak = s?.findings?.find((f: Finding) => f.kind === 'leak');
    return {
      id: run.id,
      startedAt: new Date(run.started_at).toISOString().replace('T', ' ').slice(0, 16),
      status: run.status,
      p95Ms: s ? s.latencyMs.p95 : null,
      throughput: s ? s.throughput : null,
      errorRate: s ? s.errorRate : null,
      rssSlopeMBPerHour: typeof leak?.slopeMBPerHour === 'number' ? leak.slopeMBPerHour : null,
      leakVerdict: leak ? leak.verdict : null,
      ...findingFigures(s?.findings ?? []),
      verdict: s?.verdict ?? null,
      ttftP95Ms: s?.llm ? s.llm.ttftMs.p95 : null,
      outputTokensPerSec: s?.llm ? s.llm.outputTokensPerSec : null,
    };
  });
}
