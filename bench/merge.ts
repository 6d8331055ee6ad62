import { encodeHistogram, newLatencyHistogram } from '../src/core/histogram';
import { Outcome, OUTCOME_COUNT } from '../src/core/outcome';
import { mergeParts } from '../src/split/merger';
import type { IntervalPart } from '../src/split/messages';

export interface MergeCost {
  agents: number;
  /** CPU time to merge one second's parts from every agent. */
  msPerSecond: number;
  usPerPart: number;
  /** Share of one core the merge takes at one part per agent per second. */
  coreShare: number;
  bytesPerPart: number;
}

/** One agent's second: `n` latencies spread like a real service's (a long tail), encoded as they travel. */
function part(index: number, n: number, seed: number): IntervalPart {
  const h = newLatencyHistogram();
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    h.recordValue(Math.round(300 + (x / 2147483648) ** 4 * 200_000));
  }
  const counts = new Array<number>(OUTCOME_COUNT).fill(0);
  counts[Outcome.s2xx] = n;
  return {
    index,
    durationMs: 1000,
    counts,
    offered: n,
    started: n,
    dropped: 0,
    bytes: n * 200,
    latency: encodeHistogram(h),
    serviceLatency: encodeHistogram(h),
    generatorLagMs: 1,
    scheduleLagMs: 1,
    inFlight: 10,
  };
}

/**
 * What the coordinator pays to merge one second from N agents (each part: counts plus two
 * encoded histograms of `requestsPerPart` requests), timed over `seconds` merged seconds.
 */
export function benchMergeCost(agentCounts = [10, 100, 1000], requestsPerPart = 5000, seconds = 20): MergeCost[] {
  return agentCounts.map((agents) => {
    // Parts arrive as JSON text over HTTP; parsing them is part of the coordinator's cost.
    const wire = Array.from({ length: agents }, (_, a) => JSON.stringify(part(0, requestsPerPart, a + 1)));
    mergeParts(
      0,
      wire.slice(0, 3).map((w) => JSON.parse(w) as IntervalPart),
    ); // warm the code
    const cpu0 = process.cpuUsage();
    for (let s = 0; s < seconds; s++)
      mergeParts(
        s,
        wire.map((w) => JSON.parse(w) as IntervalPart),
      );
    const cpu = process.cpuUsage(cpu0);
    const msPerSecond = (cpu.user + cpu.system) / 1000 / seconds;
    return {
      agents,
      msPerSecond,
      usPerPart: (msPerSecond * 1000) / agents,
      coreShare: msPerSecond / 1000,
      bytesPerPart: wire.reduce((n, w) => n + w.length, 0) / agents,
    };
  });
}
