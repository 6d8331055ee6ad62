import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Outcome, classifyError, classifyStatus, type OutcomeClass } from '../core/outcome';
import type { Completion, Keep, PreparedRequest, ResponseHeaders } from './transport';

/**
 * A plain-HTTP/1.1 keep-alive client on raw sockets: the generator's hot path.
 *
 * Measured on loopback it costs about 17 µs of CPU per request against undici dispatch's 29 µs,
 * and a load generator must outrun the service it tests. It does one thing: non-pipelined
 * requests over at most N persistent connections, with content-length, chunked and
 * read-until-close bodies, 1xx skipping, per-request deadlines and HTTP/1.0 / connection: close.
 * TLS and anything fancier stay with undici (see transport.ts).
 */

/** Bodies kept for checks and captures are capped: a load generator must not buffer downloads. */
export const MAX_KEPT_BODY = 1 << 20;
/** A response head larger than this is not HTTP we want to parse. */
const MAX_HEAD = 64 * 1024;
/** Deadlines are checked on a coarse timer, not one timer per request. */
const DEADLINE_TICK_MS = 25;
const CONNECT_TIMEOUT_MS = 10_000;
const CRLFCRLF = Buffer.from('\r\n\r\n');
/**
 * Every socket reads into this one buffer (net's `onread`), skipping the Readable stream layer:
 * measured about a microsecond per response. Safe because each read is parsed synchronously;
 * whatever outlives the callback (a partial head, a kept body) is copied out.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
/** Methods safe to send again when a reused connection turns out to be closed already. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const BODYLESS_METHODS_WITHOUT_LENGTH = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'DELETE']);

interface Job {
  wire: Buffer;
  isHead: boolean;
  idempotent: boolean;
  closeAfter: boolean;
  timeoutMs: number;
  deadline: number;
  done: Completion;
  keepBody: boolean;
  keepHeaders: boolean;
  retried: boolean;
}

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
}

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
interface HeadFacts {
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

class Connection {
  readonly socket: Socket;
  job: Job | undefined;
  connected = false;
  /** Completed at least one exchange: a close before any reply may be a stale keep-alive. */
  reused = false;
  private readonly openedAt = performance.now();
  private state = State.Head;
  private partial: Buffer | undefined;
  private line = '';
  private remaining = 0;
  private status = 0;
  private bytes = 0;
  private received = false;
  private keepAlive = true;
  private headers: ResponseHeaders | undefined;
  private chunks: Buffer[] | undefined;
  private error: unknown;
  private closed = false;

  constructor(private readonly pool: Http1Pool, host: string, port: number) {
    this.socket = connect({ host, port, noDelay: true, onread: { buffer: READ_BUFFER, callback: (n: number) => this.onRead(n) } });
    this.socket.on('connect', () => (this.connected = true));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('error', (err) => (this.error = err));
    this.socket.on('close', () => this.onClose());
  }

  start(job: Job): void {
    this.job = job;
    this.state = State.Head;
    this.status = this.bytes = 0;
    this.received = false;
    this.headers = undefined;
    this.chunks = job.keepBody ? [] : undefined;
    this.socket.write(job.wire);
  }

  /** Checked on the pool's coarse timer: a missed deadline ends the exchange as a timeout. */
  checkDeadline(now: number): void {
    if (this.job && now > this.job.deadline) this.fail(Outcome.timeout);
    else if (!this.connected && !this.job && now - this.openedAt > CONNECT_TIMEOUT_MS) this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.pool.forget(this);
  }

  private onRead(n: number): boolean {
    this.onData(READ_BUFFER.subarray(0, n));
    return true; // keep reading
  }

  private onData(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      if (!this.job) return this.close(); // bytes nobody asked for: the connection cannot be trusted
      this.received = true;
      switch (this.state) {
        case State.Head: {
          let buf = chunk;
          if (this.partial) {
            buf = Buffer.concat([this.partial, chunk.subarray(off)]);
            this.partial = undefined;
            chunk = buf;
            off = 0;
          }
          const end = buf.indexOf(CRLFCRLF, off);
          if (end < 0) {
            if (buf.length - off > MAX_HEAD) return this.fail(Outcome.other);
            this.partial = Buffer.from(buf.subarray(off)); // the read buffer is reused
            return;
          }
          const facts = this.pool.head(buf.toString('latin1', off, end), this.job.keepHeaders);
          off = end + 4;
          if (!facts || facts.status === 101) return this.fail(Outcome.other);
          if (facts.status < 200) continue; // 1xx: the real response follows
          this.status = facts.status;
          this.keepAlive = facts.keepAlive && !this.job.closeAfter;
          this.headers = facts.headers;
          if (this.job.isHead || facts.status === 204 || facts.status === 304) {
            this.complete(off < chunk.length);
            return;
          }
          if (facts.chunked) this.state = State.ChunkSize;
          else if (facts.contentLength >= 0) {
            if (facts.contentLength === 0) return this.complete(off < chunk.length);
            this.state = State.Length;
            this.remaining = facts.contentLength;
          } else {
            this.state = State.UntilClose;
            this.keepAlive = false;
          }
          break;
        }
        case State.Length: {
          off = this.consume(chunk, off, true);
          if (this.remaining === 0) return this.complete(off < chunk.length);
          break;
        }
        case State.ChunkSize:
        case State.Trailers: {
          const nl = chunk.indexOf(10, off);
          if (nl < 0) {
            this.line += chunk.toString('latin1', off);
            if (this.line.length > MAX_HEAD) return this.fail(Outcome.other);
            return;
          }
          const line = (this.line + chunk.toString('latin1', off, nl)).trim();
          this.line = '';
          off = nl + 1;
          if (this.state === State.Trailers) {
            if (line === '') return this.complete(off < chunk.length);
            break;
          }
          const size = parseInt(line, 16); // chunk extensions after ';' are ignored by parseInt
          if (!Number.isFinite(size) || size < 0 || !/^[0-9a-f]/i.test(line)) return this.fail(Outcome.other);
          if (size === 0) this.state = State.Trailers;
          else {
            this.state = State.ChunkData;
            this.remaining = size;
          }
          break;
        }
        case State.ChunkData: {
          off = this.consume(chunk, off, true);
          if (this.remaining === 0) {
            this.state = State.ChunkEnd;
            this.remaining = 2;
          }
          break;
        }
        case State.ChunkEnd: {
          off = this.consume(chunk, off, false);
          if (this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
        case State.UntilClose: {
          this.take(chunk, off, chunk.length - off);
          off = chunk.length;
          break;
        }
      }
    }
  }

  /** Takes up to `remaining` bytes of a counted section (a body, a chunk, its CRLF); returns the new offset. */
  private consume(chunk: Buffer, off: number, isBody: boolean): number {
    const n = Math.min(this.remaining, chunk.length - off);
    if (isBody) this.take(chunk, off, n);
    this.remaining -= n;
    return off + n;
  }

  private take(chunk: Buffer, off: number, n: number): void {
    this.bytes += n;
    if (this.chunks && this.bytes <= MAX_KEPT_BODY) this.chunks.push(Buffer.from(chunk.subarray(off, off + n))); // copied: the read buffer is reused
  }

  private complete(extraBytes: boolean): void {
    const job = this.job!;
    const { status, bytes, headers } = this;
    this.job = undefined;
    this.reused = true;
    const body = this.chunks ? Buffer.concat(this.chunks).toString('utf8') : undefined;
    this.chunks = undefined;
    // Hand the connection back before reporting, so the caller's next request can reuse it
    // (release may start a waiting request here, which resets the fields read above).
    if (this.keepAlive && !extraBytes) this.pool.release(this);
    else this.close();
    job.done(classifyStatus(status), status, bytes, headers, body);
  }

  private fail(cls: OutcomeClass): void {
    const job = this.job;
    this.job = undefined;
    this.close();
    if (job) job.done(cls, this.status, this.bytes, this.headers, undefined);
  }

  private onEnd(): void {
    if (this.job && this.state === State.UntilClose) this.complete(false);
  }

  private onClose(): void {
    const job = this.job;
    this.job = undefined;
    const staleKeepAlive = this.reused && !this.received;
    this.closed = true;
    this.pool.forget(this);
    if (!job) return;
    if (staleKeepAlive && job.idempotent && !job.retried && this.error === undefined) {
      // The server closed an idle keep-alive connection as we wrote to it: send again, once.
      job.retried = true;
      this.pool.enqueue(job);
      return;
    }
    const cls = this.error === undefined ? Outcome.reset : classifyError(this.error);
    job.done(cls, this.status, this.bytes, this.headers, undefined);
  }
}

