import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { STRAIN, ROOT } from './cli';

/** Runs a snippet of JavaScript as its own node process (a real target to monitor). */
export function spawnNode(code: string, args: string[] = []): ChildProcess {
  return spawn(process.execPath, ['-e', code, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** A node HTTP server on 127.0.0.1:port in its own process; resolves once it listens. */
export async function spawnServer(port: number): Promise<ChildProcess> {
  const child = spawnNode(`require('http').createServer((q,s)=>s.end('ok')).listen(${port},'127.0.0.1',()=>console.log('listening'))`);
  await firstLine(child, /listening/);
  return child;
}

/** Starts the strain binary with no TTY; output is collected on the returned object. */
export function spawnStrain(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess & { out: string; err: string } {
  const child = spawn(process.execPath, [STRAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcess & {
    out: string;
    err: string;
  };
  child.out = '';
  child.err = '';
  child.stdout!.on('data', (d) => (child.out += d));
  child.stderr!.on('data', (d) => (child.err += d));
  return child;
}

/** Resolves with the first stdout line matching, or rejects after timeoutMs. */
export function firstLine(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
    lines.on('line', (text) => {
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
}

/** Waits for a child to exit (killing it by its PID after timeoutMs) and returns its exit code. */
export function exited(child: ChildProcess, timeoutMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode); // a signal's end has no code
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until check() returns a truthy value, or fails after timeoutMs. */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** `strain target` with knobs on a free loopback port, in its own process (so it can be monitored). */
export async function demoTarget(knobs: string[] = []): Promise<{ child: ReturnType<typeof spawnStrain>; port: number; url: string; stop(): Promise<void> }> {
  const { unusedPort } = await import('./servers');
  const port = await unusedPort();
  const child = spawnStrain(['target', '--port', String(port), ...knobs]);
  await firstLine(child, /listening on/);
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
