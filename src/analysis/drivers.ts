import type { IntervalRow } from '../core/interval';
import { strainsOwn } from './intervals';
import { residual } from './linear';
import type { CgroupSample, GpuSample, HostSample, ResourceSample } from '../core/samples';

/** What the correlation analysis reads: the run's seconds and whatever the monitor sampled. */
export interface CorrelationInput {
  intervals: readonly IntervalRow[];
  target: readonly ResourceSample[];
  host?: readonly HostSample[];
  gpus?: readonly GpuSample[];
  cgroups?: readonly CgroupSample[];
}

/** A point in time (ms, the middle of what it measured) and a value. */
export type TimedValue = [at: number, value: number];

/** A candidate cause of latency: its name in findings and how to read it from the run. */
export interface Driver {
  name: string;
  points: (input: CorrelationInput) => TimedValue[];
  /**
   * Drivers this one contains (the host's CPU holds the target's and strain's): what they
   * explain is taken out bin by bin, so a finding names the target, not the host that holds it.
   */
  less?: readonly string[];
}

/**
 * A rate (CPU %) measured over the time since the previous sample belongs to the middle of that
 * time, not to the moment it was read: half a second matters when bins are one second wide.
 */
function ratePoints<S extends { at: number }>(samples: readonly S[], pick: (s: S) => number): TimedValue[] {
  const gaps = samples
    .slice(1)
    .map((s, i) => s.at - samples[i].at)
    .sort((a, b) => a - b);
  const typical = gaps.length ? gaps[gaps.length >> 1] : 1000;
  return samples.map((s, i) => {
    const since = i > 0 && s.at - samples[i - 1].at < 3 * typical ? s.at - samples[i - 1].at : typical;
    return [s.at - since / 2, pick(s)];
  });
}

/** One value per sample time from rows that come several at a time (a row per GPU): their mean or sum. */
function perSample<S extends { at: number }>(rows: readonly S[], pick: (s: S) => number | null, fold: 'mean' | 'sum'): { at: number; v: number }[] {
  const by = new Map<number, { sum: number; n: number }>();
  for (const r of rows) {
    const v = pick(r);
    if (v === null || !Number.isFinite(v)) continue;
    const b = by.get(r.at) ?? { sum: 0, n: 0 };
    b.sum += v;
    b.n++;
    by.set(r.at, b);
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([at, b]) => ({ at, v: fold === 'mean' ? b.sum / b.n : b.sum }));
}

/**
 * The candidate drivers, tested together (the significance is corrected for their number).
 * Adding a monitor source is one line here; a driver whose series is empty or flat is skipped.
 */
export const drivers: readonly Driver[] = [
  { name: 'target CPU', points: (i) => ratePoints(i.target, (s) => s.cpuPct) },
  { name: 'target RSS', points: (i) => i.target.map((s) => [s.at, s.rssBytes / 1048576]) },
  // The host's CPU less the target's and strain's: other processes on the machine, a noisy
  // neighbour. Whole, it followed the busy target's own bursts and won over the target's CPU.
  { name: "other processes' CPU", points: (i) => ratePoints(i.host ?? [], (s) => s.cpuPct), less: ['target CPU', "strain's own CPU"] },
  {
    name: 'GPU utilisation',
    points: (i) =>
      ratePoints(
        perSample(i.gpus ?? [], (g) => g.utilPct, 'mean'),
        (s) => s.v,
      ),
  },
  { name: "target's GPU memory", points: (i) => perSample(i.gpus ?? [], (g) => g.targetMemMB, 'sum').map((s) => [s.at, s.v]) },
  {
    name: 'cgroup CPU',
    points: (i) =>
      ratePoints(
        perSample(i.cgroups ?? [], (c) => c.cpuPct, 'sum'),
        (s) => s.v,
      ),
  },
  { name: 'cgroup memory', points: (i) => perSample(i.cgroups ?? [], (c) => (c.memBytes === null ? null : c.memBytes / 1048576), 'sum').map((s) => [s.at, s.v]) },
  { name: "strain's own CPU", points: (i) => i.intervals.filter((r) => r.requests > 0).map((r) => [r.started_at + r.duration_ms / 2, r.generator_cpu_pct]) },
];

