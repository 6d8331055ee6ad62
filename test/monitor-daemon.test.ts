import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir } from './helpers/cli';

test('monitor start, status and stop manage a background daemon through its pidfile', async () => {
  const dir = tempDir();
  const pidfile = join(dir, 'monitor.pid');
  const common = ['--pidfile', pidfile];
  const start = await strain([
    'monitor',
    'start',
    '--pid',
    String(process.pid),
    '--db',
    join(dir, 'm.db'),
    '--listen',
    '127.0.0.1:0',
    '--log',
    join(dir, 'monitor.log'),
    ...common,
  ]);
  assert.equal(start.code, 0, start.stderr);
  const pid = JSON.parse(readFileSync(pidfile, 'utf8')).pid as number;
  try {
    const status = await strain(['monitor', 'status', ...common]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`monitor running \\(pid ${pid}\\)`));
    const again = await strain(['monitor', 'start', '--pid', '1', '--db', join(dir, 'm.db'), ...common]);
    assert.equal(again.code, 3);
    assert.match(again.stderr, /already running/);
  } finally {
    const stop = await strain(['monitor', 'stop', ...common]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, /monitor stopped/);
  }
  assert.ok(!existsSync(pidfile));
  // Gone, or a zombie waiting for whoever adopted it to reap it: either way no longer running.
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  assert.ok(stat === '' || / Z /.test(stat), `daemon state: ${stat.slice(0, 60)}`);
  const after = await strain(['monitor', 'status', ...common]);
  assert.equal(after.code, 3);
  assert.match(readFileSync(join(dir, 'monitor.log'), 'utf8'), /monitor-stopped/);
});
