/** Small, dependency-free statistics used by the analyses. All pure. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** Standard normal CDF (Abramowitz-Stegun 26.2.17 via erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

export interface MannKendall {
  s: number;
  varS: number;
  z: number;
  /** Two-sided p-value. */
  p: number;
  tau: number;
  trend: 'increasing' | 'decreasing' | 'no trend';
}

/** The original Mann-Kendall trend test with the tie correction (as pyMannKendall.original_test). */
export function mannKendall(xs: readonly number[], alpha = 0.05): MannKendall {
  const n = xs.length;
  let s = 0;
  for (let k = 0; k < n - 1; k++) for (let j = k + 1; j < n; j++) s += Math.sign(xs[j] - xs[k]);
  const ties = new Map<number, number>();
  for (const x of xs) ties.set(x, (ties.get(x) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = varS > 0 ? (s > 0 ? (s - 1) / Math.sqrt(varS) : s < 0 ? (s + 1) / Math.sqrt(varS) : 0) : 0;
  const p = 2 * (1 - normalCdf(Math.abs(z)));
  const tau = n > 1 ? s / (0.5 * n * (n - 1)) : 0;
  return { s, varS, z, p, tau, trend: p < alpha ? (z > 0 ? 'increasing' : 'decreasing') : 'no trend' };
}

export interface TheilSen {
  slope: number;
  intercept: number;
  /** Confidence bounds of the slope (Sen 1968, from the Mann-Kendall variance). */
  lower: number;
  upper: number;
}

/** Theil-Sen slope of ys over xs, with a two-sided confidence interval at `confidence`. */
export function theilSen(xs: readonly number[], ys: readonly number[], confidence = 0.95, varS?: number): TheilSen {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length - 1; i++) {
    for (let j = i + 1; j < xs.length; j++) if (xs[j] !== xs[i]) slopes.push((ys[j] - ys[i]) / (xs[j] - xs[i]));
  }
  slopes.sort((a, b) => a - b);
  const slope = median(slopes);
  const intercept = median(ys.map((y, i) => y - slope * xs[i]));
  const n = xs.length;
  const variance = varS ?? (n * (n - 1) * (2 * n + 5)) / 18;
  const c = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(variance);
  const m = slopes.length;
  const lowIndex = Math.max(0, Math.floor((m - c) / 2) - 1);
  const highIndex = Math.min(m - 1, Math.ceil((m + c) / 2));
  return { slope, intercept, lower: slopes[lowIndex] ?? slope, upper: slopes[highIndex] ?? slope };
}

/** Average ranks (ties share the mean rank). */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k][1]] = rank;
    i = j + 1;
  }
  return out;
}

export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}
