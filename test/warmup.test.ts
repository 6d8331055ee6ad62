import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { formatSummary } from '../src/cli/format';
import { openDb } from '../src/store/db';
import { RunStore } from '../src/store/runs';
import { strain as runStrain, tempDir, writeProfile } from './helpers/cli';
import { httpServer } from './helpers/servers';

test('connections open before the clock; a slow warm-up is shown apart and never judged', async () => {
  const firstUseOf = new Map<Socket, number>();
  let firstRequestAt = 0;
  let served = 0;
  // Slow (150 ms) for the first 600 ms after the first request: inside the 1 s warm-up.
  const server = await httpServer((req, res) => {
    served++;
    if (!firstUseOf.has(req.socket)) firstUseOf.set(req.socket, Date.now());
    firstRequestAt ||= Date.now();
    if (Date.now() - firstRequestAt < 600) setTimeout(() => res.end('ok'), 150);
    else res.end('ok');
  });
  const dir = tempDir();
  const db = join(dir, 'w.db');
  try {
    const profile = writeProfile(
      dir,
      'warm.yaml',
      [
        'name: warm',
        'kind: load',
        `target: ${server.url}`,
        'load: { vus: 4, duration: 2s, warmup: 1s }',
        'scenario: [{ request: { path: / } }]',
        'thresholds: { latency.p99: "< 100ms" }',
      ].join('\n'),
    );
    const r = await runStrain(['run', profile, '--json', '--no-tui', '--db', db]);
    assert.equal(r.code, 0, `the slow warm-up is not judged: ${r.stdout}${r.stderr}`);
    const s = JSON.parse(r.stdout);

    assert.equal(s.status, 'passed');
    assert.ok(s.latencyMs.p99 < 100, `measured p99 ${s.latencyMs.p99}`);
    assert.ok(s.warmup.latencyMs.max >= 140, `warm-up max ${s.warmup.latencyMs.max} holds the slow start`);
    assert.ok(s.latencyMs.max < 140, `measured max ${s.latencyMs.max}: none of the slow start`);
    assert.ok(s.warmup.requests > 0 && s.requests > 0);
    assert.ok(
      served - (s.warmup.requests + s.requests) >= 0 && served - (s.warmup.requests + s.requests) <= 4,
      `server ${served} = warm-up ${s.warmup.requests} + measured ${s.requests} (+ at most the cut-off ones)`,
    );

    assert.equal(s.warmup.connections, 4);
    assert.equal(firstUseOf.size, 4, 'the 4 connections opened first carry every request (the preflight probe sends none)');

    const store = new RunStore(openDb(db));
    const rows = store.intervals(s.runId);
    assert.equal(
      rows.reduce((n, row) => n + row.requests, 0),
      s.requests,
      'stored intervals hold the measured requests only',
    );
    const run = store.getRun(s.runId)!;
    assert.ok(run.started_at >= firstRequestAt + 900, 'the run starts when the clock starts, after the warm-up');
    assert.ok(
      [...firstUseOf.values()].every((at) => at < run.started_at),
      'no connection was set up inside the measured phase',
    );
    assert.ok(store.events(s.runId).some((e) => e.kind === 'warmup' && /warm-up 1s at 4 VUs \(not in the results\)/.test(e.message)));
    assert.ok(store.events(s.runId).some((e) => e.kind === 'warmup-ended' && /warm-up (settled after|ended at its bound)/.test(e.message)));
    store.db.close();

    assert.match(
      formatSummary(s),
      /warm-up\s+\d\.\ds \((settled; at least 1\.0s|did not settle: lag up to [\d.]+ms in its last second)\) at 4 VUs: [\d,]+ requests, p99 [\d.]+ms, 0 errors \(before the clock; not in the figures above\)/,
    );
    // It adapts: at least the profile's 1 s, then until the generator settled, at most 3 s, plus at most 2 s of drain.
    assert.equal(s.warmup.minimumS, 1);
    assert.ok(s.warmup.durationS >= 1 && s.warmup.durationS < 5.5, `warm-up ${s.warmup.durationS} s`);
  } finally {
    await server.close();
  }
});
