import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drivers, lessParts } from '../src/analysis/drivers';
import { residual } from '../src/analysis/linear';
import { pearson } from '../src/analysis/stats';
import { seededRandom } from '../src/core/random';

// How "other processes' CPU" is made from the host's CPU: the least-squares residual after the
// drivers it holds (src/analysis/linear.ts, drivers.ts lessParts).

const r = seededRandom(7);
const n = 120;
const target = Array.from({ length: n }, (_, t) => (t % 12 < 4 ? 180 : 10) + 5 * r());
const strain = Array.from({ length: n }, () => 3 + r());
const others = Array.from({ length: n }, (_, t) => 10 + (t % 20 < 6 ? 40 : 0) + 3 * r());
// The host's CPU on 2 cores: 100 = both busy.
const host = target.map((v, t) => (v + strain[t] + others[t]) / 2);

const close = (a: readonly number[], b: readonly number[], tol = 1e-9) => a.every((v, i) => Math.abs(v - b[i]) <= tol * (1 + Math.abs(b[i])));

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]) => Math.sqrt(mean(xs.map((v) => (v - mean(xs)) ** 2)));

test('the host less the target and strain is the others, on their own scale', () => {
  const left = residual(host, [target, strain]);
  const half = others.map((v) => v / 2);
  assert.ok(pearson(left, others) > 0.99, String(pearson(left, others)));
  assert.ok(pearson(host, others) < 0.5, 'whole, the host is mostly the target');
  // The level is the others' (about 12 of the host's 47), not the host's.
  assert.ok(Math.abs(mean(left) - mean(half)) < 0.25 * mean(half), `${mean(left)} vs ${mean(half)}`);
});

test('a column that never varies, or one the others already explain, is left out instead of failing the fit', () => {
  const left = residual(host, [target, strain]);
  const flat = target.map(() => 3);
  const twice = target.map((v) => 2 * v);
  assert.ok(close(residual(host, [flat, target, strain]), left), 'a flat column');
  assert.ok(close(residual(host, [target, strain, twice]), left), 'a column twice another');
  assert.ok(!close(residual(host, [strain]), left), 'the target, taken out, matters');
});

test("a part's holes are filled; a part with values in under half the bins is left out; the series' own holes stay", () => {
  const holey = target.map((v, t) => (t % 5 === 2 ? NaN : v));
  const series = host.map((v, t) => (t === 30 ? NaN : v));
  const left = lessParts(series, [holey, strain]);
  assert.ok(Number.isNaN(left[30]));
  assert.equal(left.filter(Number.isFinite).length, n - 1);
  // Filled by interpolation, the target still explains most of the host: what is left varies far less.
  const finite = (xs: number[]) => xs.filter(Number.isFinite);
  assert.ok(sd(finite(left)) < sd(finite(series)) / 2, `${sd(finite(left))} vs ${sd(finite(series))}`);
  const sparse = target.map((v, t) => (t < 40 ? v : NaN));
  assert.ok(close(lessParts(host, [sparse, strain]), lessParts(host, [strain])), 'a third of the bins: left out');
});

test('every name a driver subtracts is a driver', () => {
  const names = new Set(drivers.map((d) => d.name));
  const parts = drivers.flatMap((d) => d.less ?? []);
  assert.ok(parts.length > 0);
  for (const name of parts) assert.ok(names.has(name), name);
});
