import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { httpServer } from './helpers/servers';

/** A 1 MiB tmpfs, or why there cannot be one here (not root, no mount permission in this container). */
function smallTmpfs(): { dir: string; unmount(): void } | string {
  const dir = join(tempDir(), 'tmpfs');
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return `cannot mount a tmpfs here (${(r.stderr || r.error?.message || `exit ${r.status}`).trim()})`;
  return { dir, unmount: () => execFileSync('umount', [dir]) };
}

test('disk full mid-run: reported at once, measuring goes on, the summary says what was not stored, exit 3', async (t) => {
  const fs = smallTmpfs();
  if (typeof fs === 'string') {
    console.log(`# skipped: ${fs}`);
    t.skip(fs);
    return;
  }
  const server = await httpServer((_q, s) => s.end('ok'));
  try {
    const db = join(fs.dir, 's.db');
    assert.equal((await strain(['runs', '--db', db])).code, 0); // the schema exists
    const profile = writeProfile(
      tempDir(),
      'p.yaml',
      `name: full\nkind: load\ntarget: ${server.url}\nload: { vus: 1, duration: 1h, warmup: 0s }\nscenario: [ { request: { path: / }, think: 20ms } ]\n`,
    );
    // The disk fills once the run has started: every byte left goes to a filler file. (Leaving a
    // little space before the start no longer fills it: the checkpoint thread lets the WAL reuse
    // the space it holds, so a few seconds of rows fit in 88 KB.)
    let filled = false;
    const fill = () => {
      const free = statfsSync(fs.dir);
      try {
        writeFileSync(join(fs.dir, 'filler'), Buffer.alloc(free.bavail * free.bsize));
      } catch {
        // ENOSPC part-way: the disk is full either way.
      }
    };
    const r = await strain(['run', profile, '--no-tui', '--db', db, '--max-duration', '6s'], {
      timeoutMs: 30_000,
      onSpawn: (child) =>
        child.stderr!.on('data', (d) => {
          if (!filled && /run \d+: full/.test(String(d))) {
            filled = true;
            fill();
          }
        }),
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /warning: \d+ KB free for .*; a 1h run writes about 11\.0 MB/);
    const first = r.stderr.indexOf('cannot write to the store: database or disk is full');
    const last = r.stderr.search(/run \d+ was not stored completely: database or disk is full \(SQLITE_FULL\); \d+ of \d+ measured seconds/);
    assert.ok(first >= 0 && last > first, `the first failure is reported before the end:\n${r.stderr}`);
    assert.match(r.stdout, /store {4}NOT STORED COMPLETELY: database or disk is full/);
    assert.match(r.stdout, /requests [1-9]/, 'measured on: the summary has the requests');
    assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m);
    rmSync(join(fs.dir, 'filler'));
    const runs = await strain(['runs', '--json', '--db', db]);
    // Never left 'running': crashed when its end could not be written, or aborted (the --max-duration
    // stop) when it could, as the checkpoint thread lets the WAL reuse space it already holds.
    assert.match(JSON.parse(runs.stdout)[0].status, /^(crashed|aborted)$/, 'the row that could not be finished is marked once space is back');
  } finally {
    await server.close();
    fs.unmount();
  }
});
