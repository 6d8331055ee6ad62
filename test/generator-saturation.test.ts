import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { analyzeSaturation, saturationLimits } from '../src/analysis/saturation';
import type { IntervalRow } from '../src/core/interval';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { intervalRow } from './helpers/interval-row';
import { httpServer } from './helpers/servers';

function rows(per: { lag?: number; schedule?: number; cpu?: number }[]): IntervalRow[] {
  return per.map((p, t) =>
    intervalRow({ t, started_at: t * 1000, offered: 0, started: 0, in_flight: 1, generator_lag_ms: p.lag ?? 0, schedule_lag_ms: p.schedule ?? 0, generator_cpu_pct: p.cpu ?? 20 }),
  );
}

test('any second of lag past the limit, a single long stall, or three seconds in a row of a full core are flagged', () => {
  assert.equal(analyzeSaturation(rows([{}, { lag: 40 }, {}, { schedule: 45 }, { cpu: 99 }, { cpu: 99 }, {}])), undefined, 'below the limits');

  const lone = analyzeSaturation(rows([{}, { lag: 400 }, {}, {}]))!;
  assert.deepEqual(lone.atSeconds, [1], 'one long pause is enough: that second measured strain');
  assert.match(lone.summary, /fell behind by up to 400 ms in 1 s/);

  const lagged = analyzeSaturation(rows([{}, { schedule: 80 }, { lag: 120 }, { schedule: 60 }, {}, {}]))!;
  assert.equal(lagged.seconds, 3);
  assert.deepEqual(lagged.atSeconds, [1, 2, 3]);
  assert.match(lagged.summary, /fell behind by up to 120 ms in 3 s/);

  // A stall the per-second columns missed (it ended as the second closed) is still flagged, with its time.
  const stalled = analyzeSaturation(rows([{}, {}, {}, {}]), saturationLimits(), [
    { at: 2300, ms: 104 },
    { at: 3100, ms: 7 },
  ])!;
  assert.deepEqual(stalled.atSeconds, [2]);
  assert.match(stalled.summary, /strain stalled once, 104 ms at 2\.3 s/);

  const busy = analyzeSaturation(rows([{ cpu: 99 }, { cpu: 98 }, { cpu: 97 }, { cpu: 99 }, { cpu: 40 }]))!;
  assert.equal(busy.seconds, 4);
  assert.match(busy.summary, /used all its CPU \(up to 99%\) for 4 s/);

  // Two worker threads may use two cores: 150% is not saturated for them.
  assert.equal(analyzeSaturation(rows([{ cpu: 150 }, { cpu: 150 }, { cpu: 150 }]), saturationLimits(2)), undefined);
  assert.ok(analyzeSaturation(rows([{ cpu: 195 }, { cpu: 196 }, { cpu: 199 }]), saturationLimits(2)));
});

test("an open-model rate one thread cannot reach is reported as the generator's limit, not the target's", async () => {
  const server = await httpServer((_req, res) => res.end('ok'));
  const dir = tempDir();
  try {
    const profile = writeProfile(
      dir,
      'flood.yaml',
      [
        'name: flood',
        'kind: load',
        `target: ${server.url}`,
        'load: { model: open, rate: 1000000, duration: 3s, warmup: 0s, maxInFlight: 100000, connections: 1, gracefulStop: 1s }',
        'scenario: [{ request: { path: / } }]',
      ].join('\n'),
    );
    const r = await strain(['run', profile, '--json', '--no-tui', '--db', join(dir, 'f.db')], { timeoutMs: 60_000 });
    const s = JSON.parse(r.stdout);
    assert.ok(s.throughput < 0.99 * 1_000_000, `achieved ${s.throughput}/s`);
    assert.equal(s.generator.saturated, true);
    const finding = s.findings.find((f: { kind: string }) => f.kind === 'generator-saturated');
    assert.match(finding.summary, /the generator, not the target, was the limit/);
  } finally {
    await server.close();
  }
});
