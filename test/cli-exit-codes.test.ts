import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../src/store/db';
import { RunStore } from '../src/store/runs';
import { interruptAfterStart, strain, tempDir, writeProfile } from './helpers/cli';
import { httpServer, unusedPort } from './helpers/servers';

function closedProfile(target: string, extra = ''): string {
  return ['name: cli-test', 'kind: load', `target: ${target}`, 'load: { model: closed, vus: 10, duration: 5s }', 'scenario: [{ request: { path: /hello } }]', extra].join('\n');
}

test('a passing run exits 0, prints the JSON summary and stores the run with per-second intervals', async () => {
  const server = await httpServer((_req, res) => res.end('hello'));
  const dir = tempDir();
  const db = join(dir, 'runs.db');
  try {
    const file = writeProfile(dir, 'p.yaml', closedProfile(server.url, 'thresholds: { latency.p95: "< 500ms", errors.rate: "< 1%" }'));
    const r = await strain(['run', file, '--db', db, '--json', '--no-tui']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    for (const key of [
      'runId',
      'profile',
      'kind',
      'target',
      'status',
      'startedAt',
      'endedAt',
      'durationS',
      'requests',
      'errors',
      'errorRate',
      'throughput',
      'dropped',
      'latencyMs',
      'errorsByClass',
      'thresholds',
      'findings',
      'resources',
    ]) {
      assert.ok(key in s, `summary has ${key}`);
    }
    assert.equal(s.status, 'passed');
    assert.ok(s.requests > 2000, `requests ${s.requests}`);
    assert.equal(s.errors, 0);
    assert.ok(s.durationS >= 5 && s.durationS < 7, `durationS ${s.durationS}`);
    assert.ok(s.latencyMs.p50 > 0 && s.latencyMs.p50 <= s.latencyMs.p99 && s.latencyMs.p99 <= s.latencyMs.max);
    assert.ok(s.latencyMs.p99 < 200, `p99 ${s.latencyMs.p99}`);
    assert.deepEqual(
      s.thresholds.map((t: { passed: boolean }) => t.passed),
      [true, true],
    );
    assert.match(r.stderr, /req\/s/, 'progress lines go to stderr');

    const store = new RunStore(openDb(db));
    const run = store.getRun(s.runId)!;
    assert.equal(run.status, 'passed');
    const intervals = store.intervals(s.runId);
    assert.ok(intervals.length >= 5 && intervals.length <= 7, `intervals ${intervals.length}`);
    assert.equal(
      intervals.reduce((sum, i) => sum + i.requests, 0),
      s.requests,
    );
    store.db.close();
  } finally {
    await server.close();
  }
});

test('a threshold that cannot hold exits 1', async () => {
  const server = await httpServer((_req, res) => setTimeout(() => res.end('slow'), 30));
  const dir = tempDir();
  try {
    const file = writeProfile(dir, 'p.yaml', closedProfile(server.url, 'thresholds: { latency.p95: "< 5ms" }').replace('duration: 5s', 'duration: 2s'));
    const r = await strain(['run', file, '--db', join(dir, 'x.db'), '--json']);
    assert.equal(r.code, 1, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.status, 'failed');
    assert.equal(s.thresholds[0].passed, false);
    assert.ok(s.thresholds[0].actual >= 30);
  } finally {
    await server.close();
  }
});

test('abortOnFail stops the run early and exits 1', async () => {
  const server = await httpServer((_req, res) => setTimeout(() => res.end('slow'), 30));
  const dir = tempDir();
  try {
    const file = writeProfile(
      dir,
      'p.yaml',
      closedProfile(server.url, 'thresholds: { latency.p95: { condition: "< 5ms", abortOnFail: true, delayAbortEval: 1s } }').replace('duration: 5s', 'duration: 30s'),
    );
    const r = await strain(['run', file, '--db', join(dir, 'x.db'), '--json']);
    assert.equal(r.code, 1, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.ok(s.durationS < 5, `stopped after ${s.durationS}s`);
    assert.match(s.stopReason, /latency.p95 < 5ms failed/);
  } finally {
    await server.close();
  }
});

test('an invalid profile and a bad option exit 2 with the problem named', async () => {
  const dir = tempDir();
  const file = writeProfile(dir, 'bad.yaml', 'name: x\nkind: soakk\ntarget: http://127.0.0.1:1\nload: { vus: -5, duration: 1s }\nscenario: [{ request: {} }]\nextra: 1\n');
  const r = await strain(['run', file, '--db', join(dir, 'x.db')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /kind: must be one of/);
  assert.match(r.stderr, /load.vus: must be a positive integer/);
  assert.match(r.stderr, /extra: unknown key/);
  const v = await strain(['validate', file]);
  assert.equal(v.code, 2);
  const opt = await strain(['run', file, '--vus', 'many']);
  assert.equal(opt.code, 2);
  assert.match(opt.stderr, /--vus: must be a positive integer \(got "many"\)/);
  const unknown = await strain(['runn']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /did you mean "run"/);
});

test('a target with nothing listening exits 3 naming the URL and the cause', async () => {
  const dir = tempDir();
  const url = `http://127.0.0.1:${await unusedPort()}`;
  const file = writeProfile(dir, 'p.yaml', closedProfile(url));
  const r = await strain(['run', file, '--db', join(dir, 'x.db')]);
  assert.equal(r.code, 3);
  assert.ok(r.stderr.includes(url), r.stderr);
  assert.match(r.stderr, /connection refused/);
});

test('a database that cannot be written exits 3', async () => {
  const server = await httpServer((_req, res) => res.end('ok'));
  const dir = tempDir();
  try {
    const notADir = writeProfile(dir, 'file', 'x');
    const file = writeProfile(dir, 'p.yaml', closedProfile(server.url));
    const r = await strain(['run', file, '--db', join(notADir, 'strain.db')]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /cannot open database/);
  } finally {
    await server.close();
  }
});

test('SIGINT stops the run gracefully: exit 130 and the partial run is stored as aborted', async () => {
  const server = await httpServer((_req, res) => res.end('ok'));
  const dir = tempDir();
  const db = join(dir, 'x.db');
  try {
    const file = writeProfile(dir, 'p.yaml', closedProfile(server.url).replace('duration: 5s', 'duration: 60s, warmup: 0s'));
    const r = await strain(['run', file, '--db', db, '--json'], {
      onSpawn: interruptAfterStart(),
    });
    assert.equal(r.code, 130, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.status, 'aborted');
    assert.ok(s.requests > 0);
    const store = new RunStore(openDb(db));
    assert.equal(store.getRun('latest')!.status, 'aborted');
    assert.ok(store.intervals(s.runId).length >= 1);
    store.db.close();
  } finally {
    await server.close();
  }
});
