/**
 * Kneedle (Satopaa et al., 2011): the knee of a concave increasing curve is where it
 * departs most from the straight line between its ends, after scaling both axes to [0, 1].
 * Returns the x of the knee, or undefined when the curve has none (a straight line).
 */
export function kneedle(xs: readonly number[], ys: readonly number[], sensitivity = 1): number | undefined {
  const n = xs.length;
  if (n < 3) return undefined;
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x1 === x0 || y1 === y0) return undefined;
  const xn = xs.map((x) => (x - x0) / (x1 - x0));
  const yn = ys.map((y) => (y - y0) / (y1 - y0));
  const diff = yn.map((y, i) => y - xn[i]);
  // Local maxima of the difference curve are candidates; one is a knee when the curve
  // then falls below its threshold before the next maximum.
  const step = (xn[n - 1] - xn[0]) / (n - 1);
  for (let i = 1; i < n - 1; i++) {
    if (!(diff[i] >= diff[i - 1] && diff[i] > diff[i + 1])) continue;
    if (diff[i] <= 0) continue;
    const threshold = diff[i] - sensitivity * step;
    for (let j = i + 1; j < n; j++) {
      if (j > i + 1 && diff[j] >= diff[j - 1] && diff[j] > (diff[j + 1] ?? -Infinity)) break;
      if (diff[j] < threshold) return xs[i];
    }
    if (i === n - 2 || diff[n - 1] < threshold) return xs[i];
  }
  return undefined;
}
