import { round } from '../util/format';
import { binMeans, binP99, drivers as allDrivers, lessParts, pairedStretch, sampleSpacingMs, type CorrelationInput, type Driver } from './drivers';
import { strainsOwn } from './intervals';
import { arFilter, detrendPoly, effectiveN, fitAr } from './prewhiten';
import { normalCdf, normalQuantile, pearson, ranks } from './stats';
import type { Finding } from '../core/finding';

export interface CorrelationOptions {
  /** Latency may follow a driver by 0..maxLagS seconds (never lead it). */
  maxLagS: number;
  /** Family-wise false-alarm rate over all lags and drivers, for "follows". */
  alpha: number;
  /** "moves against" needs p < alpha / againstFactor: a rarer, stranger claim. */
  againstFactor: number;
  /** Smallest prewhitened correlation r worth reporting, however significant. */
  minAbsRho: number;
  minBins: number;
  /** Most bins a run is cut into; longer runs get wider bins. */
  maxBins: number;
  maxArOrder: number;
}

export const correlationDefaults: CorrelationOptions = { maxLagS: 10, alpha: 0.005, againstFactor: 10, minAbsRho: 0.15, minBins: 60, maxBins: 600, maxArOrder: 5 };

interface LagPoint {
  lag: number;
  rho: number;
  z: number;
  /** One-sided, corrected for the number of lags scanned (Sidak). */
  p: number;
}

export interface LagScan {
  /** The strongest lag either way, its two-sided p corrected for the lags scanned. */
  lag: number;
  rho: number;
  p: number;
  /** The strongest positive and negative lags. */
  positive: LagPoint;
  negative: LagPoint;
  n: number;
}

/** 1 - (1 - p)^m without losing small p to rounding. */
const sidak = (p: number, m: number) => Math.min(1, -Math.expm1(m * Math.log1p(-Math.min(p, 1 - 1e-16))));

/** Ranks mapped to standard normal quantiles (Blom): the shape of a normal, the order of the data. */
function normalScores(xs: readonly number[]): number[] {
  const n = xs.length;
  return ranks(xs).map((r) => normalQuantile((r - 0.375) / (n + 0.25)));
}

/** Least-squares slope of a on b. */
function slope(a: readonly number[], b: readonly number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    sbb += (b[i] - mb) ** 2;
  }
  return sbb > 0 ? sab / sbb : 0;
}

/**
 * One lag: y[t] against x[t - lag], Haugh's test. Latency gets its own AR filter (order by BIC)
 * and the driver goes through the same filter: with no link, filtered latency is white, so the
 * correlation has variance 1/n whatever the driver's own autocorrelation. The filter comes from
 * latency alone on purpose: refitting it to what the driver leaves unexplained (Cochrane-Orcutt,
 * tried first) makes the filter depend on the driver, and on the nulls that doubled the false
 * alarms of short runs (white noise at 60 bins: 1.4% instead of 0.4%) for a few points of power.
 * Then Pearson r between the driver's filtered values, magnitudes kept, and the normal scores
 * of latency's: a latency spike counts no more than any high value. z is Fisher's, on the
 * effective n (Bartlett) less the parameters fitted: the AR terms and the trend's degree.
 */
function atLag(y: readonly number[], x: readonly number[], lag: number, maxOrder: number, trendTerms: number): { rho: number; z: number } {
  const a = y.slice(lag);
  const b = x.slice(0, x.length - lag);
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const phi = fitAr(
    a.map((v) => v - ma),
    maxOrder,
  );
  const fa = normalScores(arFilter(a, phi));
  const fb = arFilter(b, phi);
  const rho = pearson(fa, fb);
  // Bartlett's n_eff from the driver and the part of latency the driver does not explain.
  const beta = slope(fa, fb);
  const mf = fb.reduce((s, v) => s + v, 0) / fb.length;
  const nEff = effectiveN(
    fb,
    fa.map((v, i) => v - beta * (fb[i] - mf)),
  );
  const r = Math.max(-0.999999, Math.min(0.999999, rho));
  return { rho, z: Math.atanh(r) * Math.sqrt(Math.max(0, nEff - 3 - phi.length - trendTerms)) };
}

/**
 * Degree of the trend removed before the scan: bins / 60 rounded, at least 3 (cubic up to 209
 * bins). A cubic fitted to 600 bins left enough of an S-shaped trend both series shared to raise
 * false alarms to 10% on that null case. The price: swings slower than about a third of the run
 * go with the trend (at 600 bins a sine with a 120-bin period keeps 70% of its variance, a
 * 200-bin one 3%), so a cause that comes and goes a few times a run is not judged.
 */
