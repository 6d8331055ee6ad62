import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { httpServer } from './helpers/servers';

/** Control characters a terminal acts on (ESC, BEL, NUL and the rest of C0 but tab and newline, DEL, C1). */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/; // eslint-disable-line no-control-regex
/** Characters XML 1.0 forbids outright: a JUnit file holding one cannot be parsed. */
const XML_ILLEGAL = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/; // eslint-disable-line no-control-regex

test('hostile profile and step names: JUnit parses, markdown escapes, the terminal gets no control characters', async () => {
  const server = await httpServer((_req, res) => res.end('ok'));
  const dir = tempDir();
  const db = join(dir, 'r.db');
  try {
    const file = writeProfile(
      dir,
      'p.yaml',
      [
        'name: "evil\\e[2J\\a\\0 <script>alert(1)</script> <!-- *x* [a](b)\\nsecond line"',
        'kind: load',
        `target: ${server.url}`,
        'load: { vus: 1, duration: 1s, warmup: 0s }',
        'scenario:',
        '  - { name: "step\\e]0;pwned\\a one", request: { path: /a } }',
        '  - { name: "two\\rX", request: { path: /b } }',
      ].join('\n'),
    );
    const run = await strain(['run', file, '--db', db, '--no-tui'], { timeoutMs: 30_000 });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout, CONTROL, `summary: ${JSON.stringify(run.stdout)}`);
    assert.doesNotMatch(run.stderr, CONTROL, `progress: ${JSON.stringify(run.stderr)}`);
    assert.match(run.stdout, /evil\[2J/, 'the name is still shown, without its control characters');

    const runs = await strain(['runs', '--db', db]);
    assert.doesNotMatch(runs.stdout, CONTROL);
    assert.equal(runs.stdout.trim().split('\n').length, 2, `one header and one row: ${runs.stdout}`);

    const analyze = await strain(['analyze', 'latest', '--db', db]);
    assert.doesNotMatch(analyze.stdout, CONTROL, 'analyze');

    const junit = await strain(['report', 'latest', '--format', 'junit', '--db', db]);
    assert.doesNotMatch(junit.stdout, XML_ILLEGAL, 'JUnit holds no XML-illegal character');

    const md = await strain(['report', 'latest', '--format', 'md', '--db', db]);
    assert.doesNotMatch(md.stdout, /<script>|<!--|\*x\*/, md.stdout);
    assert.doesNotMatch(md.stdout, CONTROL);
    const heading = md.stdout.split('\n')[0];
    assert.match(heading, /^## strain: evil.*second line — PASSED$/, heading);
  } finally {
    await server.close();
  }
});
