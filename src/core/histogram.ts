import * as hdr from 'hdr-histogram-js';
import { deflateSync } from 'node:zlib';
import { defaults } from '../defaults';

export type Histogram = hdr.Histogram;

/** Latency histograms hold microseconds, 3 significant digits, up to an hour. */
export function newLatencyHistogram(bits: 32 | 64 = 32): Histogram {
  return hdr.build({
    bitBucketSize: bits,
    lowestDiscernibleValue: 1,
    highestTrackableValue: defaults.recorder.maxLatencyUs,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  });
}

/**
 * The fields of hdr-histogram-js's typed-array histograms that the one-pass functions below
 * read. Its own iterator calls five methods per bucket and took 10-20 ms the first time each
 * second's figures were computed during a run (cold JIT), stalling the generator; a plain
 * loop over the counts costs well under a millisecond even cold. test/histogram.test.ts
 * checks every result against the library's own methods.
 */
interface Internals {
  _counts: { [index: number]: number; length: number };
  subBucketHalfCount: number;
  subBucketHalfCountMagnitude: number;
  unitMagnitude: number;
  numberOfSignificantValueDigits: number;
  lowestDiscernibleValue: number;
  highestTrackableValue: number;
  totalCount: number;
  maxValue: number;
  minNonZeroValue: number;
  countsArrayIndex(value: number): number;
  setTotalCount(value: number): void;
  updatedMaxValue(value: number): void;
  updateMinNonZeroValue(value: number): void;
}

const internals = (h: Histogram) => h as unknown as Internals;

/** Index one past the last non-empty bucket. */
function countsLimit(h: Internals): number {
  return Math.min(h.countsArrayIndex(h.maxValue) + 1, h._counts.length);
}

/** hdr's rounding of a percentile to a count: up, but not by floating-point noise; at least 1. */
function countAtPercentile(percentile: number, total: number): number {
  const fp = (Math.min(percentile, 100) / 100) * total;
  const ulp = fp > 0 ? Math.pow(2, Math.floor(Math.log2(fp)) - 52) : 0;
  return Math.max(Math.ceil(fp - ulp), 1);
}

/**
 * Values at ascending percentiles (each > 0) and the mean, in one pass over the counts:
 * the same figures as getValueAtPercentile (highest equivalent value) and mean (median
 * equivalent value of each bucket).
 */
export function percentilesAndMean(h: Histogram, ascending: readonly number[]): { values: number[]; mean: number } {
  const s = internals(h);
  const values = ascending.map(() => 0);
  if (s.totalCount === 0) return { values, mean: 0 };
  const wanted = ascending.map((p) => countAtPercentile(p, s.totalCount));
  const counts = s._counts;
  const half = s.subBucketHalfCount;
  const halfMag = s.subBucketHalfCountMagnitude;
  const unit = s.unitMagnitude;
  const limit = countsLimit(s);
  let cumulative = 0;
  let next = 0;
  let sum = 0;
  for (let i = 0; i < limit; i++) {
    const c = counts[i];
    if (c === 0) continue;
    let bucket = (i >> halfMag) - 1;
    let sub = (i & (half - 1)) + half;
    if (bucket < 0) {
      sub -= half;
      bucket = 0;
    }
    const size = Math.pow(2, bucket + unit);
    const lowest = sub * size;
    sum += (lowest + Math.floor(size / 2)) * c;
    cumulative += c;
    while (next < wanted.length && cumulative >= wanted[next]) values[next++] = lowest + size - 1;
  }
  return { values, mean: sum / s.totalCount };
}

/** Adds `from`'s counts into `into` (same layout), touching only `from`'s recorded range. */
export function addHistogram(into: Histogram, from: Histogram): void {
  const a = internals(into);
  const b = internals(from);
  if (b.totalCount === 0) return;
  if (a._counts.length !== b._counts.length || a.unitMagnitude !== b.unitMagnitude || a.subBucketHalfCount !== b.subBucketHalfCount) {
    into.add(from);
    return;
  }
  const limit = countsLimit(b);
  let added = 0;
  for (let i = 0; i < limit; i++) {
    const c = b._counts[i];
    if (c !== 0) {
      a._counts[i] += c;
      added += c;
    }
  }
  // The library's own bookkeeping for total, max and min (cheap: no loops).
  a.setTotalCount(a.totalCount + added);
  a.updatedMaxValue(Math.max(a.maxValue, b.maxValue));
  a.updateMinNonZeroValue(Math.min(a.minNonZeroValue, b.minNonZeroValue));
}

