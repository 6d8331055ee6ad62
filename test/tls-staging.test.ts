import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';

/** A self-signed certificate for 127.0.0.1, made here with openssl; undefined (and why) when openssl is missing. */
function selfSigned(dir: string): { key: string; cert: string } | string {
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { encoding: 'utf8' },
  );
  if (r.error || r.status !== 0) return `openssl could not make a certificate: ${r.error?.message ?? r.stderr}`;
  return { key: join(dir, 'key.pem'), cert: join(dir, 'cert.pem') };
}

test('a staging server with a self-signed certificate: refused with the TLS reason, then trusted by --insecure or http.ca', async (t) => {
  const dir = tempDir();
  const pems = selfSigned(dir);
  if (typeof pems === 'string') {
    t.skip(pems);
    return;
  }
  const server = createServer({ key: readFileSync(pems.key), cert: readFileSync(pems.cert) }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const base = ['name: staging', 'kind: load', `target: ${url}`, 'load: { vus: 2, duration: 1s, warmup: 0s }', 'scenario: [{ request: { path: / } }]'];
  try {
    const plain = writeProfile(dir, 'plain.yaml', base.join('\n'));
    const refused = await strain(['run', plain, '--db', join(dir, 'r.db'), '--no-tui'], { timeoutMs: 30_000 });
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /TLS: self-signed certificate/, refused.stdout);

    const insecure = await strain(['run', plain, '--insecure', '--db', join(dir, 'r.db'), '--json', '--no-tui'], { timeoutMs: 30_000 });
    assert.equal(insecure.code, 0, insecure.stdout + insecure.stderr);
    assert.match(insecure.stderr, /warning: HTTPS certificates are not verified.*staging/);
    assert.ok(JSON.parse(insecure.stdout).statusClasses['2xx'] > 0);

    const withCa = writeProfile(dir, 'ca.yaml', [...base, 'http: { ca: cert.pem }'].join('\n'));
    const trusted = await strain(['run', withCa, '--db', join(dir, 'r.db'), '--json', '--no-tui'], { timeoutMs: 30_000 });
    assert.equal(trusted.code, 0, trusted.stdout + trusted.stderr);
    assert.doesNotMatch(trusted.stderr, /not verified/);

    const badCa = writeProfile(dir, 'bad.yaml', [...base, 'http: { ca: key-missing.pem }'].join('\n'));
    const invalid = await strain(['validate', badCa]);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /http\.ca: key-missing\.pem cannot be read/);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
