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

/**
 * Resolves with the first stdout line matching; rejects after timeoutMs, or once the child's output
 * ends without one (it exited: its stderr is in the error when collected).
 */
export function firstLine(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let found = false;
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms`)), timeoutMs);
    lines.on('line', (text) => {
      if (!found && pattern.test(text)) {
        found = true;
        clearTimeout(timer);
        resolve(text);
      }
    });
    // 'close' comes after every line was read, so a line printed just before exiting still counts.
    lines.once('close', () => {
      if (found) return;
      clearTimeout(timer);
      const err = (child as ChildProcess & { err?: string }).err;
      const how = child.exitCode !== null ? `exit code ${child.exitCode}` : (child.signalCode ?? 'output closed');
      reject(new Error(`no line matching ${pattern} before the child's output ended (${how})${err ? `: ${err.slice(-1000)}` : ''}`));
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

/** Polls until check() returns (or resolves to) a truthy value, or fails after timeoutMs. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * `strain target` with knobs on a loopback port the kernel picks (`--port 0`: nothing can take it
 * between choosing and binding), in its own process so it can be monitored.
 */
export async function demoTarget(knobs: string[] = []): Promise<{ child: ReturnType<typeof spawnStrain>; port: number; url: string; stop(): Promise<void> }> {
  const child = spawnStrain(['target', '--port', '0', ...knobs]);
  let url: RegExpExecArray | null;
  try {
    const listening = await firstLine(child, /listening on/);
    url = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(listening);
    if (!url) throw new Error(`strain target printed no loopback address: ${listening}`);
  } catch (err) {
    child.kill('SIGKILL'); // a target that never listened must not keep the test process alive
    throw err;
  }
  return {
    child,
    port: Number(url[2]),
    url: url[1],
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
