import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpServer } from './helpers/servers';
import { profile, runEngine } from './helpers/profile';

test('arrivals beyond the in-flight limit are counted as dropped, never skipped silently', async () => {
  const server = await httpServer((_req, res) => setTimeout(() => res.end('slow'), 500));
  try {
    // 100/s for 2 s with at most 10 in flight and 500 ms responses: ~20/s can start.
    const p = profile(server.url, { model: 'open', level: 100, durationMs: 2000, maxInFlight: 10, connections: 10 });
    const { engine } = await runEngine(p);
    const t = engine.recorder.totals;
    assert.equal(t.offered, 200);
    assert.equal(t.started + t.dropped, t.offered, 'every arrival is either started or dropped');
    assert.ok(t.dropped >= 140 && t.dropped <= 175, `dropped ${t.dropped}`);
    assert.ok(t.requests >= 25 && t.requests <= 50, `completed ${t.requests}`);
  } finally {
    await server.close();
  }
});
