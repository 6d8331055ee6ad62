import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import * as hdr from 'hdr-histogram-js';
import { addHistogram, decodeHistogram, encodeHistogram, latencyStatsMs, newLatencyHistogram, percentilesAndMean, type Histogram } from '../src/core/histogram';

/** A seeded generator, so a failure names a case that can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Latency-like histograms: a lognormal body, a tail up to seconds or an hour, empty and single-value cases. */
function cases(bits: 32 | 64): { name: string; h: Histogram }[] {
  const out: { name: string; h: Histogram }[] = [];
  for (let seed = 1; seed <= 12; seed++) {
    const r = rng(seed);
    const h = newLatencyHistogram(bits);
    const n = Math.floor(r() * 20_000);
    const body = 50 + r() * 5000;
    for (let i = 0; i < n; i++) {
      const tail = r() < 0.01 ? r() * 10 ** (3 + Math.floor(r() * 6)) : 0;
      h.recordValue(Math.max(1, Math.round(body * Math.exp(r() * 2 - 1) + tail)));
    }
    out.push({ name: `seed ${seed} (${n} values)`, h });
  }
  const one = newLatencyHistogram(bits);
  one.recordValue(1);
  const top = newLatencyHistogram(bits);
  top.recordValueWithCount(3_600_000_000, 7);
  top.recordValue(2);
  out.push({ name: 'empty', h: newLatencyHistogram(bits) }, { name: 'one value of 1', h: one }, { name: 'the top value', h: top });
  return out;
}

const PERCENTILES = [0.1, 1, 25, 50, 90, 95, 99, 99.9, 99.99, 100];

test("one-pass percentiles and mean equal the library's getValueAtPercentile and mean", () => {
  for (const bits of [32, 64] as const) {
    for (const { name, h } of cases(bits)) {
      const { values, mean } = percentilesAndMean(h, PERCENTILES);
      const expected = PERCENTILES.map((p) => (h.totalCount === 0 ? 0 : h.getValueAtPercentile(p)));
      assert.deepEqual(values, expected, `${bits}-bit ${name}: percentiles`);
      assert.ok(Math.abs(mean - h.mean) <= 1e-9 * Math.max(1, h.mean), `${bits}-bit ${name}: mean ${mean} vs ${h.mean}`);
    }
  }
});

test('latencyStatsMs gives min, max and percentiles in ms as the library reads them', () => {
  for (const { name, h } of cases(32)) {
    const s = latencyStatsMs(h);
    if (h.totalCount === 0) {
      assert.deepEqual(Object.values(s), [0, 0, 0, 0, 0, 0, 0, 0]);
      continue;
    }
    const ms = (v: number) => Math.round(v) / 1000;
    assert.equal(s.p99, ms(h.getValueAtPercentile(99)), name);
    assert.equal(s.p999, ms(h.getValueAtPercentile(99.9)), name);
    assert.equal(s.max, ms(h.maxValue), name);
    assert.equal(s.min, ms(h.minNonZeroValue), name);
  }
});

test("the one-pass encoding decodes to the same counts, and the library's own encoding still decodes", () => {
  for (const { name, h } of cases(32)) {
    const mine = decodeHistogram(encodeHistogram(h));
    const theirs = decodeHistogram(hdr.encodeIntoCompressedBase64(h));
    for (const d of [mine, theirs]) {
      assert.equal(d.totalCount, h.totalCount, name);
      assert.deepEqual(
        PERCENTILES.map((p) => d.getValueAtPercentile(p)),
        PERCENTILES.map((p) => h.getValueAtPercentile(p)),
        name,
      );
    }
    assert.equal(mine.maxValue, theirs.maxValue, name);
    assert.equal(mine.minNonZeroValue, theirs.minNonZeroValue, name);
    // Byte for byte the same counts payload as the library's (only zlib's framing may differ).
    const payload = (b64: string) => inflateSync(Buffer.from(b64, 'base64').subarray(8, 8 + Buffer.from(b64, 'base64').readInt32BE(4))).toString('hex');
    assert.equal(payload(encodeHistogram(h)), payload(hdr.encodeIntoCompressedBase64(h)), `${name}: payload`);
  }
});

test("adding histograms in one pass equals the library's add", () => {
  const all = cases(32);
  const mine = newLatencyHistogram(64);
  const theirs = newLatencyHistogram(64);
  for (const { h } of all) {
    addHistogram(mine, h);
    theirs.add(h);
  }
  assert.equal(mine.totalCount, theirs.totalCount);
  assert.equal(mine.maxValue, theirs.maxValue);
  assert.equal(mine.minNonZeroValue, theirs.minNonZeroValue);
  assert.deepEqual(
    PERCENTILES.map((p) => mine.getValueAtPercentile(p)),
    PERCENTILES.map((p) => theirs.getValueAtPercentile(p)),
  );
  assert.equal(mine.mean, theirs.mean);
});
