import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, STRAIN, strain, tempDir, writeProfile } from './helpers/cli';
import { exited, spawnStrain, waitFor } from './helpers/processes';
import { httpServer, tcpServer } from './helpers/servers';
import { Tmux } from './helpers/tmux';

const profile = (target: string) =>
  `name: crash\nkind: load\ntarget: ${target}\nload: { vus: 2, duration: 1m, warmup: 0s, gracefulStop: 5s }\nscenario: [ { request: { path: / }, think: 20ms } ]\n`;

async function runJson(db: string) {
  const r = await strain(['runs', '--json', '--db', db], { timeoutMs: 20_000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout)[0] as { id: number; status: string; summary: { status: string; requests: number; stopReason: string } | null };
}

test('a SIGKILLed run becomes crashed with what was stored; report treats it as finished', async () => {
  const server = await httpServer((_q, s) => s.end('ok'));
  const dir = tempDir();
  const db = join(dir, 's.db');
  try {
    const child = spawnStrain(['run', writeProfile(dir, 'p.yaml', profile(server.url)), '--no-tui', '--db', db]);
    await waitFor(() => /run \d+:/.test(child.err), 15_000, 'the run to start');
    await new Promise((r) => setTimeout(r, 2500)); // a couple of stored seconds
    child.kill('SIGKILL');
    await exited(child);
    const run = await runJson(db);
    assert.equal(run.status, 'crashed');
    assert.equal(run.summary?.status, 'crashed');
    assert.ok(run.summary!.requests > 0, 'the stored seconds are in the summary');
    assert.match(run.summary!.stopReason, /ended without finishing it; \d+ stored seconds kept/);
    const report = await strain(['report', String(run.id), '--format', 'json', '--db', db], { timeoutMs: 20_000 });
    assert.equal(report.code, 0, report.stderr);
    assert.equal(JSON.parse(report.stdout).run.status, 'crashed');
  } finally {
    await server.close();
  }
});

test('a second Ctrl-C quits at once and still finalises the row as aborted', async () => {
  const hung = await tcpServer(() => undefined); // the graceful stop would wait its full 5 s
  const dir = tempDir();
  const db = join(dir, 's.db');
  try {
    const child = spawnStrain(['run', writeProfile(dir, 'p.yaml', profile(hung.url)), '--no-tui', '--db', db]);
    await waitFor(() => /run \d+:/.test(child.err), 15_000, 'the run to start');
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    await waitFor(() => /stopping the run/.test(child.err), 5000, 'the first SIGINT to be seen');
    child.kill('SIGINT');
    assert.equal(await exited(child, 4000), 130, child.err);
    const run = await runJson(db);
    assert.equal(run.status, 'aborted');
    assert.match(run.summary!.stopReason, /SIGINT twice/);
  } finally {
    await hung.close();
  }
});

test('strain watch on a run that is SIGKILLed shows it as crashed, not live', async () => {
  assert.ok(Tmux.available(), 'tmux is required (.ci/run installs it)');
  const server = await httpServer((_q, s) => s.end('ok'));
  const dir = tempDir();
  const db = join(dir, 's.db');
  const tmux = new Tmux();
  try {
    const child = spawnStrain(['run', writeProfile(dir, 'p.yaml', profile(server.url)), '--no-tui', '--db', db]);
    await waitFor(() => /run \d+:/.test(child.err), 15_000, 'the run to start');
    tmux.start(`cd ${ROOT} && ${process.execPath} ${STRAIN} watch --db ${db}; sleep 60`);
    await tmux.waitFor(/\[RUNNING\]/);
    child.kill('SIGKILL');
    await exited(child);
    await tmux.waitFor(/\[CRASHED\]/, 10_000);
  } finally {
    tmux.close();
    await server.close();
  }
});
