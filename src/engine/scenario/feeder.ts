import { readFileSync } from 'node:fs';
import type { FeederMode } from '../../core/profile';
import { parseDataRows } from '../../core/data-rows';

/** Rows of a CSV file handed to iterations: in order (wrapping), at random, or each once. */
export class DataFeeder {
  private readonly rows: Record<string, string>[];
  private next_ = 0;
  private used = 0;
  private readonly totalRows: number;

  /** `shard`: under worker threads each takes the rows whose number modulo `of` is `index`, so unique stays unique. */
  constructor(
    readonly file: string,
    readonly mode: FeederMode,
    private readonly random: () => number,
    shard = { index: 0, of: 1 },
  ) {
    const all = parseDataRows(readFileSync(file, 'utf8'), file);
    if (all.length === 0) throw new Error(`data file ${file} has a header but no rows`);
    const mine = shard.of > 1 ? all.filter((_, i) => i % shard.of === shard.index) : all;
    // More workers than rows: a unique feeder's share may be empty; the others share every row.
    this.rows = mine.length > 0 || mode === 'unique' ? mine : all;
    this.totalRows = all.length;
  }

  get columns(): string[] {
    return Object.keys(this.rows[0] ?? {});
  }

  /** The next row, or undefined once a unique feeder has given every row. */
  take(): Record<string, string> | undefined {
    if (this.mode === 'random') return this.rows[Math.floor(this.random() * this.rows.length)];
    if (this.mode === 'unique' && this.used >= this.rows.length) return undefined;
    this.used++;
    const row = this.rows[this.next_];
    this.next_ = (this.next_ + 1) % this.rows.length;
    return row;
  }

  describeExhausted(): string {
    return `data file ${this.file} ran out of rows in unique mode (all ${this.totalRows} used); the run ends here`;
  }
}
