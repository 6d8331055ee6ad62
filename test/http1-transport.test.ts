import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { HttpTransport } from '../src/http/transport';
import type { Keep, PreparedRequest, ResponseHeaders } from '../src/http/types';
import { OUTCOME_NAMES } from '../src/core/outcome';
import { tcpServer } from './helpers/servers';

/** What one raw request looked like on the wire, and where it arrived. */
interface Seen {
  head: string;
  body: string;
  connection: number;
  onConnection: number;
}

/**
 * A TCP server that parses requests itself and answers with whatever bytes `reply` returns
 * (written in pieces when it returns an array), so every framing case is under the test's control.
 */
async function scriptedServer(reply: (req: Seen, socket: Socket) => string | string[] | undefined) {
  const seen: Seen[] = [];
  let connections = 0;
  const server = await tcpServer((socket) => {
    const connection = ++connections;
    let onConnection = 0;
    let buffer = Buffer.alloc(0);
    socket.on('data', async (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('utf8');
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
        buffer = buffer.subarray(end + 4 + length);
        const req = { head, body, connection, onConnection: ++onConnection };
        seen.push(req);
        const out = reply(req, socket);
        if (out === undefined) continue;
        for (const piece of Array.isArray(out) ? out : [out]) {
          socket.write(piece);
          if (Array.isArray(out)) await new Promise((r) => setTimeout(r, 5));
        }
      }
    });
  });
  return { ...server, seen, connections: () => connections };
}

interface Reply {
  outcome: string;
  status: number;
  bytes: number;
  headers: ResponseHeaders | undefined;
  body: string | undefined;
}

