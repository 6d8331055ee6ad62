import type { ResolvedProfile } from '../core/profile';
import { Engine, type EngineOptions } from '../engine/engine';
import { WorkerFleet } from './fleet';

/**
 * The engine for a run: the load on this thread, or split over `profile.workers` worker
 * threads (each a whole engine on its shard) whose intervals are merged here.
 */
export function createEngine(profile: ResolvedProfile, options: EngineOptions): Engine {
  const split = profile.workers > 1 && !options.shard;
  return new Engine(profile, split ? { ...options, driver: (host) => new WorkerFleet(host) } : options);
}
