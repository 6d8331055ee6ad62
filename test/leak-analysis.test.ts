import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeLeak, leakDefaults } from '../src/analysis/leak';
import { seededRandom } from '../src/core/random';
import type { ResourceSample } from '../src/core/samples';
import { ROOT } from './helpers/cli';

const MB = 1048576;
const T0 = 1_700_000_000_000;

/** One sample per second for `seconds`, RSS given by rssMB(second). */
function series(seconds: number, rssMB: (s: number) => number): ResourceSample[] {
  return Array.from({ length: seconds }, (_, s) => ({
    at: T0 + s * 1000,
    pid: 1,
    source: 'target' as const,
    cpuPct: 10,
    cpuUserPct: 5,
    cpuSystemPct: 5,
    rssBytes: Math.round(rssMB(s) * MB),
    vsizeBytes: 0,
    threads: 1,
    fds: 1,
    readBytes: 0,
    writeBytes: 0,
    readBps: 0,
    writeBps: 0,
    voluntaryCtx: 0,
    involuntaryCtx: 0,
  }));
}

const plateau = (seconds: number) => ({ from: T0, to: T0 + seconds * 1000 });

test('steady growth under noise is a leak, with its rate per hour and per 1000 requests', () => {
  const noise = seededRandom(7);
  const samples = series(600, (s) => 100 + s * 0.01 + noise() * 2); // 36 MB/h
  const f = analyzeLeak(samples, plateau(600), 50);
  assert.equal(f.verdict, 'leak', f.summary);
  assert.ok(Math.abs((f.slopeMBPerHour as number) - 36) < 6, String(f.slopeMBPerHour));
  assert.ok(Math.abs((f.mbPer1000Requests as number) - 0.2) < 0.05, String(f.mbPer1000Requests));
  assert.match(f.summary, /^RSS grows \d+(\.\d+)? MB\/h \(0\.\d+ MB per 1000 requests\), p < 0\.001$/);
});

test('a large, stable GC sawtooth is not a leak', () => {
  // Climbs 40 MB over 20 s, collected back to 120 MB, again and again.
  const f = analyzeLeak(
    series(600, (s) => 120 + (s % 20) * 2),
    plateau(600),
    50,
  );
  assert.equal(f.verdict, 'no-leak', f.summary);
});

test('a cache that fills and then plateaus is not a leak', () => {
  const noise = seededRandom(3);
  const f = analyzeLeak(
    series(600, (s) => 80 + Math.min(s, 100) * 0.3 + noise()),
    plateau(600),
    50,
  );
  assert.notEqual(f.verdict, 'leak', f.summary);
});

test('growth that slows to nothing within the window is inconclusive, not a leak', () => {
  const f = analyzeLeak(
    series(600, (s) => 80 + 40 * (1 - Math.exp(-s / 150))),
    plateau(600),
    50,
  );
  assert.equal(f.verdict, 'inconclusive', f.summary);
  assert.match(f.summary, /slowing/);
});

test('RSS that rose in steps to a high-water mark and held level to the end is inconclusive, not a leak', () => {
  // Recorded: the demo target with --garbage-kb 1024 (1 MB of garbage per request) at 100 req/s,
  // the analysed 95 s of a 2-minute soak. RSS climbed in two steps (the allocator keeping freed
  // memory) and then held at ~150 MB for the last quarter; before this rule it was called a leak.
  const rows = readFileSync(join(ROOT, 'test', 'fixtures', 'high-water-rss.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number));
  const recorded = series(rows.length, (i) => rows[i][1] / MB).map((x, i) => ({ ...x, at: T0 + rows[i][0] * 1000 }));
  const window = { from: T0, to: recorded[recorded.length - 1].at };
  const options = { ...leakDefaults, skipFraction: 0 };
  const f = analyzeLeak(recorded, window, 100, options);
  assert.equal(f.verdict, 'inconclusive', f.summary);
  assert.match(f.summary, /held level for the last quarter/);

  // The same series, but still climbing through the last quarter at its overall rate: a leak.
  const q = Math.floor(recorded.length * 0.75);
  const perMs = (recorded[recorded.length - 1].rssBytes - recorded[0].rssBytes) / (recorded[recorded.length - 1].at - recorded[0].at);
  const climbing = recorded.map((x, i) => (i < q ? x : { ...x, rssBytes: Math.round(recorded[q].rssBytes + (x.at - recorded[q].at) * perMs) }));
  assert.equal(analyzeLeak(climbing, window, 100, options).verdict, 'leak');
});

test('too little steady data is inconclusive', () => {
  const f = analyzeLeak(
    series(20, (s) => 100 + s),
    plateau(20),
    50,
  );
  assert.equal(f.verdict, 'inconclusive');
  assert.match(f.summary, /not enough/);
});
