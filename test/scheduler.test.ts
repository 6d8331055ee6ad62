import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { exited, spawnStrain, sleep, waitFor } from './helpers/processes';
import { httpServer } from './helpers/servers';

test('schedule add rejects a bad cron expression, an unknown profile and an invalid one with exit 2', async () => {
  const dir = tempDir();
  const db = join(dir, 's.db');
  const good = writeProfile(dir, 'ok.yaml', 'name: ok\nkind: load\ntarget: http://127.0.0.1:9\nload: { vus: 1, duration: 1s }\nscenario: [{ request: {} }]\n');
  const bad = writeProfile(dir, 'bad.yaml', 'name: bad\nkind: loud\ntarget: http://127.0.0.1:9\nload: { vus: 1, duration: 1s }\nscenario: [{ request: {} }]\n');
  const cronBad = await strain(['schedule', 'add', '--name', 'x', '--cron', '61 * * * *', good, '--db', db]);
  assert.equal(cronBad.code, 2);
  assert.match(cronBad.stderr, /--cron: "61 \* \* \* \*" is not a valid cron expression/);
  const noFile = await strain(['schedule', 'add', '--name', 'x', '--cron', '0 1 * * *', join(dir, 'nope.yaml'), '--db', db]);
  assert.equal(noFile.code, 2);
  assert.match(noFile.stderr, /no such file/);
  const invalid = await strain(['schedule', 'add', '--name', 'x', '--cron', '0 1 * * *', bad, '--db', db]);
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /kind: must be one of/);
  const tz = await strain(['schedule', 'add', '--name', 'x', '--cron', '0 1 * * *', good, '--tz', 'Mars/Olympus', '--db', db]);
  assert.equal(tz.code, 2);
  const ok = await strain(['schedule', 'add', '--name', 'nightly', '--cron', '0 1 * * *', good, '--tz', 'Europe/Berlin', '--db', db]);
  assert.equal(ok.code, 0, ok.stderr);
  const list = JSON.parse((await strain(['schedule', 'list', '--json', '--db', db])).stdout);
  assert.deepEqual(
    list.map((s: { name: string; enabled: boolean }) => [s.name, s.enabled]),
    [['nightly', true]],
  );
  assert.equal((await strain(['schedule', 'disable', 'nightly', '--db', db])).code, 0);
  assert.equal(JSON.parse((await strain(['schedule', 'list', '--json', '--db', db])).stdout)[0].enabled, false);
  assert.equal((await strain(['schedule', 'remove', 'nightly', '--db', db])).code, 0);
  assert.equal((await strain(['schedule', 'remove', 'nightly', '--db', db])).code, 2);
});