function send(t: HttpTransport, req: PreparedRequest, keep: Keep = 'status'): Promise<Reply> {
  return new Promise((resolve) => t.send(req, (cls, status, bytes, headers, body) => resolve({ outcome: OUTCOME_NAMES[cls], status, bytes, headers, body }), keep));
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

test('chunked bodies with extensions and trailers, delivered in small pieces, are read whole', async () => {
  const server = await scriptedServer(() => [
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Kind: ',
    'chunked\r\n\r\n5;ext=1\r\nhel',
    'lo\r\n6\r\n wor',
    'ld\r\n0\r\nX-Trailer: yes\r\n',
    '\r\n',
  ]);
  const t = new HttpTransport({ target: server.url, connections: 1 });
  try {
    const first = await send(t, t.prepare('GET', '/', {}, undefined, 2000), 'body');
    assert.deepEqual({ outcome: first.outcome, status: first.status, bytes: first.bytes, body: first.body }, { outcome: '2xx', status: 200, bytes: 11, body: 'hello world' });
    assert.equal(first.headers?.['x-kind'], 'chunked');
    const second = await send(t, t.prepare('GET', '/', {}, undefined, 2000), 'body');
    assert.equal(second.body, 'hello world');
    assert.equal(server.connections(), 1, 'the connection was kept alive across chunked responses');
  } finally {
    await t.destroy();
    await server.close();
  }
});

test('HEAD, 204 and 304 have no body; 1xx responses are skipped; the connection is reused', async () => {
  const server = await scriptedServer((req) => {
    if (req.head.startsWith('HEAD')) return 'HTTP/1.1 200 OK\r\ncontent-length: 5000\r\n\r\n';
    if (req.head.includes('/empty')) return 'HTTP/1.1 204 No Content\r\n\r\n';
    if (req.head.includes('/same')) return 'HTTP/1.1 304 Not Modified\r\ncontent-length: 99\r\n\r\n';
    if (req.head.includes('/hints')) return ['HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n', ok('after hints')];
    return ok('plain');
  });
  const t = new HttpTransport({ target: server.url, connections: 1 });
  try {
    const head = await send(t, t.prepare('HEAD', '/', {}, undefined, 2000));
    assert.deepEqual([head.outcome, head.status, head.bytes], ['2xx', 200, 0]);
    const empty = await send(t, t.prepare('GET', '/empty', {}, undefined, 2000));
    assert.deepEqual([empty.outcome, empty.status], ['2xx', 204]);
    const same = await send(t, t.prepare('GET', '/same', {}, undefined, 2000));
    assert.deepEqual([same.outcome, same.status, same.bytes], ['3xx', 304, 0]);
    const hints = await send(t, t.prepare('GET', '/hints', {}, undefined, 2000), 'body');
    assert.deepEqual([hints.status, hints.body], [200, 'after hints']);
    const plain = await send(t, t.prepare('GET', '/', {}, undefined, 2000), 'body');
    assert.equal(plain.body, 'plain');
    assert.equal(server.connections(), 1);
    assert.equal(server.seen.length, 5);
  } finally {
    await t.destroy();
    await server.close();
  }
});

test('connection: close and HTTP/1.0 bodies read until close get a fresh connection next time', async () => {
  const server = await scriptedServer((req, socket) => {
    if (req.head.includes('/old')) {
      socket.end('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end');
      return undefined;
    }
    return ok('bye', 'connection: close\r\n');
  });
  const t = new HttpTransport({ target: server.url, connections: 1 });
  try {
    const closing = await send(t, t.prepare('GET', '/', {}, undefined, 2000), 'body');
    assert.deepEqual([closing.outcome, closing.body], ['2xx', 'bye']);
    const old = await send(t, t.prepare('GET', '/old', {}, undefined, 2000), 'body');
    assert.deepEqual([old.outcome, old.bytes, old.body], ['2xx', 13, 'until the end']);
    const again = await send(t, t.prepare('GET', '/', {}, undefined, 2000));
    assert.equal(again.outcome, '2xx');
    assert.equal(server.connections(), 3, 'each closing response cost its connection');
  } finally {
    await t.destroy();
    await server.close();
  }
});

test('a keep-alive connection the server dropped is retried once for GET, reported as reset for POST', async () => {
  // Answers the first request on each connection; a second one on the same connection is dropped silently.
  const server = await scriptedServer((req, socket) => {
    if (req.onConnection > 1) {
      socket.destroy();
      return undefined;
    }
    return ok('fine');
  });
  const t = new HttpTransport({ target: server.url, connections: 1 });
  try {
    assert.equal((await send(t, t.prepare('GET', '/', {}, undefined, 2000))).outcome, '2xx');
    assert.equal((await send(t, t.prepare('GET', '/', {}, undefined, 2000))).outcome, '2xx', 'GET sent again on a new connection');
    assert.equal(server.connections(), 2);
    assert.equal((await send(t, t.prepare('POST', '/', {}, 'x', 2000))).outcome, 'reset', 'POST is not repeated');
  } finally {
    await t.destroy();
    await server.close();
  }
});

test('requests carry host and a byte-exact content-length; line breaks in headers are refused before sending', async () => {
  const server = await scriptedServer(() => ok('ok'));
  const t = new HttpTransport({ target: `${server.url}/api`, connections: 1 });
  try {
    await send(t, t.prepare('POST', '/items', { 'content-type': 'text/plain' }, 'naïve ☃', 2000));
    await send(t, t.prepare('GET', '/items?q=1', {}, undefined, 2000));
    const [post, get] = server.seen;
    assert.match(post.head, /^POST \/api\/items HTTP\/1\.1\r\n/);
    assert.match(post.head, new RegExp(`\r\nhost: 127\\.0\\.0\\.1:${server.port}\r\n`));
    assert.match(post.head, /\r\ncontent-length: 10$/);
    assert.equal(post.body, 'naïve ☃');
    assert.match(get.head, /^GET \/api\/items\?q=1 HTTP\/1\.1\r\n/);
    assert.doesNotMatch(get.head, /content-length/i);
    const injected = await send(t, t.prepare('GET', '/', { 'x-evil': 'a\r\nx-smuggled: 1' }, undefined, 2000));
    assert.equal(injected.outcome, 'other');
    assert.equal(server.seen.length, 2, 'nothing was sent for the refused request');
  } finally {
    await t.destroy();
    await server.close();
  }
});

test('never more connections than the limit; waiting requests are served in turn', async () => {
  const server = await scriptedServer((_req, socket) => {
    setTimeout(() => socket.write(ok('slow')), 20);
    return undefined;
  });
  const t = new HttpTransport({ target: server.url, connections: 3 });
  try {
    const replies = await Promise.all(Array.from({ length: 12 }, () => send(t, t.prepare('GET', '/', {}, undefined, 5000))));
    assert.deepEqual([...new Set(replies.map((r) => r.outcome))], ['2xx']);
    assert.equal(server.connections(), 3);
    assert.equal(server.seen.length, 12);
  } finally {
    await t.destroy();
    await server.close();
  }
});

test('warm() opens the connections before any request', async () => {
  const server = await scriptedServer(() => ok('ok'));
  const t = new HttpTransport({ target: server.url, connections: 4 });
  try {
    assert.equal(await t.warm(), 4);
    await Promise.all(Array.from({ length: 4 }, () => send(t, t.prepare('GET', '/', {}, undefined, 2000))));
    assert.equal(server.connections(), 4, 'requests used the opened connections, no more were opened');
    assert.deepEqual(server.seen.map((s) => s.connection).sort(), [1, 2, 3, 4], 'one request on each');
  } finally {
    await t.destroy();
    await server.close();
  }
});