/** Typical spacing of the monitor's samples (ms): bins narrower than this would be mostly empty. */
export function sampleSpacingMs(input: CorrelationInput): number {
  const at = input.target.map((s) => s.at);
  const gaps = at
    .slice(1)
    .map((x, i) => x - at[i])
    .sort((a, b) => a - b);
  return gaps.length ? gaps[gaps.length >> 1] : 1000;
}

/** Mean of each bin's points; NaN where a bin has none. */
export function binMeans(points: readonly TimedValue[], t0: number, binMs: number, bins: number): number[] {
  const sum = new Array<number>(bins).fill(0);
  const n = new Array<number>(bins).fill(0);
  for (const [at, v] of points) {
    const b = Math.floor((at - t0) / binMs);
    if (b < 0 || b >= bins || !Number.isFinite(v)) continue;
    sum[b] += v;
    n[b]++;
  }
  return sum.map((s, b) => (n[b] ? s / n[b] : NaN));
}

/**
 * A binned series less what `parts` (binned the same way) explain, by least squares (see
 * `residual`). A part's holes are filled as a driver's are; a part with values in under half of
 * the series' bins is left out (too little of it to take out). NaN where the series has none.
 */
export function lessParts(series: readonly number[], parts: readonly (readonly number[])[]): number[] {
  const at = series.flatMap((v, b) => (Number.isFinite(v) ? [b] : []));
  if (at.length < 3) return series.map(() => NaN);
  const used = parts.filter((p) => at.filter((b) => Number.isFinite(p[b])).length >= at.length / 2).map((p) => fillHoles([...p]));
  const left = residual(
    at.map((b) => series[b]),
    used.map((p) => at.map((b) => p[b])),
  );
  const out = series.map(() => NaN);
  at.forEach((b, i) => (out[b] = left[i]));
  return out;
}

/**
 * Each bin's p99: the request-weighted mean of its seconds' p99s (exact at one-second bins,
 * cheap on day-long runs). NaN where no request completed, or every second was strain's own.
 */
export function binP99(rows: readonly IntervalRow[], t0: number, binMs: number, bins: number): number[] {
  const weighted = new Array<number>(bins).fill(0);
  const requests = new Array<number>(bins).fill(0);
  for (const r of rows) {
    const b = Math.floor((r.started_at + r.duration_ms / 2 - t0) / binMs);
    if (r.requests === 0 || b < 0 || b >= bins || strainsOwn(r)) continue;
    weighted[b] += r.p99_ms * r.requests;
    requests[b] += r.requests;
  }
  return weighted.map((w, b) => (requests[b] ? w / requests[b] : NaN));
}

/**
 * The stretch where both series have values, holes filled so lags stay lags (a hole in latency
 * gets latency's median, which is independent of any driver). Undefined when half of it is
 * holes: too little to judge.
 */
export function pairedStretch(y: readonly number[], x: readonly number[]): { y: number[]; x: number[]; from: number } | undefined {
  const both = y.map((v, i) => Number.isFinite(v) && Number.isFinite(x[i]));
  const from = both.indexOf(true);
  const to = both.lastIndexOf(true);
  if (from < 0) return undefined;
  const missing = both.slice(from, to + 1).filter((b) => !b).length;
  const n = to - from + 1;
  if (missing >= n / 2) return undefined;
  const ys = y.slice(from, to + 1);
  // Latency's holes get its median: a straight line through them would make latency look
  // smoother than it is, and its AR filter would then difference the levels away.
  const known = ys.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const median = known[known.length >> 1];
  return { y: ys.map((v) => (Number.isFinite(v) ? v : median)), x: fillHoles(x.slice(from, to + 1)), from };
}

function fillHoles(xs: number[]): number[] {
  const out = [...xs];
  let last = -1;
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) continue;
    if (last >= 0 && i - last > 1) for (let k = last + 1; k < i; k++) out[k] = out[last] + ((out[i] - out[last]) * (k - last)) / (i - last);
    last = i;
  }
  // Ends: hold the nearest value (only when one series has a value the other lacks there).
  const first = out.findIndex((v) => Number.isFinite(v));
  for (let i = 0; i < first; i++) out[i] = out[first];
  for (let i = last + 1; i < out.length; i++) out[i] = out[last];
  return out;
}
