import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface BreakableProxy {
  url: string;
  /** Breaks the network: every connection is reset and new ones are refused for `ms`. */
  cut(ms: number): void;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 in front of `port`, for network breaks between real processes. */
export async function breakableProxy(port: number): Promise<BreakableProxy> {
  const sockets = new Set<Socket>();
  let downUntil = 0;
  const server = createServer((client) => {
    if (Date.now() < downUntil) return client.resetAndDestroy();
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut(ms) {
      downUntil = Date.now() + ms;
      for (const s of sockets) s.resetAndDestroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
