import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../src/store/db';
import { RunStore } from '../src/store/runs';
import { ROOT, STRAIN, tempDir, writeProfile } from './helpers/cli';
import { exited, firstLine, spawnStrain, waitFor } from './helpers/processes';
import { unusedPort } from './helpers/servers';
import { Tmux } from './helpers/tmux';

test('the dashboard in a real terminal: figures on screen, survives resizes, q stops and stores the run', async () => {
  assert.ok(Tmux.available(), 'tmux is required (.ci/run installs it)');
  const port = await unusedPort();
  const target = spawnStrain(['target', '--port', String(port), '--service-ms', '2']);
  await firstLine(target, /listening on/);
  const dir = tempDir();
  const db = join(dir, 'tui.db');
  const exitFile = join(dir, 'exit');
  const profile = writeProfile(
    dir,
    'tui.yaml',
    [
      'name: tui-test',
      'kind: load',
      `target: http://127.0.0.1:${port}`,
      'load: { vus: 8, duration: 60s }',
      'scenario: [{ request: { path: / }, think: 5ms..20ms }]',
      'thresholds: { latency.p99: "< 100ms" }',
      `monitor: { port: ${port} }`,
    ].join('\n'),
  );
  const tmux = new Tmux();
  try {
    tmux.start(`cd ${ROOT} && ${process.execPath} ${STRAIN} run ${profile} --db ${db}; echo $? > ${exitFile}; sleep 60`);
    await tmux.waitFor(/warm-up 1s at 8 VUs \(not in the results\)/); // the event log keeps it
    await tmux.waitFor(/\[RUNNING\]/);
    const screen = await tmux.waitFor(/target CPU \(%\) \d+(\.\d)?%/);
    assert.match(screen, /p99 \d+(\.\d+)?ms/);
    assert.match(screen, /throughput \(req\/s\)  ━ requests [\d,]+\/s/);
    assert.match(screen, /errors \d+\.\d+%/);
    assert.match(screen, /target RSS \(MB\) \d+(\.\d)? MB/);
    assert.match(screen, /load \(VUs\) \d+ VUs/);
    assert.match(screen, /tui-test \(load, closed\)/);

    tmux.resize(90, 30);
    await tmux.waitFor(/p99 \d/);
    tmux.resize(60, 20);
    await tmux.waitFor(/terminal too small: 60x20/);
    tmux.resize(120, 40);
    await tmux.waitFor(/target RSS \(MB\) \d/);

    await tmux.waitFor(/elapsed 0:(0[3-9]|[1-5]\d)/); // a few measured seconds, so the stored run has intervals
    const pressed = Date.now();
    tmux.keys('q');
    await waitFor(() => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '', 15_000, 'strain to exit after q');
    assert.equal(readFileSync(exitFile, 'utf8').trim(), '130');
    const after = await tmux.waitFor(/ABORTED/);
    assert.match(after, /run \d+ ABORTED: q/, 'the terminal is back to normal text with the summary');
    assert.match(after, /tui-test \(load, closed model\)/);
    const store = new RunStore(openDb(db));
    const run = store.getRun('latest')!;
    assert.equal(run.status, 'aborted');
    // The run stops at the key press (its stored end); the process's own exit after that is not timed.
    assert.ok(run.ended_at! - pressed < 3000, `the run ended ${run.ended_at! - pressed} ms after q`);
    assert.ok(store.intervals(run.id).length >= 2);
    store.db.close();
  } finally {
    tmux.close();
    target.kill('SIGTERM');
    await exited(target);
  }
});

test('strain watch shows a run being written by another process', async () => {
  assert.ok(Tmux.available(), 'tmux is required (.ci/run installs it)');
  const port = await unusedPort();
  const target = spawnStrain(['target', '--port', String(port)]);
  await firstLine(target, /listening on/);
  const dir = tempDir();
  const db = join(dir, 'watch.db');
  const profile = writeProfile(
    dir,
    'w.yaml',
    ['name: watched-run', 'kind: load', `target: http://127.0.0.1:${port}`, 'load: { vus: 4, duration: 8s }', 'scenario: [{ request: { path: / }, think: 10ms }]'].join('\n'),
  );
  const runner = spawnStrain(['run', profile, '--db', db, '--no-tui']);
  const tmux = new Tmux();
  try {
    await waitFor(() => existsSync(db) && /run \d+:/.test(runner.err), 10_000, 'the run to start');
    tmux.start(`cd ${ROOT} && ${process.execPath} ${STRAIN} watch --db ${db}`);
    const first = await tmux.waitFor(/watched-run \(load, closed\).*\[RUNNING\]/);
    const count = (text: string) => Number(/requests ([\d,]+)/.exec(text)![1].replace(/,/g, ''));
    await new Promise((r) => setTimeout(r, 2500));
    const later = tmux.screen();
    assert.ok(count(later) > count(first), `requests went from ${count(first)} to ${count(later)}`);
    assert.equal(await exited(runner, 20_000), 0);
    const done = await tmux.waitFor(/\[PASSED\]/, 10_000);
    // A finished run has no time remaining and no load to stop.
    assert.doesNotMatch(done, /remaining/);
    assert.match(done, /ran 0:0\d of 0:08 planned/);
    assert.match(done, /PASSED: /);
    tmux.keys('?');
    const help = await tmux.waitFor(/show \/ hide this help/);
    assert.doesNotMatch(help, /stop the run/);
    assert.match(help, /q \/ Ctrl-C  quit/);
    tmux.keys('q');
  } finally {
    tmux.close();
    runner.kill('SIGKILL');
    target.kill('SIGTERM');
    await exited(target);
  }
});

test('a run that ends by itself stays on screen with its verdict and findings until a key; the latency axis follows the data', async () => {
  assert.ok(Tmux.available(), 'tmux is required (.ci/run installs it)');
  const port = await unusedPort();
  const target = spawnStrain(['target', '--port', String(port), '--leak-kb', '1']);
  await firstLine(target, /listening on/);
  const dir = tempDir();
  const exitFile = join(dir, 'exit');
  const profile = writeProfile(
    dir,
    'held.yaml',
    [
      'name: held-run',
      'kind: load',
      `target: http://127.0.0.1:${port}`,
      'load: { vus: 2, duration: 3s }',
      'scenario: [{ request: { path: / }, think: 10ms }]',
      'thresholds: { latency.p99: "< 1s" }',
    ].join('\n'),
  );
  const tmux = new Tmux();
  try {
    tmux.start(`cd ${ROOT} && ${process.execPath} ${STRAIN} run ${profile} --db ${join(dir, 'h.db')}; echo $? > ${exitFile}; sleep 60`);
    const running = await tmux.waitFor(/elapsed 0:0[1-3]/);
    // A 1 s SLO over millisecond latencies is named, not drawn (it would flatten them to the floor).
    assert.match(running, /SLO (1,000ms )?above/);
    const held = await tmux.waitFor(/\[PASSED\]/, 20_000);
    assert.match(held, /PASSED: its threshold held/);
    assert.match(held, /q or Enter: exit/);
    assert.doesNotMatch(held, /remaining/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(!existsSync(exitFile) || readFileSync(exitFile, 'utf8').trim() === '', 'still on screen until a key');
    tmux.keys('Enter');
    await waitFor(() => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '', 5000, 'strain to exit after Enter');
    assert.equal(readFileSync(exitFile, 'utf8').trim(), '0');
    await tmux.waitFor(/run \d+ PASSED: its threshold held/);
  } finally {
    tmux.close();
    target.kill('SIGTERM');
    await exited(target);
  }
});
