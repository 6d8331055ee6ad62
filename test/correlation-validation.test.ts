import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caseRates, cases, formatRates } from './helpers/correlation-cases';

// The correlation analysis against series with known truth (test/helpers/correlation-cases.ts),
// seeded so the rates are the same every run. `npm run bench -- correlation` runs the same cases
// over thousands of seeds and three run lengths.

test('validation suite: real links are found at their lag, nulls rarely give a false alarm', () => {
  const rates = caseRates(100, 120);
  console.log(formatRates(rates, 120).join('\n'));
  const nulls = rates.filter((r) => r.truth === 'none');
  for (const r of nulls) assert.ok(r.hits <= 3, `${r.name}: ${r.hits} false alarms in ${r.runs}`);
  const alarms = nulls.reduce((s, r) => s + r.hits, 0);
  const runs = nulls.reduce((s, r) => s + r.runs, 0);
  assert.ok(alarms / runs <= 0.02, `${alarms} false alarms in ${runs} null runs`);
  const by = (name: string) => rates.find((r) => r.name.startsWith(name))!;
  for (const name of ['periodic bursts', 'random bursts', 'response 3 s after']) {
    const r = by(name);
    assert.ok(r.hits >= 0.9 * r.runs, `${r.name}: detected ${r.hits} of ${r.runs}`);
    assert.ok(r.atLag >= 0.85 * r.runs, `${r.name}: at the true lag ${r.atLag} of ${r.runs}`);
    assert.equal(r.wrongSide, 0, r.name);
  }
  const against = by('latency up while CPU drops');
  assert.ok(against.hits >= 0.85 * against.runs, `moves against: ${against.hits} of ${against.runs}`);
  assert.ok(against.wrongSide <= 2, `moves against called follows ${against.wrongSide} times`);
  assert.equal(cases.length, rates.length);
});

test('validation suite: a weak effect hidden in noise is found on a long run', () => {
  const weak = caseRates(
    40,
    600,
    1,
    cases.filter((c) => c.name.startsWith('weak effect')),
  )[0];
  console.log(formatRates([weak], 600).join('\n'));
  assert.ok(weak.hits >= 36, `weak effect over 600 bins: detected ${weak.hits} of 40`);
});

test('validation suite: on a long run (600 bins) the nulls still rarely give a false alarm', () => {
  // A cubic trend left too much of a shared S-shaped trend at this length: 10% false alarms.
  const rates = caseRates(
    100,
    600,
    1,
    cases.filter((c) => c.truth === 'none'),
  );
  console.log(formatRates(rates, 600).join('\n'));
  for (const r of rates) assert.ok(r.hits <= 2, `${r.name}: ${r.hits} false alarms in ${r.runs} runs of 600 bins`);
});
