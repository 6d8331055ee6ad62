import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../src/store/db';
import { MonitorStore } from '../src/store/monitor';
import { RunStore } from '../src/store/runs';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { exited, firstLine, spawnStrain } from './helpers/processes';
import { httpServer } from './helpers/servers';

test('a run and a monitor write one database at once without "database is locked"', async () => {
  const server = await httpServer((_req, res) => res.end('ok'));
  const dir = tempDir();
  const db = join(dir, 'shared.db');
  // A fast monitor (10 flushes a second) against the run's per-second interval flushes.
  const monitor = spawnStrain(['monitor', '--port', String(server.port), '--db', db, '--interval', '100ms', '--listen', 'none']);
  try {
    await firstLine(monitor, /strain monitor \d+/);
    const profile = writeProfile(
      dir,
      'p.yaml',
      ['name: concurrent', 'kind: load', `target: ${server.url}`, 'load: { vus: 10, duration: 4s }', 'scenario: [{ request: { path: / } }]'].join('\n'),
    );
    const run = await strain(['run', profile, '--db', db, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr + monitor.err, /locked|SQLITE_BUSY/i);
    const summary = JSON.parse(run.stdout);
    monitor.kill('SIGTERM');
    assert.equal(await exited(monitor), 0, monitor.err);

    const handle = openDb(db);
    const runs = new RunStore(handle);
    const intervals = runs.intervals(summary.runId);
    assert.ok(intervals.length >= 4);
    assert.equal(
      intervals.reduce((s, i) => s + i.requests, 0),
      summary.requests,
    );
    const samples = new MonitorStore(handle).resourceSamples(1, 0);
    assert.ok(samples.length >= 35, `monitor samples ${samples.length}`);
    assert.ok(
      samples.every((s) => s.pid === process.pid),
      'the server in this test process is the target',
    );
    handle.close();
  } finally {
    monitor.kill('SIGKILL');
    await server.close();
  }
});
