import { addHistogram, decodeHistogram, newLatencyHistogram, percentilesAndMean, type Histogram } from '../core/histogram';
import type { IntervalRow } from '../core/interval';
import type { Stall, StallReport } from '../core/stalls';

/** Interval numbers (t) of the seconds a stall overlapped: their latency includes strain's own delay. */
export function stalledSeconds(rows: readonly Pick<IntervalRow, 't' | 'started_at' | 'duration_ms'>[], stalls: readonly Stall[]): number[] {
  const out = new Set<number>();
  for (const s of stalls) {
    for (const r of rows) if (s.at < r.started_at + r.duration_ms && s.at + s.ms >= r.started_at) out.add(r.t);
  }
  return [...out].sort((a, b) => a - b);
}

const p99 = (h: Histogram) => (h.totalCount > 0 ? Math.round(percentilesAndMean(h, [99]).values[0]) / 1000 : 0);

/**
 * What the generator's stalls did to the figures, from stored intervals with histograms:
 * the p99 with and without the seconds they touched, and in those seconds the latency from
 * the intended start beside the service time (the gap is strain starting and reading late).
 */
export function stallReport(rows: readonly IntervalRow[], stalls: readonly Stall[], count = stalls.length): StallReport {
  const seconds = stalledSeconds(rows, stalls);
  const hit = new Set(seconds);
  const all = newLatencyHistogram(64);
  const clean = newLatencyHistogram(64);
  const stalled = newLatencyHistogram(64);
  const stalledService = newLatencyHistogram(64);
  for (const r of rows) {
    if (!r.hist) continue;
    const h = decodeHistogram(r.hist);
    addHistogram(all, h);
    if (!hit.has(r.t)) {
      addHistogram(clean, h);
      continue;
    }
    addHistogram(stalled, h);
    addHistogram(stalledService, r.service_hist ? decodeHistogram(r.service_hist) : h);
  }
  const total = p99(all);
  const without = clean.totalCount > 0 ? p99(clean) : null;
  return {
    count,
    longestMs: stalls.reduce((m, s) => Math.max(m, s.ms), 0),
    totalMs: Math.round(stalls.reduce((sum, s) => sum + s.ms, 0) * 10) / 10,
    seconds,
    p99Ms: total,
    p99WithoutStalledSecondsMs: without,
    ownP99Ms: without === null ? null : Math.round(Math.max(0, total - without) * 1000) / 1000,
    inStalledSeconds: { p99Ms: p99(stalled), serviceP99Ms: p99(stalledService) },
  };
}
