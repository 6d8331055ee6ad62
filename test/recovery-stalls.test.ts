import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeRecovery } from '../src/analysis/recovery';
import type { IntervalRow } from '../src/core/interval';
import { resolveProfile } from '../src/profiles/resolve';
import { intervalRow } from './helpers/interval-row';

const { profile: plan } = resolveProfile({
  name: 'spike',
  kind: 'spike',
  target: 'http://127.0.0.1:1',
  load: { model: 'open', baseline: 100, peak: 600, baselineDuration: '10s', spikeDuration: '5s', recoveryDuration: '20s' },
  scenario: [{ request: {} }],
});

/**
 * 10 s of baseline at 2 ms, 5 s of spike at 2 s, then the recovery: a backlog draining for 3 s and
 * 2 ms from then on, except the seconds `changed` rewrites. The rows carry no histograms, so the
 * baseline p99 is 0 and a second is near it below 20 ms (the slack).
 */
function run(changed: Record<number, Partial<IntervalRow>> = {}): IntervalRow[] {
  const drain = [1500, 800, 100];
  const stageOf = (t: number) => (t < 10 ? 0 : t < 15 ? 1 : 2);
  return Array.from({ length: 35 }, (_, t) => {
    const p99 = t < 10 ? 2 : t < 15 ? 2000 : (drain[t - 15] ?? 2);
    return intervalRow({ t, started_at: t * 1000, stage: stageOf(t), p99_ms: p99, ...(t >= 15 ? changed[t - 15] : {}) });
  });
}

const stall = { p99_ms: 45, generator_lag_ms: 40 }; // a second whose p99 was strain's own 40 ms stall

test("spike recovery: a second of strain's own lateness is passed over, neither breaking the hold nor counted in it; the target's own slow second breaks it", () => {
  const clean = analyzeRecovery(plan!, run());
  assert.equal(clean.recoveryS, 3, clean.summary);
  assert.doesNotMatch(clean.summary, /strain's own/);

  assert.equal(clean.confirmedS, 8);

  // Passed over: the hold is five seconds that measured the target, so it is confirmed a second later.
  const strainStalled = analyzeRecovery(plan!, run({ 5: stall }));
  assert.equal(strainStalled.recoveryS, 3, strainStalled.summary);
  assert.equal(strainStalled.confirmedS, 9, strainStalled.summary);
  assert.match(strainStalled.summary, /recovered 3 s after the spike .*held for 5 s; 1 s of strain's own lateness inside it not counted\)/);

  // The same 45 ms with strain on time is the target's: the hold starts again after it.
  const targetSlow = analyzeRecovery(plan!, run({ 5: { p99_ms: 45 } }));
  assert.equal(targetSlow.recoveryS, 6, targetSlow.summary);

  // A stall does not hide the target's errors in that second.
  const stallWithErrors = analyzeRecovery(plan!, run({ 5: { ...stall, errors: 50, c2xx: 50, c5xx: 50 } }));
  assert.equal(stallWithErrors.recoveryS, 6, stallWithErrors.summary);

  // Strain's lag explains only part of it: 80 ms less a 45 ms lag is still over the 20 ms limit.
  const partlyTarget = analyzeRecovery(plan!, run({ 5: { p99_ms: 80, generator_lag_ms: 45 } }));
  assert.equal(partlyTarget.recoveryS, 6, partlyTarget.summary);

  // Strain late for the rest of the stage: the target was never seen to hold, so it did not recover.
  const lateToTheEnd = Object.fromEntries(Array.from({ length: 16 }, (_, k) => [k + 4, stall]));
  const neverSeen = analyzeRecovery(plan!, run(lateToTheEnd));
  assert.equal(neverSeen.verdict, 'not-recovered', neverSeen.summary);

  // Recovery is dated from a second that measured the target, never from a stall.
  const stallFirst = analyzeRecovery(plan!, run({ 3: stall }));
  assert.equal(stallFirst.recoveryS, 4, stallFirst.summary);
});
