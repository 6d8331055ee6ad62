import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../src/store/db';
import { RunStore } from '../src/store/runs';
import { STRAIN, strain, tempDir, writeProfile } from './helpers/cli';

const STACK = /^\s+at .+:\d+:\d+\)?$/m;

test('strain runs | head -1 ends quietly (no EPIPE)', () => {
  const file = join(tempDir(), 'many.db');
  const db = openDb(file);
  const runs = new RunStore(db);
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) runs.createRun({ profileName: 'p', kind: 'load', model: 'closed', target: 'http://x', startedAt: Date.now(), plan: {} });
  })();
  db.close();
  const r = spawnSync('bash', ['-c', `node ${STRAIN} runs --limit 3000 --db ${file} | head -1; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^id\tstatus/);
});

test('a YAML alias bomb is a usage error naming the limit', async () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (const [prev, name] of [
    ['a', 'b'],
    ['b', 'c'],
    ['c', 'd'],
    ['d', 'e'],
    ['e', 'f'],
    ['f', 'g'],
    ['g', 'h'],
  ]) {
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const r = await strain(['validate', writeProfile(tempDir(), 'bomb.yaml', levels.join('\n'))], { timeoutMs: 20_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /YAML aliases expand past the limit of 100/);
  assert.doesNotMatch(r.stderr, STACK);
});

test('a 50 MB profile is refused by its size before it is parsed', async () => {
  const file = join(tempDir(), 'big.yaml');
  writeFileSync(file, `name: big\ndescription: ${'a'.repeat(50 * 1024 * 1024)}\n`);
  const r = await strain(['validate', file], { timeoutMs: 20_000 });
  assert.equal(r.code, 2, `${r.signal ?? ''} ${r.stderr.slice(0, 300)}`);
  assert.match(r.stderr, /52428824 bytes is above the limit of 1048576 bytes/);
});

test('a description longer than the limit is refused, not stored whole', async () => {
  const file = writeProfile(
    tempDir(),
    'p.yaml',
    `name: d\ndescription: ${'a'.repeat(20_000)}\nkind: load\ntarget: http://127.0.0.1:9\nload: { vus: 1, duration: 1s }\nscenario: [ { request: { path: / } } ]\n`,
  );
  const r = await strain(['validate', file], { timeoutMs: 20_000 });
  assert.equal(r.code, 2, r.stdout);
  assert.match(r.stderr, /description: 20000 characters is above the limit of 10,000/);
});

test('monitor start and monitor refuse a public bind without a token with the same exit code', async () => {
  const dir = tempDir();
  const args = ['--pid', String(process.pid), '--listen', '0.0.0.0:9', '--db', join(dir, 'm.db')];
  const started = await strain(['monitor', 'start', ...args, '--pidfile', join(dir, 'm.pid'), '--log', join(dir, 'm.log')], {
    timeoutMs: 20_000,
    env: { STRAIN_MONITOR_TOKEN: '' },
  });
  const foreground = await strain(['monitor', ...args], { timeoutMs: 20_000, env: { STRAIN_MONITOR_TOKEN: '' } });
  assert.equal(foreground.code, 2, foreground.stderr);
  assert.equal(started.code, foreground.code, started.stderr);
  assert.match(started.stderr, /serving beyond loopback requires --token/);
});

test("a negative number given to an option is that option's bad value, named with what it accepts", async () => {
  const db = join(tempDir(), 'r.db');
  const cases: [string[], RegExp][] = [
    [['run', 'profiles/demo.yaml', '--rate', '-5', '--no-tui', '--db', db], /^strain: --rate: must be a number above 0 \(got "-5"\)$/m],
    [['run', 'profiles/demo.yaml', '--rate', '0', '--no-tui', '--db', db], /^strain: --rate: must be a number above 0 \(got "0"\)$/m],
    [['run', 'profiles/demo.yaml', '--vus', '-2', '--no-tui', '--db', db], /^strain: --vus: must be a positive integer \(got "-2"\)$/m],
    [['compare', '1', '2', '--max-p95', '-3', '--db', db], /^strain: --max-p95: must be a number of 0 or more \(got "-3"\)$/m],
  ];
  for (const [args, message] of cases) {
    const r = await strain(args, { timeoutMs: 20_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /ambiguous/);
    assert.doesNotMatch(r.stderr, STACK);
  }
});
