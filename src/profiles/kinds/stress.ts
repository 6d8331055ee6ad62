import { defaults } from '../../defaults';
import { requireDuration } from '../../util/duration';
import type { Stage } from '../../core/profile';
import type { UserLoad } from '../types';

/** Constant steps start, start+step, ... up to max; each step is its own stage. */
export function expandStress(load: UserLoad): Stage[] {
  const step = load.step ?? 1;
  const start = load.start ?? step;
  const max = load.max ?? start;
  const stepMs = requireDuration(load.stepDuration ?? defaults.kinds.stress.stepDuration, 'load.stepDuration');
  const stages: Stage[] = [];
  // Rounding guards against 0.1 + 0.2 style drift adding or losing a step.
  for (let level = start, i = 1; level <= max + 1e-9; level = +(start + i * step).toFixed(6), i++) {
    stages.push({ name: `step ${i}`, durationMs: stepMs, from: level, to: level });
  }
  return stages;
}
