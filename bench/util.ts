import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(__dirname, '..', '..');
export const STRAIN = join(ROOT, 'bin', 'strain.js');

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'strain-bench-'));
}

export function writeFile(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** `taskset -c CPU` in front of a command where taskset exists, so target and generator do not share a core. */
export function pinned(cpu: number, command: string[]): string[] {
  try {
    execFileSync('taskset', ['-c', String(cpu), 'true'], { stdio: 'ignore' });
    return ['taskset', '-c', String(cpu), ...command];
  } catch {
    return command;
  }
}

/** CPU seconds a process has used so far (Linux), or undefined once it is gone. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Starts `strain target` (pinned to CPU 0 where possible) on a free port. */
export async function startTarget(args: string[] = []): Promise<{ child: ChildProcess; url: string; port: number }> {
  const [cmd, ...rest] = pinned(0, [process.execPath, STRAIN, 'target', '--port', '0', ...args]);
  const child = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => {
    createInterface({ input: child.stdout! }).once('line', (l) => resolve(/listening on (\S+)/.exec(l)![1]));
  });
  return { child, url, port: Number(new URL(url).port) };
}

export function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
