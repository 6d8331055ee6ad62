import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';

/** Data files and templates are checked by `validate` and before a run row exists (exit 2, no stack trace). */

function profileWith(dir: string, lines: string[]): string {
  return writeProfile(dir, 'p.yaml', ['name: inputs', 'kind: load', 'target: http://127.0.0.1:9', 'load: { vus: 1, duration: 1s }', ...lines].join('\n'));
}

async function refused(file: string, dir: string): Promise<string> {
  const v = await strain(['validate', file]);
  assert.equal(v.code, 2, `validate: ${v.stdout}${v.stderr}`);
  assert.doesNotMatch(v.stderr, /\n\s+at /, 'no stack trace');
  const db = join(dir, 'r.db');
  const r = await strain(['run', file, '--db', db, '--json', '--no-tui'], { timeoutMs: 20_000 });
  assert.equal(r.code, 2, `run: ${r.stdout}${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |unexpected error/, 'no stack trace');
  const runs = await strain(['runs', '--json', '--db', db]);
  assert.deepEqual(JSON.parse(runs.stdout || '[]'), [], 'no run row was created');
  return v.stderr;
}

const dataStep = ['data: { file: users.csv }', 'scenario: [{ request: { path: "/u/{{name}}" } }]'];

test('an empty data file is refused by validate and run', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'users.csv'), '');
  const err = await refused(profileWith(dir, dataStep), dir);
  assert.match(err, /data\.file: .*users\.csv.* is empty/);
});

test('a binary data file is refused by validate and run', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'users.csv'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x10, 0x80]));
  const err = await refused(profileWith(dir, dataStep), dir);
  assert.match(err, /data\.file: .*users\.csv.* binary/);
});

test('an unreadable data file (a directory) is refused by validate and run', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'users.csv'));
  const err = await refused(profileWith(dir, dataStep), dir);
  assert.match(err, /data\.file: .*users\.csv.*cannot be read.*directory/);
});

test('a data file with a header and no rows is refused', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'users.csv'), 'name\n');
  const err = await refused(profileWith(dir, dataStep), dir);
  assert.match(err, /data\.file: .*no rows/);
});

test('a header value or name with CR/LF is a validation error naming the field and the value', async () => {
  const dir = tempDir();
  const file = profileWith(dir, [
    'http: { headers: { X-Global: "a\\nb" } }',
    'scenario: [{ request: { path: /, headers: { X-Trace: "abc\\r\\nX-Injected: 1", "X-Bad\\nName": ok } } }]',
  ]);
  const err = await refused(file, dir);
  assert.match(err, /http\.headers\.X-Global: .*"a\\nb".*line break/);
  assert.match(err, /scenario\[0\]\.request\.headers\.X-Trace: .*"abc\\r\\nX-Injected: 1".*line break/);
  assert.match(err, /scenario\[0\]\.request\.headers\..*"X-Bad\\nName".*not a valid header name/);
});

test('a {{name}} that no capture or data column defines is a validation error', async () => {
  const dir = tempDir();
  const file = profileWith(dir, [
    'setup: [{ request: { path: /login }, capture: { token: "$.token" } }]',
    'scenario: [{ request: { path: "/items/{{itemId}}", headers: { Authorization: "Bearer {{token}}" } } }]',
  ]);
  const err = await refused(file, dir);
  assert.match(err, /scenario\[0\]\.request\.path: \{\{itemId\}\} has no source/);
  assert.doesNotMatch(err, /Authorization/, 'a captured name has a source');
  assert.match(err, /1 problem/);
});

test('names from data columns and captures validate', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'users.csv'), 'name,pass\nada,x\n');
  const file = profileWith(dir, [
    'data: { file: users.csv }',
    'scenario: [{ request: { path: "/u/{{name}}", json: { p: "{{pass}}" } }, capture: { id: "$.id" } }, { request: { path: "/x/{{id}}" } }]',
  ]);
  const v = await strain(['validate', file]);
  assert.equal(v.code, 0, v.stdout + v.stderr);
});
