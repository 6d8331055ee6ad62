import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { httpServer } from './helpers/servers';

/** A shop: POST /login sets a session cookie and returns a token; GET /cart needs both. */
async function shop() {
  const sessions = new Map<string, string>(); // session id → token
  const seen = { total: 0, logins: 0, cartOk: 0, cartDenied: 0, users: new Set<string>() };
  const server = await httpServer((req, res) => {
    seen.total++;
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/login') {
        seen.logins++;
        const { user } = JSON.parse(body) as { user: string };
        seen.users.add(user);
        const sid = randomUUID();
        const token = randomUUID();
        sessions.set(sid, token);
        res.writeHead(200, { 'set-cookie': `sid=${sid}; Path=/; HttpOnly`, 'content-type': 'application/json' });
        return res.end(JSON.stringify({ token, user }));
      }
      if (req.method === 'GET' && req.url === '/cart') {
        const sid = /sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
        const ok = sid !== undefined && req.headers.authorization === `Bearer ${sessions.get(sid)}`;
        if (ok) seen.cartOk++;
        else seen.cartDenied++;
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ ok, items: ok ? [1, 2] : [] }));
      }
      if (req.url === '/about') return res.end('a small shop');
      res.writeHead(404).end();
    });
  });
  return { server, seen };
}

