import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { httpServer, unusedPort } from './helpers/servers';

test('each error class keeps a sample reason, shown in the summary and the reports', async () => {
  const server = await httpServer((req, res) => {
    if (req.url === '/slow') return; // never answers: a timeout
    res.statusCode = 503;
    res.end('{"error":"db down: connection pool exhausted"}');
  });
  const dir = tempDir();
  const db = join(dir, 'r.db');
  try {
    const file = writeProfile(
      dir,
      'p.yaml',
      [
        'name: samples',
        'kind: load',
        `target: ${server.url}`,
        'load: { vus: 2, duration: 1s, warmup: 0s, gracefulStop: 1s }',
        'http: { timeout: 300ms }',
        'scenario:',
        '  - request: { path: /fail }',
        '  - request: { path: /slow }',
        `  - request: { url: "http://127.0.0.1:${await unusedPort()}/x" }`,
      ].join('\n'),
    );
    const r = await strain(['run', file, '--db', db, '--no-tui'], { timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /failures\n/, r.stdout);
    assert.match(r.stdout, /5xx: HTTP 503: "\{\\"error\\":\\"db down: connection pool exhausted\\"\}"/, r.stdout);
    assert.match(r.stdout, /timeout: no response within 300ms/, r.stdout);
    assert.match(r.stdout, /refused: .*ECONNREFUSED/, r.stdout);
    const json = JSON.parse((await strain(['report', 'latest', '--format', 'json', '--db', db])).stdout);
    const reasons = json.summary.steps.flatMap((s: { failures: { reason: string }[] }) => s.failures.map((f) => f.reason));
    assert.ok(
      reasons.some((x: string) => x.startsWith('5xx: HTTP 503')),
      JSON.stringify(reasons),
    );
    const md = await strain(['report', 'latest', '--format', 'md', '--db', db]);
    assert.match(md.stdout, /\*\*Failures\*\*[\s\S]*db down/);
    const html = await strain(['report', 'latest', '--format', 'html', '--db', db]);
    assert.match(html.stdout, /class="failures"[\s\S]*no response within 300ms/);
  } finally {
    await server.close();
  }
});
