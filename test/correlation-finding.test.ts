import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeCorrelation } from '../src/analysis/correlation';
import { seededRandom } from '../src/core/random';
import type { IntervalRow } from '../src/core/interval';
import { intervalRow } from './helpers/interval-row';
import type { CgroupSample, GpuSample, HostSample, ResourceSample } from '../src/core/samples';

// The whole pure path (binning, the CPU sample's place in time, the finding and its series)
// on stored-row shapes, as the real-target test would see them on a quiet machine.
const T0 = 1_700_000_000_000;

function second(t: number, p99: number, lagMs = 1): IntervalRow {
  return intervalRow({
    t,
    started_at: T0 + t * 1000,
    level: 100,
    p50_ms: p99 / 3,
    p90_ms: p99 / 2,
    p95_ms: p99 / 1.5,
    p99_ms: p99,
    max_ms: p99,
    mean_ms: p99 / 3,
    generator_lag_ms: lagMs,
    schedule_lag_ms: lagMs,
    generator_cpu_pct: 3,
  });
}

function sample(at: number, cpuPct: number, rssMB: number): ResourceSample {
  return {
    at,
    pid: 42,
    source: 'target',
    cpuPct,
    cpuUserPct: cpuPct,
    cpuSystemPct: 0,
    rssBytes: rssMB * 1048576,
    vsizeBytes: 0,
    threads: 1,
    fds: null,
    readBytes: null,
    writeBytes: null,
    readBps: null,
    writeBps: null,
    voluntaryCtx: 0,
    involuntaryCtx: 0,
  };
}

/** Busy 10 s of every 30 s for 130 s (the case); samples read 0.3 s into each next second. */
function busyRun(seed: number) {
  const r = seededRandom(seed);
  const busy = (t: number) => t % 30 < 10;
  const intervals = Array.from({ length: 130 }, (_, t) => second(t, (busy(t) ? 12 : 3) * Math.exp(0.3 * (r() - 0.5)) * (r() < 0.15 ? 4 : 1)));
  const target = Array.from({ length: 130 }, (_, i) => sample(T0 + (i + 1) * 1000 + 300, busy(i) ? 70 + 5 * r() : 4 + 3 * r(), 80 + 0.5 * i));
  return { intervals, target };
}

test("p99 driven by the target's CPU is named, with no lag, and the finding keeps the series the report draws", () => {
  const f = analyzeCorrelation(busyRun(3))!;
  assert.equal(f.verdict, 'correlated', f.summary);
  assert.equal(f.resource, 'target CPU', f.summary);
  assert.equal(f.lagS, 0, f.summary);
  assert.match(f.summary, /^p99 follows target CPU with no lag \(1 s bins; prewhitened r [\d.]+, p < 0\.001\)$/);
  const series = f.series as { startedAt: number; binS: number; p99: number[]; driver: number[] };
  assert.equal(series.binS, 1);
  assert.equal(series.p99.length, series.driver.length);
  assert.ok(series.p99.length >= 125, String(series.p99.length));
});

/** Host samples at the target's sample times: the host's CPU (all cores, 2 here) as the target's plus others'. */
function hostSamples(target: readonly ResourceSample[], others: (i: number) => number): HostSample[] {
  return target.map((s, i) => ({
    at: s.at,
    cpuPct: (s.cpuPct + 3 + others(i)) / 2,
    memUsedBytes: 0,
    memAvailableBytes: 0,
    load1: 0,
    load5: 0,
    load15: 0,
    diskReadBps: 0,
    diskWriteBps: 0,
    netRxBps: 0,
    netTxBps: 0,
  }));
}

test("the host's CPU holds the target's: p99 driven by the target is named after the target, not the host", () => {
  const { intervals, target } = busyRun(3);
  const r = seededRandom(11);
  const f = analyzeCorrelation({ intervals, target, host: hostSamples(target, () => 10 + 10 * r()) })!;
  assert.equal(f.resource, 'target CPU', f.summary);
  const scans = f.scans as { resource: string; p: number }[];
  const others = scans.find((s) => s.resource === "other processes' CPU");
  assert.ok(others, JSON.stringify(scans));
  assert.ok(others.p > 0.05, `the host less the target and strain is noise here: ${JSON.stringify(others)}`);
});

test("a noisy neighbour: p99 that follows the rest of the host's CPU is named as other processes' CPU", () => {
  const r = seededRandom(5);
  const neighbour = (t: number) => t % 20 < 6;
  const intervals = Array.from({ length: 130 }, (_, t) => second(t, (neighbour(t) ? 10 : 3) * Math.exp(0.3 * (r() - 0.5)) * (r() < 0.15 ? 4 : 1)));
  const target = Array.from({ length: 130 }, (_, i) => sample(T0 + (i + 1) * 1000 + 300, 20 + 5 * r(), 80 + 0.1 * r()));
  const f = analyzeCorrelation({ intervals, target, host: hostSamples(target, (i) => (neighbour(i) ? 150 : 5) + 5 * r()) })!;
  assert.equal(f.verdict, 'correlated', f.summary);
  assert.equal(f.resource, "other processes' CPU", f.summary);
  assert.equal(f.lagS, 0, f.summary);
});

