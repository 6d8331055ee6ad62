import { readFileSync } from 'node:fs';
import { USER_AGENT, socketHost } from '../core/net';
import type { TlsOptions } from '../core/profile';
import { Http1Pool } from './http1-pool';
import { UndiciOriginPool } from './undici-pool';
import type { Dispatcher } from 'undici';
import type { ChunkObserver, Completion, Keep, OriginPool, PreparedRequest } from './types';

/** HTTPS trust as undici's connector takes it. */
export interface TlsTrust {
  rejectUnauthorized: boolean;
  /** PEM text: the system's roots plus the profile's http.ca. */
  ca?: string[];
}

function poolFor(origin: string, connections: number, tls: TlsTrust | undefined): OriginPool {
  const url = new URL(origin);
  if (url.protocol !== 'http:') return new UndiciOriginPool(origin, connections, tls);
  const host = socketHost(url);
  return new Http1Pool(host, Number(url.port || 80), connections, url.host);
}

export interface TransportOptions {
  target: string;
  connections: number;
  /** http.insecure / http.ca: for staging servers with self-signed certificates. */
  tls?: TlsOptions;
}

/** Reads the CA file once (the profile checked it is PEM); the system's roots stay trusted too. */
function trustOf(tls: TlsOptions | undefined): TlsTrust | undefined {
  if (!tls) return undefined;
  return {
    rejectUnauthorized: !tls.insecure,
    // node:tls is loaded only when a CA file is given: plain-HTTP runs should not pay for it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ...(tls.caFile ? { ca: [...(require('node:tls') as typeof import('node:tls')).rootCertificates, readFileSync(tls.caFile, 'utf8')] } : {}),
  };
}

/**
 * Keep-alive connection pools: one to the target, and one per other origin a step names.
 * Plain HTTP uses strain's own HTTP/1.1 client (http1.ts), measured cheaper per request than
 * any undici API; HTTPS uses undici.
 */
export class HttpTransport {
  private readonly pool: OriginPool;
  private readonly others = new Map<string, OriginPool>();
  private readonly tls: TlsTrust | undefined;
  readonly basePath: string;
  readonly origin: string;

  constructor(private readonly options: TransportOptions) {
    const url = new URL(options.target);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.origin = url.origin;
    this.tls = trustOf(options.tls);
    this.pool = poolFor(url.origin, options.connections, this.tls);
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

  /**
   * Sends to the target, or to `origin` when a step names an absolute URL elsewhere.
   * `onChunk` sees the body as it arrives (streamed responses); `done` still ends the exchange.
   */
  send(req: PreparedRequest, done: Completion, keep: Keep = 'status', origin?: string, onChunk?: ChunkObserver): void {
    let pool = this.pool;
    if (origin !== undefined && origin !== this.origin) {
      pool = this.others.get(origin) ?? poolFor(origin, this.options.connections, this.tls);
      this.others.set(origin, pool);
    }
    pool.send(req, done, keep, onChunk);
  }

  /** Cuts off whatever is still in flight. */
  async destroy(): Promise<void> {
    await Promise.all([this.pool, ...this.others.values()].map(async (p) => p.destroy()));
  }
}
