import { Worker } from 'node:worker_threads';
import type { Db } from './db';

/** SQLite's default: a commit that finds the WAL this many pages long checkpoints it. */
const AUTO_CHECKPOINT_PAGES = 1000;
const EVERY_MS = 5000;

/** The thread: its own connection, a passive checkpoint (never waits on a lock) every few seconds. */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.once('message', () => { clearInterval(timer); checkpoint(); db.close(); parentPort.postMessage('done'); });
`;

export interface Checkpointer {
  /** Checkpoints once more, ends the thread and gives the connection its automatic checkpoints back. */
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off this thread for a run. SQLite checkpoints inside the commit that
 * crosses 1,000 WAL pages: the page copy and fsync took 25-39 ms on this machine, on the
 * generator's event loop, every ten minutes or so of a long run. Here the run's connection
 * never checkpoints; a thread with its own connection does, every 5 s, without blocking writers.
 */
export function startCheckpointer(db: Db, everyMs = EVERY_MS): Checkpointer | undefined {
  if (db.memory || db.readonly) return undefined;
  const worker = new Worker(SOURCE, { eval: true, workerData: { file: db.name, everyMs, module: require.resolve('better-sqlite3') } });
  worker.on('error', () => undefined); // a failed checkpoint thread leaves the WAL to grow until stop()
  worker.unref();
  db.pragma('wal_autocheckpoint = 0');
  return {
    stop: async () => {
      db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5000);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        worker.once('message', done);
        worker.once('exit', done);
        worker.postMessage('stop');
      });
      await worker.terminate();
    },
  };
}