test('a six-field schedule every 5 s runs under strain scheduler; runs carry its name; failures trigger on-fail and the webhook', async () => {
  const posts: unknown[] = [];
  const hook = await httpServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      posts.push(JSON.parse(body));
      res.end('thanks');
    });
  });
  const target = await httpServer((_req, res) => setTimeout(() => res.end('ok'), 5));
  const dir = tempDir();
  const db = join(dir, 'sched.db');
  const marker = join(dir, 'on-fail.txt');
  // p95 < 1us cannot hold: every run fails its threshold.
  const profile = writeProfile(
    dir,
    'p.yaml',
    [
      'name: nightly-check',
      'kind: load',
      `target: ${target.url}`,
      'load: { vus: 2, duration: 1s, warmup: 0s }',
      'scenario: [{ request: { path: / } }]',
      'thresholds: { latency.p95: "< 1us" }',
    ].join('\n'),
  );
  const add = await strain([
    'schedule',
    'add',
    '--name',
    'every5',
    '--cron',
    '*/5 * * * * *',
    profile,
    '--db',
    db,
    '--on-fail',
    `echo "$STRAIN_SCHEDULE $STRAIN_RUN_ID $STRAIN_STATUS $STRAIN_REPORT" >> ${marker}`,
    '--on-fail-url',
    `${hook.url}/hook`,
  ]);
  assert.equal(add.code, 0, add.stderr);
  const scheduler = spawnStrain(['scheduler', '--db', db]);
  try {
    await waitFor(() => existsSync(marker) && readFileSync(marker, 'utf8').trim().split('\n').length >= 2, 60_000, 'two failing runs');
    await waitFor(() => posts.length >= 2, 5000, 'two webhook posts');
  } finally {
    scheduler.kill('SIGTERM');
    assert.equal(await exited(scheduler, 20_000), 0, scheduler.out + scheduler.err);
    await hook.close();
    await target.close();
  }
  const runs = JSON.parse((await strain(['runs', '--json', '--db', db])).stdout);
  assert.ok(runs.length >= 2);
  assert.ok(runs.every((r: { schedule: string }) => r.schedule === 'every5'));
  const lines = readFileSync(marker, 'utf8').trim().split('\n');
  const [name, runId, status, report] = lines[0].split(' ');
  assert.equal(name, 'every5');
  assert.equal(status, 'failed');
  assert.ok(runs.some((r: { id: number }) => r.id === Number(runId)));
  assert.ok(existsSync(report), 'the HTML report was written before the hook ran');
  assert.match(readFileSync(report, 'utf8'), /nightly-check/);
  assert.ok(readdirSync(join(dir, 'reports')).length >= 2);
  const post = posts[0] as { schedule: string; runId: number; status: string; reasons: string[] };
  assert.equal(post.schedule, 'every5');
  assert.equal(post.status, 'failed');
  assert.match(post.reasons[0], /run failed/);
});

test('a job longer than its period is skipped, not overlapped; max-duration stops a run; SIGTERM stores the job as aborted and exits 0', async () => {
  const target = await httpServer((_req, res) => res.end('ok'));
  const dir = tempDir();
  const db = join(dir, 'o.db');
  const profile = writeProfile(
    dir,
    'long.yaml',
    ['name: long-job', 'kind: load', `target: ${target.url}`, 'load: { vus: 1, duration: 30s }', 'scenario: [{ request: { path: / }, think: 50ms }]'].join('\n'),
  );
  // Fires every 2 s; each run is cut at 5 s by --max-duration.
  assert.equal((await strain(['schedule', 'add', '--name', 'busy', '--cron', '*/2 * * * * *', profile, '--max-duration', '5s', '--db', db])).code, 0);
  const scheduler = spawnStrain(['scheduler', '--db', db]);
  try {
    await waitFor(() => (scheduler.out.match(/ passed | aborted | failed /g) ?? []).length >= 1 && /skipped/.test(scheduler.out), 20_000, 'a finished run and a skip');
    await waitFor(() => (scheduler.out.match(/fired:/g) ?? []).length >= 2, 10_000, 'the next run to start');
    await sleep(1000);
  } finally {
    scheduler.kill('SIGTERM');
    assert.equal(await exited(scheduler, 20_000), 0, scheduler.out + scheduler.err);
    await target.close();
  }
  const runs = JSON.parse((await strain(['runs', '--json', '--db', db])).stdout) as {
    id: number;
    status: string;
    startedAt: string;
    endedAt: string;
    summary: { stopReason: string };
  }[];
  const ordered = [...runs].sort((a, b) => a.id - b.id);
  for (let i = 1; i < ordered.length; i++) {
    assert.ok(Date.parse(ordered[i].startedAt) >= Date.parse(ordered[i - 1].endedAt), 'runs never overlap');
  }
  assert.match(ordered[0].summary.stopReason, /max duration 5s reached/);
  assert.equal(ordered[0].status, 'aborted');
  assert.equal(ordered[ordered.length - 1].status, 'aborted', 'the job running at SIGTERM is stored as aborted');
  const skips = JSON.parse((await strain(['schedule', 'list', '--json', '--db', db])).stdout)[0].recentSkips;
  assert.ok(skips >= 1, `recorded skips: ${skips}`);
});
