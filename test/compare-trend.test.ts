import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { exited, firstLine, spawnStrain } from './helpers/processes';
import { unusedPort } from './helpers/servers';

async function runAgainst(serviceMs: number, dir: string, db: string): Promise<number> {
  const port = await unusedPort();
  const target = spawnStrain(['target', '--port', String(port), '--service-ms', String(serviceMs)]);
  await firstLine(target, /listening on/);
  try {
    const profile = writeProfile(
      dir,
      `p${serviceMs}.yaml`,
      ['name: checkout', 'kind: load', `target: http://127.0.0.1:${port}`, 'load: { vus: 5, duration: 3s }', 'scenario: [{ request: { path: / } }]'].join('\n'),
    );
    const r = await strain(['run', profile, '--db', db, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).runId;
  } finally {
    target.kill('SIGTERM');
    await exited(target);
  }
}

test('compare: a run against itself passes; a clearly slower run fails and names what regressed; trend lists both', async () => {
  const dir = tempDir();
  const db = join(dir, 'c.db');
  const fast = await runAgainst(1, dir, db);
  const slow = await runAgainst(25, dir, db);

  const same = await strain(['compare', String(fast), String(fast), '--db', db]);
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.match(same.stdout, /no regression/);

  const worse = await strain(['compare', String(fast), String(slow), '--db', db]);
  assert.equal(worse.code, 1, worse.stdout + worse.stderr);
  assert.match(worse.stdout, /regressed: .*latency p95 \(ms\) \+\d+/);
  assert.match(worse.stdout, /throughput \(req\/s\) -\d+/);

  const json = JSON.parse((await strain(['compare', String(fast), String(slow), '--db', db, '--json'])).stdout);
  assert.equal(json.regressed, true);
  assert.ok(json.candidate.latency.p95 > json.base.latency.p95 * 3);
  // Loose limits let the same pair through.
  const loose = await strain(['compare', String(fast), String(slow), '--db', db, '--max-p95', '100000', '--max-throughput-drop', '100']);
  assert.equal(loose.code, 0, loose.stdout);

  const trend = await strain(['trend', 'checkout', '--db', db, '--json']);
  assert.equal(trend.code, 0);
  const rows = JSON.parse(trend.stdout);
  assert.deepEqual(
    rows.map((r: { id: number }) => r.id),
    [fast, slow],
  );
  assert.ok(rows[1].p95Ms > rows[0].p95Ms);
  const missing = await strain(['trend', 'nope', '--db', db]);
  assert.equal(missing.code, 2);
});
