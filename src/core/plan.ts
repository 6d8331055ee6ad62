import type { LoadModel, Stage } from './profile';

export interface PlanPoint {
  stage: number;
  level: number;
}

/** Where the plan is at `elapsedMs`: the stage index and the linearly interpolated level. */
export function planAt(stages: readonly Stage[], elapsedMs: number): PlanPoint {
  let start = 0;
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i];
    if (elapsedMs < start + s.durationMs || i === stages.length - 1) {
      const into = Math.min(Math.max(elapsedMs - start, 0), s.durationMs);
      const level = s.durationMs > 0 ? s.from + ((s.to - s.from) * into) / s.durationMs : s.to;
      return { stage: i, level };
    }
    start += s.durationMs;
  }
  return { stage: 0, level: 0 };
}

/** Start offset (ms) of every stage, for charts and stage events. */
export function stageStarts(stages: readonly Stage[]): number[] {
  const out: number[] = [];
  let t = 0;
  for (const s of stages) {
    out.push(t);
    t += s.durationMs;
  }
  return out;
}

/**
 * The warm-up runs at the plan's starting level; a plan that starts from zero (a ramp) warms
 * up at a tenth of where its first stage ends, at least one VU or arrival per second.
 */
export function warmupLevel(stages: readonly Stage[], model: LoadModel): number {
  const first = stages[0];
  const level = first.from > 0 ? first.from : Math.max(1, first.to / 10);
  return model === 'closed' ? Math.max(1, Math.ceil(level)) : level;
}
