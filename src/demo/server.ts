import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { noKnobs, stallReleaseAt, type DemoKnobs } from './knobs';
import { createLlmHandler } from './llm';

export interface DemoTarget {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

const BODY = Buffer.from('{"ok":true}\n');

/**
 * The built-in target: a small HTTP server whose knobs produce a leak, a capacity limit
 * with a FIFO queue, stalls and errors, so the analysis can be shown and tested.
 */
function createDemoHandler(knobs: DemoKnobs) {
  const t0 = performance.now();
  const leaked: Buffer[] = [];
  const cache: Buffer[] = [];
  let cacheSlot = 0;
  let nextFree = 0; // FIFO: when the single server is next free (ms since t0)
  let waiting = 0;
  let served = 0;
  let errorDebt = 0; // the error rate owed so far; a request fails each time it reaches 1
  const llm = knobs.llm ? createLlmHandler(knobs.llm) : undefined;

  function answer(res: ServerResponse, status: number): void {
    if (status === 200) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
      res.end(BODY);
    } else {
      const body = status === 503 ? 'queue full\n' : 'injected error\n';
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    }
  }

  return function handle(req: IncomingMessage, res: ServerResponse): void {
    if (llm?.(req, res)) return;
    req.resume();
    if (req.url === '/health') return answer(res, 200);
    const now = performance.now() - t0;
    served++;
    if (knobs.leakKb > 0) leaked.push(Buffer.alloc(knobs.leakKb * 1024, served & 0xff));
    if (knobs.garbageKb > 0) Buffer.alloc(knobs.garbageKb * 1024, 1); // dropped at once
    if (knobs.cacheKb > 0 && knobs.cacheEntries > 0) {
      // Once full, an entry is refreshed in place: a new buffer per request would leave the old
      // ones as garbage until a major GC, and RSS would climb again long after the cache filled
      // (a 2-minute soak of this target was once called a leak for it).
      const entry = cache[cacheSlot];
      if (entry && entry.length === knobs.cacheKb * 1024) entry.fill(served & 0xff);
      else cache[cacheSlot] = Buffer.alloc(knobs.cacheKb * 1024, 2);
      cacheSlot = (cacheSlot + 1) % knobs.cacheEntries;
    }
    let sendAt = stallReleaseAt(now, knobs);
    if (knobs.capacity > 0) {
      if (waiting >= knobs.queue) return answer(res, 503);
      nextFree = Math.max(nextFree, sendAt) + 1000 / knobs.capacity;
      sendAt = nextFree;
      waiting++;
    }
    sendAt += knobs.serviceMs;
    // Errors spread evenly (every 1/rate-th request), not drawn at random: a run judged against an
    // error-rate threshold gets the same verdict every time (a 2% draw fell under 1% on CI).
    errorDebt += knobs.errorRate;
    const failed = errorDebt >= 1;
    if (failed) errorDebt -= 1;
    const status = failed ? 500 : 200;
    const delay = sendAt - now;
    const send = () => {
      if (knobs.capacity > 0) waiting--;
      answer(res, status);
    };
    if (delay <= 0.5) send();
    else setTimeout(send, delay);
  };
}

export async function startDemoTarget(knobs: Partial<DemoKnobs> = {}, port = 0, host = '127.0.0.1'): Promise<DemoTarget> {
  const server = createServer(createDemoHandler({ ...noKnobs, ...knobs }));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    port: address.port,
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
