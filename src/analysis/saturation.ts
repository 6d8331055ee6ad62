import { defaults } from '../defaults';
import type { IntervalRow } from '../core/interval';
import type { Finding } from '../core/finding';

export interface SaturationLimits {
  /** Event-loop or arrival-schedule lag (ms) beyond which a second is generator-bound. */
  lagLimitMs: number;
  /** Generator CPU (100 = one core) at or beyond which a second is generator-bound. */
  cpuLimitPct: number;
  /** Seconds in a row before it counts: one slow GC pause is not saturation. */
  minRunS: number;
}

/** Limits for a generator of `workers` threads: each thread can use at most one core. */
export function saturationLimits(workers = 1): SaturationLimits {
  return { lagLimitMs: defaults.generatorLag.saturatedMs, cpuLimitPct: 95 * workers, minRunS: 3 };
}

/**
 * The generator, not the target, was the limit when its event loop or its arrival schedule
 * fell behind, or it used all the CPU it can use, for several seconds in a row: latency and
 * throughput measured then include strain's own delay.
 */
export function analyzeSaturation(rows: readonly IntervalRow[], limits: SaturationLimits = saturationLimits()): Finding | undefined {
  const { lagLimitMs, cpuLimitPct, minRunS } = limits;
  const lagOf = (r: IntervalRow) => Math.max(r.generator_lag_ms, r.schedule_lag_ms);
  const lagBound = rows.map((r) => lagOf(r) > lagLimitMs);
  const cpuBound = rows.map((r) => r.generator_cpu_pct >= cpuLimitPct);
  let run = 0;
  const flagged = new Set<number>();
  for (let i = 0; i < rows.length; i++) {
    run = lagBound[i] || cpuBound[i] ? run + 1 : 0;
    if (run >= minRunS) for (let k = i - run + 1; k <= i; k++) flagged.add(k);
  }
  let worstLag = 0;
  let worstCpu = 0;
  let lagSeconds = 0;
  let cpuSeconds = 0;
  for (const i of flagged) {
    worstLag = Math.max(worstLag, lagOf(rows[i]));
    worstCpu = Math.max(worstCpu, rows[i].generator_cpu_pct);
    if (lagBound[i]) lagSeconds++;
    if (cpuBound[i]) cpuSeconds++;
  }
  if (flagged.size === 0) return undefined;
  const seconds = flagged.size;
  const why = [
    lagSeconds > 0 ? `fell behind by up to ${Math.round(worstLag)} ms for ${lagSeconds} s` : '',
    cpuSeconds > 0 ? `used all its CPU (up to ${Math.round(worstCpu)}%) for ${cpuSeconds} s` : '',
  ].filter(Boolean).join(' and ');
  return {
    kind: 'generator-saturated',
    verdict: 'saturated',
    seconds,
    maxLagMs: Math.round(worstLag),
    maxCpuPct: Math.round(worstCpu),
    atSeconds: [...flagged].sort((a, b) => a - b).map((i) => rows[i].t),
    summary: `the generator, not the target, was the limit for ${seconds} s (strain ${why}): latency and throughput in those seconds include strain's own delay; lower the load or add --workers`,
  };
}
