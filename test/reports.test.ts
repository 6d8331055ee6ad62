import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { openDb } from '../src/store/db';
import { RunStore } from '../src/store/runs';
import { CHROMIUM, screenshot } from './helpers/chromium';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { colouredPixels, decodePng } from './helpers/png';
import { exited, firstLine, spawnStrain } from './helpers/processes';
import { unusedPort } from './helpers/servers';

const dir = tempDir();
const db = join(dir, 'reports.db');
let runId = 0;

before(async () => {
  // One monitored run whose name needs escaping and whose headers carry secrets.
  const port = await unusedPort();
  const target = spawnStrain(['target', '--port', String(port), '--leak-kb', '8', '--error-rate', '0.02']);
  await firstLine(target, /listening on/);
  const profile = writeProfile(
    dir,
    'p.yaml',
    [
      'name: "<script>alert(1)</script> & co"',
      'kind: load',
      `target: http://127.0.0.1:${port}`,
      'load: { model: open, rate: 200, duration: 6s }',
      'http: { headers: { Authorization: "Bearer top-secret-token", Cookie: "session=top-secret-cookie" } }',
      'scenario: [{ request: { path: /items } }]',
      'thresholds: { latency.p95: "< 100ms", errors.rate: "< 1%" }',
      `monitor: { port: ${port}, interval: 500ms }`,
    ].join('\n'),
  );
  const r = await strain(['run', profile, '--db', db, '--json']);
  target.kill('SIGTERM');
  await exited(target);
  assert.equal(r.code, 1, `the 2% errors fail the errors.rate threshold: ${r.stderr}`);
  const summary = JSON.parse(r.stdout) as { runId: number; requests: number; errors: number };
  // The target fails every 50th request: 2%, give or take a request still in flight at the end.
  assert.ok(Math.abs(summary.errors - summary.requests * 0.02) <= 2, `${summary.errors} errors in ${summary.requests} requests`);
  runId = summary.runId;
});

async function report(format: string): Promise<string> {
  const out = join(dir, `report.${format}`);
  const r = await strain(['report', String(runId), '--format', format, '--out', out, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  return readFileSync(out, 'utf8');
}

test('every format is written for a monitored run, and secrets never appear', async () => {
  const html = await report('html');
  assert.match(html, /^<!doctype html>/);
  assert.ok((html.match(/<svg /g) ?? []).length >= 5, 'latency, throughput, level, CPU and RSS charts');
  assert.match(html, /Target resident memory/);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co'), 'the name is escaped');
  assert.ok(!html.includes('<script'), 'no script at all');
  assert.doesNotMatch(html, /(src|href)=["']?https?:|url\(\s*['"]?https?:|@import/i, 'nothing loaded from the network');

  const md = await report('md');
  assert.match(md, /\| requests \| throughput \| errors \|/);
  assert.match(md, /errors\.rate \| `< 1%` \| [\d.]+% \| ❌ FAIL/);

  const csv = (await report('csv')).trim().split('\n');
  const header = csv[0].split(',');
  const store = new RunStore(openDb(db));
  assert.equal(csv.length - 1, store.intervals(runId).length, 'one row per second');
  const cpu = header.indexOf('target_cpu_pct');
  assert.ok(csv.slice(1).filter((row) => row.split(',')[cpu] !== '').length >= 4, 'rows joined with resource samples');

  const json = JSON.parse(await report('json'));
  assert.equal(json.summary.runId, runId);
  assert.equal(json.intervals.length, csv.length - 1);
  assert.ok(json.resourceSamples.length >= 8);
  assert.ok(!('hist' in json.intervals[0]), 'no histogram blobs in JSON');

  const junit = await report('junit');
  assert.match(junit, /^<\?xml version="1.0"/);
  assert.equal((junit.match(/<testcase /g) ?? []).length, 2 + json.findings.length);
  assert.match(junit, /<testcase classname="strain.thresholds" name="errors.rate &lt; 1%"><failure/);

  for (const text of [html, md, csv.join('\n'), JSON.stringify(json), junit, store.getRun(runId)!.plan_json, store.getRun(runId)!.summary_json!]) {
    assert.ok(!text.includes('top-secret'), 'Authorization and Cookie values are redacted everywhere');
  }
  assert.match(store.getRun(runId)!.plan_json, /"authorization":"\[redacted\]"|"Authorization":"\[redacted\]"/);
  store.db.close();
});

test('the HTML opens in headless Chromium, draws its charts and requests nothing but itself', async () => {
  assert.ok(CHROMIUM, 'chromium is required (.ci/run installs it)');
  const html = await report('html');
  const requested: string[] = [];
  const server = createServer((req, res) => {
    requested.push(req.url ?? '');
    if (req.url === '/report.html') res.end(html);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const png = join(dir, 'report.png');
  try {
    await screenshot(`http://127.0.0.1:${(server.address() as AddressInfo).port}/report.html`, png);
  } finally {
    server.close();
  }
  assert.deepEqual(
    requested.filter((u) => u !== '/favicon.ico'),
    ['/report.html'],
  );
  const image = decodePng(readFileSync(png));
  assert.equal(image.width, 1000);
  // Chart lines and badges are coloured; a page without drawn charts has almost none.
  assert.ok(colouredPixels(image) > 5000, `coloured pixels: ${colouredPixels(image)}`);
});

test('report errors: unknown format and unknown run exit 2', async () => {
  const badFormat = await strain(['report', 'latest', '--format', 'pdf', '--db', db]);
  assert.equal(badFormat.code, 2);
  assert.match(badFormat.stderr, /--format: "pdf" is not one of html, md, csv, json, junit/);
  const badRun = await strain(['report', '999', '--db', db]);
  assert.equal(badRun.code, 2);
  assert.match(badRun.stderr, /no run 999/);
});
