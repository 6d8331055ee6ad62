/**
 * Prewhitening for lagged cross-correlation: detrend, fit an autoregressive model, filter both
 * series with it, correlate what is left. Once one of the two is white, the cross-correlation
 * at each lag has variance about 1/n whatever the other's own autocorrelation (Bartlett), so
 * trends and slow swings stop looking like a link. All pure.
 */

import { solve } from './linear';

/**
 * Removes the least-squares polynomial of `degree` in time: a trend both series share over the
 * run (straight, levelling off, S-shaped) is time, not a cause. Unlike a moving average it adds
 * no autocorrelation of its own for the AR filter to miss.
 */
export function detrendPoly(xs: readonly number[], degree: number): number[] {
  const n = xs.length;
  const k = Math.min(degree, n - 2) + 1;
  if (k < 1) return xs.map(() => 0);
  // Legendre polynomials in u in [-1, 1]: nearly orthogonal on an even grid, so the normal
  // equations stay well conditioned at the degrees a long run needs (monomials do not).
  const basis = (t: number) => {
    const u = n > 1 ? (2 * t) / (n - 1) - 1 : 0;
    const p = [1, u];
    for (let j = 1; j + 1 < k; j++) p.push(((2 * j + 1) * u * p[j] - j * p[j - 1]) / (j + 1));
    return p.slice(0, k);
  };
  const a = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  for (let t = 0; t < n; t++) {
    const f = basis(t);
    for (let i = 0; i < k; i++) {
      b[i] += f[i] * xs[t];
      for (let j = 0; j < k; j++) a[i][j] += f[i] * f[j];
    }
  }
  const c = solve(a, b) ?? [xs.reduce((s, v) => s + v, 0) / Math.max(1, n)];
  return xs.map((x, t) => x - basis(t).reduce((s, f, j) => s + f * (c[j] ?? 0), 0));
}

/** Least-squares AR(p) coefficients over t = from..n-1, and the residual variance. */
function fitOrder(xs: readonly number[], p: number, from: number): { phi: number[]; variance: number } | undefined {
  const a = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  for (let t = from; t < xs.length; t++) {
    for (let i = 0; i < p; i++) {
      b[i] += xs[t] * xs[t - 1 - i];
      for (let j = 0; j < p; j++) a[i][j] += xs[t - 1 - i] * xs[t - 1 - j];
    }
  }
  const phi = p === 0 ? [] : solve(a, b);
  if (!phi) return undefined;
  let sse = 0;
  for (let t = from; t < xs.length; t++) sse += (xs[t] - phi.reduce((s, f, i) => s + f * xs[t - 1 - i], 0)) ** 2;
  return { phi, variance: sse / (xs.length - from) };
}

/**
 * AR coefficients of a (detrended) series, the order chosen by BIC (AIC picked orders that
 * whitened less honestly: more false alarms on the nulls) from 0..maxOrder on a common
 * sample. Least squares rather than Yule-Walker: it stays close to 1 for a random walk, where
 * Yule-Walker shrinks towards 0 and leaves the walk in the residuals.
 */
export function fitAr(xs: readonly number[], maxOrder: number): number[] {
  const top = Math.max(0, Math.min(maxOrder, Math.floor(xs.length / 10)));
  const n = xs.length - top;
  let best = { phi: [] as number[], bic: Infinity };
  for (let p = 0; p <= top; p++) {
    const fit = fitOrder(xs, p, top);
    if (!fit || fit.variance <= 0) continue;
    const bic = n * Math.log(fit.variance) + p * Math.log(n);
    if (bic < best.bic) best = { phi: fit.phi, bic };
  }
  return best.phi;
}

/** e[t] = x[t] - sum phi[i] x[t-1-i], for t >= p: the series through the driver's whitening filter. */
export function arFilter(xs: readonly number[], phi: readonly number[]): number[] {
  const out: number[] = [];
  for (let t = phi.length; t < xs.length; t++) out.push(xs[t] - phi.reduce((s, f, i) => s + f * xs[t - 1 - i], 0));
  return out;
}

/** Sample autocorrelation at lags 1..maxLag. */
function autocorrelation(xs: readonly number[], maxLag: number): number[] {
  const n = xs.length;
  const m = xs.reduce((a, b) => a + b, 0) / n;
  const c0 = xs.reduce((s, x) => s + (x - m) ** 2, 0);
  const out: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let c = 0;
    for (let t = k; t < n; t++) c += (xs[t] - m) * (xs[t - k] - m);
    out.push(c0 > 0 ? c / c0 : 0);
  }
  return out;
}

/**
 * Effective sample size of a cross-correlation between two series of length n (Bartlett's
 * variance 1/n * sum rho_x(j) rho_y(j)): whatever autocorrelation prewhitening left behind
 * shrinks n instead of inflating the evidence. Never more than n.
 */
export function effectiveN(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length);
  const lags = Math.max(1, Math.min(10, Math.floor(n / 4)));
  const ax = autocorrelation(x, lags);
  const ay = autocorrelation(y, lags);
  let inflation = 1;
  for (let j = 0; j < lags; j++) inflation += 2 * (1 - (j + 1) / n) * ax[j] * ay[j];
  return inflation <= 1 ? n : n / inflation;
}
