import type { Finding } from '../core/finding';
import { lineChart, type ChartOptions } from './svg';

/** What a `correlated` finding keeps of its binned series (see analysis/correlation.ts). */
interface FindingSeries {
  startedAt: number;
  binS: number;
  p99: number[];
  driver: number[];
}

const range = (xs: readonly number[]) => [Math.min(...xs), Math.max(...xs)] as const;

/** The 5th to 95th percentile: one 300 ms second must not squash the driver into a flat line. */
function bulk(xs: readonly number[]): readonly [number, number] {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor(0.05 * (s.length - 1))], s[Math.ceil(0.95 * (s.length - 1))]];
}

/**
 * p99 and the driver it follows on one time axis, the driver scaled onto the bulk of p99's range
 * (its own range named in the legend), the lag in the title, on the run's time axis. None unless the run
 * has such a finding.
 */
export function correlationChart(findings: readonly Finding[], runStartedAt: number, axis: Pick<ChartOptions, 'xDomain' | 'xTime'>): string[] {
  const f = findings.find((x) => x.kind === 'correlation' && x.verdict === 'correlated' && x.series);
  if (!f) return [];
  const s = f.series as FindingSeries;
  if (s.p99.length < 2) return [];
  const x = (i: number) => (s.startedAt - runStartedAt) / 1000 + (i + 0.5) * s.binS;
  const [pLo, pHi] = bulk(s.p99);
  const [dLo, dHi] = range(s.driver);
  const scale = (v: number) => (dHi > dLo ? pLo + ((v - dLo) / (dHi - dLo)) * (pHi - pLo) : pLo);
  const lagS = f.lagS as number;
  const lag = lagS === 0 ? 'with no lag' : `${lagS} s later`;
  return [
    lineChart({
      title: `p99 ${String(f.direction)} ${String(f.resource)} ${lag} (${s.binS} s bins; ${String(f.resource)} scaled onto the p99 axis)`,
      yLabel: 'ms',
      ...axis,
      series: [
        { name: 'p99 ms', color: '#cf222e', points: s.p99.map((v, i) => [x(i), v]) },
        { name: `${String(f.resource)} (${+dLo.toFixed(1)} to ${+dHi.toFixed(1)})`, color: '#0969da', points: s.driver.map((v, i) => [x(i), scale(v)]) },
      ],
    }),
  ];
}
