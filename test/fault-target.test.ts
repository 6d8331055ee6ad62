import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { tcpServer } from './helpers/servers';

/**
 * The fault suite's target faults: a target that never answers, and one that answers with
 * bytes that are not HTTP. Each run is bounded (2 s, 300 ms timeouts) and loopback only.
 */

test('a hung target fails a latency threshold: timed-out requests count at the time they took', async () => {
  const server = await tcpServer(() => undefined); // accepts, reads, never answers
  const dir = tempDir();
  try {
    const file = writeProfile(
      dir,
      'hung.yaml',
      [
        'name: hung',
        'kind: load',
        `target: ${server.url}`,
        'load: { model: closed, vus: 4, duration: 2s, warmup: 0s, gracefulStop: 1s }',
        'http: { timeout: 300ms }',
        'scenario: [{ request: { path: / } }]',
        'thresholds: { latency.p95: "< 100ms" }',
      ].join('\n'),
    );
    const r = await strain(['run', file, '--db', join(dir, 'r.db'), '--json', '--no-tui'], { timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.status, 'failed');
    assert.ok(s.errorsByClass.timeout > 0, JSON.stringify(s.errorsByClass));
    assert.ok(s.latencyMs.p95 >= 300, `p95 ${s.latencyMs.p95} ms: a timeout took at least the timeout`);
    assert.equal(s.thresholds[0].passed, false);
  } finally {
    await server.close();
  }
});

test('a garbage server is classed protocol at once, with a sample of what it sent', async () => {
  // Answers every request with bytes that are not HTTP and keeps the connection open.
  const server = await tcpServer((socket) => socket.on('data', () => socket.write('SSH-2.0-OpenSSH_9.6 garbage\r\n')));
  const dir = tempDir();
  try {
    const file = writeProfile(
      dir,
      'garbage.yaml',
      [
        'name: garbage',
        'kind: load',
        `target: ${server.url}`,
        'load: { model: closed, vus: 2, duration: 1s, warmup: 0s, gracefulStop: 1s }',
        'http: { timeout: 5s }',
        'scenario: [{ request: { path: / } }]',
      ].join('\n'),
    );
    const r = await strain(['run', file, '--db', join(dir, 'r.db'), '--json', '--no-tui'], { timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const s = JSON.parse(r.stdout);
    assert.deepEqual(
      Object.entries(s.errorsByClass)
        .filter(([, n]) => (n as number) > 0)
        .map(([k]) => k),
      ['protocol'],
      JSON.stringify(s.errorsByClass),
    );
    assert.ok(s.requests >= 10, `classed at once, not after the 5 s timeout: ${s.requests} requests in 1 s`);
    const failure = s.steps[0].failures[0];
    assert.match(failure.reason, /^protocol: .*not HTTP.*SSH-2\.0/, JSON.stringify(s.steps[0].failures));
  } finally {
    await server.close();
  }
});
