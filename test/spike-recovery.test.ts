import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { demoTarget } from './helpers/processes';

test('spike recovery against a FIFO of capacity 400 matches the analytic queue drain', async () => {
  const target = await demoTarget(['--capacity', '400']);
  const port = target.port;
  const dir = tempDir();
  try {
    const profile = writeProfile(
      dir,
      'spike.yaml',
      [
        'name: spike-fifo',
        'kind: spike',
        `target: http://127.0.0.1:${port}`,
        'load: { model: open, baseline: 100, peak: 600, baselineDuration: 10s, spikeDuration: 5s, recoveryDuration: 20s, maxInFlight: 5000 }',
        'scenario: [{ request: { path: / } }]',
        'thresholds: { recovery: "< 10s" }',
      ].join('\n'),
    );
    const r = await strain(['run', profile, '--db', join(dir, 's.db'), '--json'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.dropped, 0);
    const f = s.findings.find((x: { kind: string }) => x.kind === 'recovery');
    assert.equal(f.verdict, 'recovered', f.summary);
    // Backlog (600-400)·5 = 1000 requests drains at 400-100 = 300/s: 3.3 s. Data is per second.
    assert.ok(f.recoveryS >= 2 && f.recoveryS <= 5, `recovered after ${f.recoveryS}s: ${f.summary}`);
    assert.equal(f.confirmedS, f.recoveryS + 5);
    // The last of the backlog waited about 1000/400 = 2.5 s.
    assert.ok(f.peakP99Ms > 1500 && f.peakP99Ms < 4000, `peak p99 ${f.peakP99Ms}`);
    assert.ok(f.baselineP99Ms < 50);
    // The recovery gate is judged like a threshold and states the verdict.
    assert.match(s.verdict, /^PASSED: recovered in \d+s, within the required < 10s$/);
    assert.deepEqual(
      s.thresholds.map((t: { name: string; passed: boolean }) => [t.name, t.passed]),
      [['recovery', true]],
    );
  } finally {
    await target.stop();
  }
});
