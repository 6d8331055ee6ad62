import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEngine } from '../src/split';
import { httpServer } from './helpers/servers';
import { profile, step } from './helpers/profile';

test('with ownThread the load runs on a worker thread, and per-step figures are live during the run', async () => {
  const server = await httpServer((_req, res) => res.end('ok'));
  try {
    const p = profile(server.url, { level: 2, durationMs: 2500, steps: [step('/a'), step('/b')] });
    const seen: number[] = [];
    const engine = createEngine(p, { sinks: [{ onInterval: (i) => void seen.push(i.requests) }] }, true);
    let midRun: { name: string; requests: number }[] = [];
    engine.once('measuring', () => setTimeout(() => (midRun = engine.liveStepSummaries()), 1600));
    const result = await engine.run();
    assert.equal(result.reason, 'completed');
    assert.ok(seen.length >= 3 && seen[0] > 0, `intervals ${seen}`);
    assert.equal(midRun.length, 2);
    assert.ok(
      midRun.every((s) => s.requests > 0),
      `live step figures mid-run: ${JSON.stringify(midRun)}`,
    );
    const end = engine.recorder.stepSummaries();
    assert.equal(end[0].requests + end[1].requests, engine.recorder.totals.requests, 'steps add up to the run at the end');
    const delay = engine.loopDelayMs();
    assert.ok(delay && delay.max >= delay.p99 && delay.p99 >= 0, `the worker's event-loop delay reaches the summary: ${JSON.stringify(delay)}`);
  } finally {
    await server.close();
  }
});