/** p99 up in random bursts of 3-8 s; the target's own CPU and RSS flat. */
function burstyRun(seed: number) {
  const r = seededRandom(seed);
  const on: boolean[] = [];
  for (let t = 0, state = false; t < 130; t++) {
    on.push(state);
    if (r() < (state ? 0.2 : 0.08)) state = !state;
  }
  const intervals = Array.from({ length: 130 }, (_, t) => second(t, (on[t] ? 10 : 3) * Math.exp(0.3 * (r() - 0.5)) * (r() < 0.15 ? 4 : 1)));
  const target = Array.from({ length: 130 }, (_, i) => sample(T0 + (i + 1) * 1000 + 300, 20 + 5 * r(), 80 + 0.1 * r()));
  return { intervals, target, on, r };
}

test("every monitor source is a candidate, named in the finding: GPU utilisation, the cgroup CPU, strain's own CPU", () => {
  const gpu = burstyRun(21);
  const gpus: GpuSample[] = gpu.target.flatMap((s, i) =>
    [0, 1].map((index) => ({
      at: s.at,
      index,
      uuid: `GPU-${index}`,
      utilPct: (gpu.on[i] ? 90 : 10) + 5 * gpu.r(),
      memUsedMB: 1000,
      memTotalMB: 24000,
      powerW: 100,
      tempC: 50,
      targetMemMB: 900,
    })),
  );
  const byGpu = analyzeCorrelation({ intervals: gpu.intervals, target: gpu.target, gpus })!;
  assert.equal(byGpu.resource, 'GPU utilisation', byGpu.summary);
  assert.match(byGpu.summary, /^p99 follows GPU utilisation with no lag/);

  const cg = burstyRun(22);
  const cgroups: CgroupSample[] = cg.target.map((s, i) => ({
    at: s.at,
    path: '/strain-test',
    cpuUsageUsec: null,
    cpuPct: (cg.on[i] ? 180 : 25) + 5 * cg.r(),
    quotaCores: 2,
    quotaPct: null,
    memBytes: 100 * 1048576,
    memLimitBytes: null,
    oomKills: 0,
    ioReadBps: null,
    ioWriteBps: null,
  }));
  const byCgroup = analyzeCorrelation({ intervals: cg.intervals, target: cg.target, cgroups })!;
  assert.equal(byCgroup.resource, 'cgroup CPU', byCgroup.summary);

  const own = burstyRun(23);
  const intervals = own.intervals.map((row, t) => ({ ...row, generator_cpu_pct: (own.on[t] ? 95 : 20) + 3 * own.r() }));
  const byStrain = analyzeCorrelation({ intervals, target: own.target })!;
  assert.equal(byStrain.resource, "strain's own CPU", byStrain.summary);
});

test('RSS climbing while latency is flat gives no evidence', () => {
  const r = seededRandom(9);
  const intervals = Array.from({ length: 130 }, (_, t) => second(t, 3 * Math.exp(0.3 * (r() - 0.5)) * (r() < 0.15 ? 4 : 1)));
  const target = Array.from({ length: 130 }, (_, i) => sample(T0 + (i + 1) * 1000 + 300, 4 + 3 * r(), 80 + 2 * i + 0.3 * r()));
  const f = analyzeCorrelation({ intervals, target })!;
  assert.equal(f.verdict, 'no-evidence', f.summary);
  // strain's own CPU is flat here, so it is not a candidate.
  assert.match(f.summary, /^no evidence that p99 follows target CPU or target RSS /);
});

test("seconds that are strain's own lateness are left out; a run made mostly of them is not judged", () => {
  const { intervals, target } = busyRun(3);
  // Strain starved in 70 of 130 seconds: its lateness is the p99 there.
  const late = intervals.map((row, t) => (t % 13 < 7 ? { ...row, p99_ms: 80, generator_lag_ms: 75, schedule_lag_ms: 78 } : row));
  const f = analyzeCorrelation({ intervals: late, target })!;
  assert.equal(f.verdict, 'no-evidence');
  assert.match(f.summary, /^not judged: in 70 of 130 s strain's own lateness was most of p99/);
  assert.equal(analyzeCorrelation({ intervals: intervals.slice(0, 50), target }), undefined, 'under 60 bins: too short to judge');
});
