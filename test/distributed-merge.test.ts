import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeHistogram, newLatencyHistogram } from '../src/core/histogram';
import { seededRandom } from '../src/core/random';
import type { MergedInterval } from '../src/core/interval';
import { Outcome, OUTCOME_COUNT } from '../src/core/outcome';
import { IntervalMerger } from '../src/split/merger';
import type { IntervalPart } from '../src/split/messages';

test("agents' parts merged over the wire equal, bucket for bucket, one histogram of every latency they recorded", () => {
  const random = seededRandom(7);
  const all = newLatencyHistogram(64);
  const out: MergedInterval[] = [];
  const merger = new IntervalMerger({ sources: 3, publish: (m) => out.push(m) });
  for (let second = 0; second < 5; second++) {
    for (const agent of [2, 0, 1]) {
      const own = newLatencyHistogram();
      // Each agent sees a different latency range (one is slow), as agents in different places would.
      const n = 500 + Math.floor(random() * 500);
      for (let i = 0; i < n; i++) {
        const us = Math.round(200 + random() ** 3 * (agent === 2 ? 2_000_000 : 20_000));
        own.recordValue(us);
        all.recordValue(us);
      }
      const counts = new Array<number>(OUTCOME_COUNT).fill(0);
      counts[Outcome.s2xx] = n;
      const part: IntervalPart = {
        index: second,
        durationMs: 1000,
        counts,
        offered: 0,
        started: 0,
        dropped: 0,
        bytes: 0,
        // Through JSON as over the network: the encoded histogram is text.
        latency: JSON.parse(JSON.stringify(encodeHistogram(own))) as string,
        generatorLagMs: 0,
        scheduleLagMs: 0,
        inFlight: 0,
      };
      merger.add(agent, part);
    }
  }
  assert.equal(out.length, 5);
  const merged = newLatencyHistogram(64);
  for (const m of out) merged.add(m.latency);
  assert.equal(merged.totalCount, all.totalCount);
  for (const p of [0, 10, 50, 90, 95, 99, 99.9, 99.99, 100]) {
    assert.equal(merged.getValueAtPercentile(p), all.getValueAtPercentile(p), `p${p}`);
  }
  assert.equal(merged.mean, all.mean);
  assert.equal(encodeHistogram(merged), encodeHistogram(all), 'the same histogram, not just the same percentiles');
});
