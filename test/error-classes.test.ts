import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Outcome, OUTCOME_NAMES } from '../src/core/outcome';
import { httpServer, tcpServer, unusedPort } from './helpers/servers';
import { profile, runEngine, step } from './helpers/profile';

async function countsAgainst(url: string, extra: Parameters<typeof step>[1] = {}, path = '/') {
  const p = profile(url, { level: 2, durationMs: 1000, gracefulStopMs: 1500, steps: [step(path, extra)] });
  const { engine } = await runEngine(p);
  const counts = engine.recorder.totals.counts;
  return Object.fromEntries(OUTCOME_NAMES.map((name, i) => [name, counts[i]]).filter(([, n]) => (n as number) > 0));
}

test('HTTP statuses are classed 2xx, 3xx, 4xx, 5xx', async () => {
  const server = await httpServer((req, res) => {
    const status = Number(req.url!.slice(1));
    res.writeHead(status, status === 302 ? { location: '/' } : {});
    res.end();
  });
  try {
    for (const [status, cls] of [
      [200, '2xx'],
      [302, '3xx'],
      [404, '4xx'],
      [503, '5xx'],
    ] as const) {
      const counts = await countsAgainst(server.url, {}, `/${status}`);
      assert.deepEqual(Object.keys(counts), [cls], `status ${status}: ${JSON.stringify(counts)}`);
    }
  } finally {
    await server.close();
  }
});

test('nothing listening is "refused"', async () => {
  const counts = await countsAgainst(`http://127.0.0.1:${await unusedPort()}`);
  assert.deepEqual(Object.keys(counts), ['refused']);
});

test('a connection reset by the server is "reset"', async () => {
  const server = await tcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
  try {
    const counts = await countsAgainst(server.url);
    assert.deepEqual(Object.keys(counts), ['reset']);
  } finally {
    await server.close();
  }
});

test('a server that never answers is "timeout" after the step timeout', async () => {
  const server = await tcpServer(() => undefined);
  try {
    const counts = await countsAgainst(server.url, { timeoutMs: 200 });
    assert.deepEqual(Object.keys(counts), ['timeout']);
    assert.ok(counts.timeout >= 2 && counts.timeout <= 12, `timeouts ${counts.timeout}`);
  } finally {
    await server.close();
  }
});

test('a reply that is not HTTP is "protocol"', async () => {
  const server = await tcpServer((socket) => socket.once('data', () => socket.end('SSH-2.0-nope\r\n\r\n')));
  try {
    const counts = await countsAgainst(server.url);
    assert.deepEqual(Object.keys(counts), ['protocol']);
  } finally {
    await server.close();
  }
});

test('a target that goes down mid-run yields counted errors, not a crash', async () => {
  const server = await httpServer((_req, res) => res.end('ok'));
  const p = profile(server.url, { level: 4, durationMs: 2000, gracefulStopMs: 1000 });
  const closing = new Promise<void>((resolve) => setTimeout(() => server.close().then(resolve), 700));
  const { engine, result } = await runEngine(p);
  await closing;
  const counts = engine.recorder.totals.counts;
  assert.equal(result.reason, 'completed');
  assert.ok(counts[Outcome.s2xx] > 50, `ok before the stop: ${counts[Outcome.s2xx]}`);
  assert.ok(counts[Outcome.refused] > 0, `refused after the stop: ${JSON.stringify(counts)}`);
});
