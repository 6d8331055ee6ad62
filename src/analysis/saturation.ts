import { defaults } from '../defaults';
import type { IntervalRow } from '../core/interval';
import type { Finding } from '../core/finding';
import type { Stall } from '../core/stalls';
import { strainLagMs } from './intervals';
import { stalledSeconds } from './stalls';

export interface SaturationLimits {
  /** Event-loop or arrival-schedule lag (ms) beyond which a second is generator-bound; one such second is enough. */
  lagLimitMs: number;
  /** Generator CPU (100 = one core) at or beyond which a second is generator-bound. */
  cpuLimitPct: number;
  /** Seconds in a row at full CPU before it counts (one busy second is not saturation). */
  minRunS: number;
}

/** Limits for a generator of `workers` threads: each thread can use at most one core. */
export function saturationLimits(workers = 1): SaturationLimits {
  return { lagLimitMs: defaults.generatorLag.saturatedMs, cpuLimitPct: 95 * workers, minRunS: 3 };
}

/**
 * The generator, not the target, was the limit when its event loop or its arrival schedule
 * fell behind by more than the limit, even once (a single long stall puts strain's own delay
 * into that second's latency), or it used all the CPU it can for several seconds in a row.
 */
export function analyzeSaturation(rows: readonly IntervalRow[], limits: SaturationLimits = saturationLimits(), stalls: readonly Stall[] = []): Finding | undefined {
  const { lagLimitMs, cpuLimitPct, minRunS } = limits;
  const long = stalls.filter((s) => s.ms > lagLimitMs);
  const stalledAt = new Set(stalledSeconds(rows, long));
  const lagBound = rows.map((r) => strainLagMs(r) > lagLimitMs || stalledAt.has(r.t));
  const cpuBound = rows.map((r) => r.generator_cpu_pct >= cpuLimitPct);
  let run = 0;
  const flagged = new Set<number>();
  for (let i = 0; i < rows.length; i++) {
    if (lagBound[i]) flagged.add(i);
    run = cpuBound[i] ? run + 1 : 0;
    if (run >= minRunS) for (let k = i - run + 1; k <= i; k++) flagged.add(k);
  }
  if (flagged.size === 0) return undefined;
  let worstLag = long.reduce((m, s) => Math.max(m, s.ms), 0);
  let worstCpu = 0;
  let lagSeconds = 0;
  let cpuSeconds = 0;
  for (const i of flagged) {
    worstLag = Math.max(worstLag, strainLagMs(rows[i]));
    worstCpu = Math.max(worstCpu, rows[i].generator_cpu_pct);
    if (lagBound[i]) lagSeconds++;
    if (cpuBound[i]) cpuSeconds++;
  }
  const seconds = flagged.size;
  const first = rows[0]?.started_at ?? 0;
  const why = [
    long.length > 0
      ? `stalled ${long.length === 1 ? `once, ${Math.round(long[0].ms)} ms at ${((long[0].at - first) / 1000).toFixed(1)} s` : `${long.length} times for up to ${Math.round(worstLag)} ms`}`
      : '',
    lagSeconds > 0 ? `fell behind by up to ${Math.round(worstLag)} ms in ${lagSeconds} s` : '',
    cpuSeconds > 0 ? `used all its CPU (up to ${Math.round(worstCpu)}%) for ${cpuSeconds} s` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return {
    kind: 'generator-saturated',
    verdict: 'saturated',
    seconds,
    maxLagMs: Math.round(worstLag),
    maxCpuPct: Math.round(worstCpu),
    atSeconds: [...flagged].sort((a, b) => a - b).map((i) => rows[i].t),
    ...(long.length > 0 ? { stalls: long.map((s) => ({ atS: Math.round((s.at - first) / 100) / 10, ms: s.ms })) } : {}),
    summary: `the generator, not the target, was the limit for ${seconds} s (strain ${why}): latency and throughput in those seconds include strain's own delay; lower the load or add --workers`,
  };
}
