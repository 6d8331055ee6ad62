import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../src/store/db';
import { MonitorStore } from '../src/store/monitor';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { samplesStored } from './helpers/monitor-db';
import { demoTarget, exited, firstLine, spawnNode, spawnStrain } from './helpers/processes';

// STRAIN_PROC_ROOT pointing nowhere is a machine without /proc (macOS, Windows): the monitor
// takes the target's CPU and memory from systeminformation instead of refusing.
const NO_PROC = { STRAIN_PROC_ROOT: join(tempDir(), 'no-proc') };

test('without /proc the monitor samples the target through systeminformation, and says the figures are coarser', async () => {
  const marker = `fallback-target-${process.pid}`;
  const target = spawnNode(
    `
    const keep = []; console.log('ready');
    setInterval(() => { keep.push(Buffer.alloc(4 << 20, 1)); let x = 0; for (let i = 0; i < 3e6; i++) x += i; }, 200);
    setTimeout(() => process.exit(0), 20000);`,
    [marker],
  );
  await firstLine(target, /ready/);
  const dir = tempDir();
  const byPid = spawnStrain(['monitor', '--pid', String(target.pid), '--db', join(dir, 'pid.db'), '--interval', '500ms', '--listen', 'none'], NO_PROC);
  const byMatch = spawnStrain(['monitor', '--match', marker, '--db', join(dir, 'match.db'), '--interval', '500ms', '--listen', 'none'], NO_PROC);
  try {
    await Promise.all([firstLine(byPid, /strain monitor \d+/), firstLine(byMatch, /strain monitor \d+/)]);
    await Promise.all([samplesStored(join(dir, 'pid.db'), 5, 15_000), samplesStored(join(dir, 'match.db'), 5, 15_000)]);
  } finally {
    byPid.kill('SIGTERM');
    byMatch.kill('SIGTERM');
    assert.equal(await exited(byPid), 0, byPid.err);
    assert.equal(await exited(byMatch), 0, byMatch.err);
    target.kill('SIGKILL');
  }
  assert.match(byPid.err, /no \/proc here: per-process CPU and memory come from systeminformation and are coarser/);
  for (const db of ['pid.db', 'match.db']) {
    const store = new MonitorStore(openDb(join(dir, db)));
    const samples = store.resourceSamples(1, 0);
    const hosts = store.hostSamples(1, 0);
    store.db.close();
    assert.ok(samples.length >= 4, `${db}: ${samples.length} samples`);
    assert.ok(
      samples.every((s) => s.pid === target.pid),
      `${db}: the target, not the monitor`,
    );
    const growthMB = (samples[samples.length - 1].rssBytes - samples[0].rssBytes) / 1048576;
    assert.ok(growthMB > 20, `${db}: RSS grew ${growthMB.toFixed(1)} MB`);
    assert.ok(
      samples.some((s) => s.cpuPct > 1),
      `${db}: the busy loop shows as CPU`,
    );
    assert.ok(
      samples.every((s) => s.fds === null && s.readBytes === null),
      'what systeminformation cannot say is null, not made up',
    );
    assert.ok(hosts.length >= 4 && hosts.every((h) => h.memUsedBytes > 0));
  }
});

test('without /proc a cgroup cannot be sampled: a clear error and exit 3', async () => {
  const r = spawnStrain(['monitor', '--cgroup', '/anything', '--db', join(tempDir(), 'x.db'), '--listen', 'none'], NO_PROC);
  assert.equal(await exited(r), 3);
  assert.match(r.err, /cannot start the monitor: cgroups are read through \/proc, which this platform does not have/);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
});

test('a monitor that cannot start (no such cgroup, no such container) exits 3 and leaves no run behind', async () => {
  const target = await demoTarget();
  const dir = tempDir();
  try {
    const profile = writeProfile(
      dir,
      'p.yaml',
      [
        'name: nocg',
        'kind: load',
        `target: ${target.url}`,
        'load: { vus: 1, duration: 1s }',
        'scenario: [{ request: { path: / } }]',
        'monitor: { cgroup: /strain-no-such-group }',
      ].join('\n'),
    );
    const db = join(dir, 'r.db');
    const r = await strain(['run', profile, '--db', db, '--no-tui']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^strain: cannot start the monitor: no cgroup \/strain-no-such-group under /);
    const c = await strain(['run', profile, '--db', db, '--no-tui', '--monitor', 'container:0123456789ab']);
    assert.equal(c.code, 3, "the flag replaces the profile's monitor section, cgroup included");
    assert.match(c.stderr, /^strain: no running container 0123456789ab: docker\/podman inspect did not answer and no process's cgroup names it/);
    const runs = JSON.parse((await strain(['runs', '--db', db, '--json'])).stdout);
    assert.deepEqual(runs, []);
  } finally {
    await target.stop();
  }
});
