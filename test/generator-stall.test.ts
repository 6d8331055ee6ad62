import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { formatSummary } from '../src/cli/format';
import { executeRun } from '../src/runner/execute';
import { analyzeStoredRun } from '../src/runner/analyze-run';
import { openDb } from '../src/store/db';
import { RunStore } from '../src/store/runs';
import { tempDir } from './helpers/cli';
import { spawnServer } from './helpers/processes';
import { unusedPort } from './helpers/servers';
import { profile } from './helpers/profile';

/** Holds this thread (the generator's event loop: the run below runs in this process) for `ms`. */
function block(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else on this event loop runs
  }
}

test("a 100 ms block of the generator's event loop is recorded with its time, attributed and flagged", async () => {
  // The target runs in its own process: the block delays strain, never the service.
  const port = await unusedPort();
  const server = await spawnServer(port);
  const db = openDb(join(tempDir(), 'stall.db'));
  try {
    const store = new RunStore(db);
    const p = profile(`http://127.0.0.1:${port}`, { model: 'open', level: 200, durationMs: 3000, connections: 20, gracefulStopMs: 1000 });
    let clockAt = 0;
    let blockedAt = 0;
    const summary = await executeRun({
      profile: p,
      store,
      onStart: (_id, engine) =>
        engine.once('measuring', () => {
          clockAt = Date.now();
          setTimeout(() => {
            blockedAt = Date.now();
            block(100);
          }, 1500);
        }),
    });
    const runId = summary.runId;
    assert.ok(blockedAt > 0);

    // Recorded: an event with the time and length of the stall.
    // (A shared machine may add stalls of its own: the one that began with the block is looked for.)
    const stalls = store
      .events(runId)
      .filter((e) => e.kind === 'generator-stall')
      .map((e) => ({ at: e.at, ...JSON.parse(e.data_json!) }));
    const big = stalls.filter((s) => s.ms >= 90 && Math.abs(s.at - blockedAt) <= 30);
    assert.equal(big.length, 1, `one stall of about 100 ms from ${blockedAt} among ${JSON.stringify(stalls)}`);
    assert.ok(big[0].ms >= 90 && big[0].ms <= 400, `length ${big[0].ms} ms`);
    assert.ok(Math.abs(big[0].at - blockedAt) <= 30, `began ${big[0].at - blockedAt} ms from the block`);
    const second = Math.floor((big[0].at - clockAt) / 1000);

    // Attributed: the summary marks the second and says how much of the p99 is strain's own.
    const st = summary.generator.stalls!;
    assert.ok(st.count >= 1 && st.longestMs >= 90, JSON.stringify(st));
    assert.ok(st.seconds.includes(second) || st.seconds.includes(second + 1), `seconds ${st.seconds} include ${second}`);
    assert.ok(st.inStalledSeconds.p99Ms >= 50, `latency from the intended start holds the block: ${st.inStalledSeconds.p99Ms} ms`);
    assert.ok(st.inStalledSeconds.p99Ms > st.inStalledSeconds.serviceP99Ms, 'corrected above service time in those seconds');
    if (st.p99WithoutStalledSecondsMs !== null) {
      assert.ok(st.p99WithoutStalledSecondsMs < st.p99Ms, `p99 ${st.p99Ms} without the stalled seconds ${st.p99WithoutStalledSecondsMs}`);
      assert.equal(st.ownP99Ms, Math.round((st.p99Ms - st.p99WithoutStalledSecondsMs) * 1000) / 1000);
    }
    assert.match(formatSummary(summary), /strain +stalled \d+ times?.*(of the p99 is strain's own lateness|every second had one).*from the intended start vs/);

    // Flagged: one long stall is enough for the saturation finding, in the summary and on re-analysis.
    assert.equal(summary.generator.saturated, true);
    const finding = summary.findings.find((f) => f.kind === 'generator-saturated')!;
    assert.match(finding.summary, /strain stalled (once, \d+ ms at [12]\.\d s|\d+ times for up to \d+ ms)/);
    const listed = finding.stalls as { atS: number; ms: number }[];
    assert.ok(
      listed.some((x) => x.ms >= 90 && Math.abs(x.atS * 1000 - (blockedAt - clockAt)) <= 150),
      JSON.stringify(listed),
    );
    assert.ok((finding.atSeconds as number[]).includes(second) || (finding.atSeconds as number[]).includes(second + 1));
    const again = analyzeStoredRun(db, runId).findings.find((f) => f.kind === 'generator-saturated');
    assert.equal(again?.summary, finding.summary);
  } finally {
    db.close();
    server.kill('SIGTERM');
  }
});
