import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../src/store/db';
import { MonitorStore } from '../src/store/monitor';
import { tempDir } from './helpers/cli';
import { samplesStored } from './helpers/monitor-db';
import { exited, firstLine, spawnNode, spawnStrain } from './helpers/processes';

test('the monitor samples a real process whose RSS grows, at least once per interval', async () => {
  // The target grows by 4 MB every 200 ms (touching the pages so RSS really grows) and burns some CPU.
  const target = spawnNode(`
    const keep = []; console.log('ready');
    setInterval(() => { const b = Buffer.alloc(4 << 20, 1); keep.push(b); let x = 0; for (let i = 0; i < 2e6; i++) x += i; }, 200);
    setTimeout(() => process.exit(0), 20000);`);
  await firstLine(target, /ready/);
  const db = join(tempDir(), 'mon.db');
  const monitor = spawnStrain(['monitor', '--pid', String(target.pid), '--db', db, '--interval', '500ms', '--listen', 'none']);
  try {
    await firstLine(monitor, /strain monitor \d+/);
    await samplesStored(db, 7);
  } finally {
    monitor.kill('SIGTERM');
    assert.equal(await exited(monitor), 0, monitor.err);
    target.kill('SIGKILL');
  }
  const store = new MonitorStore(openDb(db));
  const samples = store.resourceSamples(1, 0);
  store.db.close();
  assert.ok(samples.length >= 6, `expected the 7 samples waited for, got ${samples.length}`);
  assert.ok(samples.every((s) => s.pid === target.pid));
  const growthMB = (samples[samples.length - 1].rssBytes - samples[0].rssBytes) / 1048576;
  assert.ok(growthMB > 30, `RSS grew ${growthMB.toFixed(1)} MB`);
  for (let i = 1; i < samples.length; i++) assert.ok(samples[i].at - samples[i - 1].at <= 1000, 'no gap over a second');
  assert.ok(
    samples.some((s) => s.cpuPct > 1),
    'the busy loop shows as CPU',
  );
  assert.ok(samples.every((s) => s.threads > 0 && (s.fds ?? 0) > 0));
});