/** Up to `connections` keep-alive connections to one host:port, with a FIFO of waiting requests. */
export class Http1Pool {
  private readonly connections = new Set<Connection>();
  private readonly idle: Connection[] = [];
  private pending: (Job | undefined)[] = [];
  private pendingHead = 0;
  private timer: NodeJS.Timeout | undefined;
  private destroyed = false;
  readonly hostHeader: string;

  constructor(private readonly host: string, private readonly port: number, private readonly limit: number, hostHeader?: string) {
    this.hostHeader = hostHeader ?? (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
  }

  private lastHead = '';
  private lastFacts: HeadFacts | undefined;

  /**
   * Parses a response head, reusing the last result when the head is byte-for-byte the same
   * (a load test mostly gets the same response; the Date header changes once a second).
   * Only heads read for their facts are shared: their header object holds set-cookie at most
   * and is never written to.
   */
  head(text: string, allHeaders: boolean): HeadFacts | undefined {
    if (allHeaders) return parseHead(text, true);
    if (text === this.lastHead) return this.lastFacts;
    const facts = parseHead(text, false);
    this.lastHead = text;
    this.lastFacts = facts;
    return facts;
  }

  /** Opens every connection ahead of the run, so connecting is not measured as latency. */
  async warm(count = this.limit): Promise<number> {
    const opening: Promise<boolean>[] = [];
    for (let i = this.connections.size; i < Math.min(count, this.limit); i++) {
      const c = this.open();
      opening.push(new Promise((resolve) => {
        c.socket.once('connect', () => resolve(true));
        c.socket.once('close', () => resolve(false));
      }));
    }
    const opened = (await Promise.all(opening)).filter(Boolean).length;
    for (const c of this.connections) if (c.connected && !c.job && !this.idle.includes(c)) this.release(c);
    return opened;
  }

  send(req: PreparedRequest, done: Completion, keep: Keep): void {
    let wire = req.wire;
    if (!wire) {
      try {
        wire = serializeRequest(req, this.hostHeader);
      } catch (err) {
        if (!(err instanceof InvalidRequest)) throw err;
        done(Outcome.other, 0, 0, undefined, undefined);
        return;
      }
      if (req.reusable) req.wire = wire;
    }
    req.closeAfter ??= /close/i.test(req.headers.connection ?? '');
    const closeAfter = req.closeAfter;
    this.enqueue({
      wire, isHead: req.method === 'HEAD', idempotent: IDEMPOTENT.has(req.method), closeAfter,
      timeoutMs: req.timeoutMs, deadline: 0, done, keepBody: keep === 'body', keepHeaders: keep !== 'status', retried: false,
    });
  }

  enqueue(job: Job): void {
    if (this.destroyed) {
      job.done(Outcome.other, 0, 0, undefined, undefined);
      return;
    }
    if (!job.retried) job.deadline = performance.now() + job.timeoutMs;
    this.timer ??= setInterval(() => this.checkDeadlines(), DEADLINE_TICK_MS).unref();
    const free = this.idle.pop();
    if (free) return free.start(job);
    if (this.connections.size < this.limit) return this.open().start(job); // written once connected; net queues it
    this.pending.push(job);
  }

  private open(): Connection {
    const c = new Connection(this, this.host, this.port);
    this.connections.add(c);
    return c;
  }

  /** A connection finished an exchange and stays open: it takes the oldest waiting request. */
  release(c: Connection): void {
    const job = this.takePending();
    if (job) c.start(job);
    else this.idle.push(c);
  }

  /** The oldest waiting request still waiting (timed-out ones leave holes). */
  private takePending(): Job | undefined {
    while (this.pendingHead < this.pending.length) {
      const job = this.pending[this.pendingHead];
      this.pending[this.pendingHead++] = undefined;
      if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
        this.pending = this.pending.slice(this.pendingHead); // a long backlog: drop the spent prefix
        this.pendingHead = 0;
      }
      if (job) return job;
    }
    if (this.pendingHead > 0) {
      this.pending = [];
      this.pendingHead = 0;
    }
    return undefined;
  }

  /** A connection closed: waiting requests get a fresh one. */
  forget(c: Connection): void {
    this.connections.delete(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    while (!this.destroyed && this.connections.size < this.limit) {
      const job = this.takePending();
      if (!job) break;
      this.open().start(job);
    }
  }

  private checkDeadlines(): void {
    const now = performance.now();
    for (const c of this.connections) c.checkDeadline(now);
    // Requests still waiting for a connection time out too.
    for (let i = this.pendingHead; i < this.pending.length; i++) {
      const job = this.pending[i];
      if (job && now > job.deadline) {
        this.pending[i] = undefined;
        job.done(Outcome.timeout, 0, 0, undefined, undefined);
      }
    }
  }

  /** Cuts off every connection; requests in flight or waiting end as "other". */
  destroy(): void {
    this.destroyed = true;
    if (this.timer) clearInterval(this.timer);
    const waiting = this.pending.slice(this.pendingHead).filter((j): j is Job => j !== undefined);
    this.pending = [];
    this.pendingHead = 0;
    for (const c of [...this.connections]) c.close();
    for (const job of waiting) job.done(Outcome.other, 0, 0, undefined, undefined);
  }
}
