import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeHistogram, newLatencyHistogram } from '../src/core/histogram';
import type { MergedInterval } from '../src/core/interval';
import { Outcome, OUTCOME_COUNT } from '../src/core/outcome';
import { IntervalMerger, mergeParts } from '../src/split/merger';
import type { IntervalPart } from '../src/split/messages';

/** A part with `n` 2xx responses, each taking `latencyUs`. */
function part(index: number, n: number, latencyUs: number, over: Partial<IntervalPart> = {}): IntervalPart {
  const h = newLatencyHistogram();
  for (let i = 0; i < n; i++) h.recordValue(latencyUs);
  const counts = new Array<number>(OUTCOME_COUNT).fill(0);
  counts[Outcome.s2xx] = n;
  return {
    index,
    durationMs: 1000,
    counts,
    offered: 0,
    started: 0,
    dropped: 0,
    bytes: n * 10,
    latency: encodeHistogram(h),
    generatorLagMs: 0,
    scheduleLagMs: 0,
    inFlight: 1,
    ...over,
  };
}

function collect(sources: number): { merger: IntervalMerger; out: MergedInterval[] } {
  const out: MergedInterval[] = [];
  return { merger: new IntervalMerger({ sources, publish: (m) => out.push(m) }), out };
}

test('parts are added exactly: counts summed, histograms added (a percentile no source had alone), lags the worst', () => {
  const m = mergeParts(0, [
    part(0, 90, 1000, { generatorLagMs: 3, scheduleLagMs: 1, inFlight: 2, stalls: [{ at: 1, ms: 6 }] }),
    part(0, 10, 50_000, { generatorLagMs: 7, scheduleLagMs: 9, inFlight: 5, durationMs: 800 }),
  ]);
  assert.equal(m.counts[Outcome.s2xx], 100);
  assert.equal(m.bytes, 1000);
  assert.equal(m.latency.totalCount, 100);
  // p95 of the union lies in the slow source's values; neither source's own p95 averaged gives that.
  assert.ok(Math.abs(m.latency.getValueAtPercentile(95) - 50_000) < 100, `p95 ${m.latency.getValueAtPercentile(95)}`);
  assert.equal(m.generatorLagMs, 7);
  assert.equal(m.scheduleLagMs, 9);
  assert.equal(m.inFlight, 7);
  assert.equal(m.durationMs, 1000);
  assert.equal(m.stalls.length, 1);
  assert.equal(m.sources, 2);
  assert.equal(m.serviceLatency, undefined, 'no source kept service latency apart');
});

test('service latency is merged when sources keep it apart, the corrected latency standing in where one does not', () => {
  const service = newLatencyHistogram();
  service.recordValue(200);
  const m = mergeParts(0, [part(0, 1, 5000, { serviceLatency: encodeHistogram(service) }), part(0, 1, 7000)]);
  assert.equal(m.serviceLatency!.totalCount, 2);
  assert.equal(m.serviceLatency!.minNonZeroValue, 200);
  assert.ok(m.serviceLatency!.maxValue >= 7000);
});

test('intervals are published in order once every source has sent its part, whatever order the parts arrive in', () => {
  const { merger, out } = collect(3);
  merger.add(2, part(1, 1, 1000));
  merger.add(0, part(0, 1, 1000));
  merger.add(1, part(0, 1, 1000));
  assert.deepEqual(
    out.map((m) => m.index),
    [],
    'interval 0 still waits for source 2',
  );
  merger.add(0, part(1, 1, 1000));
  merger.add(1, part(1, 1, 1000));
  assert.deepEqual(
    out.map((m) => m.index),
    [],
    'interval 1 is complete but 0 is not',
  );
  merger.add(2, part(0, 1, 1000));
  assert.deepEqual(
    out.map((m) => [m.index, m.sources, m.counts[Outcome.s2xx]]),
    [
      [0, 3, 3],
      [1, 3, 3],
    ],
  );
});

test('a lost source is no longer waited for, and each interval says how many sources it holds', () => {
  const { merger, out } = collect(3);
  for (const s of [0, 1, 2]) merger.add(s, part(0, 1, 1000));
  merger.add(0, part(1, 1, 1000));
  merger.add(1, part(1, 1, 1000));
  assert.equal(out.length, 1);
  merger.lose(2);
  assert.equal(merger.liveSources(), 2);
  assert.deepEqual(
    out.map((m) => [m.index, m.sources]),
    [
      [0, 3],
      [1, 2],
    ],
  );
  merger.add(0, part(2, 1, 1000));
  merger.add(1, part(2, 1, 1000));
  assert.deepEqual(
    out.map((m) => m.sources),
    [3, 2, 2],
  );
  merger.add(2, part(1, 5, 1000)); // late: interval 1 is out already
  assert.equal(out.length, 3);
});

test('flush publishes whatever arrived, in order, and skips intervals no source reported', () => {
  const { merger, out } = collect(2);
  merger.add(0, part(3, 1, 1000));
  merger.add(0, part(0, 1, 1000));
  merger.add(1, part(1, 1, 1000));
  assert.equal(out.length, 0);
  merger.flush();
  assert.deepEqual(
    out.map((m) => [m.index, m.sources]),
    [
      [0, 1],
      [1, 1],
      [3, 1],
    ],
  );
});

test('a second part from one source for one interval replaces the first (a resend is not double-counted)', () => {
  const { merger, out } = collect(2);
  merger.add(0, part(0, 4, 1000));
  merger.add(0, part(0, 4, 1000));
  merger.add(1, part(0, 1, 1000));
  assert.equal(out[0].counts[Outcome.s2xx], 5);
});
