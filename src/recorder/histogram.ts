import * as hdr from 'hdr-histogram-js';
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

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(text: string): Histogram {
  return hdr.decodeFromCompressedBase64(text, 64);
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

/** Percentiles in milliseconds; all zero for an empty histogram. */
export function latencyStatsMs(h: Histogram): LatencyStatsMs {
  if (h.totalCount === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const at = (p: number) => round3(h.getValueAtPercentile(p) / 1000);
  return {
    min: round3(h.minNonZeroValue / 1000),
    mean: round3(h.mean / 1000),
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: round3(h.maxValue / 1000),
  };
}
