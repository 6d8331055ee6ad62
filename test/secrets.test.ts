import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { httpServer } from './helpers/servers';

/** Every literal secret of the profile below; none may reach stdout, stderr, the store or a report. */
const SECRETS = ['pw-userinfo', 's3cr3t-h', 's3cr3t-q', 's3cr3t-j', 's3cr3t-f', 's3cr3t-p', 's3cr3t-n'];

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

test('secrets written literally in a profile are redacted by key name before anything is stored or printed', async () => {
  const server = await httpServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('{"ok":true}'));
  });
  const dir = tempDir();
  const db = join(dir, 'r.db');
  try {
    const target = server.url.replace('http://', 'http://admin:pw-userinfo@');
    const file = writeProfile(
      dir,
      'p.yaml',
      [
        'name: secrets',
        'kind: load',
        `target: ${target}`,
        'load: { vus: 1, duration: 1s, warmup: 0s }',
        'http: { headers: { X-Custom-Secret: s3cr3t-h } }',
        'scenario:',
        '  - request: { path: /items, query: { api_key: s3cr3t-q, page: 2 } }',
        '  - request: { path: /login, json: { user: ada, nested: { password: s3cr3t-j } } }',
        '  - request: { path: /form, body: "username=ada&password=s3cr3t-f", headers: { content-type: application/x-www-form-urlencoded } }',
        '  - request: { path: "/cb?token=s3cr3t-p&x=1" }',
        '  - request: { path: /raw, body: \'{"client_secret":"s3cr3t-n"}\' }',
      ].join('\n'),
    );
    const run = await strain(['run', file, '--db', db, '--no-tui'], { timeoutMs: 30_000 });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(leaks(run.stdout + run.stderr), [], run.stdout + run.stderr);
    assert.doesNotMatch(run.stderr + run.stdout, /admin@|admin:/, 'userinfo stripped from every printed URL');
    const json = await strain(['run', file, '--db', db, '--json', '--no-tui'], { timeoutMs: 30_000 });
    assert.deepEqual(leaks(json.stdout + json.stderr), [], json.stdout);
    for (const format of ['json', 'md', 'html', 'csv', 'junit']) {
      const report = await strain(['report', 'latest', '--format', format, '--db', db]);
      assert.equal(report.code, 0, report.stderr);
      assert.deepEqual(leaks(report.stdout), [], `${format} report`);
    }
    const plan = JSON.parse((await strain(['report', 'latest', '--format', 'json', '--db', db])).stdout).plan;
    assert.equal(plan.scenarios[0].steps[0].query[1][1], '2', 'other query values are kept');
    assert.equal(plan.scenarios[0].steps[1].json.user, 'ada', 'other JSON fields are kept');
    const runs = await strain(['runs', '--json', '--db', db]);
    assert.deepEqual(leaks(runs.stdout), []);
    for (const f of readdirSync(dir).filter((n) => n.startsWith('r.db'))) {
      assert.deepEqual(leaks(readFileSync(join(dir, f)).toString('latin1')), [], `${f} holds a secret`);
    }
  } finally {
    await server.close();
  }
});

test('--token on a command line warns and names the environment variable to use instead', async () => {
  const dir = tempDir();
  const r = await strain(['monitor', '--pid', String(process.pid), '--listen', 'none', '--token', 'abc', '--db', join(dir, 'm.db')], {
    timeoutMs: 20_000,
    onSpawn: (child) => setTimeout(() => child.kill('SIGTERM'), 2500),
  });
  assert.match(r.stderr, /--token.*visible.*STRAIN_MONITOR_TOKEN/);
});
