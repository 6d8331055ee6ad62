import { formatDuration } from '../util/duration';
import { round } from '../util/format';
import type { ResourceSample } from '../core/samples';
import { mannKendall, median, theilSen } from './stats';
import type { Finding } from '../core/finding';

export interface LeakOptions {
  /** Fraction of the plateau skipped as warm-up. */
  skipFraction: number;
  /** Trend significance required. */
  alpha: number;
  /**
   * Growth over the analysed window below this many MB (or this fraction of RSS, whichever is
   * larger) is not called a leak, whatever the statistics say: on a short soak it takes a steep
   * slope to count, on a day-long one a slow creep adds up and does.
   */
  minGrowthMB: number;
  minGrowthFraction: number;
  /** Below this rate nothing is a leak, however long the run. */
  floorMBPerHour: number;
  /** A leak keeps growing: the second half's slope must be at least this share of the first half's. */
  halfRatio: number;
  minSamples: number;
}

export const leakDefaults: LeakOptions = {
  skipFraction: 0.2,
  alpha: 0.01,
  minGrowthMB: 2,
  minGrowthFraction: 0.02,
  floorMBPerHour: 0.1,
  halfRatio: 0.3,
  minSamples: 30,
};

const MB = 1048576;
const fmtP = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${round(p, 3)}`);

interface Point {
  hours: number;
  mb: number;
}

/** Lower envelope: the minimum of each window, so a GC sawtooth's peaks do not count as growth. */
function lowerEnvelope(samples: readonly { at: number; rssBytes: number }[], windowSize: number): Point[] {
  const points: Point[] = [];
  const t0 = samples[0]?.at ?? 0;
  for (let i = 0; i + windowSize <= samples.length; i += windowSize) {
    const window = samples.slice(i, i + windowSize);
    let min = window[0];
    for (const s of window) if (s.rssBytes < min.rssBytes) min = s;
    const center = (window[0].at + window[window.length - 1].at) / 2;
    points.push({ hours: (center - t0) / 3_600_000, mb: min.rssBytes / MB });
  }
  return points;
}

/**
 * Post-GC samples: where RSS fell by more than `drop` from the previous sample, the collector
 * has just run, and that sample is the floor the heap returned to. On a process with a slow,
 * large GC sawtooth these trace the true lower envelope better than fixed windows, whose
 * minima follow the sawtooth's phase.
 */
function postGcFloor(samples: readonly { at: number; rssBytes: number }[], drop = 0.05): Point[] {
  const t0 = samples[0]?.at ?? 0;
  const points: Point[] = [];
  for (let i = 1; i < samples.length; i++) {
    if (samples[i].rssBytes < samples[i - 1].rssBytes * (1 - drop)) {
      points.push({ hours: (samples[i].at - t0) / 3_600_000, mb: samples[i].rssBytes / MB });
    }
  }
  return points;
}

function slopeOf(points: readonly Point[]): number {
  return points.length >= 2
    ? theilSen(
        points.map((p) => p.hours),
        points.map((p) => p.mb),
      ).slope
    : 0;
}

/**
 * Memory-leak verdict on the steady plateau: Mann-Kendall on the lower envelope of RSS,
 * Theil-Sen slope with a 95% bound above a practical rate, and a half-split guard so that
 * a warm-up (a cache filling, a heap settling) is "inconclusive", not a leak.
 */
export function analyzeLeak(
  target: readonly Pick<ResourceSample, 'at' | 'rssBytes'>[],
  plateau: { from: number; to: number },
  requestsPerSecond: number,
  o: LeakOptions = leakDefaults,
  resource: LeakResource = 'rss',
): Finding {
  const finding = analyzeSeries(target, plateau, requestsPerSecond, o);
  if (resource === 'rss') return { ...finding, resource };
  // Same statistics on another memory series; the words name it.
  return { ...finding, resource, summary: finding.summary.replace(/\bRSS\b/g, 'target GPU memory') };
}

/** Which memory a leak finding is about: the process's RSS, or the GPU memory its process tree holds. */
export type LeakResource = 'rss' | 'gpu-memory';

function analyzeSeries(target: readonly Pick<ResourceSample, 'at' | 'rssBytes'>[], plateau: { from: number; to: number }, requestsPerSecond: number, o: LeakOptions): Finding {
  const start = plateau.from + (plateau.to - plateau.from) * o.skipFraction;
  const samples = target.filter((s) => s.at >= start && s.at <= plateau.to);
  const base = {
    kind: 'leak' as const,
    samples: samples.length,
    windowS: Math.round((plateau.to - start) / 1000),
    analysisFrom: Math.round(samples[0]?.at ?? start),
    analysisTo: Math.round(plateau.to),
  };
  // How much longer to soak when the answer is not in yet: the missing samples (the first
  // part of the hold is skipped), or as long again, so that a plateau and a slow leak part ways.
  const holdS = (plateau.to - plateau.from) / 1000;
  const longer = (seconds: number) => `soak at least ${formatDuration(Math.ceil(seconds) * 1000)} longer`;
  if (samples.length < o.minSamples) {
    const gapMs = samples.length >= 2 ? (samples[samples.length - 1].at - samples[0].at) / (samples.length - 1) : 1000;
    const soakMoreS = Math.ceil(((o.minSamples - samples.length) * gapMs) / 1000 / (1 - o.skipFraction));
    return {
      ...base,
      verdict: 'inconclusive',
      soakMoreS,
      summary: `not enough steady-state RSS samples for a leak verdict (${samples.length}, need ${o.minSamples}); ${longer(soakMoreS)}`,
    };
  }
  const soakMoreS = Math.max(60, Math.ceil(holdS));
  // Windows of about 5 s (so each holds a GC cycle), but at least 10 points for the trend test
  // on short plateaus, and at most ~60 (MK is O(n²)).
  const intervalMs = median(samples.slice(1).map((x, i) => x.at - samples[i].at));
  const fiveSeconds = Math.ceil(5000 / Math.max(intervalMs, 1));
  const windowSize = Math.max(3, Math.min(fiveSeconds, Math.floor(samples.length / 10)), Math.ceil(samples.length / 60));
  // A sawtooth with at least 10 collections spread over the window is read at its floors;
  // otherwise (a steady climb, a quiet heap) at window minima.
  const floors = postGcFloor(samples);
  const spread = floors.length >= 10 && floors[floors.length - 1].hours - floors[0].hours > (0.6 * (samples[samples.length - 1].at - samples[0].at)) / 3_600_000;
  const points = spread ? (floors.length > 60 ? floors.filter((_, i) => i % Math.ceil(floors.length / 60) === 0) : floors) : lowerEnvelope(samples, windowSize);
  const mk = mannKendall(points.map((p) => p.mb));
  const ts = theilSen(
    points.map((p) => p.hours),
    points.map((p) => p.mb),
    0.95,
    mk.varS,
  );
  const half = Math.floor(points.length / 2);
  const firstHalf = slopeOf(points.slice(0, half));
  const secondHalf = slopeOf(points.slice(half));
  // A leak under steady load is still growing at the end; RSS that rose in steps to a
  // high-water mark (an allocator keeping freed memory) has levelled off by then.
  const lastQuarter = slopeOf(points.slice(Math.min(Math.floor(points.length * 0.75), points.length - 3)));
  const rssMB = median(points.map((p) => p.mb));
  const windowHours = Math.max((samples[samples.length - 1].at - samples[0].at) / 3_600_000, 1 / 3600);
  const practical = Math.max(o.floorMBPerHour, Math.max(o.minGrowthMB, rssMB * o.minGrowthFraction) / windowHours);
  const perThousand = requestsPerSecond > 0 ? (ts.slope / 3600 / requestsPerSecond) * 1000 : null;
  const detail = {
    ...base,
    slopeMBPerHour: round(ts.slope),
    slopeLowerMBPerHour: round(ts.lower),
    slopeUpperMBPerHour: round(ts.upper),
    mbPer1000Requests: perThousand === null ? null : round(perThousand, 4),
    p: mk.p,
    tau: round(mk.tau, 3),
    firstHalfMBPerHour: round(firstHalf),
    secondHalfMBPerHour: round(secondHalf),
    lastQuarterMBPerHour: round(lastQuarter),
    practicalMBPerHour: round(practical),
    envelopeMethod: spread ? 'post-gc floors' : `minima of ${windowSize}-sample windows`,
    rssMB: round(rssMB, 1),
    envelope: points.map((p) => ({ hours: round(p.hours, 5), mb: round(p.mb, 2) })),
    trendLine: { interceptMB: round(ts.intercept, 3), slopeMBPerHour: round(ts.slope, 3) },
  };
  const growing = mk.p < o.alpha && mk.s > 0 && ts.lower > practical;
  if (growing && secondHalf > practical && lastQuarter <= practical) {
    return {
      ...detail,
      verdict: 'inconclusive',
      summary: `RSS rose ${round(ts.slope, 1)} MB/h but has held level for the last quarter of the window (${round(lastQuarter, 1)} MB/h): a high-water mark, not yet a leak; ${longer(soakMoreS)}`,
      soakMoreS,
    };
  }
  if (growing && secondHalf >= firstHalf * o.halfRatio && secondHalf > practical) {
    const per = perThousand === null ? '' : ` (${round(perThousand, 3)} MB per 1000 requests)`;
    return { ...detail, verdict: 'leak', summary: `RSS grows ${round(ts.slope, 1)} MB/h${per}, ${fmtP(mk.p)}` };
  }
  if (growing && secondHalf > practical) {
    return {
      ...detail,
      verdict: 'inconclusive',
      summary: `RSS still rising but slowing (first half ${round(firstHalf, 1)} MB/h, second half ${round(secondHalf, 1)} MB/h): warming up, not yet a leak; ${longer(soakMoreS)}`,
      soakMoreS,
    };
  }
  if (growing) {
    return {
      ...detail,
      verdict: 'no-leak',
      summary: `no leak: RSS rose during warm-up (${round(firstHalf, 1)} MB/h) and then levelled off (${round(secondHalf, 1)} MB/h in the second half)`,
    };
  }
  if (mk.p < o.alpha && mk.s > 0) {
    return {
      ...detail,
      verdict: 'no-leak',
      summary: `no leak: RSS creeps ${round(ts.slope, 2)} MB/h (${fmtP(mk.p)}), below the ${round(practical, 1)} MB/h that counts as one`,
    };
  }
  return {
    ...detail,
    verdict: 'no-leak',
    summary: `no leak: no significant growth of the RSS lower envelope (${round(ts.slope, 1)} MB/h, ${fmtP(mk.p)}) over ${base.windowS}s of steady load`,
  };
}
