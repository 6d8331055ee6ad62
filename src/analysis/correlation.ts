import type { ResourceSample } from '../../monitor/types';
import type { IntervalRow } from '../store/runs';
import { mergeLatency } from './intervals';
import { mean, seededRandom, shuffle, spearman } from './stats';
import type { Finding } from './types';

export interface CorrelationOptions {
  binS: number;
  maxLagBins: number;
  permutations: number;
  alpha: number;
  minAbsRho: number;
  minBins: number;
}

export const correlationDefaults: CorrelationOptions = { binS: 10, maxLagBins: 3, permutations: 999, alpha: 0.01, minAbsRho: 0.3, minBins: 10 };

const diff = (xs: readonly number[]) => xs.slice(1).map((x, i) => x - xs[i]);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

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

/** 10 s bins where both latency and resource samples exist. */
export function bin(rows: readonly IntervalRow[], target: readonly ResourceSample[], binS: number): Bins {
  const out: Bins = { p99: [], cpu: [], rss: [] };
  if (rows.length === 0) return out;
  const t0 = rows[0].started_at;
  const binOf = (at: number) => Math.floor((at - t0) / (binS * 1000));
  const rowBins = new Map<number, IntervalRow[]>();
  for (const r of rows) rowBins.set(binOf(r.started_at), [...(rowBins.get(binOf(r.started_at)) ?? []), r]);
  const sampleBins = new Map<number, ResourceSample[]>();
  for (const s of target) sampleBins.set(binOf(s.at), [...(sampleBins.get(binOf(s.at)) ?? []), s]);
  const last = Math.max(...rowBins.keys());
  for (let b = 0; b <= last; b++) {
    const rs = rowBins.get(b);
    const ss = sampleBins.get(b);
    if (!rs || !ss || rs.reduce((n, r) => n + r.requests, 0) === 0) continue;
    out.p99.push(mergeLatency(rs).getValueAtPercentile(99) / 1000);
    out.cpu.push(mean(ss.map((s) => s.cpuPct)));
    out.rss.push(mean(ss.map((s) => s.rssBytes / 1048576)));
  }
  return out;
}

/** Does p99 follow the target's CPU or RSS? "no evidence" unless a permutation test says so. */
export function analyzeCorrelation(rows: readonly IntervalRow[], target: readonly ResourceSample[], o: CorrelationOptions = correlationDefaults): Finding | undefined {
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
  const lagText = top.scan.lag === 0 ? 'in the same 10 s' : `with a ${top.scan.lag * o.binS} s lag`;
  const direction = top.scan.rho > 0 ? 'follows' : 'moves against';
  const pText = top.scan.p < 0.01 ? 'p < 0.01' : `p = ${round(top.scan.p, 3)}`;
  return { ...common, verdict: 'correlated', resource: top.resource, lagS: top.scan.lag * o.binS, rho: round(top.scan.rho, 3), p: top.scan.p, summary: `p99 ${direction} ${top.resource} ${lagText} (rho ${round(top.scan.rho)}, ${pText})` };
}
