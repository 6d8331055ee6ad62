import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { defaults } from '../defaults';

/**
 * Free space where the database lives against what a run of durationMs writes (the measured
 * bytes per hour); undefined when there is enough, or it cannot be told.
 */
export function spaceShortfall(dbFile: string, durationMs: number): { freeBytes: number; neededBytes: number } | undefined {
  if (dbFile === ':memory:') return undefined;
  try {
    const fs = statfsSync(dirname(resolve(dbFile)));
    const freeBytes = fs.bavail * fs.bsize;
    const neededBytes = Math.ceil((durationMs / 3_600_000) * defaults.store.bytesPerHour);
    return freeBytes < neededBytes ? { freeBytes, neededBytes } : undefined;
  } catch {
    return undefined;
  }
}
