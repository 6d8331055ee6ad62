import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeHistogram, latencyStatsMs } from '../src/core/histogram';
import { openDb, schemaVersion } from '../src/store/db';
import { migrations } from '../src/store/migrations';
import { RunStore } from '../src/store/runs';
import { StoreSink } from '../src/store/sink';
import { tempDir } from './helpers/cli';
import { httpServer } from './helpers/servers';
import { profile } from './helpers/profile';

test('intervals written by a run read back with the same counts and histograms', async () => {
  const server = await httpServer((_req, res) => setTimeout(() => res.end('ok'), 2));
  const file = join(tempDir(), 'nested', 'strain.db');
  const db = openDb(file);
  try {
    assert.equal(schemaVersion(db), migrations.length);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    const store = new RunStore(db);
    const p = profile(server.url, { level: 3, durationMs: 2500 });
    const runId = store.createRun({ profileName: p.name, kind: p.kind, model: p.model, target: p.target, startedAt: Date.now(), plan: p });
    const sink = new StoreSink(store, runId);
    const { Engine } = await import('../src/engine/engine');
    const engine = new Engine(p, { sinks: [sink] });
    await engine.run();
    await engine.recorder.closeSinks();
    store.finishRun(runId, 'passed', Date.now(), { ok: true });

    const rows = store.intervals(runId);
    assert.equal(rows.length, 3, 'two whole seconds and the partial last one');
    assert.deepEqual(
      rows.map((r) => r.t),
      [0, 1, 2],
    );
    const totals = engine.recorder.totals;
    assert.equal(
      rows.reduce((s, r) => s + r.requests, 0),
      totals.requests,
    );
    assert.equal(
      rows.reduce((s, r) => s + r.c2xx, 0),
      totals.requests,
    );
    // Adding the stored histograms gives exactly the run's histogram.
    const merged = decodeHistogram(rows[0].hist!);
    for (const r of rows.slice(1)) merged.add(decodeHistogram(r.hist!));
    assert.equal(merged.totalCount, totals.latency.totalCount);
    const a = latencyStatsMs(merged);
    const b = latencyStatsMs(totals.latency);
    assert.deepEqual([a.p50, a.p90, a.p95, a.p99, a.p999], [b.p50, b.p90, b.p95, b.p99, b.p999]);
    // min/max come back at bucket resolution (3 significant digits)
    assert.ok(Math.abs(a.max - b.max) <= b.max * 0.001, `max ${a.max} vs ${b.max}`);
    const run = store.getRun('latest')!;
    assert.equal(run.id, runId);
    assert.equal(run.status, 'passed');
  } finally {
    db.close();
    await server.close();
  }
});

test('reopening a database does not re-run migrations', () => {
  const file = join(tempDir(), 'strain.db');
  openDb(file).close();
  const db = openDb(file);
  assert.equal(schemaVersion(db), migrations.length);
  db.close();
});

test('processes opening a new database at the same moment migrate it once', async () => {
  const { spawn } = await import('node:child_process');
  const file = join(tempDir(), 'race.db');
  // Every child loads the module first, then waits for the same instant before opening.
  const at = Date.now() + 1500;
  const code = `const { openDb } = require(${JSON.stringify(join(__dirname, '..', 'src', 'store', 'db.js'))});
    while (Date.now() < ${at});
    openDb(${JSON.stringify(file)}).close();`;
  const codes = await Promise.all(
    Array.from(
      { length: 6 },
      () =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, ['-e', code], { stdio: 'inherit' });
          child.on('exit', resolve);
        }),
    ),
  );
  assert.deepEqual(codes, [0, 0, 0, 0, 0, 0]);
  const db = openDb(file);
  assert.equal(schemaVersion(db), migrations.length);
  db.close();
});
