import { defaults } from '../defaults';
import { formatDuration } from '../util/duration';
import type { UserProfile } from './types';

const { limits } = defaults;
const LEVEL_KEYS = ['vus', 'rate', 'start', 'step', 'max', 'baseline', 'peak'] as const;

function over(problems: string[], path: string, value: number, limit: number, unit: string): void {
  if (value > limit) problems.push(`${path}: ${value} is above the limit of ${limit.toLocaleString('en-US')} ${unit}`);
}

/**
 * The documented upper bounds (README "Limits") on levels, workers and the number of stress
 * steps, checked on a schema-valid profile before its stages are expanded, so `validate`
 * names the key and the limit instead of a run exhausting memory or the event loop.
 */
export function levelLimitProblems(user: UserProfile, model: 'open' | 'closed'): string[] {
  const problems: string[] = [];
  const load = user.load;
  const levelLimit = model === 'open' ? limits.rate : limits.vus;
  const levelUnit = model === 'open' ? 'arrivals per second' : 'virtual users';
  for (const key of LEVEL_KEYS) if (load[key] !== undefined) over(problems, `load.${key}`, load[key]!, levelLimit, levelUnit);
  if (load.maxInFlight !== undefined) over(problems, 'load.maxInFlight', load.maxInFlight, limits.inFlight, 'iterations in flight');
  if (load.connections !== undefined) over(problems, 'load.connections', load.connections, limits.inFlight, 'connections');
  if (load.workers !== undefined) over(problems, 'load.workers', load.workers, limits.workers, 'worker threads');
  if (user.kind === 'stress' && load.step !== undefined) {
    const steps = Math.floor(((load.max ?? 0) - (load.start ?? load.step)) / load.step) + 1;
    over(problems, 'load.step', steps, limits.stressSteps, 'steps from load.start to load.max');
  }
  if (user.description !== undefined && user.description.length > limits.descriptionChars) {
    problems.push(`description: ${user.description.length} characters is above the limit of ${limits.descriptionChars.toLocaleString('en-US')}`);
  }
  return problems;
}

/** The plan's length and the warm-up's, once the stages are known. */
export function durationLimitProblems(user: UserProfile, totalDurationMs: number, warmupMs: number): string[] {
  const problems: string[] = [];
  if (totalDurationMs > limits.durationMs) {
    problems.push(`load: the stages add up to ${formatDuration(totalDurationMs)}, above the limit of ${formatDuration(limits.durationMs)}`);
  }
  if (warmupMs > limits.durationMs) problems.push(`load.warmup: ${user.load.warmup} is above the limit of ${formatDuration(limits.durationMs)}`);
  return problems;
}
