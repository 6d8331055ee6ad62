import type { ResolvedProfile } from '../core/profile';
import { Engine, type EngineOptions } from '../engine/engine';
import type { Shard } from '../engine/executor';
import { WorkerFleet } from './fleet';

/**
 * The engine for a run: the load on this thread, or split over `profile.workers` worker
 * threads (each a whole engine on its shard) whose intervals are merged here. `ownThread`
 * puts even one generator on a worker thread (a fleet of one), so what this thread does (the
 * dashboard's redraws, 4-17 ms each) never delays the generator's event loop. `segment`: this
 * process runs only that share of a distributed run (an agent), which its threads split further.
 */
export function createEngine(profile: ResolvedProfile, options: EngineOptions & { segment?: Shard }, ownThread = false): Engine {
  const { segment, ...engineOptions } = options;
  const split = (profile.workers > 1 || ownThread) && !options.shard && !options.driver;
  return new Engine(profile, split ? { ...engineOptions, driver: (host) => new WorkerFleet(host, segment) } : engineOptions);
}
