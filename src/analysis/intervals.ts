import { stageStarts } from '../core/plan';
import type { Stage } from '../core/profile';
import type { IntervalRow } from '../core/interval';

export const okCount = (r: IntervalRow) => r.c2xx + r.c3xx;

/** Rows grouped by stage index, in order. */
export function rowsByStage(rows: readonly IntervalRow[], stageCount: number): IntervalRow[][] {
  const out: IntervalRow[][] = Array.from({ length: stageCount }, () => []);
  for (const r of rows) if (r.stage < stageCount) out[r.stage].push(r);
  return out;
}

/** The part of a stage that is measured: its first fraction (at least one interval) settles. */
export function settled(rows: readonly IntervalRow[], settleFraction = 0.2): IntervalRow[] {
  const skip = Math.max(1, Math.floor(rows.length * settleFraction));
  return rows.length > skip ? rows.slice(skip) : [];
}

/** Epoch-ms window of each stage of a run that started at startedAt. */
export function stageWindows(stages: readonly Stage[], startedAt: number): { from: number; to: number }[] {
  return stageStarts(stages).map((start, i) => ({ from: startedAt + start, to: startedAt + start + stages[i].durationMs }));
}

/** How far behind strain itself was in a second: its event loop or its arrival schedule, whichever lagged more. */
export const strainLagMs = (r: IntervalRow): number => Math.max(r.generator_lag_ms, r.schedule_lag_ms);

/**
 * A second whose p99 is mostly strain's own lateness (its event loop or arrival schedule behind
 * by 10 ms or more and by at least half the p99) measures strain, not the target: on a starved
 * machine such seconds made p99 "move against strain's own CPU", and delayed a spike's recovery.
 */
export function strainsOwn(r: IntervalRow): boolean {
  const lag = strainLagMs(r);
  return lag >= 10 && lag >= r.p99_ms / 2;
}