const trendDegree = (bins: number) => Math.max(3, Math.round(bins / 60));

/**
 * Does latency y follow driver x by 0..maxLag bins? log(y) and x lose their polynomial trend
 * over the run (trendDegree: a trend both share is time, not a cause), then each lag is tested
 * on its own (atLag). p-values one-sided per direction, corrected for the number of lags (Sidak).
 */
export function lagScan(y: readonly number[], x: readonly number[], o: Pick<CorrelationOptions, 'maxLagS' | 'maxArOrder'>, binS = 1): LagScan {
  const degree = trendDegree(y.length);
  const ly = detrendPoly(
    y.map((v) => Math.log(Math.max(v, 1e-3))),
    degree,
  );
  const hx = detrendPoly(x, degree);
  const maxLag = Math.max(0, Math.min(Math.floor(o.maxLagS / binS), x.length - 20));
  const points = Array.from({ length: maxLag + 1 }, (_, lag) => ({ lag, ...atLag(ly, hx, lag, o.maxArOrder, degree), p: 1 }));
  const lags = points.length;
  // Evidence from the strongest lag; the lag named is the shortest within one standard error of
  // it (z within 1): a p99 that stays up for part of the second after its driver drops must
  // not turn "no lag" into "1 s later".
  const zMax = Math.max(0, ...points.map((pt) => pt.z));
  const zMin = Math.min(0, ...points.map((pt) => pt.z));
  const positive: LagPoint = { ...(points.find((pt) => pt.z > 0 && pt.z >= zMax - 1) ?? { lag: 0, rho: 0 }), z: zMax, p: sidak(1 - normalCdf(zMax), lags) };
  const negative: LagPoint = { ...(points.find((pt) => pt.z < 0 && pt.z <= zMin + 1) ?? { lag: 0, rho: 0 }), z: zMin, p: sidak(normalCdf(zMin), lags) };
  const top = positive.z >= -negative.z ? positive : negative;
  return { lag: top.lag, rho: top.rho, p: sidak(2 * (1 - normalCdf(Math.abs(top.z))), lags), positive, negative, n: y.length };
}

export interface Judgement {
  side: 'follows' | 'moves against' | undefined;
  point: LagPoint;
  /** p corrected for lags and drivers: of the side found, else the smaller of the two. */
  p: number;
}

/** The decision rule for one driver's scan, out of `drivers` tested together. */
export function judge(scan: LagScan, drivers: number, o: Pick<CorrelationOptions, 'alpha' | 'againstFactor' | 'minAbsRho'>): Judgement {
  const follows = sidak(scan.positive.p, drivers);
  const against = sidak(scan.negative.p, drivers);
  const up = follows < o.alpha && scan.positive.rho >= o.minAbsRho;
  const down = against < o.alpha / o.againstFactor && -scan.negative.rho >= o.minAbsRho;
  // Both can pass when the driver is periodic; the stronger one is the finding.
  if (up && (!down || scan.positive.z >= -scan.negative.z)) return { side: 'follows', point: scan.positive, p: follows };
  if (down) return { side: 'moves against', point: scan.negative, p: against };
  return { side: undefined, point: follows <= against ? scan.positive : scan.negative, p: Math.min(follows, against) };
}

/** Bin width: one monitor interval at least, and wide enough that the run fits in maxBins. */
function binSeconds(spanS: number, spacingMs: number, maxBins: number): number {
  const need = Math.max(1, Math.ceil((spacingMs / 1000) * 0.95), spanS / maxBins);
  return [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].find((s) => s >= need) ?? Math.ceil(need / 3600) * 3600;
}

/** A driver that is nothing but its trend (flat, or a straight climb) has nothing to correlate. */
function allTrend(xs: readonly number[]): boolean {
  const scale = Math.max(...xs.map(Math.abs)) + 1;
  return detrendPoly(xs, trendDegree(xs.length)).every((v) => Math.abs(v) < 1e-9 * scale);
}

interface Candidate {
  resource: string;
  scan: LagScan;
  y: number[];
  x: number[];
  from: number;
}

