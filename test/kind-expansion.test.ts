import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveProfile } from '../src/profiles/resolve';
import type { UserProfile } from '../src/profiles/types';

function stagesOf(kind: UserProfile['kind'], load: UserProfile['load']) {
  const { profile, problems } = resolveProfile({ name: 'x', kind, target: 'http://127.0.0.1:1', load, scenario: [{ request: {} }] });
  assert.deepEqual(problems, []);
  return profile!.stages.map((s) => [s.name, s.durationMs, s.from, s.to]);
}

test('load ramps up, holds and ramps down', () => {
  assert.deepEqual(stagesOf('load', { vus: 10, rampUp: '10s', duration: '1m', rampDown: '5s' }), [
    ['ramp-up', 10_000, 0, 10],
    ['hold', 60_000, 10, 10],
    ['ramp-down', 5_000, 10, 0],
  ]);
  assert.deepEqual(stagesOf('load', { model: 'open', rate: 200, duration: '30s' }), [['hold', 30_000, 200, 200]]);
});

test('soak ramps for a tenth of the hold by default, at most five minutes', () => {
  assert.deepEqual(stagesOf('soak', { vus: 5, duration: '10m' }), [
    ['ramp-up', 60_000, 0, 5],
    ['hold', 600_000, 5, 5],
  ]);
  assert.deepEqual(stagesOf('soak', { vus: 5, duration: '8h' })[0], ['ramp-up', 300_000, 0, 5]);
});

test('stress steps from start by step up to max', () => {
  assert.deepEqual(stagesOf('stress', { model: 'open', start: 100, step: 100, max: 400, stepDuration: '5s' }), [
    ['step 1', 5000, 100, 100],
    ['step 2', 5000, 200, 200],
    ['step 3', 5000, 300, 300],
    ['step 4', 5000, 400, 400],
  ]);
  // start defaults to step; fractional steps do not drift past max
  assert.equal(stagesOf('stress', { model: 'open', step: 0.1, max: 0.3 }).length, 3);
});

test('spike is baseline, peak, recovery', () => {
  assert.deepEqual(stagesOf('spike', { model: 'open', baseline: 100, peak: 600, baselineDuration: '10s', spikeDuration: '5s', recoveryDuration: '20s' }), [
    ['baseline', 10_000, 100, 100],
    ['spike', 5_000, 600, 600],
    ['recovery', 20_000, 100, 100],
  ]);
});

test('closed-model levels must be whole virtual users', () => {
  const { problems } = resolveProfile({ name: 'x', kind: 'stress', target: 'http://127.0.0.1:1', load: { step: 1.5, max: 6 }, scenario: [{ request: {} }] });
  assert.deepEqual(problems, ['load.step: must be a whole number of virtual users with model closed']);
});
