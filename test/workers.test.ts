import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHistogram } from '../src/core/histogram';
import { openDb } from '../src/store/db';
import { RunStore } from '../src/store/runs';
import { strain as runStrain, tempDir, writeProfile } from './helpers/cli';
import { httpServer } from './helpers/servers';

test('--workers 2 (closed): every VU id runs once across the threads; counts and histograms add up exactly', async () => {
  const vusSeen = new Map<string, number>();
  let served = 0;
  const server = await httpServer((req, res) => {
    served++;
    const vu = String(req.headers['x-vu']);
    vusSeen.set(vu, (vusSeen.get(vu) ?? 0) + 1);
    setTimeout(() => res.end('ok'), 2);
  });
  const dir = tempDir();
  const db = join(dir, 'w.db');
  try {
    const profile = writeProfile(
      dir,
      'w.yaml',
      [
        'name: two-workers',
        'kind: load',
        `target: ${server.url}`,
        'load: { vus: 6, duration: 3s, warmup: 0s }',
        'scenario: [{ request: { path: /, headers: { x-vu: "{{vu}}" } } }]',
      ].join('\n'),
    );
    const r = await runStrain(['run', profile, '--workers', '2', '--json', '--no-tui', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.generator.workers, 2);
    assert.deepEqual([...vusSeen.keys()].sort(), ['1', '2', '3', '4', '5', '6'], 'VU ids 1..6, each in one worker');
    assert.ok(s.requests > 500, `requests ${s.requests}`);
    assert.ok(served - s.requests >= 0 && served - s.requests <= 6, `server ${served}, recorded ${s.requests}: at most the cut-off ones differ`);

    const store = new RunStore(openDb(db));
    const rows = store.intervals(s.runId);
    const sum = rows.reduce((n, row) => n + row.requests, 0);
    assert.equal(sum, s.requests, 'the stored intervals hold every request once');
    const histCount = rows.reduce((n, row) => n + (row.hist ? decodeHistogram(row.hist).totalCount : 0), 0);
    assert.equal(histCount, s.requests, 'the merged histograms hold one latency per request');
    store.db.close();
  } finally {
    await server.close();
  }
});

test('--workers 2 (open): the one schedule is shared out, every arrival offered once; a unique data file is split, never repeated', async () => {
  const terms: string[] = [];
  const server = await httpServer((req, res) => {
    const term = new URL(req.url!, 'http://x').searchParams.get('q');
    if (term) terms.push(term);
    res.end('ok');
  });
  const dir = tempDir();
  try {
    const open = writeProfile(
      dir,
      'open.yaml',
      ['name: open-workers', 'kind: load', `target: ${server.url}`, 'load: { model: open, rate: 200, duration: 2s, warmup: 0s }', 'scenario: [{ request: { path: / } }]'].join(
        '\n',
      ),
    );
    const r = await runStrain(['run', open, '--workers', '2', '--json', '--no-tui', '--db', join(dir, 'o.db')]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.offered, 400);
    assert.equal(s.requests + s.dropped, 400);
    assert.equal(s.dropped, 0);

    writeFileSync(join(dir, 'terms.csv'), ['term', ...Array.from({ length: 40 }, (_, i) => `t${i + 1}`)].join('\n'));
    const unique = writeProfile(
      dir,
      'unique.yaml',
      [
        'name: unique-workers',
        'kind: load',
        `target: ${server.url}`,
        'load: { vus: 4, duration: 20s }',
        'data: { file: terms.csv, mode: unique }',
        'scenario: [{ request: { path: "/?q={{term}}" }, think: 5ms }]',
      ].join('\n'),
    );
    const u = await runStrain(['run', unique, '--workers', '2', '--json', '--no-tui', '--db', join(dir, 'u.db')]);
    const us = JSON.parse(u.stdout);
    assert.match(us.stopReason, /ran out of rows in unique mode/);
    assert.equal(new Set(terms).size, terms.length, 'no row was used twice');
    assert.ok(terms.length >= 20 && terms.length <= 40, `${terms.length} rows used`);
  } finally {
    await server.close();
  }
});
