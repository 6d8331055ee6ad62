import { performance } from 'node:perf_hooks';
import type { Dispatcher, Pool } from 'undici';
import { classifyError, classifyStatus, errorReason } from '../core/outcome';
import {
  ERROR_SAMPLE_BYTES,
  MAX_KEPT_BODY,
  statusReason,
  type ChunkObserver,
  type Completion,
  type Keep,
  type OriginPool,
  type PreparedRequest,
  type ResponseHeaders,
} from './types';

/** One exchange on undici's dispatch layer (HTTPS origins): a bare handler, no body stream. */
class Exchange implements Dispatcher.DispatchHandler {
  private status = 0;
  private bytes = 0;
  private headers: ResponseHeaders | undefined;
  private chunks: Buffer[] | undefined;
  private errorStart: string | undefined;
  constructor(
    private readonly done: Completion,
    keepBody: boolean,
    private readonly onChunk?: ChunkObserver,
  ) {
    if (keepBody) this.chunks = [];
  }

  onRequestStart(): void {}
  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders): void {
    this.status = statusCode;
    this.headers = headers;
  }
  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.status >= 400 && this.errorStart === undefined) this.errorStart = chunk.toString('utf8', 0, Math.min(chunk.length, ERROR_SAMPLE_BYTES));
    this.bytes += chunk.length;
    this.onChunk?.(chunk, performance.now());
    if (this.chunks && this.bytes <= MAX_KEPT_BODY) this.chunks.push(chunk);
  }
  onResponseEnd(): void {
    const reason = this.status >= 400 ? statusReason(this.status, this.errorStart ?? '') : undefined;
    this.done(classifyStatus(this.status), this.status, this.bytes, this.headers, this.chunks ? Buffer.concat(this.chunks).toString('utf8') : undefined, reason);
  }
  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.done(classifyError(err), this.status, this.bytes, this.headers, undefined, errorReason(err));
  }
}

/** HTTPS goes through undici: TLS and its corner cases are not worth re-implementing. */
export class UndiciOriginPool implements OriginPool {
  private readonly pool: Pool;
  constructor(origin: string, connections: number, tls?: { rejectUnauthorized: boolean; ca?: string[] }) {
    // Loaded only for HTTPS: plain-HTTP runs should not pay for undici at start-up.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Pool: UndiciPool } = require('undici') as typeof import('undici');
    this.pool = new UndiciPool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000, connect: { timeout: 10_000, ...tls } });
  }
  send(req: PreparedRequest, done: Completion, keep: Keep, onChunk?: ChunkObserver): void {
    this.pool.dispatch(
      { path: req.path, method: req.method, headers: req.headers, body: req.body, headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs },
      new Exchange(done, keep === 'body', onChunk),
    );
  }
  async warm(): Promise<number> {
    return 0; // undici connects on demand
  }
  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}
