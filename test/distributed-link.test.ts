import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentHub, type AgentState } from '../src/distributed/hub';
import { CoordinatorLink, RefusedError } from '../src/distributed/link';
import { breakableProxy } from './helpers/proxy';
import { httpServer } from './helpers/servers';

type ToAgent = { type: 'go' } | { type: 'stop' };
type FromAgent = { type: 'n'; n: number };

function hub(received: number[], lost: string[] = []) {
  return new AgentHub<ToAgent, FromAgent, object>({
    token: 'sesame',
    agents: 2,
    assignment: () => ({ profile: { document: {}, label: 'p.yaml', dir: '/' }, overrides: {} }),
    onJoin: () => undefined,
    onMessage: (_a: AgentState, m) => received.push(m.n),
    lossTimeoutMs: 1500,
    onLost: (a, why) => lost.push(`${a.name}: ${why}`),
  });
}

const waitFor = async (what: () => boolean, ms = 10_000) => {
  const until = Date.now() + ms;
  while (!what()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('messages sent across a network break arrive once each, in order, and control messages missed are replayed', async () => {
  const received: number[] = [];
  const h = hub(received);
  const url = await h.listen('127.0.0.1', 0);
  const proxy = await breakableProxy(Number(new URL(url).port));
  const breaks: string[] = [];
  const link = new CoordinatorLink<ToAgent, FromAgent, object>(new URL(proxy.url), 'sesame', (m) => breaks.push(m));
  try {
    const a = await link.join('a', 1, 5000);
    assert.equal(a.index, 1);
    assert.equal(a.of, 2);
    const control: string[] = [];
    link.listen(
      (m) => control.push(m.type),
      () => undefined,
    );
    await waitFor(() => h.agents()[0]?.control !== undefined);
    for (let n = 1; n <= 50; n++) link.send({ type: 'n', n });
    await waitFor(() => received.length === 50);
    proxy.cut(1200);
    h.send(1, { type: 'go' }); // written into a dead stream: must be replayed on reconnect
    for (let n = 51; n <= 100; n++) link.send({ type: 'n', n });
    await link.drain(10_000);
    await waitFor(() => control.length === 1);
    assert.deepEqual(
      received,
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    assert.deepEqual(control, ['go']);
    assert.ok(
      breaks.some((b) => b.startsWith('lost the coordinator')),
      breaks.join('; '),
    );
    assert.ok(
      breaks.some((b) => b.startsWith('coordinator reachable again')),
      breaks.join('; '),
    );
  } finally {
    link.close();
    await proxy.close();
    await h.close();
  }
});

test('a wrong token is refused at join; a silent agent is declared lost', async () => {
  const received: number[] = [];
  const lost: string[] = [];
  const h = hub(received, lost);
  const url = await h.listen('127.0.0.1', 0);
  try {
    const bad = new CoordinatorLink<ToAgent, FromAgent, object>(new URL(url), 'wrong');
    await assert.rejects(bad.join('x', undefined, 2000), (err: Error) => err instanceof RefusedError && /HTTP 401/.test(err.message));
    assert.equal(h.agents().length, 0);
    const quiet = new CoordinatorLink<ToAgent, FromAgent, object>(new URL(url), 'sesame');
    await quiet.join('qu\niet\u001b[2J', undefined, 2000); // a name cannot forge log lines or terminal escapes
    assert.equal(h.agents()[0].name, 'qu iet[2J');
    h.watchForLoss();
    await waitFor(() => lost.length === 1, 5000);
    assert.match(lost[0], /^qu iet\[2J: no word from it for \d+ s$/);
  } finally {
    await h.close();
  }
});

test('a URL that is not a coordinator is refused at join, not taken as an assignment', async () => {
  const server = await httpServer((_req, res) => res.end('{"hello":"world"}'));
  try {
    const link = new CoordinatorLink<ToAgent, FromAgent, object>(new URL(server.url), undefined);
    await assert.rejects(link.join('x', undefined, 2000), (err: Error) => err instanceof RefusedError && /not an assignment: is it a strain coordinator\?/.test(err.message));
  } finally {
    await server.close();
  }
});

test('a late message after being declared lost is refused without a crash; an agent whose coordinator dies gives it up past the loss timeout', async () => {
  const lost: string[] = [];
  const h = hub([], lost);
  const dying = hub([]);
  const late = new CoordinatorLink<ToAgent, FromAgent, object>(new URL(await h.listen('127.0.0.1', 0)), 'sesame');
  const orphan = new CoordinatorLink<ToAgent, FromAgent, object>(new URL(await dying.listen('127.0.0.1', 0)), 'sesame');
  try {
    await late.join('late', undefined, 2000);
    h.watchForLoss();
    await waitFor(() => lost.length === 1, 5000);
    late.send({ type: 'n', n: 1 }); // answered 410: the link gives up instead of throwing into nowhere
    await waitFor(() => late.gone() !== undefined, 5000);
    assert.match(late.gone()!, /declared lost/);
    await assert.rejects(late.drain(1000), /could not reach the coordinator/);

    const a = await orphan.join('orphan', undefined, 2000);
    assert.equal(a.lossTimeoutMs, 1500);
    const gone: string[] = [];
    orphan.listen(
      () => undefined,
      (why) => gone.push(why),
    );
    await dying.close();
    await waitFor(() => gone.length === 1, 10_000);
    assert.match(gone[0], /^no answer from the coordinator for \d+ s/);
    assert.equal(orphan.gone(), gone[0]);
  } finally {
    late.close();
    orphan.close();
    await h.close();
    await dying.close().catch(() => undefined);
  }
});
