import { execFileSync } from 'node:child_process';

/**
 * A private tmux server (its own socket) running one command in a detached session of a
 * given size, so tests can type keys and read the screen like a person would.
 */
export class Tmux {
  private readonly socket = `strain-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly session = 'main';

  static available(): boolean {
    try {
      execFileSync('tmux', ['-V'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  start(command: string, width = 120, height = 40): void {
    this.tmux('new-session', '-d', '-s', this.session, '-x', String(width), '-y', String(height), command);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.session);
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.session, ...keys);
  }

  resize(width: number, height: number): void {
    this.tmux('resize-window', '-t', this.session, '-x', String(width), '-y', String(height));
  }

  /** Polls the screen until it matches, or throws with the last screen shown. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (pattern.test(last)) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`screen never matched ${pattern}; last screen:\n${last}`);
  }

  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
