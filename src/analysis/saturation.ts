import type { IntervalRow } from '../store/runs';
import type { Finding } from './types';

/**
 * The generator, not the target, was the limit when its event loop or its arrival schedule
 * fell behind for several seconds in a row: latency measured then includes strain's own delay.
 */
export function analyzeSaturation(rows: readonly IntervalRow[], lagLimitMs = 50, minRunS = 3): Finding | undefined {
  let run = 0;
  let seconds = 0;
  let worstLag = 0;
  let worstCpu = 0;
  const flagged: number[] = [];
  for (const r of rows) {
    const lag = Math.max(r.generator_lag_ms, r.schedule_lag_ms);
    if (lag > lagLimitMs) {
      run++;
      if (run === minRunS) for (let k = minRunS - 1; k >= 0; k--) flagged.push(r.t - k);
      else if (run > minRunS) flagged.push(r.t);
    } else run = 0;
  }
  for (const r of rows) {
    if (!flagged.includes(r.t)) continue;
    seconds++;
    worstLag = Math.max(worstLag, r.generator_lag_ms, r.schedule_lag_ms);
    worstCpu = Math.max(worstCpu, r.generator_cpu_pct);
  }
  if (seconds === 0) return undefined;
  return {
    kind: 'generator-saturated',
    verdict: 'saturated',
    seconds,
    maxLagMs: Math.round(worstLag),
    maxCpuPct: Math.round(worstCpu),
    atSeconds: flagged,
    summary: `the generator, not the target, was the limit for ${seconds} s (lag up to ${Math.round(worstLag)} ms, CPU up to ${Math.round(worstCpu)}%): latency in those seconds includes strain's own delay; lower the load or add --workers`,
  };
}
