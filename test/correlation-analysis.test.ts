import assert from 'node:assert/strict';
import { test } from 'node:test';
import { correlationDefaults, lagScan } from '../src/analysis/correlation';
import { seededRandom } from '../src/core/random';

function randomWalk(n: number, drift: number, random: () => number): number[] {
  const out = [0];
  for (let i = 1; i < n; i++) out.push(out[i - 1] + drift + (random() - 0.5));
  return out;
}

test('two independent trending series give no evidence of correlation', () => {
  // Both climb steadily, so their levels correlate strongly; their changes do not.
  let falsePositives = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const a = randomWalk(40, 1, seededRandom(seed));
    const b = randomWalk(40, 2, seededRandom(seed + 1000));
    if (lagScan(a, b, correlationDefaults).p < correlationDefaults.alpha) falsePositives++;
  }
  assert.ok(falsePositives <= 1, `${falsePositives} of 20 independent pairs were called correlated`);
});

test('latency driven by CPU one bin later is found, with its lag', () => {
  const random = seededRandom(11);
  const cpu = randomWalk(40, 0, random).map((x) => 50 + 10 * x);
  const p99 = cpu.map((_, i) => 20 + (i > 0 ? cpu[i - 1] * 0.5 : 25) + random() * 2);
  const scan = lagScan(p99, cpu, correlationDefaults);
  assert.equal(scan.lag, 1);
  assert.ok(scan.rho > 0.7, String(scan.rho));
  assert.ok(scan.p < 0.01, String(scan.p));
});
