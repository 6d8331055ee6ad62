import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { demoTarget } from './helpers/processes';

test('stress against a FIFO target of capacity 400/s breaks within one step of 400 and stops soon after', async () => {
  const target = await demoTarget(['--capacity', '400', '--queue', '100']);
  const port = target.port;
  const dir = tempDir();
  try {
    const profile = writeProfile(dir, 'stress.yaml', [
      'name: stress-fifo', 'kind: stress', `target: http://127.0.0.1:${port}`,
      'load: { model: open, start: 100, step: 100, stepDuration: 5s, max: 1500 }',
      'scenario: [{ request: { path: / } }]',
      'thresholds: { latency.p99: "< 200ms", errors.rate: "< 1%" }',
    ].join('\n'));
    const r = await strain(['run', profile, '--db', join(dir, 's.db'), '--json'], { timeoutMs: 120_000 });
    const s = JSON.parse(r.stdout);
    const f = s.findings.find((x: { kind: string }) => x.kind === 'breaking-point');
    assert.ok(f, JSON.stringify(s.findings));
    assert.equal(f.verdict, 'broken', f.summary);
    assert.ok(f.breakingLevel >= 400 && f.breakingLevel <= 500, `breaking level ${f.breakingLevel}: ${f.summary}`);
    assert.equal(f.lastGoodLevel, f.breakingLevel - 100);
    // 15 steps were planned (75 s); it must stop during or just after the breaking step.
    const stepsRun = s.durationS / 5;
    assert.ok(stepsRun <= f.breakingLevel / 100 + 1, `ran ${s.durationS}s`);
    assert.match(s.stopReason, /breaking point confirmed/);
    assert.equal(r.code, 0, 'thresholds hold below the breaking point');
    assert.ok(Array.isArray(f.steps) && f.steps.length >= 4);
    assert.ok(f.usl === null || typeof f.usl.alpha === 'number');
  } finally {
    await target.stop();
  }
});
