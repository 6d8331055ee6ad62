/**
 * Small dense linear algebra for the analyses' fits (trends, AR models, the USL, partialling a
 * driver out of another). Pure.
 */

/**
 * Solves a x = b by Gaussian elimination with partial pivoting; undefined when a pivot is
 * below `tiny` (singular for the caller's scale).
 */
export function solve(a: readonly (readonly number[])[], b: readonly number[], tiny = 1e-12): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    if (Math.abs(m[pivot][c]) < tiny) return undefined;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

/**
 * y less what `columns` (each as long as y) explain: y - sum beta_j * column_j, the betas by
 * least squares with an intercept. The intercept stays in what is left, so when y is a sum of
 * the columns and something else, what is left is on that something's own scale. A column that
 * never varies, or that the others already explain, is left out.
 */
export function residual(y: readonly number[], columns: readonly (readonly number[])[]): number[] {
  const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  const my = mean(y);
  const varies = columns.filter((c) => {
    const m = mean(c);
    return c.some((v) => Math.abs(v - m) > 1e-12 * (1 + Math.abs(m)));
  });
  // Collinear columns: drop the last one until the rest can be solved.
  for (let k = varies.length; k > 0; k--) {
    const used = varies.slice(0, k);
    const centred = used.map((c) => {
      const m = mean(c);
      return c.map((v) => v - m);
    });
    const a = centred.map((ci) => centred.map((cj) => ci.reduce((s, v, t) => s + v * cj[t], 0)));
    const b = centred.map((c) => c.reduce((s, v, t) => s + v * (y[t] - my), 0));
    const beta = solve(a, b, 1e-9 * Math.max(1e-300, ...a.map((row, i) => Math.abs(row[i]))));
    if (beta) return y.map((v, t) => v - used.reduce((s, c, j) => s + beta[j] * c[t], 0));
  }
  return [...y];
}
