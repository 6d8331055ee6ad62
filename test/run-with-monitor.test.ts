import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../src/store/db';
import { MonitorStore } from '../src/store/monitor';
import { RunStore } from '../src/store/runs';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { exited, firstLine, spawnStrain } from './helpers/processes';
import { unusedPort } from './helpers/servers';

async function demoTarget(port: number) {
  const target = spawnStrain(['target', '--port', String(port), '--leak-kb', '8']);
  await firstLine(target, /listening on/);
  return target;
}

test("a profile with monitor: { port } stores the target's samples for the run and summarizes them", async () => {
  const port = await unusedPort();
  const target = await demoTarget(port);
  const dir = tempDir();
  const db = join(dir, 'r.db');
  try {
    const profile = writeProfile(
      dir,
      'p.yaml',
      [
        'name: monitored',
        'kind: load',
        `target: http://127.0.0.1:${port}`,
        'load: { model: open, rate: 300, duration: 4s }',
        'scenario: [{ request: { path: / } }]',
        `monitor: { port: ${port}, interval: 500ms }`,
      ].join('\n'),
    );
    const r = await strain(['run', profile, '--db', db, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.ok(s.resources.samples >= 7, JSON.stringify(s.resources));
    assert.deepEqual(s.resources.pids, [target.pid]);
    // 1200 requests retaining 8 KB each: about 9 MB more resident memory
    assert.ok(s.resources.rssEndMB - s.resources.rssStartMB > 4, JSON.stringify(s.resources));
    assert.ok(s.resources.cpuMaxPct > 0);

    const handle = openDb(db);
    const run = new RunStore(handle).getRun(s.runId)!;
    assert.equal(run.monitor_id, s.resources.monitorId);
    const stored = new MonitorStore(handle).resourceSamples(run.monitor_id!, run.started_at, run.ended_at! + 1000);
    assert.equal(stored.length, s.resources.samples);
    handle.close();

    const listed = JSON.parse((await strain(['runs', '--db', db, '--json'])).stdout);
    assert.equal(listed[0].summary.resources.samples, s.resources.samples);
  } finally {
    target.kill('SIGTERM');
    await exited(target);
  }
});

test('--monitor attaches to a running monitor over its API; --no-monitor turns it off', async () => {
  const port = await unusedPort();
  const target = await demoTarget(port);
  const dir = tempDir();
  const monitor = spawnStrain(['monitor', '--port', String(port), '--db', join(dir, 'monitor.db'), '--interval', '500ms', '--listen', '127.0.0.1:0']);
  try {
    const api = /API on (\S+)/.exec(await firstLine(monitor, /API on/))![1];
    const profile = writeProfile(
      dir,
      'p.yaml',
      ['name: attached', 'kind: load', `target: http://127.0.0.1:${port}`, 'load: { vus: 2, duration: 3s }', 'scenario: [{ request: { path: / } }]'].join('\n'),
    );
    const attached = JSON.parse((await strain(['run', profile, '--db', join(dir, 'run.db'), '--json', '--monitor', api])).stdout);
    assert.ok(attached.resources.samples >= 5, JSON.stringify(attached.resources));
    assert.deepEqual(attached.resources.pids, [target.pid]);
    const off = JSON.parse((await strain(['run', profile, '--db', join(dir, 'run.db'), '--json', '--no-monitor'])).stdout);
    assert.equal(off.resources.samples, 0);
    const bad = await strain(['run', profile, '--monitor', 'port=80']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--monitor: "port=80" is not port:P/);
  } finally {
    monitor.kill('SIGTERM');
    target.kill('SIGTERM');
    await exited(monitor);
    await exited(target);
  }
});
