import { defaults } from '../../defaults';
import { requireDuration } from '../../util/duration';
import type { Stage } from '../../core/profile';
import type { UserLoad } from '../types';

/** Ramp up to the level, hold it for `duration`, optionally ramp down. */
export function rampHoldStages(load: UserLoad, level: number, rampUpMs: number, rampDownMs: number): Stage[] {
  const stages: Stage[] = [];
  if (rampUpMs > 0) stages.push({ name: 'ramp-up', durationMs: rampUpMs, from: 0, to: level });
  stages.push({ name: 'hold', durationMs: requireDuration(load.duration ?? '0s', 'load.duration'), from: level, to: level });
  if (rampDownMs > 0) stages.push({ name: 'ramp-down', durationMs: rampDownMs, from: level, to: 0 });
  return stages;
}

export function expandLoad(load: UserLoad, level: number): Stage[] {
  const rampUp = requireDuration(load.rampUp ?? defaults.kinds.load.rampUp, 'load.rampUp');
  const rampDown = requireDuration(load.rampDown ?? defaults.kinds.load.rampDown, 'load.rampDown');
  return rampHoldStages(load, level, rampUp, rampDown);
}
