import { defaults } from '../../defaults';
import { requireDuration } from '../../util/duration';
import type { Stage } from '../../core/profile';
import type { UserLoad } from '../types';

/** Baseline, a jump straight to the peak, then back to baseline while recovery is watched. */
export function expandSpike(load: UserLoad): Stage[] {
  const baseline = load.baseline ?? 0;
  const peak = load.peak ?? baseline;
  const d = defaults.kinds.spike;
  return [
    { name: 'baseline', durationMs: requireDuration(load.baselineDuration ?? d.baselineDuration, 'load.baselineDuration'), from: baseline, to: baseline },
    { name: 'spike', durationMs: requireDuration(load.spikeDuration ?? d.spikeDuration, 'load.spikeDuration'), from: peak, to: peak },
    { name: 'recovery', durationMs: requireDuration(load.recoveryDuration ?? d.recoveryDuration, 'load.recoveryDuration'), from: baseline, to: baseline },
  ];
}
