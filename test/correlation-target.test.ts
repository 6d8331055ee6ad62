import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { correlationDefaults } from '../src/analysis/correlation';
import { strainsOwn } from '../src/analysis/intervals';
import { openDb } from '../src/store/db';
import { RunStore } from '../src/store/runs';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { exited, firstLine, spawnNode } from './helpers/processes';
import { unusedPort } from './helpers/servers';

// Real targets, real runs, monitor at 1 Hz. The case is a target busy 10 s of every
// 30 s for 130 s; here it is 4 s of every 12 s for 96 s, so the suite stays short. The runs go
// one after the other: beside the busy target, the growing target's p99 truly followed the busy
// one's bursts (found as other processes' CPU in CI), which is not the case under test.
const SECONDS = Number(process.env.CORRELATION_SECONDS ?? 96);
const PERIOD_MS = Number(process.env.CORRELATION_PERIOD_MS ?? 12_000);
const BUSY_MS = Number(process.env.CORRELATION_BUSY_MS ?? 4_000);

/**
 * Busies its own event loop in 40 ms chunks (about 80% of a core) for BUSY_MS of every PERIOD_MS:
 * latency rises with its CPU, well above what a shared test machine adds to a second's p99.
 */
const busyTarget = (port: number) => `
const start = Date.now();
setInterval(() => {
  if ((Date.now() - start) % ${PERIOD_MS} >= ${BUSY_MS}) return;
  const end = Date.now() + 40;
  while (Date.now() < end);
}, 10);
require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1', () => console.log('listening'));`;

/** Retains 2 MB (touched, outside the JS heap, so no GC pauses) every second: RSS climbs, latency stays flat. */
const growingTarget = (port: number) => `
const kept = [];
setInterval(() => kept.push(Buffer.alloc(2 * 1048576, 1)), 1000);
require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1', () => console.log('listening'));`;

async function runAgainst(code: (port: number) => string, name: string) {
  const port = await unusedPort();
  const target = spawnNode(code(port));
  await firstLine(target, /listening/);
  const dir = tempDir();
  try {
    const profile = writeProfile(
      dir,
      'p.yaml',
      [
        `name: ${name}`,
        'kind: load',
        `target: http://127.0.0.1:${port}`,
        `load: { model: open, rate: 100, duration: ${SECONDS}s }`,
        'scenario: [{ request: { path: / } }]',
        `monitor: { port: ${port}, interval: 1s }`,
      ].join('\n'),
    );
    const r = await strain(['run', profile, '--db', join(dir, 'r.db'), '--json'], { timeoutMs: (SECONDS + 60) * 1000 });
    assert.equal(r.code, 0, r.stderr);
    const findings = JSON.parse(r.stdout).findings as {
      kind: string;
      verdict: string;
      summary: string;
      resource?: string;
      lagS?: number;
      lateSeconds?: number;
      scans?: { resource: string; lagS?: number; rho?: number; p: number }[];
    }[];
    const found = findings.find((f) => f.kind === 'correlation');
    assert.ok(found, JSON.stringify(findings));
    const html = join(dir, 'report.html');
    const report = await strain(['report', 'latest', '--format', 'html', '--out', html, '--db', join(dir, 'r.db')]);
    assert.equal(report.code, 0, report.stderr);
    const db = openDb(join(dir, 'r.db'));
    const rows = new RunStore(db).intervalsWithoutHistograms(JSON.parse(r.stdout).runId as number);
    db.close();
    return { ...found, html: readFileSync(html, 'utf8'), starved: rows.filter(strainsOwn).length / rows.length };
  } finally {
    target.kill('SIGTERM');
    await exited(target);
  }
}

test("latency driven by the target's CPU is found at lag 0; a climbing RSS with flat latency gives no evidence", async (t) => {
  // On a machine already running more than twice as many processes as it has cores, a second's
  // p99 is mostly other processes' doing (load 17-28 on 2 cores here gave idle seconds at
  // 40-300 ms and the busy target CPU-starved): this run could not show anything either way.
  const load = loadavg()[0] / availableParallelism();
  if (load > 2) return t.skip(`load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores: too busy to measure`);
  const growing = await runAgainst(growingTarget, 'growing-target');
  const busy = await runAgainst(busyTarget, 'busy-target');
  const scanText = (scans: { resource: string; lagS?: number; rho?: number; p: number }[] = []) => scans.map((s) => `${s.resource} r ${s.rho} p ${s.p}`).join('; ');
  console.log(`busy target: ${busy.summary}\ngrowing target: ${growing.summary}\ngrowing target's scans: ${scanText(growing.scans)}`);
  // Other test files may run beside it and be a real noisy neighbour, found as other processes'
  // CPU; strain's own work (its GC, its timers) shows in the p99 it measures, found as strain's
  // own CPU (a quiet 130 s run here: r 0.34, p = 0.002). Neither is the target's doing. What
  // must never be said is that its climbing RSS drives its flat latency: that scan finds no
  // evidence.
  const rss = growing.scans?.find((s) => s.resource === 'target RSS');
  assert.ok(rss && rss.rho !== undefined, JSON.stringify(growing.scans));
  // Evidence by the analysis' own rule: "follows" at p < alpha, "moves against" (a stranger claim)
  // at p < alpha / againstFactor. A run beside other test files once gave RSS r -0.40 at lag 9,
  // p = 0.003: the neighbours delay the target's timer (its RSS steps) while they raise p99.
  const o = correlationDefaults;
  const evidence = rss.rho >= 0 ? rss.p < o.alpha && rss.rho >= o.minAbsRho : rss.p < o.alpha / o.againstFactor && -rss.rho >= o.minAbsRho;
  assert.ok(!evidence, `target RSS: ${JSON.stringify(rss)}`);
  assert.notEqual(growing.resource, 'target RSS', growing.summary);
  if (growing.verdict === 'correlated') assert.doesNotMatch(growing.summary, /(follows|moves against) target RSS/, growing.summary);
  if (growing.verdict !== 'no-evidence') assert.ok(["other processes' CPU", "strain's own CPU"].includes(growing.resource ?? ''), growing.summary);
  else assert.doesNotMatch(growing.html, /scaled onto the p99 axis/, 'no overlay chart without a finding');
  // On a machine so loaded that strain's own lateness was most of p99 in a fifth of the seconds
  // or more, the measured latency is strain's, not the target's (load average 20-28 on 2 cores
  // here did that); that run cannot show the link, and says so instead of failing.
  if (busy.starved >= 0.2) return t.skip(`strain was starved in ${Math.round(busy.starved * 100)}% of the seconds: ${busy.summary}`);
  assert.equal(busy.verdict, 'correlated', busy.summary);
  assert.equal(busy.resource, 'target CPU', busy.summary);
  assert.equal(busy.lagS, 0, busy.summary);
  assert.match(busy.summary, /^p99 follows target CPU/);
  // The report overlays p99 and the driver on one time axis, the lag in the title.
  assert.match(busy.html, /p99 follows target CPU with no lag \(1 s bins; target CPU scaled onto the p99 axis\)/);
});
