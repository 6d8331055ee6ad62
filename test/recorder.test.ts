import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newLatencyHistogram } from '../src/core/histogram';
import type { IntervalSnapshot, MergedInterval } from '../src/core/interval';
import { Outcome, OUTCOME_COUNT } from '../src/core/outcome';
import { planAt } from '../src/core/plan';
import type { Stage } from '../src/core/profile';
import { Recorder } from '../src/recorder/recorder';

/** A recorder on a fake clock: time moves only when the test says so. */
function recorder(stages: Stage[], separateServiceLatency = false) {
  let now = 10_000;
  const seen: IntervalSnapshot[] = [];
  const r = new Recorder({
    steps: [{ name: 'GET /', scenario: 'default' }],
    clock: () => now,
    startClock: now,
    startedAt: 1_700_000_000_000,
    plan: (ms) => planAt(stages, ms),
    separateServiceLatency,
    inFlight: () => 3,
    // Histograms are valid only during the call: keep what the test reads.
    sinks: [{ onInterval: (i) => seen.push({ ...i, latency: copy(i.latency), serviceLatency: copy(i.serviceLatency) }) }],
  });
  return { r, seen, at: (ms: number) => (now = 10_000 + ms), t0: 10_000 };
}

function copy(h: IntervalSnapshot['latency']): IntervalSnapshot['latency'] {
  const c = newLatencyHistogram(64);
  c.add(h);
  return c;
}

const ramp: Stage[] = [{ name: 'ramp', durationMs: 4000, from: 0, to: 40 }];

test('responses fold into the second they complete in; a late response closes the seconds before it, empty ones too', () => {
  const { r, seen, at, t0 } = recorder(ramp);
  r.begin(t0, 1_700_000_000_000);
  at(100);
  r.response(0, Outcome.s2xx, 1000, 1000, 10);
  at(900);
  r.response(0, Outcome.s5xx, 3000, 3000, 5);
  assert.equal(seen.length, 0, 'the first second is still open');
  at(3500);
  r.response(0, Outcome.s2xx, 2000, 2000, 1);
  assert.deepEqual(
    seen.map((i) => [i.index, i.requests, i.errors]),
    [
      [0, 2, 1],
      [1, 0, 0],
      [2, 0, 0],
    ],
  );
  const first = seen[0];
  assert.equal(first.counts[Outcome.s2xx], 1);
  assert.equal(first.counts[Outcome.s5xx], 1);
  assert.equal(first.bytes, 15);
  assert.equal(first.latency.totalCount, 2);
  assert.equal(first.startedAt, 1_700_000_000_000);
  assert.equal(seen[2].startedAt, 1_700_000_002_000);
  // The planned level is read at the middle of each second of the ramp (10 per second).
  assert.deepEqual(
    seen.map((i) => i.level),
    [5, 15, 25],
  );
  assert.equal(first.inFlight, 3);
  at(3750);
  r.finish();
  assert.equal(seen.length, 4, 'finish closes the partial last second');
  assert.equal(seen[3].durationMs, 750);
  assert.equal(r.totals.requests, 3);
  assert.equal(r.totals.errors, 1);
  assert.equal(r.totals.latency.totalCount, 3);
  assert.equal(r.stepSummaries()[0].requests, 3);
});

test('the tick closes seconds in which nothing completed', () => {
  const { r, seen, at, t0 } = recorder(ramp);
  r.begin(t0, 1_700_000_000_000);
  at(2100);
  r.tick();
  assert.deepEqual(
    seen.map((i) => i.index),
    [0, 1],
  );
  r.finish();
});

test('open-model arrivals: offered, started, dropped and the schedule lag are counted per second', () => {
  const { r, seen, at, t0 } = recorder([{ name: 'hold', durationMs: 2000, from: 50, to: 50 }], true);
  r.begin(t0, 1_700_000_000_000);
  for (let i = 0; i < 5; i++) r.arrivalOffered();
  for (let i = 0; i < 3; i++) r.iterationStarted();
  r.arrivalDropped();
  r.arrivalDropped();
  r.scheduleLate(0.5, t0);
  r.response(0, Outcome.timeout, 9000, 4000, 0);
  at(1000);
  r.tick();
  const [s] = seen;
  assert.deepEqual([s.offered, s.started, s.dropped, s.scheduleLagMs], [5, 3, 2, 0.5]);
  assert.equal(s.errors, 1);
  assert.notEqual(s.serviceLatency, s.latency, 'open model: service latency kept apart');
  assert.equal(s.serviceLatency.maxValue < s.latency.maxValue, true);
  r.finish();
});

test('intervals merged elsewhere are published through the same path: plan, totals and sinks as if recorded here', () => {
  const { r, seen, t0 } = recorder(ramp, true);
  r.align(t0, 1_700_000_000_000);
  const merged = (index: number, n: number): MergedInterval => {
    const latency = newLatencyHistogram(64);
    const service = newLatencyHistogram(64);
    for (let i = 0; i < n; i++) {
      latency.recordValue(5000);
      service.recordValue(1000);
    }
    const counts = new Array<number>(OUTCOME_COUNT).fill(0);
    counts[Outcome.s2xx] = n;
    return {
      index,
      durationMs: 1000,
      counts,
      offered: n,
      started: n,
      dropped: 0,
      bytes: n,
      latency,
      serviceLatency: service,
      generatorLagMs: 7,
      scheduleLagMs: 2,
      inFlight: 4,
      stalls: [{ at: 1, ms: 6 }],
      sources: 2,
    };
  };
  r.publish(merged(0, 10));
  r.publish(merged(1, 20));
  r.finish(); // nothing measured here: nothing more to close
  assert.deepEqual(
    seen.map((i) => [i.index, i.requests, i.level, i.generatorLagMs, i.inFlight, i.stalls.length]),
    [
      [0, 10, 5, 7, 4, 1],
      [1, 20, 15, 7, 4, 1],
    ],
  );
  assert.equal(seen[1].serviceLatency.maxValue < 2000, true);
  assert.equal(seen[1].startedAt, 1_700_000_001_000);
  assert.equal(r.totals.requests, 30);
  assert.equal(r.totals.latency.totalCount, 30);
});
