import { isLoopbackHost } from '../src/core/net';
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MonitorStore } from '../src/store/monitor';
import type { Monitor } from './monitor';
import { openMetrics } from './openmetrics';

export interface ApiOptions {
  monitor: Monitor;
  store: MonitorStore;
  host: string;
  port: number;
  token?: string;
}

export interface MonitorApi {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** "127.0.0.1:9930", "[::1]:9930", ":9930" or "9930" → host and port. */
export function parseListen(spec: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:]*))?:?(\d+)$/.exec(spec);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(req.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = type === 'application/json' ? `${JSON.stringify(body)}\n` : String(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The monitor's HTTP API: /health, /samples?since=T[&until=U] (epoch ms), /metrics (OpenMetrics).
 * Loopback by default; any other address requires a token, checked on every request.
 */
export async function startMonitorApi(o: ApiOptions): Promise<MonitorApi> {
  if (!isLoopbackHost(o.host) && !o.token) {
    throw new Error(`refusing to serve samples on ${o.host} without a token: pass --token (or STRAIN_MONITOR_TOKEN), or listen on 127.0.0.1`);
  }
  const server = createServer((req, res) => {
    if (!authorized(req, o.token)) {
      res.setHeader('www-authenticate', 'Bearer');
      return send(res, 401, { error: 'missing or wrong bearer token' });
    }
    const url = new URL(req.url ?? '/', 'http://monitor');
    if (req.method !== 'GET') return send(res, 405, { error: 'only GET' });
    switch (url.pathname) {
      case '/health':
        return send(res, 200, {
          status: o.monitor.lastWriteError ? 'degraded' : 'ok',
          monitorId: o.monitor.id,
          pid: o.monitor.pid ?? null,
          samplesWritten: o.monitor.samplesWritten,
          ...(o.monitor.lastWriteError ? { writeError: o.monitor.lastWriteError.message } : {}),
        });
      case '/samples': {
        const since = Number(url.searchParams.get('since') ?? Date.now() - 60_000);
        const until = Number(url.searchParams.get('until') ?? Number.MAX_SAFE_INTEGER);
        if (!Number.isFinite(since) || !Number.isFinite(until)) return send(res, 400, { error: 'since and until are epoch milliseconds' });
        return send(res, 200, {
          monitorId: o.monitor.id,
          target: o.store.resourceSamples(o.monitor.id, since, until),
          host: o.store.hostSamples(o.monitor.id, since, until),
          gpu: o.store.gpuSamples(o.monitor.id, since, until),
          cgroup: o.store.cgroupSamples(o.monitor.id, since, until),
          events: o.store.events(o.monitor.id, since, until),
        });
      }
      case '/metrics':
        return send(
          res,
          200,
          openMetrics({ target: o.monitor.latestTarget, host: o.monitor.latestHost, self: o.monitor.latestSelf, gpus: o.monitor.latestGpus, cgroup: o.monitor.latestCgroup }),
          'application/openmetrics-text; version=1.0.0; charset=utf-8',
        );
      default:
        return send(res, 404, { error: 'not found; try /health, /samples?since=T, /metrics' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
