import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CannotRunError } from '../errors';
import { migrations } from './migrations';
import { recoverCrashedRuns } from './recover';
import type { Db } from './handle';

export type { Db } from './handle';

/**
 * Opens (creating if needed) a strain database: WAL so a run and the monitor can write
 * at once, a busy timeout so they wait for each other instead of failing, and the schema
 * migrated to the newest version.
 */
/** Page cache per connection, KiB. */
const PAGE_CACHE_KIB = 2048;

export function openDb(file: string, options: { readonly?: boolean } = {}): Db {
  let db: Db;
  try {
    if (!options.readonly && file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { readonly: options.readonly === true, fileMustExist: options.readonly === true });
    db.pragma('busy_timeout = 5000');
    // better-sqlite3 builds SQLite with a 16 MB page cache; a run appends and rarely rereads, and
    // a cache that fills with every page written grew a long run's RSS by the database's size.
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    if (!options.readonly) {
      const handle = db;
      // Switching a new file to WAL takes an exclusive lock and may answer SQLITE_BUSY at once
      // (no busy handler) while another process does the same: wait a little and try again.
      retryWhileBusy(() => handle.pragma('journal_mode = WAL'));
      db.pragma('synchronous = NORMAL');
      // Off while migrating: a table rebuilt by a migration must not cascade-delete the rows pointing at it.
      db.pragma('foreign_keys = OFF');
      retryWhileBusy(() => migrate(handle));
      db.pragma('foreign_keys = ON');
      retryWhileBusy(() => recoverCrashedRuns(handle));
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CannotRunError('STRAIN_STORE_UNAVAILABLE', `cannot open database ${file}: ${e.message}${e.code && !e.message.includes(e.code) ? ` (${e.code})` : ''}`);
  }
  return db;
}

function retryWhileBusy<T>(fn: () => T, attempts = 50): T {
  for (let i = 0; ; i++) {
    try {
      return fn();
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || i >= attempts) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.random() * 30);
    }
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db): void {
  // Two processes may open a new database at once (a run and a monitor): the version is read
  // again inside each write transaction, so only one of them applies a given migration.
  for (;;) {
    const applied = db
      .transaction((): boolean => {
        const current = schemaVersion(db);
        if (current > migrations.length) {
          throw new Error(`database schema version ${current} is newer than this strain understands (${migrations.length}); upgrade strain`);
        }
        if (current === migrations.length) return false;
        const migration = migrations[current];
        if (typeof migration === 'string') db.exec(migration);
        else migration(db);
        db.pragma(`user_version = ${current + 1}`);
        return true;
      })
      .immediate();
    if (!applied) return;
  }
}