const pText = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${round(p, 3)}`);

const lagText = (lagS: number) => (lagS === 0 ? 'with no lag' : `${lagS} s later`);

/**
 * Which resource does p99 follow? Every driver with data is scanned; a finding needs p below
 * alpha after correcting for lags and drivers ("moves against" needs alpha / againstFactor)
 * and |rho| of at least minAbsRho. Undefined when the run is too short to judge.
 */
export function analyzeCorrelation(input: CorrelationInput, base: Partial<CorrelationOptions> = {}, drivers: readonly Driver[] = allDrivers): Finding | undefined {
  const o = { ...correlationDefaults, ...base };
  const rows = input.intervals;
  if (rows.length === 0) return undefined;
  const t0 = rows[0].started_at;
  const last = rows[rows.length - 1];
  const spanS = (last.started_at + last.duration_ms - t0) / 1000;
  const binS = binSeconds(spanS, sampleSpacingMs(input), o.maxBins);
  const bins = Math.ceil(spanS / binS);
  const p99 = binP99(rows, t0, binS * 1000, bins);
  const binned = new Map(drivers.map((d) => [d.name, binMeans(d.points(input), t0, binS * 1000, bins)]));
  const candidates: Candidate[] = [];
  for (const d of drivers) {
    const own = binned.get(d.name)!;
    // A part with no data is an empty series, which lessParts leaves out.
    const series = d.less
      ? lessParts(
          own,
          d.less.map((name) => binned.get(name) ?? []),
        )
      : own;
    const stretch = pairedStretch(p99, series);
    if (!stretch || stretch.x.length < o.minBins || allTrend(stretch.x)) continue;
    candidates.push({ resource: d.name, scan: lagScan(stretch.y, stretch.x, o, binS), ...stretch });
  }
  if (candidates.length === 0) {
    const late = rows.filter(strainsOwn).length;
    // Too short says nothing; a run whose seconds were strain's own says why it was not judged.
    if (late < rows.length / 2) return undefined;
    return {
      kind: 'correlation',
      verdict: 'no-evidence',
      bins: p99.length,
      binS,
      lateSeconds: late,
      summary: `not judged: in ${late} of ${rows.length} s strain's own lateness was most of p99 (strain was starved or saturated), too few clean seconds to tell what drives the target's latency`,
    };
  }
  const judged = candidates.map((c) => ({ ...c, ...judge(c.scan, candidates.length, o) }));
  const scans = judged.map((c) => {
    const pt = Math.abs(c.scan.positive.z) >= Math.abs(c.scan.negative.z) ? c.scan.positive : c.scan.negative;
    return { resource: c.resource, lagS: pt.lag * binS, rho: round(pt.rho, 3), p: round(sidak(pt.p, judged.length), 4) };
  });
  const common = { kind: 'correlation' as const, method: 'prewhitened', bins: p99.length, binS, maxLagS: o.maxLagS, scans };
  // "follows" first: "moves against" is the stranger claim, named after it when both hold.
  const found = judged.filter((c) => c.side).sort((a, b) => Number(b.side === 'follows') - Number(a.side === 'follows') || Math.abs(b.point.z) - Math.abs(a.point.z));
  if (found.length === 0) {
    const closest = [...judged].sort((a, b) => a.p - b.p)[0];
    return {
      ...common,
      verdict: 'no-evidence',
      summary: `no evidence that p99 follows ${names(judged)} (closest: ${closest.resource}, r ${round(closest.point.rho)}, ${pText(closest.p)})`,
    };
  }
  const top = found[0];
  const lagS = top.point.lag * binS;
  const others = found.slice(1).map((c) => `${c.side} ${c.resource} ${lagText(c.point.lag * binS)}`);
  const also = others.length ? `; also ${others.join(', ')}` : '';
  return {
    ...common,
    verdict: 'correlated',
    resource: top.resource,
    direction: top.side,
    lagS,
    rho: round(top.point.rho, 3),
    p: top.p,
    summary: `p99 ${top.side} ${top.resource} ${lagText(lagS)} (${binS} s bins; prewhitened r ${round(top.point.rho)}, ${pText(top.p)}${also})`,
    // The binned series behind the finding, for the report's overlay chart.
    series: { startedAt: t0 + top.from * binS * 1000, binS, p99: top.y.map((v) => round(v, 3)), driver: top.x.map((v) => round(v, 3)) },
  };
}

function names(cs: readonly { resource: string }[]): string {
  const n = cs.map((c) => c.resource);
  return n.length > 1 ? `${n.slice(0, -1).join(', ')} or ${n[n.length - 1]}` : n[0];
}
