import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { httpServer, tcpServer } from './helpers/servers';
import { judgeRun } from '../src/verdict/verdict';

test('a run in which no request succeeded never passes, and says why', async () => {
  const server = await httpServer((_req, res) => {
    res.statusCode = 503;
    res.end('down');
  });
  const dir = tempDir();
  try {
    const file = writeProfile(
      dir,
      'down.yaml',
      ['name: down', 'kind: load', `target: ${server.url}`, 'load: { model: closed, vus: 2, duration: 1s, warmup: 0s }', 'scenario: [{ request: { path: / } }]'].join('\n'),
    );
    const r = await strain(['run', file, '--db', join(dir, 'r.db'), '--json', '--no-tui'], { timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.status, 'failed');
    assert.match(s.verdict, /no request succeeded/);
    assert.equal(s.stopReason, 'completed', 'it ran its course; the verdict says why it failed');
    const text = await strain(['runs', '--db', join(dir, 'r.db')]);
    assert.match(text.stdout, /failed/);
  } finally {
    await server.close();
  }
});

test('the open model against a hung target: dropped arrivals are in the verdict and gated by dropped.rate', async () => {
  const server = await tcpServer(() => undefined);
  const dir = tempDir();
  try {
    const file = writeProfile(
      dir,
      'open.yaml',
      [
        'name: open-hung',
        'kind: load',
        `target: ${server.url}`,
        'load: { model: open, rate: 200, duration: 2s, maxInFlight: 20, warmup: 0s, gracefulStop: 1s }',
        'http: { timeout: 300ms }',
        'scenario: [{ request: { path: / } }]',
        'thresholds: { dropped.rate: "< 1%" }',
      ].join('\n'),
    );
    const r = await strain(['run', file, '--db', join(dir, 'r.db'), '--json', '--no-tui'], { timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const s = JSON.parse(r.stdout);
    assert.ok(s.dropped > 100, `dropped ${s.dropped}`);
    assert.ok(s.latencyMs.p99 >= 300, `p99 ${s.latencyMs.p99}`);
    const gate = s.thresholds.find((t: { name: string }) => t.name === 'dropped.rate');
    assert.ok(gate && !gate.passed && gate.actual > 50, JSON.stringify(s.thresholds));
    const human = await strain(['run', file, '--db', join(dir, 'r.db'), '--no-tui'], { timeoutMs: 30_000 });
    assert.match(human.stdout, /FAIL\s+dropped\.rate/);
    assert.match(human.stdout, /dropped [\d,]+ of [\d,]+/);
  } finally {
    await server.close();
  }
});

test('dropped arrivals are stated in the verdict line even without a dropped.rate threshold', () => {
  const inputs = { latencyMs: { min: 1, mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, p999: 1, max: 1 }, errorRate: 0, throughput: 100, droppedRate: 0.25 };
  const plan = { kind: 'load' as const, model: 'open' as const, thresholds: [], stages: [{ name: 'hold', durationMs: 1000, from: 10, to: 10 }] };
  const verdict = judgeRun({ plan, whole: inputs, beforeStage: () => inputs, findings: [], stop: { reason: 'completed', detail: '' } });
  assert.equal(verdict.status, 'passed');
  assert.match(verdict.line, /25\.00% of arrivals dropped \(maxInFlight reached; gate with dropped\.rate\)/);
  const calm = judgeRun({ plan, whole: { ...inputs, droppedRate: 0 }, beforeStage: () => inputs, findings: [], stop: { reason: 'completed', detail: '' } });
  assert.doesNotMatch(calm.line, /dropped/);
});
