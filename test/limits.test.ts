import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { STRAIN, interruptAfterStart, strain, tempDir, writeProfile } from './helpers/cli';
import { tcpServer } from './helpers/servers';

const profile = (target: string, load: string, extra = '') => `name: limits\nkind: load\ntarget: ${target}\nload: { ${load} }\n${extra}scenario: [ { request: { path: / } } ]\n`;

test('validate names each limit a profile goes past, exit 2', async () => {
  const dir = tempDir();
  const cases: [string, RegExp][] = [
    ['vus: 10000000, duration: 10s', /load\.vus: 10000000 is above the limit of 100,000 virtual users/],
    ['model: open, rate: 1000000000000, duration: 10s', /load\.rate: 1000000000000 is above the limit of 1,000,000 arrivals per second/],
    ['vus: 1, duration: 10s, workers: 500', /load\.workers: 500 is above the limit of 64 worker threads/],
    ['vus: 1, duration: 100d', /load: the stages add up to 2400h, above the limit of 2160h/],
  ];
  for (const [load, expected] of cases) {
    const file = writeProfile(dir, 'p.yaml', profile('http://127.0.0.1:9', load));
    const r = await strain(['validate', file], { timeoutMs: 20_000 });
    assert.equal(r.code, 2, `${load}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, expected);
  }
  const stress = writeProfile(dir, 's.yaml', 'name: s\nkind: stress\ntarget: http://127.0.0.1:9\nload: { step: 0.000001, max: 100 }\nscenario: [ { request: { path: / } } ]\n');
  const r = await strain(['validate', stress], { timeoutMs: 20_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /load\.step: 100000000 is above the limit of 10,000 steps/);
});

/** Runs the profile until its clock starts, sends SIGINT, and returns how it ended. */
async function interrupted(file: string) {
  return strain(['run', file, '--no-tui', '--db', `${tempDir()}/s.db`], {
    timeoutMs: 20_000,
    onSpawn: interruptAfterStart(),
  });
}

test('SIGINT stops an open run at its rate limit against a target that never answers', async () => {
  const hung = await tcpServer(() => undefined);
  try {
    const file = writeProfile(tempDir(), 'p.yaml', profile(hung.url, 'model: open, rate: 1000000, duration: 1m, warmup: 0s, gracefulStop: 1s'));
    const r = await interrupted(file);
    assert.equal(r.code, 130, `not stopped by SIGINT (killed after 20 s): ${r.stderr.slice(-400)}`);
    assert.match(r.stdout, /dropped [\d,]+ of [\d,]+/);
  } finally {
    await hung.close();
  }
});

test('a 30-day run waits on split timers (no TimeoutOverflowWarning) and stops on SIGINT', async () => {
  const hung = await tcpServer(() => undefined);
  try {
    const file = writeProfile(tempDir(), 'p.yaml', profile(hung.url, 'model: open, rate: 2, duration: 30d, warmup: 0s, gracefulStop: 1s', 'http: { timeout: 45d }\n'));
    const r = await interrupted(file);
    assert.equal(r.code, 130, r.stderr.slice(-400));
    assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning/);
  } finally {
    await hung.close();
  }
});

test('more VUs than the process may open files is refused before the run (a connect storm would deafen Ctrl-C)', async () => {
  const file = writeProfile(tempDir(), 'p.yaml', profile('http://127.0.0.1:9', 'vus: 500, duration: 10s'));
  const r = spawnSync('bash', ['-c', `ulimit -n 256 && exec node ${STRAIN} run ${file} --no-tui --db ${tempDir()}/s.db`], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /load: 500 connections need more open files than this process may have \(ulimit -n 256/);
});
