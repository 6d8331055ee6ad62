import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDb } from '../src/store/db';
import { RunStore } from '../src/store/runs';
import { STRAIN, strain, tempDir, writeProfile, type CliResult } from './helpers/cli';
import { httpServer, unusedPort } from './helpers/servers';

interface Agent {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** A real `strain agent` process with its own environment. */
function agent(url: string, name: string, env: NodeJS.ProcessEnv): Agent {
  const child = spawn(process.execPath, [STRAIN, 'agent', '--coordinator', url, '--name', name], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, done };
}

/** A target that makes the requests of one agent slow: agents say who they are from their own environment. */
async function taggedTarget(slowTag: string, slowMs: number) {
  const byTag = new Map<string, number>();
  const server = await httpServer((req, res) => {
    const tag = String(req.headers['x-agent'] ?? '');
    byTag.set(tag, (byTag.get(tag) ?? 0) + 1);
    if (tag === slowTag) setTimeout(() => res.end('slow'), slowMs);
    else res.end('ok');
  });
  return { server, byTag };
}

function profile(target: string, extra: string[]): string {
  return ['name: dist', 'kind: load', `target: ${target}`, 'scenario: [{ request: { path: /x, headers: { x-agent: "{{env.AGENT_TAG}}" } } }]', ...extra].join('\n');
}

test('three agents, each with its own environment: requests add up, one slow agent fails the merged threshold (exit 1)', async () => {
  const { server, byTag } = await taggedTarget('c', 80);
  const dir = tempDir();
  const port = await unusedPort();
  const url = `http://127.0.0.1:${port}`;
  try {
    // The coordinator never has AGENT_TAG: {{env.X}} is resolved by each agent in its own environment.
    const file = writeProfile(dir, 'p.yaml', profile(server.url, ['load: { model: open, rate: 150, duration: 5s, warmup: 0s }', 'thresholds: { latency.p90: "< 50ms" }']));
    const coordinator = strain(['coordinate', file, '--agents', '3', '--listen', `127.0.0.1:${port}`, '--db', join(dir, 'c.db'), '--json'], { env: { AGENT_TAG: '' } });
    const agents = ['a', 'b', 'c'].map((tag) => agent(url, `agent-${tag}`, { AGENT_TAG: tag }));
    const r = await coordinator;
    const results = await Promise.all(agents.map((a) => a.done));
    assert.equal(r.code, 1, r.stderr);
    for (const a of results) assert.equal(a.code, 0, a.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.status, 'failed');
    assert.equal(s.agents.length, 3);
    const perAgent = s.agents.map((a: { requests: number }) => a.requests);
    assert.equal(
      perAgent.reduce((x: number, y: number) => x + y, 0),
      s.requests,
      `agents ${perAgent} vs merged ${s.requests}`,
    );
    // Every third arrival of one schedule: the segments are equal within one request.
    assert.ok(Math.max(...perAgent) - Math.min(...perAgent) <= 1, `${perAgent}`);
    assert.ok(Math.abs(s.requests - 750) <= 3, `750 planned, ${s.requests} merged`);
    const received = [...byTag.values()].reduce((x, y) => x + y, 0);
    assert.equal(received, s.requests, 'the target received what the merged run counts');
    assert.deepEqual([...byTag.keys()].sort(), ['a', 'b', 'c']);
    // Two agents' latencies alone pass; the merged run's p90 is the slow agent's.
    assert.ok(s.latencyMs.p90 >= 80, `merged p90 ${s.latencyMs.p90}`);
    assert.equal(s.thresholds[0].passed, false);
    const store = new RunStore(openDb(join(dir, 'c.db')));
    const rows = store.intervals(s.runId);
    assert.equal(
      rows.reduce((n, i) => n + i.requests, 0),
      s.requests,
      'stored seconds hold every merged request',
    );
    store.db.close();
  } finally {
    await server.close();
  }
});

test('abortOnFail on the merged run stops every agent early', async () => {
  const server = await httpServer((_req, res) => {
    res.statusCode = 500;
    res.end('no');
  });
  const dir = tempDir();
  const port = await unusedPort();
  try {
    const file = writeProfile(
      dir,
      'p.yaml',
      profile(server.url, [
        'load: { model: open, rate: 100, duration: 60s, warmup: 0s }',
        'thresholds: { errors.rate: { condition: "< 1%", abortOnFail: true, delayAbortEval: 1s } }',
      ]),
    );
    const started = Date.now();
    const coordinator = strain(['coordinate', file, '--agents', '2', '--listen', `127.0.0.1:${port}`, '--db', join(dir, 'c.db'), '--json']);
    const agents = [0, 1].map((i) => agent(`http://127.0.0.1:${port}`, `agent-${i}`, { AGENT_TAG: String(i) }));
    const r = await coordinator;
    const results = await Promise.all(agents.map((a) => a.done));
    const tookS = (Date.now() - started) / 1000;
    assert.equal(r.code, 1, r.stderr);
    assert.ok(tookS < 30, `stopped after ${tookS.toFixed(1)} s of a 60 s plan`);
    const s = JSON.parse(r.stdout);
    assert.match(s.stopReason, /errors\.rate/);
    assert.ok(s.durationS < 15, `durationS ${s.durationS}`);
    for (const a of results) assert.equal(a.code, 0, a.stderr);
  } finally {
    await server.close();
  }
});

test('an agent killed mid-run is reported lost and the run ends cleanly on the others', async () => {
  const server = await httpServer((_req, res) => res.end('ok'));
  const dir = tempDir();
  const port = await unusedPort();
  try {
    const file = writeProfile(dir, 'p.yaml', profile(server.url, ['load: { model: open, rate: 90, duration: 8s, warmup: 0s }']));
    const coordinator = strain(['coordinate', file, '--agents', '3', '--listen', `127.0.0.1:${port}`, '--db', join(dir, 'c.db'), '--json', '--agent-timeout', '3s']);
    const agents = [0, 1, 2].map((i) => agent(`http://127.0.0.1:${port}`, `agent-${i}`, { AGENT_TAG: String(i) }));
    // Killed once it has run a while: the coordinator hears nothing more from it.
    const victim = agents[1];
    await new Promise<void>((resolve) => victim.child.stderr!.on('data', (d) => String(d).includes('joined') && setTimeout(resolve, 3000)));
    victim.child.kill('SIGKILL');
    const r = await coordinator;
    await Promise.all(agents.map((a) => a.done));
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.status, 'passed');
    const lost = s.agents.filter((a: { status: string }) => a.status === 'lost');
    assert.equal(lost.length, 1, JSON.stringify(s.agents));
    assert.match(lost[0].detail, /no word from it/);
    assert.equal(
      s.agents.reduce((n: number, a: { requests: number }) => n + a.requests, 0),
      s.requests,
    );
    assert.match(r.stderr, /agent \d \(agent-\d\) lost: no word from it for \d+ s; the run goes on without it/);
    const store = new RunStore(openDb(join(dir, 'c.db')));
    const kinds = store.events(s.runId).map((e) => e.kind);
    assert.ok(kinds.includes('agent-lost'), kinds.join(','));
    assert.ok(kinds.includes('agents'), 'merged seconds say when fewer agents contributed');
    store.db.close();
  } finally {
    await server.close();
  }
});

