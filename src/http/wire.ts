import type { PreparedRequest, ResponseHeaders } from './types';

/**
 * The HTTP/1.1 wire as pure functions: request bytes out, response-head facts in. No sockets,
 * no state, so each edge case is a row in a table test (test/http-wire.test.ts).
 */

/** A response head larger than this is not HTTP we want to parse. */
export const MAX_HEAD = 64 * 1024;
export const CRLFCRLF = Buffer.from('\r\n\r\n');
const BODYLESS_METHODS_WITHOUT_LENGTH = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'DELETE']);

/** Builds the bytes of a request once; a fixed step reuses them for every send. */
export function serializeRequest(req: PreparedRequest, hostHeader: string): Buffer {
  let head = `${req.method} ${req.path} HTTP/1.1\r\n`;
  let hasHost = false;
  for (const name in req.headers) {
    const value = req.headers[name];
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new InvalidRequest(`header ${name} contains a line break`);
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding') continue; // computed below
    if (lower === 'host') hasHost = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!hasHost) head = head.replace('\r\n', `\r\nhost: ${hostHeader}\r\n`);
  const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
  if (body) head += `content-length: ${body.length}\r\n`;
  else if (!BODYLESS_METHODS_WITHOUT_LENGTH.has(req.method)) head += 'content-length: 0\r\n';
  head += '\r\n';
  const headBytes = Buffer.from(head, 'utf8');
  return body ? Buffer.concat([headBytes, body]) : headBytes;
}

export class InvalidRequest extends Error {}

/** The headers a load generator acts on, found without building an object for every header. */
export interface HeadFacts {
  status: number;
  contentLength: number;
  chunked: boolean;
  keepAlive: boolean;
  headers: ResponseHeaders | undefined;
}

/** The first bytes of what a server sent, quoted for a failure reason ("SSH-2.0-OpenSSH\r\n"). */
export function sampleOf(text: string, max = 60): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}...` : text);
}

const HTTP_PREFIX = 'HTTP/1.';

/** Whether the bytes received so far can still be the start of an HTTP/1.x response: garbage is known at once. */
export function startsLikeHttp(buf: Buffer, off: number): boolean {
  const n = Math.min(HTTP_PREFIX.length, buf.length - off);
  for (let i = 0; i < n; i++) if (buf[off + i] !== HTTP_PREFIX.charCodeAt(i)) return false;
  return true;
}

/** Largest chunk size taken at face value; a size past 2^53 (FFFFFFFFFFFFFFFF) is not a real body. */
const MAX_CHUNK = Number.MAX_SAFE_INTEGER;

/** A chunk-size line (extensions after ';' ignored): the size, or why it is not one. */
export function parseChunkSize(line: string): number | string {
  const digits = /^([0-9a-fA-F]+)[ \t]*(;.*)?$/.exec(line);
  if (!digits) return `bad chunk size line ${sampleOf(line)}`;
  const size = parseInt(digits[1], 16);
  if (!(size <= MAX_CHUNK)) return `absurd chunk size ${sampleOf(digits[1])}`;
  return size;
}

/**
 * Parses a response head (status line and headers, without the blank line). Returns why,
 * when it is not valid HTTP/1.x (a protocol error). All headers are collected only when
 * `allHeaders`; otherwise only set-cookie is (cookies are kept even on the fast path).
 */
export function parseHead(text: string, allHeaders: boolean): HeadFacts | string {
  if (!text.startsWith(HTTP_PREFIX)) return `not HTTP: ${sampleOf(text)}`;
  const status = Number(text.slice(9, 12));
  const statusEnd = text.charCodeAt(12);
  if (text.length < 12 || text.charCodeAt(8) !== 32 || !/^\d{3}$/.test(text.slice(9, 12)) || status < 100 || (text.length > 12 && statusEnd !== 32 && statusEnd !== 13)) {
    return `bad status line ${sampleOf(text.split('\r\n')[0])}`;
  }
  const http10 = text.charCodeAt(7) === 48; // HTTP/1.0
  const facts: HeadFacts = { status, contentLength: -1, chunked: false, keepAlive: !http10, headers: allHeaders ? {} : undefined };
  let at = text.indexOf('\r\n');
  while (at >= 0) {
    const start = at + 2;
    at = text.indexOf('\r\n', start);
    const end = at < 0 ? text.length : at;
    const colon = text.indexOf(':', start);
    if (colon < 0 || colon > end) continue;
    const nameLength = colon - start;
    // Only a few names matter (content-length, transfer-encoding, connection, set-cookie):
    // skip the lowercase copy for every other length and first letter.
    if (!allHeaders) {
      if (nameLength !== 14 && nameLength !== 17 && nameLength !== 10) continue;
      const first = text.charCodeAt(start) | 0x20;
      if (first !== 99 && first !== 116 && first !== 115) continue; // c, t, s
    }
    const name = text.slice(start, colon).toLowerCase();
    const value = text.slice(colon + 1, end).trim();
    if (name === 'content-length') {
      // "5, 5" (a list of one value) is allowed; two different lengths cannot both frame the body.
      const values = [...new Set(value.split(',').map((v) => v.trim()))];
      const n = Number(values[0]);
      if (values.length > 1 || !/^\d+$/.test(values[0]) || !Number.isSafeInteger(n)) return `invalid content-length ${sampleOf(value)}`;
      if (facts.contentLength >= 0 && facts.contentLength !== n) return `conflicting content-length headers (${facts.contentLength} and ${n})`;
      facts.contentLength = n;
    } else if (name === 'transfer-encoding') {
      facts.chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
    } else if (name === 'connection') {
      const v = value.toLowerCase();
      if (v.includes('close')) facts.keepAlive = false;
      else if (v.includes('keep-alive')) facts.keepAlive = true;
    }
    if (allHeaders || name === 'set-cookie') {
      facts.headers ??= {};
      const prior = facts.headers[name];
      if (name === 'set-cookie') facts.headers[name] = prior === undefined ? [value] : [...(prior as string[]), value];
      else facts.headers[name] = prior === undefined ? value : `${prior as string}, ${value}`;
    }
  }
  return facts;
}