const V2_COOKIE = 0x1c849303 | 0x10;
const V2_COMPRESSED_COOKIE = 0x1c849304 | 0x10;
const HEADER_BYTES = 40;
/** Zigzag LEB128 of a count or of a negative run of zeros: at most 9 bytes each. */
const MAX_WORD_BYTES = 9;

/**
 * HdrHistogram's V2 compressed base64 format (what decodeHistogram and every HdrHistogram
 * reads), written in one pass into one buffer: zigzag LEB128 counts with zero runs, zlib,
 * base64. The library's encoder grows a byte buffer one value at a time through method calls.
 */
export function encodeHistogram(h: Histogram): string {
  const s = internals(h);
  const limit = countsLimit(s);
  const raw = Buffer.allocUnsafe(HEADER_BYTES + limit * MAX_WORD_BYTES);
  let at = HEADER_BYTES;
  const put = (value: number) => {
    let v = value >= 0 ? value * 2 : -value * 2 - 1;
    while (v >= 128) {
      raw[at++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    raw[at++] = v;
  };
  for (let i = 0; i < limit;) {
    const c = s._counts[i++];
    if (c !== 0) {
      put(c);
      continue;
    }
    let zeros = 1;
    while (i < limit && s._counts[i] === 0) {
      zeros++;
      i++;
    }
    put(zeros > 1 ? -zeros : 0);
  }
  raw.writeInt32BE(V2_COOKIE, 0);
  raw.writeInt32BE(at - HEADER_BYTES, 4);
  raw.writeInt32BE(1, 8); // normalizing index offset
  raw.writeInt32BE(s.numberOfSignificantValueDigits, 12);
  raw.writeBigInt64BE(BigInt(s.lowestDiscernibleValue), 16);
  raw.writeBigInt64BE(BigInt(s.highestTrackableValue), 24);
  raw.writeBigInt64BE(1n, 32); // integer-to-double conversion ratio, as the library writes it
  const compressed = deflateSync(raw.subarray(0, at));
  const out = Buffer.allocUnsafe(8 + compressed.length);
  out.writeInt32BE(V2_COMPRESSED_COOKIE, 0);
  out.writeInt32BE(compressed.length, 4);
  compressed.copy(out, 8);
  return out.toString('base64');
}

export function decodeHistogram(text: string): Histogram {
  return hdr.decodeFromCompressedBase64(text, 64);
}

/** Adds the stored histograms of some intervals: exact whole-window percentiles. */
export function mergeLatency(rows: readonly { hist: string | null }[]): Histogram {
  const merged = newLatencyHistogram(64);
  for (const r of rows) if (r.hist) merged.add(decodeHistogram(r.hist));
  return merged;
}

/** A percentile in milliseconds; 0 for an empty histogram. */
export function percentileMs(h: Histogram, percentile: number): number {
  return h.totalCount > 0 ? h.getValueAtPercentile(percentile) / 1000 : 0;
}

export interface LatencyStatsMs {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const STAT_PERCENTILES = [50, 90, 95, 99, 99.9] as const;

/** Percentiles in milliseconds; all zero for an empty histogram. */
export function latencyStatsMs(h: Histogram): LatencyStatsMs {
  if (h.totalCount === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const { values, mean } = percentilesAndMean(h, STAT_PERCENTILES);
  const [p50, p90, p95, p99, p999] = values.map((v) => round3(v / 1000));
  return { min: round3(h.minNonZeroValue / 1000), mean: round3(mean / 1000), p50, p90, p95, p99, p999, max: round3(h.maxValue / 1000) };
}