test('a wrong token is refused before anything runs; a coordinator beyond loopback needs a token', async () => {
  const server = await httpServer((_req, res) => res.end('ok'));
  const dir = tempDir();
  const port = await unusedPort();
  try {
    const file = writeProfile(dir, 'p.yaml', profile(server.url, ['load: { model: open, rate: 10, duration: 5s }']));
    const coordinator = strain(['coordinate', file, '--agents', '1', '--listen', `127.0.0.1:${port}`, '--db', join(dir, 'c.db'), '--wait', '3s'], {
      env: { STRAIN_COORDINATOR_TOKEN: 'right' },
    });
    const intruder = agent(`http://127.0.0.1:${port}`, 'intruder', { STRAIN_COORDINATOR_TOKEN: 'wrong', AGENT_TAG: 'x' });
    const a = await intruder.done;
    const r = await coordinator;
    assert.equal(a.code, 3, a.stderr);
    assert.match(a.stderr, /refused this agent \(HTTP 401\): missing or wrong token/);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /only 0 of 1 agents joined within 3s/);
    const open = await strain(['coordinate', file, '--agents', '1', '--listen', `0.0.0.0:${port}`, '--db', join(dir, 'c.db')], { env: { STRAIN_COORDINATOR_TOKEN: '' } });
    assert.equal(open.code, 2);
    assert.match(open.stderr, /taking agents beyond loopback requires a token/);
  } finally {
    await server.close();
  }
});

test('strain coordinate refuses an --agent-timeout that would declare healthy agents lost, and a --wait of nothing (exit 2)', async () => {
  const dir = tempDir();
  const file = writeProfile(dir, 'p.yaml', profile('http://127.0.0.1:1', ['load: { model: open, rate: 5, duration: 2s }']));
  const cases: [string[], RegExp][] = [
    [['--agent-timeout', '0s'], /^strain: --agent-timeout: "0s" is below 3s/m],
    [['--wait', '0s'], /^strain: --wait: "0s" leaves no time for agents to join/m],
  ];
  for (const [args, message] of cases) {
    const r = await strain(['coordinate', file, '--agents', '1', '--listen', '127.0.0.1:0', '--db', join(dir, 'c.db'), ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
});

test('an agent sent SIGTERM (a pod being deleted) stops its load, hands over its last figures and exits 130', async () => {
  const server = await httpServer((_req, res) => res.end('ok'));
  const dir = tempDir();
  const port = await unusedPort();
  try {
    const file = writeProfile(dir, 'p.yaml', profile(server.url, ['load: { model: open, rate: 60, duration: 8s, warmup: 0s }']));
    const coordinator = strain(['coordinate', file, '--agents', '2', '--listen', `127.0.0.1:${port}`, '--db', join(dir, 'c.db'), '--json']);
    const agents = [0, 1].map((i) => agent(`http://127.0.0.1:${port}`, `agent-${i}`, { AGENT_TAG: String(i) }));
    const leaving = agents[0];
    await new Promise<void>((resolve) => leaving.child.stderr!.on('data', (d) => String(d).includes('joined') && setTimeout(resolve, 3000)));
    leaving.child.kill('SIGTERM');
    const [left, stayed] = await Promise.all(agents.map((a) => a.done));
    const r = await coordinator;
    assert.equal(left.code, 130, left.stderr);
    assert.match(left.stderr, /SIGTERM: stopping and handing over the last figures/);
    assert.equal(stayed.code, 0, stayed.stderr);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    const byName = Object.fromEntries(s.agents.map((a: { name: string }) => [a.name, a]));
    assert.equal(byName['agent-0'].status, 'finished', 'it said goodbye: not lost');
    assert.ok(byName['agent-0'].requests > 0 && byName['agent-0'].requests < byName['agent-1'].requests, JSON.stringify(s.agents));
    assert.equal(byName['agent-0'].requests + byName['agent-1'].requests, s.requests);
  } finally {
    await server.close();
  }
});
