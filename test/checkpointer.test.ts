import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { join } from 'node:path';
import { startCheckpointer } from '../src/store/checkpointer';
import { openDb } from '../src/store/db';
import { tempDir } from './helpers/cli';

/**
 * WAL frames written and frames copied into the database so far, from the WAL index (the -shm
 * file: mxFrame at byte 16 of its header, nBackfill at byte 96), read without checkpointing.
 */
function walProgress(file: string): { frames: number; copied: number } {
  const shm = readFileSync(`${file}-shm`);
  return { frames: shm.readUInt32LE(16), copied: shm.readUInt32LE(96) };
}

test("during a run the WAL is checkpointed by another thread, never inside this thread's commits", async () => {
  const file = join(tempDir(), 'ckpt.db');
  const db = openDb(file);
  try {
    db.exec('CREATE TABLE t (x BLOB)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const blob = Buffer.alloc(3000, 7);
    const cp = startCheckpointer(db, 100)!;
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0, 'this connection no longer checkpoints');
    // Past SQLite's 1,000-page automatic checkpoint, in one transaction per row as a run writes.
    for (let i = 0; i < 1500; i++) insert.run(blob);
    const written = walProgress(file);
    assert.ok(written.frames >= 1500, `frames ${written.frames}`);
    assert.ok(written.copied < written.frames, 'none of it was checkpointed on this thread');
    const deadline = Date.now() + 10_000;
    let p = written;
    while (Date.now() < deadline && p.copied < p.frames) {
      await new Promise((r) => setTimeout(r, 100));
      p = walProgress(file);
    }
    assert.equal(p.copied, p.frames, 'the checkpoint thread copied every frame');
    await cp.stop();
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000, 'automatic checkpoints are back after the run');
  } finally {
    db.close();
  }
});
