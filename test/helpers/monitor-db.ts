import { existsSync } from 'node:fs';
import { openDb } from '../../src/store/db';
import { waitFor } from './processes';

/** How many target samples a monitor has stored so far (0 before its database and tables exist). */
function storedSamples(file: string): number {
  if (!existsSync(file)) return 0;
  try {
    const db = openDb(file, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM resource_samples WHERE source = ?').get('target') as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // created but not yet migrated
  }
}

/**
 * Waits until a running monitor has stored `count` samples: a loaded machine samples late, so a
 * fixed sleep would test the machine's speed instead of the monitor.
 */
export function samplesStored(file: string, count: number, timeoutMs = 20_000): Promise<number> {
  return waitFor(
    () => {
      const n = storedSamples(file);
      return n >= count ? n : false;
    },
    timeoutMs,
    `${count} samples in ${file}`,
  );
}
