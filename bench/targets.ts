import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { pinned, sleep, tempDir } from './util';

export interface BenchTarget {
  url: string;
  name: string;
  stop(): void;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

/**
 * The target generators are measured against: nginx (one worker, pinned to CPU 0) when it is
 * installed, otherwise a minimal Node server on CPU 0. Both answer a small fixed body.
 */
export async function startBenchTarget(): Promise<BenchTarget> {
  const port = await freePort();
  let child: ChildProcess;
  let name: string;
  if (NGINX) {
    const dir = tempDir();
    mkdirSync(join(dir, 'logs'));
    writeFileSync(
      join(dir, 'nginx.conf'),
      [
        'daemon off; worker_processes 1; pid nginx.pid; error_log logs/error.log warn;',
        'events { worker_connections 4096; }',
        'http { access_log off; keepalive_requests 1000000; keepalive_timeout 120s;',
        `  server { listen 127.0.0.1:${port}; location / { return 200 "hello, strain\\n"; } } }`,
      ].join('\n'),
    );
    const [cmd, ...args] = pinned(0, [NGINX, '-p', dir, '-c', 'nginx.conf']);
    child = spawn(cmd, args, { stdio: 'ignore' });
    name = 'nginx (1 worker, CPU 0)';
  } else {
    const code = `require('http').createServer((q,s)=>s.end('hello, strain\\n')).listen(${port},'127.0.0.1')`;
    const [cmd, ...args] = pinned(0, [process.execPath, '-e', code]);
    child = spawn(cmd, args, { stdio: 'ignore' });
    name = 'node http server (CPU 0)';
  }
  // Ready when it accepts connections.
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    await sleep(50);
  }
  return { url: `http://127.0.0.1:${port}/`, name, stop: () => child.kill('SIGTERM') };
}
