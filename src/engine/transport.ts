import { Pool, type Dispatcher } from 'undici';
import { classifyError, classifyStatus, type OutcomeClass } from './outcome';

/** A request ready to send: everything that does not change per request is computed once. */
export interface PreparedRequest {
  method: Dispatcher.HttpMethod;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
}

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** Called once per request with its class, status (0 when none), bytes, headers and (if asked) body. */
export type Completion = (cls: OutcomeClass, status: number, bytes: number, headers: ResponseHeaders | undefined, body: string | undefined) => void;

/** Bodies kept for checks and captures are capped: a load generator must not buffer downloads. */
const MAX_KEPT_BODY = 1 << 20;

/**
 * One exchange on undici's dispatch layer with a bare handler: cheaper per request than
 * request() with a body stream, which matters because the generator must outrun the target.
 */
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

export interface TransportOptions {
  target: string;
  connections: number;
}

/** Keep-alive connection pools: one to the target, and one per other origin a step names. */
export class HttpTransport {
  private readonly pool: Pool;
  private readonly others = new Map<string, Pool>();
  readonly basePath: string;
  readonly origin: string;

  constructor(private readonly options: TransportOptions) {
    const url = new URL(options.target);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.origin = url.origin;
    this.pool = this.newPool(url.origin);
  }

  private newPool(origin: string): Pool {
    return new Pool(origin, { connections: this.options.connections, pipelining: 1, keepAliveTimeout: 30_000, connect: { timeout: 10_000 } });
  }

  prepare(method: string, path: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): PreparedRequest {
    return {
      method: method as Dispatcher.HttpMethod,
      path: this.basePath + path,
      headers: { 'user-agent': 'strain/0.1', ...headers },
      body,
      timeoutMs,
    };
  }

  /** Sends to the target, or to `origin` when a step names an absolute URL elsewhere. */
  send(req: PreparedRequest, done: Completion, keepBody = false, origin?: string): void {
    let pool = this.pool;
    if (origin !== undefined && origin !== this.origin) {
      pool = this.others.get(origin) ?? this.newPool(origin);
      this.others.set(origin, pool);
    }
    pool.dispatch(
      { path: req.path, method: req.method, headers: req.headers, body: req.body, headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs },
      new Exchange(done, keepBody),
    );
  }

  /** Cuts off whatever is still in flight. */
  async destroy(): Promise<void> {
    await Promise.all([this.pool, ...this.others.values()].map((p) => p.destroy()));
  }
}
