/**
 * Long runs are downsampled for charts, never truncated: consecutive points are folded into
 * at most `max` buckets, each keeping the bucket's worst (max) or typical (mean) value, so a
 * spike in a 24-hour run still shows.
 */
export type Fold = 'max' | 'mean' | 'min';

export function downsample(points: readonly [number, number][], max: number, fold: Fold): [number, number][] {
  if (points.length <= max) return points.map(([x, y]) => [x, y]);
  const size = Math.ceil(points.length / max);
  const out: [number, number][] = [];
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size);
    const ys = bucket.map((p) => p[1]);
    const y = fold === 'max' ? Math.max(...ys) : fold === 'min' ? Math.min(...ys) : ys.reduce((a, b) => a + b, 0) / ys.length;
    out.push([bucket[Math.floor(bucket.length / 2)][0], y]);
  }
  return out;
}
