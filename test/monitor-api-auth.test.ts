import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir } from './helpers/cli';
import { exited, firstLine, spawnStrain, waitFor } from './helpers/processes';

test('the API answers on 127.0.0.1 by default: health, samples, OpenMetrics', async () => {
  const db = join(tempDir(), 'm.db');
  const monitor = spawnStrain(['monitor', '--pid', String(process.pid), '--db', db, '--interval', '200ms', '--listen', '127.0.0.1:0']);
  try {
    const url = /API on (\S+)/.exec(await firstLine(monitor, /API on/))![1];
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const health = (await (await fetch(`${url}/health`)).json()) as { status: string; pid: number };
    assert.equal(health.status, 'ok');
    assert.equal(health.pid, process.pid);
    type Samples = { target: { pid: number; rssBytes: number }[] };
    // Two samples at 200 ms, however late a loaded machine takes them.
    const samples = await waitFor(async () => {
      const got = (await (await fetch(`${url}/samples?since=0`)).json()) as Samples;
      return got.target.length >= 2 ? got : false;
    });
    assert.ok(samples.target.every((s) => s.pid === process.pid && s.rssBytes > 0));
    const metrics = await fetch(`${url}/metrics`);
    assert.match(metrics.headers.get('content-type')!, /application\/openmetrics-text/);
    const text = await metrics.text();
    assert.match(text, new RegExp(`strain_target_resident_memory_bytes\\{pid="${process.pid}"\\} \\d+`));
    assert.ok(text.trimEnd().endsWith('# EOF'));
    assert.equal((await fetch(`${url}/samples?since=yesterday`)).status, 400);
  } finally {
    monitor.kill('SIGTERM');
    assert.equal(await exited(monitor), 0);
  }
});

test('bound beyond loopback without a token it refuses to start', async () => {
  const r = await strain(['monitor', '--pid', String(process.pid), '--db', join(tempDir(), 'm.db'), '--listen', '0.0.0.0:0']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /requires --token/);
});

test('with a token, a request without it gets 401 and one with it gets through', async () => {
  const db = join(tempDir(), 'm.db');
  const monitor = spawnStrain(['monitor', '--pid', String(process.pid), '--db', db, '--listen', '0.0.0.0:0', '--token', 's3cret']);
  try {
    const port = /API on http:\/\/[^:]+:(\d+)/.exec(await firstLine(monitor, /API on/))![1];
    const url = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${url}/health`)).status, 401);
    assert.equal((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await fetch(`${url}/health`, { headers: { authorization: 'Bearer s3cret' } })).status, 200);
  } finally {
    monitor.kill('SIGTERM');
    assert.equal(await exited(monitor), 0);
  }
});
