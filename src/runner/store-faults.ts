import type { StoreFault } from '../core/summary';

/**
 * Every write a run makes goes through attempt(): a failure (disk full, database locked past
 * busy_timeout) is counted, the first one is reported at once, and none ends the run by an
 * exception. The run goes on measuring, or stops when the policy says so.
 */
export class StoreFaults {
  private first: Error | undefined;
  private failed = 0;

  constructor(private readonly onFirst: (message: string) => void) {}

  readonly record = (err: unknown): void => {
    this.failed++;
    if (this.first) return;
    this.first = err instanceof Error ? err : new Error(String(err));
    this.onFirst(`cannot write to the store: ${this.reason()}`);
  };

  attempt<T>(write: () => T): T | undefined {
    try {
      return write();
    } catch (err) {
      this.record(err);
      return undefined;
    }
  }

  /** One line: the first error, its SQLite code when it has one. */
  reason(): string {
    const e = this.first as (Error & { code?: string }) | undefined;
    if (!e) return '';
    return `${e.message.split('\n')[0]}${e.code && !e.message.includes(e.code) ? ` (${e.code})` : ''}`;
  }

  /** What the summary says about storage; undefined when every write landed. */
  summary(storedSeconds: number, unstoredSeconds: number): StoreFault | undefined {
    if (!this.first) return undefined;
    return { error: this.reason(), failedWrites: this.failed, storedSeconds, unstoredSeconds };
  }
}
