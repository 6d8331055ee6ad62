import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planAt } from '../src/core/plan';
import type { IntervalSnapshot } from '../src/core/interval';
import type { Stage } from '../src/core/profile';
import { ClosedExecutor } from '../src/engine/closed';
import type { ExecutorContext } from '../src/engine/executor';
import { OpenExecutor } from '../src/engine/open';
import { prepareScenarios } from '../src/engine/scenario/steps';
import { HttpTransport } from '../src/http/transport';
import { Recorder } from '../src/recorder/recorder';
import { step } from './helpers/profile';
import { httpServer } from './helpers/servers';

/**
 * An executor on a fake clock against a real server: the plan moves only when the test sets
 * the clock, so "how many should have started by now" has one exact answer.
 */
function context(url: string, stages: Stage[], maxInFlight = 1000) {
  let now = 50_000;
  const clock = () => now;
  const transport = new HttpTransport({ target: url, connections: 20 });
  const prepared = prepareScenarios(transport, [], [{ name: 'default', weight: 1, steps: [step()] }]);
  const seconds: Pick<IntervalSnapshot, 'offered' | 'started' | 'dropped'>[] = [];
  const recorder = new Recorder({
    steps: prepared.stepNames,
    clock,
    startClock: now,
    startedAt: Date.now(),
    plan: (ms) => planAt(stages, ms),
    separateServiceLatency: true,
    inFlight: () => 0,
    sinks: [{ onInterval: ({ offered, started, dropped }) => seconds.push({ offered, started, dropped }) }],
  });
  let stopping = false;
  const ctx: ExecutorContext = {
    iteration: {
      transport,
      setup: prepared.setup,
      scenarios: prepared.scenarios,
      sink: recorder,
      clock,
      random: Math.random,
      env: {},
      feeder: undefined,
      onFeederExhausted: () => undefined,
      isStopping: () => stopping,
      isRecording: () => true,
    },
    recorder,
    stages,
    plan: (ms) => planAt(stages, ms),
    clock,
    t0: now,
    maxInFlight,
    users: [],
    shard: { index: 0, of: 1 },
  };
  return {
    ctx,
    recorder,
    transport,
    seconds,
    at: (ms: number) => (now = 50_000 + ms),
    stop: () => (stopping = true),
  };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(cond(), what);
}

test('open model: the arrivals owed by the clock start, exactly the integral of the rate; beyond maxInFlight they are dropped', async () => {
  const held: (() => void)[] = [];
  const server = await httpServer((_req, res) => held.push(() => res.end('ok')));
  const { ctx, recorder, transport, seconds, at, stop } = context(server.url, [{ name: 'ramp', durationMs: 3000, from: 0, to: 150 }], 10);
  const open = new OpenExecutor(ctx);
  try {
    recorder.begin(ctx.t0, Date.now());
    open.start();
    at(1000); // a ramp 0 -> 150/s over 3 s: by t = 1 s, 25 arrivals are owed (the area under the rate)
    open.startDue();
    assert.equal(open.inFlight(), 10, 'maxInFlight holds the rest back');
    assert.match(open.describeLevel(), /^50\/s$/);
    open.setPaused(true);
    at(2000);
    recorder.tick();
    open.setPaused(false); // the 50 arrivals owed during the pause are not sent in a burst on resume
    at(3000);
    open.startDue();
    recorder.tick();
    assert.deepEqual(seconds[0], { offered: 25, started: 10, dropped: 15 });
    assert.deepEqual(seconds[1], { offered: 0, started: 0, dropped: 0 }, 'paused: nothing offered');
    assert.equal(seconds[2].offered, 125, "the third second: its own 125 arrivals, none of the paused second's 50");
  } finally {
    open.stop();
    stop();
    for (const release of held.splice(0)) release();
    await until(() => open.inFlight() === 0, 'in-flight iterations finish');
    await transport.destroy();
    await server.close();
  }
});

test('closed model: the VUs follow the planned level on the clock, and a nudge scales them', async () => {
  const server = await httpServer((_req, res) => setTimeout(() => res.end('ok'), 5));
  const { ctx, transport, at, stop } = context(server.url, [{ name: 'ramp', durationMs: 1000, from: 0, to: 10 }]);
  const closed = new ClosedExecutor(ctx);
  try {
    at(500);
    closed.start();
    assert.equal(closed.describeLevel(), '5 VUs');
    at(1000);
    closed.setFactor(1.5);
    assert.equal(closed.describeLevel(), '15 VUs');
    await until(() => ctx.users.length === 15, 'every VU got its own user');
    closed.setPaused(true);
    await until(() => closed.inFlight() === 0, 'paused VUs finish their iteration and wait');
    assert.equal(closed.describeLevel(), '15 VUs (paused)');
  } finally {
    closed.stop();
    stop();
    await until(() => closed.inFlight() === 0, 'VUs retire');
    await transport.destroy();
    await server.close();
  }
});
