import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { demoTarget } from './helpers/processes';

const within = (actual: number, truth: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - truth) <= truth * tolerance, `${what}: ${actual} is not within ${tolerance * 100}% of ${truth}`);

test('against a target with known timing, TTFT, TPOT, E2E, tokens per request and tokens/s come out true; token counts exact', async () => {
  const ttft = 60;
  const tpot = 8;
  const tokens = 40;
  const vus = 4;
  const target = await demoTarget(['--llm', '--ttft', `${ttft}ms`, '--tpot', `${tpot}ms`, '--slots', '8']);
  const dir = tempDir();
  try {
    const profile = writeProfile(
      dir,
      'llm.yaml',
      [
        'name: llm-truth',
        'kind: load',
        `target: ${target.url}`,
        `load: { model: closed, vus: ${vus}, duration: 4s, warmup: 0s }`,
        `scenario: [{ llm: { model: demo, prompt: { tokens: 100 }, maxTokens: ${tokens} } }]`,
        'llm: { slo: { ttft: 200ms, tpot: 20ms } }',
        'thresholds: { ttft.p95: "< 200ms", tokens.rate: "> 100/s", goodput.fraction: "> 99%" }',
      ].join('\n'),
    );
    const r = await strain(['run', profile, '--db', join(dir, 'r.db'), '--json', '--no-monitor'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(0, 2000));
    const l = JSON.parse(r.stdout).llm;
    const e2e = ttft + (tokens - 1) * tpot;
    within(l.ttftMs.p50, ttft, 0.15, 'TTFT p50');
    within(l.tpotMs.p50, tpot, 0.1, 'TPOT p50');
    within(l.itlMs.mean, tpot, 0.1, 'ITL mean');
    within(l.e2eMs.p50, e2e, 0.1, 'E2E p50');
    within(l.outputTokensPerSec, (vus * tokens * 1000) / e2e, 0.15, 'output tokens/s');
    within(l.outputTokensPerSecPerUser, 1000 / tpot, 0.1, 'output tokens/s per user');
    assert.ok(l.requests >= 30, `${l.requests} requests`);
    assert.equal(l.outputTokens, l.requests * tokens, 'output tokens exact (usage)');
    assert.equal(l.inputTokens, l.requests * 100, 'input tokens exact (synthetic prompt of 100 tokens)');
    assert.equal(l.tokensCounted, 0);
    assert.deepEqual(l.goodput.fraction, 1);
    assert.deepEqual(l.bad, {});
    // The step's own figures are the run's (one llm step).
    const step = JSON.parse(r.stdout).steps[0].llm;
    assert.equal(step.requests, l.requests);
    assert.equal(step.outputTokens, l.outputTokens);
    assert.equal(step.ttftMs.p50, l.ttftMs.p50);
  } finally {
    await target.stop();
  }
});

/** Answers each request with the next of a list of bad (or odd) answers. */
function badServer(): Promise<Server> {
  const chunk = (c: string) => `data: {"choices":[{"delta":{"content":"${c}"}}]}\n\n`;
  const answers: ((res: import('node:http').ServerResponse) => void)[] = [
    (res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>busy</html>');
    },
    (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(chunk(' the') + chunk(' of'));
    },
    (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(chunk(' the') + 'event: error\ndata: {"message":"engine died"}\n\n');
    },
    (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {"choices":[{"delta":\n\ndata: [DONE]\n\n');
    },
    (res) => {
      res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' });
      res.end('{"error":"slow down"}');
    },
    (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content: ' the of and' } }], usage: { prompt_tokens: 3, completion_tokens: 3 } }));
    },
  ];
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => answers[n++ % answers.length](res), 2));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('bad answers are counted by class, never a crash; a server ignoring stream: true is measured as non-streamed and said so', async () => {
  const server = await badServer();
  const dir = tempDir();
  try {
    const port = (server.address() as AddressInfo).port;
    const profile = writeProfile(
      dir,
      'bad.yaml',
      [
        'name: llm-bad',
        'kind: load',
        `target: http://127.0.0.1:${port}`,
        'load: { model: closed, vus: 1, duration: 1s, warmup: 0s }',
        'scenario: [{ llm: { model: m, prompt: "Say hi", maxTokens: 3 }, think: 20ms }]',
      ].join('\n'),
    );
    const r = await strain(['run', profile, '--db', join(dir, 'b.db'), '--json', '--no-monitor'], { timeoutMs: 30_000 });
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
    const s = JSON.parse(r.stdout);
    const bad = s.llm.bad;
    for (const cls of ['not-sse', 'no-done', 'error-event', 'bad-json', 'rate-limited']) assert.ok(bad[cls] >= 1, `${cls}: ${JSON.stringify(bad)}`);
    assert.ok(s.llm.nonStreamed >= 1);
    assert.ok(s.llm.requests >= 1, 'the non-streamed answers are measured');
    const reasons = s.steps[0].failures.map((f: { reason: string }) => f.reason).join('\n');
    assert.match(reasons, /429 rate limited \(retry-after: 2\)/);
    assert.match(reasons, /stream ended without \[DONE\]/);
    assert.match(reasons, /server ignored stream: true/);
    assert.equal(s.errorsByClass.check > 0, true);
  } finally {
    server.close();
  }
});

