import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ProfileError } from '../src/errors';
import { loadProfile } from '../src/profiles/load';
import { ROOT, tempDir, writeProfile } from './helpers/cli';

function problemsOf(file: string): string[] {
  try {
    loadProfile(file);
  } catch (err) {
    assert.ok(err instanceof ProfileError, `expected a ProfileError, got ${String(err)}`);
    return err.details;
  }
  assert.fail(`${file} was accepted`);
}

test('every shipped profile is valid', () => {
  const dir = join(ROOT, 'profiles');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 5, `expected the shipped profiles, found ${files.join(', ')}`);
  for (const file of files) {
    const profile = loadProfile(join(dir, file));
    assert.ok(profile.totalDurationMs > 0, file);
  }
});

test('a bad kind, a negative vus and an unknown key are all reported with their paths', () => {
  const dir = tempDir();
  const file = writeProfile(
    dir,
    'bad.yaml',
    ['name: bad', 'kind: soakk', 'target: http://127.0.0.1:3000', 'colour: red', 'load:', '  vus: -5', '  duration: 10s', 'scenario:', '  - request: { path: / }'].join('\n'),
  );
  const problems = problemsOf(file);
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.ok(
    problems.some((p) => p.startsWith('kind: must be one of load, stress, spike, soak (got "soakk")')),
    problems.join('\n'),
  );
  assert.ok(problems.includes('load.vus: must be a positive integer (got -5)'), problems.join('\n'));
  assert.ok(
    problems.some((p) => p.startsWith('colour: unknown key')),
    problems.join('\n'),
  );
});

test('keys of another kind or model are rejected by name with a hint', () => {
  const dir = tempDir();
  const file = writeProfile(
    dir,
    'spike.yaml',
    ['name: s', 'kind: spike', 'target: http://127.0.0.1:3000', 'load: { model: open, vus: 5, peak: 10, spikeDuraton: 5s }', 'scenario: [{ request: { path: / } }]'].join('\n'),
  );
  const problems = problemsOf(file);
  assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), ['load.baseline', 'load.spikeDuraton', 'load.vus']);
  assert.ok(
    problems.some((p) => p.startsWith('load.vus: is for model closed')),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.includes('did you mean "spikeDuration"')),
    problems.join('\n'),
  );
});

test('threshold units must fit their metric', () => {
  const dir = tempDir();
  const file = writeProfile(
    dir,
    't.yaml',
    [
      'name: t',
      'kind: load',
      'target: http://127.0.0.1:3000',
      'load: { vus: 1, duration: 1s }',
      'scenario: [{ request: { path: / } }]',
      'thresholds: { latency.p95: "< 5%", errors.rate: "< 2ms", throughput: "> 10/s", latency.p42: "< 1ms" }',
    ].join('\n'),
  );
  const problems = problemsOf(file);
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('thresholds.latency.p95: must be a time condition')));
  assert.ok(problems.some((p) => p.startsWith('thresholds.errors.rate: must be a condition like "< 1%"')));
  assert.ok(problems.some((p) => p.startsWith('thresholds.latency.p42: unknown metric')));
});

test('JSON profiles load the same as YAML', () => {
  const dir = tempDir();
  const file = writeProfile(
    dir,
    'p.json',
    JSON.stringify({
      name: 'j',
      kind: 'load',
      target: 'http://127.0.0.1:3000',
      load: { model: 'open', rate: 50, duration: '2s' },
      scenario: [{ request: { method: 'POST', path: '/x', json: { a: 1 } } }],
      thresholds: { 'latency.p99': { condition: '< 1s', abortOnFail: true } },
    }),
  );
  const p = loadProfile(file);
  assert.equal(p.model, 'open');
  assert.deepEqual(p.scenarios[0].steps[0].json, { a: 1 });
  assert.equal(p.scenarios[0].steps[0].headers['content-type'], 'application/json');
  assert.deepEqual(
    p.thresholds.map((t) => [t.name, t.op, t.value, t.abortOnFail]),
    [['latency.p99', '<', 1000, true]],
  );
});

test('a YAML syntax error is a usage error naming the file', () => {
  const dir = tempDir();
  const file = writeProfile(dir, 'broken.yaml', 'name: [unclosed\nkind: load\n');
  assert.throws(
    () => loadProfile(file),
    (err: Error & { exitCode?: number }) => err.exitCode === 2 && err.message.includes('invalid YAML'),
  );
});
