import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir } from './helpers/cli';
import { exited } from './helpers/processes';

const STACK = /^\s+at .+:\d+:\d+\)?$/m;

/** An unrelated process whose command line says "strain" and "monitor", like `tail -f strain-monitor.log`. */
function bystander() {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'strain', 'monitor'], { stdio: 'ignore' });
}

/** Running, and not a zombie waiting to be reaped. */
const alive = (pid: number) => existsSync(`/proc/${pid}/stat`) && !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
const startTime = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[19]);

test('stop refuses what is not its pidfile: exit 2, a one-line reason, the file untouched', async () => {
  const dir = tempDir();
  const profile = join(dir, 'profile.yaml');
  writeFileSync(profile, 'name: x\nkind: load\n');
  const self = join(dir, 'self.pid');
  writeFileSync(self, '{"pid":"self"}');
  const directory = join(dir, 'dir.pid');
  mkdirSync(directory);
  for (const [command, file] of [
    ['monitor', profile],
    ['scheduler', profile],
    ['monitor', self],
    ['monitor', directory],
  ]) {
    const r = await strain([command, 'stop', '--pidfile', file], { timeoutMs: 20_000 });
    assert.equal(r.code, 2, `${command} stop --pidfile ${file}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /nothing signalled, the file is left alone/);
    assert.doesNotMatch(r.stderr, STACK);
    assert.ok(existsSync(file), `${file} was removed`);
  }
  assert.equal(readFileSync(profile, 'utf8'), 'name: x\nkind: load\n');
});

test('a stale or forged pidfile naming a live unrelated process never gets it signalled', async () => {
  const dir = tempDir();
  const victim = bystander();
  await new Promise((r) => victim.once('spawn', r));
  try {
    const pid = victim.pid!;
    const nonce = '0123456789abcdef0123456789abcdef';
    const cases: [string, object, number][] = [
      ['the old format', { pid, startedAt: new Date().toISOString() }, 2],
      ['its start time differs (a reused pid)', { strain: 'monitor', pid, start: startTime(pid) - 1, nonce, startedAt: '' }, 0],
      ["its nonce is not the process's", { strain: 'monitor', pid, start: startTime(pid), nonce, startedAt: '' }, 2],
    ];
    for (const [what, content, code] of cases) {
      const file = join(dir, 'monitor.pid');
      writeFileSync(file, JSON.stringify(content));
      const r = await strain(['monitor', 'stop', '--pidfile', file], { timeoutMs: 20_000 });
      assert.equal(r.code, code, `${what}: ${r.stdout}${r.stderr}`);
      assert.ok(alive(pid), `${what}: the bystander was stopped`);
    }
  } finally {
    if (victim.exitCode === null && victim.signalCode === null) {
      victim.kill('SIGKILL');
      await exited(victim);
    }
  }
});
