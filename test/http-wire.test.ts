import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidRequest, parseChunkSize, parseHead, serializeRequest, startsLikeHttp } from '../src/http/wire';
import { HttpTransport } from '../src/http/transport';
import type { PreparedRequest } from '../src/http/types';
import { httpServer } from './helpers/servers';

const request = (over: Partial<PreparedRequest>): PreparedRequest => ({ method: 'GET', path: '/', headers: {}, body: undefined, timeoutMs: 1000, ...over });

test('serializeRequest: one row per framing rule', () => {
  const rows: { name: string; req: Partial<PreparedRequest>; wire: string }[] = [
    { name: 'GET: host added, no content-length', req: {}, wire: 'GET / HTTP/1.1\r\nhost: h:1\r\n\r\n' },
    { name: 'a host header given is kept, not doubled', req: { headers: { Host: 'other' } }, wire: 'GET / HTTP/1.1\r\nHost: other\r\n\r\n' },
    { name: 'POST without a body says content-length: 0', req: { method: 'POST' }, wire: 'POST / HTTP/1.1\r\nhost: h:1\r\ncontent-length: 0\r\n\r\n' },
    { name: 'DELETE without a body sends no length', req: { method: 'DELETE' }, wire: 'DELETE / HTTP/1.1\r\nhost: h:1\r\n\r\n' },
    { name: 'a body is counted in bytes, not characters', req: { method: 'PUT', body: 'é' }, wire: 'PUT / HTTP/1.1\r\nhost: h:1\r\ncontent-length: 2\r\n\r\né' },
    {
      name: 'framing headers given by the user are replaced by computed ones',
      req: { method: 'POST', body: 'abc', headers: { 'Content-Length': '99', 'transfer-encoding': 'chunked', accept: '*/*' } },
      wire: 'POST / HTTP/1.1\r\nhost: h:1\r\naccept: */*\r\ncontent-length: 3\r\n\r\nabc',
    },
  ];
  for (const row of rows) assert.equal(serializeRequest(request(row.req), 'h:1').toString('utf8'), row.wire, row.name);
});

test('serializeRequest refuses header names and values with line breaks', () => {
  const cases: Record<string, string>[] = [{ 'x-a': 'v\r\nx-injected: 1' }, { 'x-a\n': 'v' }, { 'x-a': 'v\n' }];
  for (const headers of cases) {
    assert.throws(() => serializeRequest(request({ headers }), 'h:1'), InvalidRequest, JSON.stringify(headers));
  }
});

