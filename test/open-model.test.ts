import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArrivalSchedule } from '../src/engine/arrivals';
import { latencyStatsMs } from '../src/core/histogram';
import { httpServer } from './helpers/servers';
import { profile, runEngine } from './helpers/profile';

function arrivals(stages: ConstructorParameters<typeof ArrivalSchedule>[0]): number[] {
  const s = new ArrivalSchedule(stages);
  const out: number[] = [];
  for (let t = s.next(); t !== undefined; t = s.next()) out.push(t);
  return out;
}

test('a constant rate schedules evenly spaced intended starts', () => {
  const times = arrivals([{ name: 'hold', durationMs: 1000, from: 10, to: 10 }]);
  assert.equal(times.length, 10);
  times.forEach((t, i) => assert.ok(Math.abs(t - (i + 1) * 100) < 1e-6, `arrival ${i} at ${t}`));
});

test('a linear ramp from zero schedules the integral of the rate', () => {
  // 0 → 100/s over 10 s owes 500 arrivals; half of them come in the last 29% of the ramp.
  const times = arrivals([{ name: 'ramp', durationMs: 10_000, from: 0, to: 100 }]);
  assert.equal(times.length, 500);
  const firstHalf = times.filter((t) => t <= 5000).length;
  assert.equal(firstHalf, 125);
  for (let i = 1; i < times.length; i++) assert.ok(times[i] > times[i - 1]);
});

test('stages chain: ramp down and a zero-rate gap', () => {
  const times = arrivals([
    { name: 'a', durationMs: 2000, from: 10, to: 10 },
    { name: 'gap', durationMs: 1000, from: 0, to: 0 },
    { name: 'down', durationMs: 2000, from: 10, to: 0 },
  ]);
  assert.equal(times.length, 30);
  assert.ok(!times.some((t) => t > 2000 && t < 3000), 'nothing during the gap');
  assert.ok(times[times.length - 1] <= 5000);
});

test('latency counts from the intended start, so a stalled server shows in the percentiles', async () => {
  // The server answers at once except during one 400 ms stall in the middle of the run.
  const t0 = Date.now();
  const server = await httpServer((_req, res) => {
    const since = Date.now() - t0;
    const hold = since >= 1000 && since < 1400 ? 1400 - since : 0;
    setTimeout(() => res.end('ok'), hold);
  });
  try {
    // One connection: arrivals during the stall queue behind it in the client, and that wait must count.
    const p = profile(server.url, { model: 'open', level: 100, durationMs: 3000, connections: 1 });
    const { engine, intervals } = await runEngine(p);
    const totals = engine.recorder.totals;
    const corrected = latencyStatsMs(totals.latency);
    const service = latencyStatsMs(totals.serviceLatency);
    assert.ok(totals.requests >= 290 && totals.requests <= 301, `requests ${totals.requests}`);
    assert.ok(corrected.p50 < 50, `p50 ${corrected.p50}`);
    // ~40 of 300 arrivals fall in the stall and wait up to 400 ms
    assert.ok(corrected.p95 > 150, `p95 from intended start ${corrected.p95}`);
    assert.ok(corrected.max > 350 && corrected.max < 600, `max ${corrected.max}`);
    assert.equal(totals.dropped, 0);
    assert.equal(
      intervals.reduce((s, i) => s + i.offered, 0),
      totals.offered,
    );
    assert.ok(service.max <= corrected.max);
  } finally {
    await server.close();
  }
});

test('a rate factor scales the schedule from the next arrival on, and skipTo drops owed arrivals', () => {
  const s = new ArrivalSchedule([{ name: 'hold', durationMs: 10_000, from: 10, to: 10 }]);
  assert.equal(s.next(), 100);
  s.factor = 2; // twice the planned rate: arrivals every 50 ms
  assert.equal(s.next(), 150);
  assert.equal(s.next(), 200);
  s.skipTo(5000); // paused until 5 s: nothing owed for the gap
  s.factor = 1;
  assert.equal(s.next(), 5100);
});
