import { defaults } from '../../defaults';
import { requireDuration } from '../../util/duration';
import type { Stage } from '../../core/profile';
import type { UserLoad } from '../types';
import { rampHoldStages } from './load';

/** Like load, but the default ramp is a tenth of the hold (at most 5 minutes): soaks start gently. */
export function expandSoak(load: UserLoad, level: number): Stage[] {
  const holdMs = requireDuration(load.duration ?? '0s', 'load.duration');
  const cap = requireDuration(defaults.kinds.soak.rampUpMax, 'default rampUpMax');
  const rampUp = load.rampUp !== undefined ? requireDuration(load.rampUp, 'load.rampUp') : Math.min(cap, Math.round(holdMs * defaults.kinds.soak.rampUpFraction));
  const rampDown = requireDuration(load.rampDown ?? defaults.kinds.soak.rampDown, 'load.rampDown');
  return rampHoldStages(load, level, rampUp, rampDown);
}