test('parseHead: one row per response head', () => {
  const rows: { name: string; head: string; all?: boolean; want: ReturnType<typeof parseHead> }[] = [
    { name: 'plain 200 keeps alive', head: 'HTTP/1.1 200 OK', want: { status: 200, contentLength: -1, chunked: false, keepAlive: true, headers: undefined } },
    { name: 'content-length read', head: 'HTTP/1.1 200 OK\r\nContent-Length: 12', want: { status: 200, contentLength: 12, chunked: false, keepAlive: true, headers: undefined } },
    {
      name: 'chunked read',
      head: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked',
      want: { status: 200, contentLength: -1, chunked: true, keepAlive: true, headers: undefined },
    },
    {
      name: 'connection: close ends keep-alive',
      head: 'HTTP/1.1 204 No Content\r\nConnection: close',
      want: { status: 204, contentLength: -1, chunked: false, keepAlive: false, headers: undefined },
    },
    { name: 'HTTP/1.0 closes unless asked', head: 'HTTP/1.0 200 OK', want: { status: 200, contentLength: -1, chunked: false, keepAlive: false, headers: undefined } },
    {
      name: 'HTTP/1.0 with keep-alive stays',
      head: 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive',
      want: { status: 200, contentLength: -1, chunked: false, keepAlive: true, headers: undefined },
    },
    {
      name: 'set-cookie collected even on the fast path',
      head: 'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Other: y\r\nSet-Cookie: b=2',
      want: { status: 200, contentLength: -1, chunked: false, keepAlive: true, headers: { 'set-cookie': ['a=1', 'b=2'] } },
    },
    {
      name: 'every header when asked; repeats joined with a comma',
      head: 'HTTP/1.1 302 Found\r\nLocation: /x\r\nVary: a\r\nVary: b',
      all: true,
      want: { status: 302, contentLength: -1, chunked: false, keepAlive: true, headers: { location: '/x', vary: 'a, b' } },
    },
    {
      name: 'a repeated identical content-length is one',
      head: 'HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\nContent-Length: 5',
      want: { status: 200, contentLength: 5, chunked: false, keepAlive: true, headers: undefined },
    },
    // Protocol violations: the reason, never a guess at the framing.
    { name: 'not HTTP', head: 'SSH-2.0-OpenSSH', want: 'not HTTP: "SSH-2.0-OpenSSH"' },
    { name: 'status not a number', head: 'HTTP/1.1 abc OK', want: 'bad status line "HTTP/1.1 abc OK"' },
    { name: 'status of four digits', head: 'HTTP/1.1 2000 OK', want: 'bad status line "HTTP/1.1 2000 OK"' },
    { name: 'negative content-length', head: 'HTTP/1.1 200 OK\r\nContent-Length: -1', want: 'invalid content-length "-1"' },
    { name: 'content-length not an integer', head: 'HTTP/1.1 200 OK\r\nContent-Length: 1.5', want: 'invalid content-length "1.5"' },
    { name: 'conflicting content-lengths', head: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 50', want: 'conflicting content-length headers (5 and 50)' },
    { name: 'a list of different content-lengths', head: 'HTTP/1.1 200 OK\r\nContent-Length: 5, 6', want: 'invalid content-length "5, 6"' },
    { name: 'a content-length past 2^53', head: 'HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999', want: 'invalid content-length "99999999999999999999"' },
  ];
  for (const row of rows) assert.deepEqual(parseHead(row.head, row.all ?? false), row.want, row.name);
});

test('parseChunkSize: one row per chunk-size line', () => {
  const rows: [string, number | string][] = [
    ['0', 0],
    ['1a', 26],
    ['FF;name=value', 255],
    ['00010', 16],
    ['FFFFFFFFFFFFFFFF', 'absurd chunk size "FFFFFFFFFFFFFFFF"'],
    ['zz', 'bad chunk size line "zz"'],
    ['', 'bad chunk size line ""'],
    ['-1', 'bad chunk size line "-1"'],
  ];
  for (const [line, want] of rows) assert.deepEqual(parseChunkSize(line), want, line);
});

test('startsLikeHttp: garbage is known from its first bytes', () => {
  for (const [text, want] of [
    ['H', true],
    ['HTTP/1.1 2', true],
    ['HTTP/2', false],
    ['SSH-2.0', false],
    ['', true],
    ['<html>', false],
  ] as const) {
    assert.equal(startsLikeHttp(Buffer.from(text), 0), want, text);
  }
});

test('the streaming seam: a chunk observer sees each piece of body as it arrives, in order, before done', async () => {
  const server = await httpServer((_req, res) => {
    res.write('data: one\n\n');
    setTimeout(() => res.end('data: two\n\n'), 30);
  });
  const transport = new HttpTransport({ target: server.url, connections: 1 });
  try {
    const seen: { text: string; at: number }[] = [];
    const result = await new Promise<{ status: number; bytes: number }>((resolve) => {
      transport.send(
        transport.prepare('GET', '/', {}, undefined, 2000),
        (_cls, status, bytes) => resolve({ status, bytes }),
        'status',
        undefined,
        (chunk, at) => seen.push({ text: chunk.toString('utf8'), at }),
      );
    });
    assert.equal(result.status, 200);
    assert.equal(seen.map((s) => s.text).join(''), 'data: one\n\ndata: two\n\n');
    assert.equal(
      seen.reduce((n, s) => n + Buffer.byteLength(s.text), 0),
      result.bytes,
    );
    assert.ok(seen.length >= 2, `pieces: ${seen.length}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].at >= seen[i - 1].at);
  } finally {
    await transport.destroy();
    await server.close();
  }
});
