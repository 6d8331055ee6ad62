import { round } from '../util/format';
import type { ResourceSample } from '../core/samples';
import type { IntervalRow } from '../core/interval';
import { seededRandom, shuffle, spearman } from './stats';
import type { Finding } from '../core/finding';

export interface CorrelationOptions {
  binS: number;
  maxLagBins: number;
  permutations: number;
  alpha: number;
  minAbsRho: number;
  minBins: number;
  /** Most bins a run is cut into; longer runs get wider bins. */
  maxBins: number;
}

export const correlationDefaults: CorrelationOptions = { binS: 10, maxLagBins: 3, permutations: 999, alpha: 0.01, minAbsRho: 0.3, minBins: 10, maxBins: 240 };

const diff = (xs: readonly number[]) => xs.slice(1).map((x, i) => x - xs[i]);

/** rho between y and x shifted so that y follows x by `lag` bins. */
function lagged(y: readonly number[], x: readonly number[], lag: number): number {
  return spearman(y.slice(lag), x.slice(0, x.length - lag));
}

export interface LagScan {
  lag: number;
  rho: number;
  p: number;
}

/**
 * Best-lag Spearman correlation of first differences (so shared trends do not count),
 * with a permutation p-value that accounts for having scanned several lags.
 */
export function lagScan(y: readonly number[], x: readonly number[], o: CorrelationOptions, seed = 1): LagScan {
  const dy = diff(y);
  const dx = diff(x);
  const best = (xs: readonly number[]) => {
    let top = { lag: 0, rho: 0 };
    for (let lag = 0; lag <= o.maxLagBins && dy.length - lag >= 4; lag++) {
      const rho = lagged(dy, xs, lag);
      if (Math.abs(rho) > Math.abs(top.rho)) top = { lag, rho };
    }
    return top;
  };
  const observed = best(dx);
  const random = seededRandom(seed);
  const pool = [...dx];
  let asExtreme = 0;
  for (let i = 0; i < o.permutations; i++) if (Math.abs(best(shuffle(pool, random)).rho) >= Math.abs(observed.rho)) asExtreme++;
  return { ...observed, p: (asExtreme + 1) / (o.permutations + 1) };
}

interface Bins {
  p99: number[];
  cpu: number[];
  rss: number[];
}

/**
 * 10 s bins where both latency and resource samples exist. A bin's p99 is the request-weighted
 * mean of its per-second p99s: cheap on day-long runs, and trends are what is compared here.
 */
export function bin(rows: readonly IntervalRow[], target: readonly ResourceSample[], binS: number): Bins {
  const out: Bins = { p99: [], cpu: [], rss: [] };
  if (rows.length === 0) return out;
  const t0 = rows[0].started_at;
  const binOf = (at: number) => Math.floor((at - t0) / (binS * 1000));
  const latency = new Map<number, { weighted: number; requests: number }>();
  for (const r of rows) {
    if (r.requests === 0) continue;
    const b = latency.get(binOf(r.started_at)) ?? { weighted: 0, requests: 0 };
    b.weighted += r.p99_ms * r.requests;
    b.requests += r.requests;
    latency.set(binOf(r.started_at), b);
  }
  const resources = new Map<number, { cpu: number; rss: number; n: number }>();
  for (const s of target) {
    const b = resources.get(binOf(s.at)) ?? { cpu: 0, rss: 0, n: 0 };
    b.cpu += s.cpuPct;
    b.rss += s.rssBytes / 1048576;
    b.n++;
    resources.set(binOf(s.at), b);
  }
  for (const b of [...latency.keys()].sort((x, y) => x - y)) {
    const l = latency.get(b)!;
    const r = resources.get(b);
    if (!r) continue;
    out.p99.push(l.weighted / l.requests);
    out.cpu.push(r.cpu / r.n);
    out.rss.push(r.rss / r.n);
  }
  return out;
}

/** Does p99 follow the target's CPU or RSS? "no evidence" unless a permutation test says so. */
export function analyzeCorrelation(rows: readonly IntervalRow[], target: readonly ResourceSample[], base: CorrelationOptions = correlationDefaults): Finding | undefined {
  // 10 s bins, widened on long runs so a permutation test over a day stays at a few hundred points.
  const spanS = rows.length ? (rows[rows.length - 1].started_at - rows[0].started_at) / 1000 : 0;
  const o = { ...base, binS: Math.max(base.binS, Math.ceil(spanS / base.maxBins / 10) * 10) };
  const bins = bin(rows, target, o.binS);
  if (bins.p99.length < o.minBins) return undefined;
  const candidates = [
    { resource: 'target CPU', scan: lagScan(bins.p99, bins.cpu, o, 1) },
    { resource: 'target RSS', scan: lagScan(bins.p99, bins.rss, o, 2) },
  ];
  const best = candidates.sort((a, b) => a.scan.p - b.scan.p || Math.abs(b.scan.rho) - Math.abs(a.scan.rho))[0];
  const significant = candidates.filter((c) => c.scan.p < o.alpha && Math.abs(c.scan.rho) >= o.minAbsRho);
  const common = { kind: 'correlation' as const, bins: bins.p99.length, binS: o.binS, scans: candidates.map((c) => ({ resource: c.resource, lagS: c.scan.lag * o.binS, rho: round(c.scan.rho, 3), p: round(c.scan.p, 4) })) };
  if (significant.length === 0) {
    return { ...common, verdict: 'no-evidence', summary: `no evidence that p99 follows target CPU or RSS (best: ${best.resource}, rho ${round(best.scan.rho)}, p = ${round(best.scan.p, 3)})` };
  }
  const top = significant[0];
  const lagText = top.scan.lag === 0 ? `in the same ${o.binS} s` : `with a ${top.scan.lag * o.binS} s lag`;
  const direction = top.scan.rho > 0 ? 'follows' : 'moves against';
  const pText = top.scan.p < 0.01 ? 'p < 0.01' : `p = ${round(top.scan.p, 3)}`;
  return { ...common, verdict: 'correlated', resource: top.resource, lagS: top.scan.lag * o.binS, rho: round(top.scan.rho, 3), p: top.scan.p, summary: `p99 ${direction} ${top.resource} ${lagText} (rho ${round(top.scan.rho)}, ${pText})` };
}
