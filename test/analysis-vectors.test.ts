import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { kneedle } from '../src/analysis/kneedle';
import { mannKendall, theilSen } from '../src/analysis/stats';
import { fitUsl } from '../src/analysis/usl';
import { ROOT } from './helpers/cli';

const close = (actual: number, expected: number, relative: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * relative, `${what}: ${actual} vs ${expected}`);

test('USL fit on the specsdm91 data set matches the published coefficients', () => {
  // SPEC SDM91, Sun SPARCcenter 2000 (Gunther, Guerrilla Capacity Planning; R package usl).
  const load = [1, 18, 36, 72, 108, 144, 216];
  const throughput = [64.9, 995.9, 1652.4, 1853.2, 1828.9, 1775.0, 1702.2];
  const fit = fitUsl(load, throughput)!;
  close(fit.alpha, 0.0277285, 0.01, 'alpha');
  close(fit.beta, 0.0001044, 0.01, 'beta');
  close(fit.gamma, 89.9952, 0.001, 'gamma');
  close(fit.nmax, 96.5, 0.01, 'Nmax');
});

test('USL on a linear server finds no retrograde region', () => {
  const fit = fitUsl([1, 2, 4, 8, 16], [100, 200, 400, 800, 1600])!;
  assert.ok(fit.beta < 1e-6 && fit.alpha < 1e-3, JSON.stringify(fit));
  assert.ok(!Number.isFinite(fit.nmax) || fit.nmax > 1000);
});

test("Kneedle finds the knee of kneed's figure 2 curve at about 0.22", () => {
  const xs = Array.from({ length: 10 }, (_, i) => i / 9);
  const knee = kneedle(
    xs,
    xs.map((x) => -1 / (x + 0.1) + 5),
  );
  close(knee!, 0.22, 0.05, 'knee');
  assert.equal(kneedle([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]), undefined, 'a straight line has no knee');
});

test("Mann-Kendall and Sen's slope match pyMannKendall on its monthly rainfall test data", () => {
  // pyMannKendall tests/data/Monthly Rainfall.csv, column Bogra, missing values skipped.
  const text = readFileSync(join(ROOT, 'test', 'fixtures', 'pymannkendall-monthly-rainfall.csv'), 'utf8');
  const values = text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',')[2])
    .filter((v) => v !== '')
    .map(Number);
  const mk = mannKendall(values);
  assert.equal(mk.s, -1959);
  close(mk.varS, 4889800.333333333, 1e-12, 'var_s');
  close(mk.z, -0.8854562842589916, 1e-9, 'z');
  close(mk.p, 0.37591058740506833, 1e-6, 'p');
  close(mk.tau, -0.03153167653875869, 1e-12, 'Tau');
  assert.equal(mk.trend, 'no trend');
  const slope = theilSen(
    values.map((_, i) => i),
    values,
    0.95,
    mk.varS,
  ).slope;
  close(slope, -0.0064516129032258064, 1e-12, "Sen's slope");
});
