import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../src/store/db';
import { MonitorStore } from '../src/store/monitor';
import { tempDir } from './helpers/cli';
import { exited, firstLine, sleep, spawnServer, spawnStrain, waitFor } from './helpers/processes';
import { unusedPort } from './helpers/servers';

test('a monitor watching a port follows the target across a restart and records it', async () => {
  const port = await unusedPort();
  const db = join(tempDir(), 'mon.db');
  const first = await spawnServer(port);
  const monitor = spawnStrain(['monitor', '--port', String(port), '--db', db, '--interval', '200ms', '--listen', 'none']);
  let second: Awaited<ReturnType<typeof spawnServer>> | undefined;
  try {
    await firstLine(monitor, /strain monitor \d+/);
    await sleep(800);
    first.kill('SIGKILL');
    await exited(first);
    await sleep(600); // the monitor notices the target is missing
    second = await spawnServer(port);
    await waitFor(() => monitor.err.includes('target-restarted'), 5000, 'the restart to be noticed');
    await sleep(600);
  } finally {
    monitor.kill('SIGTERM');
    assert.equal(await exited(monitor), 0, monitor.err);
    second?.kill('SIGKILL');
    first.kill('SIGKILL');
  }
  const store = new MonitorStore(openDb(db));
  const samples = store.resourceSamples(1, 0);
  const events = store.events(1, 0);
  store.db.close();
  const pids = [...new Set(samples.map((s) => s.pid))];
  assert.deepEqual(pids, [first.pid, second!.pid], 'samples under the old pid, then the new one');
  const restart = events.find((e) => e.kind === 'target-restarted');
  assert.ok(restart, JSON.stringify(events));
  assert.deepEqual(restart.data, { oldPid: first.pid, newPid: second!.pid });
  assert.ok(
    events.some((e) => e.kind === 'target-missing'),
    'the gap is recorded too',
  );
  assert.ok(samples.filter((s) => s.pid === second!.pid).length >= 2);
});
