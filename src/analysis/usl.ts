/**
 * Universal Scalability Law: X(N) = γN / (1 + α(N-1) + βN(N-1)).
 * α is contention, β coherency (crosstalk); when β > 0 throughput peaks at
 * Nmax = sqrt((1-α)/β) and falls after it (the retrograde region).
 */

import { solve } from './linear';

export interface UslFit {
  alpha: number;
  beta: number;
  gamma: number;
  /** Load at peak throughput; Infinity when β is 0. */
  nmax: number;
  /** Throughput at nmax (or the asymptote γ/α when β is 0). */
  xmax: number;
  r2: number;
}

function uslThroughput(n: number, p: { alpha: number; beta: number; gamma: number }): number {
  return (p.gamma * n) / (1 + p.alpha * (n - 1) + p.beta * n * (n - 1));
}

function sse(ns: readonly number[], xs: readonly number[], p: { alpha: number; beta: number; gamma: number }): number {
  return ns.reduce((sum, n, i) => sum + (xs[i] - uslThroughput(n, p)) ** 2, 0);
}

/**
 * Least-squares fit of α, β, γ (Levenberg-Marquardt), started from Gunther's linearisation
 * with γ estimated from the smallest load. Needs at least 4 points; α and β are kept ≥ 0.
 */
export function fitUsl(ns: readonly number[], xs: readonly number[]): UslFit | undefined {
  if (ns.length < 4 || ns.length !== xs.length) return undefined;
  const i0 = ns.indexOf(Math.min(...ns));
  let p = { alpha: 0.01, beta: 0.0001, gamma: xs[i0] / ns[i0] };
  // Linearised start: N/C(N) - 1 = α(N-1) + βN(N-1), with C(N) = X(N)/γ.
  const rows = ns.map((n, i) => [n - 1, n * (n - 1), n / (xs[i] / p.gamma) - 1]).filter((r) => r[0] > 0);
  if (rows.length >= 2) {
    const ata = [
      [0, 0],
      [0, 0],
    ];
    const atb = [0, 0];
    for (const [u, v, y] of rows) {
      ata[0][0] += u * u;
      ata[0][1] += u * v;
      ata[1][0] += u * v;
      ata[1][1] += v * v;
      atb[0] += u * y;
      atb[1] += v * y;
    }
    const start = solve(ata, atb, 1e-300);
    if (start) p = { ...p, alpha: Math.max(start[0], 1e-6), beta: Math.max(start[1], 0) };
  }
  let lambda = 1e-3;
  let cost = sse(ns, xs, p);
  for (let iter = 0; iter < 500; iter++) {
    const jtj = [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    const jtr = [0, 0, 0];
    for (let i = 0; i < ns.length; i++) {
      const n = ns[i];
      const d = 1 + p.alpha * (n - 1) + p.beta * n * (n - 1);
      const f = (p.gamma * n) / d;
      const g = [(-p.gamma * n * (n - 1)) / (d * d), (-p.gamma * n * n * (n - 1)) / (d * d), n / d];
      const r = xs[i] - f;
      for (let a = 0; a < 3; a++) {
        jtr[a] += g[a] * r;
        for (let b = 0; b < 3; b++) jtj[a][b] += g[a] * g[b];
      }
    }
    const damped = jtj.map((row, a) => row.map((v, b) => (a === b ? v * (1 + lambda) : v)));
    const delta = solve(damped, jtr, 1e-300);
    if (!delta) break;
    const next = { alpha: Math.max(p.alpha + delta[0], 0), beta: Math.max(p.beta + delta[1], 0), gamma: p.gamma + delta[2] };
    const nextCost = sse(ns, xs, next);
    if (nextCost < cost) {
      const improvement = (cost - nextCost) / Math.max(cost, 1e-300);
      p = next;
      cost = nextCost;
      lambda = Math.max(lambda / 10, 1e-12);
      if (improvement < 1e-12) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const total = xs.reduce((sum, x) => sum + (x - meanX) ** 2, 0);
  const nmax = p.beta > 0 ? Math.sqrt((1 - p.alpha) / p.beta) : Infinity;
  const xmax = Number.isFinite(nmax) ? uslThroughput(nmax, p) : p.alpha > 0 ? p.gamma / p.alpha : Infinity;
  return { ...p, nmax, xmax, r2: total > 0 ? 1 - cost / total : 1 };
}
