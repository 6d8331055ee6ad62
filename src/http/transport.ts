import { USER_AGENT, socketHost } from '../core/net';
import type { Dispatcher, Pool } from 'undici';
import { Http1Pool, MAX_KEPT_BODY } from './http1';
import { classifyError, classifyStatus, type OutcomeClass } from '../core/outcome';

/** A request ready to send: everything that does not change per request is computed once. */
export interface PreparedRequest {
  method: Dispatcher.HttpMethod;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
  /** Sent unchanged every time (a fixed step): its bytes are built once and kept in `wire`. */
  reusable?: boolean;
  wire?: Buffer;
  /** The request asks for connection: close (worked out once for a reusable request). */
  closeAfter?: boolean;
}

/** How much of a response the caller reads: set-cookie only, every header, or headers and body. */
export type Keep = 'status' | 'headers' | 'body';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/**
 * Called once per request with its class, status (0 when none), body bytes, headers and (if
 * kept) body. With keep 'status' the headers carry set-cookie only (or are undefined).
 */
export type Completion = (cls: OutcomeClass, status: number, bytes: number, headers: ResponseHeaders | undefined, body: string | undefined) => void;

/** One exchange on undici's dispatch layer (HTTPS origins): a bare handler, no body stream. */
class Exchange implements Dispatcher.DispatchHandler {
  private status = 0;
  private bytes = 0;
  private headers: ResponseHeaders | undefined;
  private chunks: Buffer[] | undefined;
  constructor(private readonly done: Completion, keepBody: boolean) {
    if (keepBody) this.chunks = [];
  }

  onRequestStart(): void {}
  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders): void {
    this.status = statusCode;
    this.headers = headers;
  }
  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.chunks && this.bytes <= MAX_KEPT_BODY) this.chunks.push(chunk);
  }
  onResponseEnd(): void {
    this.done(classifyStatus(this.status), this.status, this.bytes, this.headers, this.chunks ? Buffer.concat(this.chunks).toString('utf8') : undefined);
  }
  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.done(classifyError(err), this.status, this.bytes, this.headers, undefined);
  }
}

/** What a transport needs from a connection pool to one origin. */
interface OriginPool {
  send(req: PreparedRequest, done: Completion, keep: Keep): void;
  warm(count: number): Promise<number>;
  destroy(): Promise<void> | void;
}

/** HTTPS goes through undici: TLS and its corner cases are not worth re-implementing. */
class UndiciOriginPool implements OriginPool {
  private readonly pool: Pool;
  constructor(origin: string, connections: number) {
    // Loaded only for HTTPS: plain-HTTP runs should not pay for undici at start-up.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Pool: UndiciPool } = require('undici') as typeof import('undici');
    this.pool = new UndiciPool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000, connect: { timeout: 10_000 } });
  }
  send(req: PreparedRequest, done: Completion, keep: Keep): void {
    this.pool.dispatch(
      { path: req.path, method: req.method, headers: req.headers, body: req.body, headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs },
      new Exchange(done, keep === 'body'),
    );
  }
  async warm(): Promise<number> {
    return 0; // undici connects on demand
  }
  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}

function poolFor(origin: string, connections: number): OriginPool {
  const url = new URL(origin);
  if (url.protocol !== 'http:') return new UndiciOriginPool(origin, connections);
  const host = socketHost(url);
  return new Http1Pool(host, Number(url.port || 80), connections, url.host);
}

export interface TransportOptions {
  target: string;
  connections: number;
}

/**
 * Keep-alive connection pools: one to the target, and one per other origin a step names.
 * Plain HTTP uses strain's own HTTP/1.1 client (http1.ts), measured cheaper per request than
 * any undici API; HTTPS uses undici.
 */
export class HttpTransport {
  private readonly pool: OriginPool;
  private readonly others = new Map<string, OriginPool>();
  readonly basePath: string;
  readonly origin: string;

  constructor(private readonly options: TransportOptions) {
    const url = new URL(options.target);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.origin = url.origin;
    this.pool = poolFor(url.origin, options.connections);
  }

  prepare(method: string, path: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): PreparedRequest {
    return {
      method: method as Dispatcher.HttpMethod,
      path: this.basePath + path,
      headers: { 'user-agent': USER_AGENT, ...headers },
      body,
      timeoutMs,
      reusable: true,
    };
  }

  /** Opens up to `count` connections to the target before the clock starts; returns how many opened. */
  warm(count = this.options.connections): Promise<number> {
    return this.pool.warm(count);
  }

  /** Sends to the target, or to `origin` when a step names an absolute URL elsewhere. */
  send(req: PreparedRequest, done: Completion, keep: Keep = 'status', origin?: string): void {
    let pool = this.pool;
    if (origin !== undefined && origin !== this.origin) {
      pool = this.others.get(origin) ?? poolFor(origin, this.options.connections);
      this.others.set(origin, pool);
    }
    pool.send(req, done, keep);
  }

  /** Cuts off whatever is still in flight. */
  async destroy(): Promise<void> {
    await Promise.all([this.pool, ...this.others.values()].map(async (p) => p.destroy()));
  }
}
