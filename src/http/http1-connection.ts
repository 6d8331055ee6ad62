import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Outcome, classifyError, classifyStatus, errorReason, type OutcomeClass } from '../core/outcome';
import { CRLFCRLF, MAX_HEAD, parseChunkSize, sampleOf, startsLikeHttp, type HeadFacts } from './wire';
import { ERROR_SAMPLE_BYTES, MAX_KEPT_BODY, statusReason, type ChunkObserver, type Completion, type ResponseHeaders } from './types';

/**
 * A plain-HTTP/1.1 keep-alive client on raw sockets: the generator's hot path.
 *
 * Measured on loopback it costs about 17 µs of CPU per request against undici dispatch's 29 µs,
 * and a load generator must outrun the service it tests. It does one thing: non-pipelined
 * requests over at most N persistent connections, with content-length, chunked and
 * read-until-close bodies, 1xx skipping, per-request deadlines and HTTP/1.0 / connection: close.
 * TLS and anything fancier stay with undici (undici-pool.ts). The pool is http1-pool.ts.
 */

const CONNECT_TIMEOUT_MS = 10_000;
/**
 * Every socket reads into this one buffer (net's `onread`), skipping the Readable stream layer:
 * measured about a microsecond per response. Safe because each read is parsed synchronously;
 * whatever outlives the callback (a partial head, a kept body) is copied out.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export interface Job {
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
  /** A streaming consumer of the body (see ChunkObserver); undefined on the hot path. */
  onChunk?: ChunkObserver;
}

/** What a connection needs from the pool that owns it (the pool implements it; no import back). */
export interface ConnectionOwner {
  /** Parses a response head (cached by the pool); a string says why it is not HTTP. */
  head(text: string, allHeaders: boolean): HeadFacts | string;
  /** The exchange finished and the connection stays open. */
  release(c: Connection): void;
  /** The connection closed. */
  forget(c: Connection): void;
  /** A job to send again on another connection. */
  enqueue(job: Job): void;
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

export class Connection {
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
  /** The first bytes of an error response's body, for its failure reason. */
  private errorStart: string | undefined;
  private error: unknown;
  private closed = false;

  constructor(
    private readonly pool: ConnectionOwner,
    host: string,
    port: number,
  ) {
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
    this.errorStart = undefined;
    this.chunks = job.keepBody ? [] : undefined;
    this.socket.write(job.wire);
  }

  /** Checked on the pool's coarse timer: a missed deadline ends the exchange as a timeout. */
  checkDeadline(now: number): void {
    if (this.job && now > this.job.deadline) {
      const ms = this.job.timeoutMs;
      this.fail(Outcome.timeout, this.status ? `response body not complete within ${ms}ms (HTTP ${this.status})` : `no response within ${ms}ms`);
    } else if (!this.connected && !this.job && now - this.openedAt > CONNECT_TIMEOUT_MS) this.close();
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
            // Garbage is known from its first bytes: waiting for a blank line would end in a timeout.
            if (!startsLikeHttp(buf, off)) return this.fail(Outcome.protocol, `not HTTP: ${sampleOf(buf.toString('latin1', off, off + 80))}`);
            if (buf.length - off > MAX_HEAD) return this.fail(Outcome.protocol, `response head over ${MAX_HEAD / 1024} KB`);
            this.partial = Buffer.from(buf.subarray(off)); // the read buffer is reused
            return;
          }
          const facts = this.pool.head(buf.toString('latin1', off, end), this.job.keepHeaders);
          off = end + 4;
          if (typeof facts === 'string') return this.fail(Outcome.protocol, facts);
          if (facts.status === 101) return this.fail(Outcome.protocol, 'unrequested 101 Switching Protocols');
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
            if (this.line.length > MAX_HEAD) return this.fail(Outcome.protocol, `chunk size line over ${MAX_HEAD / 1024} KB`);
            return;
          }
          const line = (this.line + chunk.toString('latin1', off, nl)).trim();
          this.line = '';
          off = nl + 1;
          if (this.state === State.Trailers) {
            if (line === '') return this.complete(off < chunk.length);
            break;
          }
          const size = parseChunkSize(line);
          if (typeof size === 'string') return this.fail(Outcome.protocol, size);
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
          // Each chunk's data ends with CRLF; anything else means the sizes do not frame the body.
          const expected = this.remaining === 2 ? 13 : 10;
          if (chunk[off] !== expected) return this.fail(Outcome.protocol, `chunk data not followed by CRLF (got ${sampleOf(chunk.toString('latin1', off, off + 20))})`);
          off++;
          if (--this.remaining === 0) this.state = State.ChunkSize;
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
    if (this.status >= 400 && this.errorStart === undefined) this.errorStart = chunk.toString('utf8', off, off + Math.min(n, ERROR_SAMPLE_BYTES));
    this.bytes += n;
    this.job!.onChunk?.(chunk.subarray(off, off + n), performance.now());
    if (this.chunks && this.bytes <= MAX_KEPT_BODY) this.chunks.push(Buffer.from(chunk.subarray(off, off + n))); // copied: the read buffer is reused
  }

  private complete(extraBytes: boolean): void {
    const job = this.job!;
    const { status, bytes, headers, errorStart } = this;
    this.job = undefined;
    this.reused = true;
    const body = this.chunks ? Buffer.concat(this.chunks).toString('utf8') : undefined;
    this.chunks = undefined;
    // Hand the connection back before reporting, so the caller's next request can reuse it
    // (release may start a waiting request here, which resets the fields read above).
    if (this.keepAlive && !extraBytes) this.pool.release(this);
    else this.close();
    job.done(classifyStatus(status), status, bytes, headers, body, status >= 400 ? statusReason(status, errorStart ?? '') : undefined);
  }

  private fail(cls: OutcomeClass, reason: string): void {
    const job = this.job;
    this.job = undefined;
    this.close();
    if (job) job.done(cls, this.status, this.bytes, this.headers, undefined, reason);
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
    const reason =
      this.error !== undefined ? errorReason(this.error) : `connection closed by the server ${this.received ? 'in the middle of the response' : 'before any response'}`;
    job.done(cls, this.status, this.bytes, this.headers, undefined, reason);
  }
}
