import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../src/store/db';
import { strain, tempDir } from './helpers/cli';
import { synthesizeRun } from './helpers/synthetic';

test('a 24-hour run (86,400 intervals and samples) gets its analysis and HTML report, downsampled', async (t) => {
  const db = join(tempDir(), 'day.db');
  const handle = openDb(db);
  const runId = synthesizeRun(handle, 24, { histEvery: 60 });
  handle.close();

  const analyzeStarted = Date.now();
  const analyzed = await strain(['analyze', String(runId), '--db', db, '--json'], { timeoutMs: 300_000 });
  const analyzeS = (Date.now() - analyzeStarted) / 1000;
  assert.equal(analyzed.code, 0, analyzed.stderr);
  const leak = JSON.parse(analyzed.stdout).findings.find((f: { kind: string }) => f.kind === 'leak');
  assert.equal(leak.verdict, 'leak', leak.summary); // the synthetic RSS climbs 2 MB/h
  assert.ok(Math.abs(leak.slopeMBPerHour - 2) < 0.5, leak.summary);

  const out = join(tempDir(), 'day.html');
  const started = Date.now();
  const r = await strain(['report', String(runId), '--format', 'html', '--out', out, '--db', db], { timeoutMs: 300_000 });
  const seconds = (Date.now() - started) / 1000;
  assert.equal(r.code, 0, r.stderr);
  const bytes = statSync(out).size;
  t.diagnostic(`24-hour run: analyze ${analyzeS.toFixed(1)} s, HTML report ${seconds.toFixed(1)} s, ${(bytes / 1024).toFixed(0)} KB`);
  assert.ok(bytes < 1_000_000, `report is ${bytes} bytes`);
  const html = readFileSync(out, 'utf8');
  const longest = Math.max(...[...html.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].split(' ').length));
  assert.ok(longest <= 600, `charts are downsampled (longest polyline ${longest} points)`);
  assert.ok(longest >= 300, 'but not truncated to a few points');
  // The hourly 200 ms p99 spike survives downsampling (each point is the worst second of its bucket).
  assert.match(html, /Latency/);
});