test('a concurrency stress on an LLM with 4 generation slots breaks on TTFT at the first step past 4', async () => {
  // 4 slots, each generation 30 + 19 x 5 = 125 ms: up to 4 VUs TTFT stays ~30 ms; at 6 two wait a whole generation.
  const target = await demoTarget(['--llm', '--ttft', '30ms', '--tpot', '5ms', '--slots', '4']);
  const dir = tempDir();
  try {
    const profile = writeProfile(
      dir,
      'stress.yaml',
      [
        'name: llm-stress',
        'kind: stress',
        `target: ${target.url}`,
        'load: { model: closed, start: 2, step: 2, stepDuration: 4s, max: 10, warmup: 0s }',
        'scenario: [{ llm: { model: demo, prompt: "Count to twenty", maxTokens: 20 } }]',
        'thresholds: { ttft.p99: "< 100ms" }',
      ].join('\n'),
    );
    const r = await strain(['run', profile, '--db', join(dir, 's.db'), '--json', '--no-monitor'], { timeoutMs: 60_000 });
    const s = JSON.parse(r.stdout);
    const f = s.findings.find((x: { kind: string }) => x.kind === 'breaking-point');
    assert.equal(f.verdict, 'broken', f.summary);
    // A step where strain itself lagged is never blamed on the target (a loaded machine): then the next one breaks.
    const exempt = (f.generatorBoundLevels as number[]).includes(6);
    assert.equal(f.breakingLevel, exempt ? 8 : 6, f.summary);
    // The highest step below the break that did not break (a generator-bound 6 may have).
    const good = (f.steps as { level: number; broken: boolean }[]).filter((st) => st.level < f.breakingLevel && !st.broken);
    assert.equal(f.lastGoodLevel, good[good.length - 1]?.level ?? null, f.summary);
    if (!exempt) assert.equal(f.lastGoodLevel, 4, f.summary);
    assert.equal(f.reason, 'ttft');
    assert.ok(f.steps.every((st: { outputTokensPerSec?: number }) => typeof st.outputTokensPerSec === 'number'));
    // Output tokens/s grows with concurrency while slots are free (how much is timing: not asserted).
    const at = (level: number) => f.steps.find((st: { level: number }) => st.level === level).outputTokensPerSec;
    assert.ok(at(4) > at(2), `2 VUs ${at(2)} tok/s, 4 VUs ${at(4)}`);
  } finally {
    await target.stop();
  }
});

test('compare gates a server change on TTFT p95 and output tokens/s; trend lists both', async () => {
  const dir = tempDir();
  const db = join(dir, 'c.db');
  const runAgainst = async (ttft: string) => {
    const target = await demoTarget(['--llm', '--ttft', ttft, '--tpot', '5ms']);
    try {
      const profile = writeProfile(
        dir,
        'cmp.yaml',
        [
          'name: llm-cmp',
          'kind: load',
          `target: ${target.url}`,
          'load: { model: closed, vus: 2, duration: 2s, warmup: 0s }',
          'scenario: [{ llm: { model: demo, prompt: "hi", maxTokens: 10 } }]',
        ].join('\n'),
      );
      const r = await strain(['run', profile, '--db', db, '--json', '--no-monitor'], { timeoutMs: 30_000 });
      assert.equal(r.code, 0, r.stderr);
    } finally {
      await target.stop();
    }
  };
  await runAgainst('20ms');
  await runAgainst('80ms');
  const c = await strain(['compare', '1', '2', '--db', db, '--json']);
  assert.equal(c.code, 1, c.stdout);
  const out = JSON.parse(c.stdout);
  assert.ok(
    out.regressions.some((r: string) => r.startsWith('llm TTFT p95')),
    out.regressions.join('; '),
  );
  assert.ok(
    out.regressions.some((r: string) => r.startsWith('llm output tokens/s')),
    out.regressions.join('; '),
  );
  const t = await strain(['trend', 'llm-cmp', '--db', db]);
  assert.match(t.stdout, /ttft p95 ms\ttok\/s/);
});

test('split across worker threads, the llm figures are added exactly: token counts and step figures match the run', async () => {
  const target = await demoTarget(['--llm', '--ttft', '40ms', '--tpot', '5ms']);
  const dir = tempDir();
  try {
    const profile = writeProfile(
      dir,
      'w.yaml',
      [
        'name: llm-workers',
        'kind: load',
        `target: ${target.url}`,
        'load: { model: closed, vus: 4, duration: 2s, warmup: 0s, workers: 2 }',
        'scenario: [{ llm: { model: demo, prompt: { tokens: 50 }, maxTokens: 20 } }]',
      ].join('\n'),
    );
    const r = await strain(['run', profile, '--db', join(dir, 'w.db'), '--json', '--no-monitor'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.generator.workers, 2);
    assert.ok(s.llm.requests >= 10, `${s.llm.requests} requests`);
    assert.equal(s.llm.outputTokens, s.llm.requests * 20);
    assert.equal(s.llm.inputTokens, s.llm.requests * 50);
    assert.equal(s.steps[0].llm.requests, s.llm.requests, 'the step figures crossed from the workers');
    within(s.llm.ttftMs.p50, 40, 0.25, 'TTFT p50');
  } finally {
    await target.stop();
  }
});