test('5 VUs log in exactly once each, then make only authorised cart requests, with 0 errors', async () => {
  const { server, seen } = await shop();
  const dir = tempDir();
  try {
    const profile = writeProfile(
      dir,
      'shop.yaml',
      [
        'name: shop',
        'kind: load',
        `target: ${server.url}`,
        'load: { vus: 5, duration: 3s }',
        'setup:',
        '  - name: login',
        '    request: { method: POST, path: /login, json: { user: "user-{{vu}}" } }',
        '    capture: { token: "$.token" }',
        '    expect: { status: 200 }',
        'scenario:',
        '  - name: cart',
        '    request: { path: /cart, headers: { Authorization: "Bearer {{token}}" } }',
        '    expect: { status: 200, json: { "$.ok": true } }',
        '    think: 20ms..40ms',
      ].join('\n'),
    );
    const r = await strain(['run', profile, '--db', join(dir, 's.db'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(seen.logins, 5);
    assert.deepEqual([...seen.users].sort(), ['user-1', 'user-2', 'user-3', 'user-4', 'user-5']);
    assert.equal(seen.cartDenied, 0);
    assert.ok(seen.cartOk > 100, `authorised cart requests: ${seen.cartOk}`);
    assert.equal(s.errors, 0);
    const steps = Object.fromEntries(s.steps.map((x: { name: string }) => [x.name, x]));
    assert.equal(steps.login.requests, 5);
    assert.equal(steps.cart.requests, seen.cartOk);
    assert.equal(steps.cart.scenario, 'default');
    assert.ok(steps.cart.latencyMs.p50 > 0);
  } finally {
    await server.close();
  }
});

test('a failing check is a "check" error for its step; a step a failed capture leaves unsendable is skipped, not a request', async () => {
  const { server, seen } = await shop();
  const dir = tempDir();
  try {
    const profile = writeProfile(
      dir,
      'bad.yaml',
      [
        'name: shop-bad',
        'kind: load',
        `target: ${server.url}`,
        'load: { vus: 2, duration: 2s }',
        'setup:',
        '  - name: login',
        '    request: { method: POST, path: /login, json: { user: x } }',
        '    capture: { token: "$.accessToken" }',
        'scenario:',
        '  - name: cart',
        '    request: { path: /cart, headers: { Authorization: "Bearer {{token}}" } }',
        '    think: 50ms',
        '  - name: about',
        '    request: { path: /about }',
        '    expect: { body: "never in the body" }',
        '    think: 50ms',
      ].join('\n'),
    );
    const r = await strain(['run', profile, '--db', join(dir, 's.db'), '--json']);
    const s = JSON.parse(r.stdout);
    const steps = Object.fromEntries(s.steps.map((x: { name: string }) => [x.name, x]));
    assert.deepEqual(steps.login.failures, [{ reason: 'capture token: no match for $.accessToken', count: 2 }]);
    assert.equal(steps.login.errorsByClass.check, 2);
    // The cart step never went out: skipped with its reason, neither a request nor an error.
    assert.equal(steps.cart.requests, 0);
    assert.ok(steps.cart.skipped > 10, `cart skipped ${steps.cart.skipped}`);
    assert.deepEqual(steps.cart.skipReasons, [{ reason: 'missing {{token}}', count: steps.cart.skipped }]);
    assert.deepEqual(s.skippedByReason, { 'missing {{token}}': steps.cart.skipped });
    assert.deepEqual(steps.about.failures, [{ reason: 'body does not contain "never in the body"', count: steps.about.requests }]);
    assert.equal(steps.about.errorsByClass.check, steps.about.requests);
    assert.equal(s.errorsByClass.check, 2 + steps.about.requests);
    // requests are what the server received (a handful may have been in flight at the cut-off).
    assert.ok(seen.total - s.requests >= 0 && seen.total - s.requests <= 4, `server received ${seen.total}, summary says ${s.requests}`);
    assert.equal(s.requests, 2 + steps.about.requests);
  } finally {
    await server.close();
  }
});

test("a CSV feeder's rows reach the requests: sequential, random and unique (which ends the run)", async () => {
  const received: string[] = [];
  const server = await httpServer((req, res) => {
    received.push(new URL(req.url!, 'http://x').searchParams.get('q') ?? '');
    res.end('ok');
  });
  const dir = tempDir();
  writeProfile(dir, 'terms.csv', 'term,lang\nalpha,en\nbeta,de\ngamma,fr\n');
  const run = async (mode: string, seconds = 2) => {
    received.length = 0;
    const profile = writeProfile(
      dir,
      `${mode}.yaml`,
      [
        `name: feed-${mode}`,
        'kind: load',
        `target: ${server.url}`,
        `load: { vus: 1, duration: ${seconds}s }`,
        `data: { file: terms.csv, mode: ${mode} }`,
        'scenario: [{ request: { path: /search, query: { q: "{{term}}-{{lang}}" } }, think: 50ms }]',
      ].join('\n'),
    );
    return strain(['run', profile, '--db', join(dir, 'f.db'), '--json']);
  };
  try {
    await run('sequential');
    assert.ok(received.length >= 6);
    assert.deepEqual(received.slice(0, 6), ['alpha-en', 'beta-de', 'gamma-fr', 'alpha-en', 'beta-de', 'gamma-fr']);

    await run('random');
    assert.ok(received.every((q) => ['alpha-en', 'beta-de', 'gamma-fr'].includes(q)));
    assert.ok(new Set(received).size >= 2, 'random picks vary');
    assert.notDeepEqual(received.slice(0, 9), ['alpha-en', 'beta-de', 'gamma-fr', 'alpha-en', 'beta-de', 'gamma-fr', 'alpha-en', 'beta-de', 'gamma-fr']);

    const unique = await run('unique', 20);
    assert.deepEqual(received, ['alpha-en', 'beta-de', 'gamma-fr'], 'each row once');
    const s = JSON.parse(unique.stdout);
    assert.match(s.stopReason, /terms\.csv ran out of rows in unique mode \(all 3 used\)/);
    assert.ok(s.durationS < 5, 'the run ended when the rows ran out');
  } finally {
    await server.close();
  }
});

test('environment secrets feed templates but never reach the store', async () => {
  const seenAuth: string[] = [];
  const server = await httpServer((req, res) => {
    seenAuth.push(req.headers['x-api-key'] as string);
    res.end('ok');
  });
  const dir = tempDir();
  try {
    const profile = writeProfile(
      dir,
      'env.yaml',
      [
        'name: env-secret',
        'kind: load',
        `target: ${server.url}`,
        'load: { vus: 1, duration: 1s }',
        'scenario: [{ request: { path: /, headers: { X-Api-Key: "{{env.STRAIN_TEST_KEY}}" } }, think: 100ms }]',
      ].join('\n'),
    );
    const missing = await strain(['run', profile, '--db', join(dir, 'e.db')], { env: { STRAIN_TEST_KEY: undefined } });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /request.headers.X-Api-Key: environment variable STRAIN_TEST_KEY is not set/);
    const ok = await strain(['run', profile, '--db', join(dir, 'e.db'), '--json'], { env: { STRAIN_TEST_KEY: 'k-123-secret' } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(seenAuth.length > 0 && seenAuth.every((v) => v === 'k-123-secret'));
    const { readFileSync } = await import('node:fs');
    assert.ok(!readFileSync(join(dir, 'e.db')).includes('k-123-secret'), 'the value is not in the database file');
  } finally {
    await server.close();
  }
});
