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

/**
 * Parses a response head (status line and headers, without the blank line). Returns undefined
 * when it is not HTTP/1.x. All headers are collected only when `allHeaders`; otherwise only
 * set-cookie is (cookies are kept even on the fast path).
 */
export function parseHead(text: string, allHeaders: boolean): HeadFacts | undefined {
  if (!text.startsWith('HTTP/1.') || text.length < 12 || text.charCodeAt(8) !== 32) return undefined;
  const status = Number(text.slice(9, 12));
  if (!Number.isInteger(status) || status < 100 || status > 999) return undefined;
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
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) return undefined;
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

