import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
export const STRAIN = join(ROOT, 'bin', 'strain.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Hard limit; the child is killed (by its PID) if it runs longer. */
  timeoutMs?: number;
  /** Called with the child once it is running, e.g. to send it a signal. */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  env?: NodeJS.ProcessEnv;
}

/** Runs the real strain binary as a child process, with no TTY, and collects its output. */
export function strain(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [STRAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    options.onSpawn?.(child);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A fresh temporary directory for databases and profiles. */
export function tempDir(prefix = 'strain-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a profile file into dir and returns its path. */
export function writeProfile(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/**
 * An onSpawn that sends SIGINT `afterMs` into the measured run: its clock starts with strain's
 * "run N:" line on stderr, however long start-up and warm-up took on a loaded machine.
 */
export function interruptAfterStart(afterMs = 1500): (child: import('node:child_process').ChildProcess) => void {
  return (child) => {
    let sent = false;
    child.stderr!.on('data', (d: Buffer) => {
      if (!sent && /run \d+:/.test(String(d))) {
        sent = true;
        setTimeout(() => child.kill('SIGINT'), afterMs);
      }
    });
  };
}
