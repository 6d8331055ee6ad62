import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OUTCOME_NAMES } from '../src/core/outcome';
import { tcpServer } from './helpers/servers';
import { profile, runEngine, step } from './helpers/profile';

/** Outcome counts (by name) and first failure reasons of a 1 s closed run with a 3 s timeout against a raw reply. */
async function against(reply: string) {
  const server = await tcpServer((socket) => socket.on('data', () => socket.write(reply)));
  try {
    const p = profile(server.url, { level: 2, durationMs: 1000, gracefulStopMs: 500, steps: [step('/', { timeoutMs: 3000 })] });
    const { engine } = await runEngine(p);
    const counts = engine.recorder.totals.counts;
    const named = Object.fromEntries(OUTCOME_NAMES.map((name, i) => [name, counts[i]]).filter(([, n]) => (n as number) > 0));
    return { counts: named, failures: engine.recorder.stepSummaries()[0].failures.map((f) => f.reason) };
  } finally {
    await server.close();
  }
}

const cases: [string, string, RegExp][] = [
  ['not HTTP, connection left open', 'garbage without a blank line\r\n', /not HTTP/],
  ['conflicting content-lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\nhello', /content-length/i],
  ['an absurd chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nabc', /chunk size/],
  ['a chunk without its CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY0\r\n\r\n', /chunk/],
  ['a status line that is not one', 'HTTP/1.1 abc OK\r\n\r\n', /status line/],
];

for (const [name, reply, reason] of cases) {
  test(`protocol violation: ${name} is classed protocol at once, with its reason`, async () => {
    const { counts, failures } = await against(reply);
    assert.deepEqual(Object.keys(counts), ['protocol'], JSON.stringify(counts));
    assert.ok(counts.protocol >= 10, `at once, not after the 3 s timeout: ${counts.protocol} in 1 s`);
    assert.ok(
      failures.some((f) => reason.test(f)),
      JSON.stringify(failures),
    );
  });
}
