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
 * What is left of y after least squares on an intercept and `columns` (each as long as y):
 * y less the part they explain, its mean kept. y unchanged when the columns are collinear.
 */
export function residual(y: readonly number[], columns: readonly (readonly number[])[]): number[] {
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  // A column that never varies explains nothing (and would make the fit singular): left out.
  const centred = columns.flatMap((c) => {
    const m = c.reduce((s, v) => s + v, 0) / c.length;
    return c.some((v) => Math.abs(v - m) > 1e-12 * (1 + Math.abs(m))) ? [c.map((v) => v - m)] : [];
  });
  const k = centred.length;
  const a = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => centred[i].reduce((s, v, t) => s + v * centred[j][t], 0)));
  const b = centred.map((c) => c.reduce((s, v, t) => s + v * (y[t] - my), 0));
  const scale = Math.max(1e-300, ...a.map((row, i) => Math.abs(row[i])));
  const beta = solve(a, b, scale * 1e-12);
  if (!beta) return [...y];
  return y.map((v, t) => v - centred.reduce((s, c, j) => s + beta[j] * c[t], 0));
}
