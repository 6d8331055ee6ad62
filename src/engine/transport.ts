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

/** Called once per request with its class, status (0 when none) and bytes received. */
export type Completion = (cls: OutcomeClass, status: number, bytes: number) => void;

/**
 * One exchange on undici's dispatch layer with a bare handler: cheaper per request than
 * request() with a body stream, which matters because the generator must outrun the target.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private status = 0;
  private bytes = 0;
  constructor(private readonly done: Completion) {}

  onRequestStart(): void {}
  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }
  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
  }
  onResponseEnd(): void {
    this.done(classifyStatus(this.status), this.status, this.bytes);
  }
  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.done(classifyError(err), this.status, this.bytes);
  }
}

export interface TransportOptions {
  target: string;
  connections: number;
}

/** Keep-alive connection pool to one target origin. */
export class HttpTransport {
  private readonly pool: Pool;
  private readonly basePath: string;

  constructor(options: TransportOptions) {
    const url = new URL(options.target);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: 10_000 },
    });
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

  send(req: PreparedRequest, done: Completion): void {
    this.pool.dispatch(
      {
        path: req.path,
        method: req.method,
        headers: req.headers,
        body: req.body,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      },
      new Exchange(done),
    );
  }

  /** Waits for in-flight requests to finish. */
  async close(): Promise<void> {
    await this.pool.close();
  }

  /** Cuts off whatever is still in flight. */
  async destroy(): Promise<void> {
    await this.pool.destroy();
  }
}
