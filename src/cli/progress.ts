import { defaults } from '../defaults';
import type { ResolvedProfile } from '../core/profile';
import { addHistogram, latencyStatsMs, newLatencyHistogram } from '../core/histogram';
import type { IntervalSink, IntervalSnapshot } from '../core/interval';
import { formatDuration } from '../util/duration';
import { ms, num, pct } from './format';
import { printable } from '../util/format';

/** Plain progress lines every few seconds, for non-TTY output and --no-tui. */
export class ProgressPrinter implements IntervalSink {
  private readonly window = newLatencyHistogram(64);
  private requests = 0;
  private errors = 0;
  private dropped = 0;
  private windowMs = 0;
  private lastPrint = 0;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly profile: ResolvedProfile,
    private readonly level: () => string,
    private readonly everyMs: number = defaults.progress.everyMs,
  ) {}

  onInterval(i: IntervalSnapshot): void {
    addHistogram(this.window, i.latency);
    this.requests += i.requests;
    this.errors += i.errors;
    this.dropped += i.dropped;
    this.windowMs += i.durationMs;
    const elapsed = (i.index * 1000) + i.durationMs;
    if (elapsed - this.lastPrint < this.everyMs) return;
    this.lastPrint = elapsed;
    const l = latencyStatsMs(this.window);
    const stage = this.profile.stages[i.stage]?.name ?? '';
    const rate = this.windowMs > 0 ? (this.requests * 1000) / this.windowMs : 0;
    const errRate = this.requests > 0 ? this.errors / this.requests : 0;
    this.out.write(printable(
      `[${formatDuration(elapsed).padStart(6)} / ${formatDuration(this.profile.totalDurationMs)}] ${stage}  ${this.level()}  ` +
        `${num(rate)} req/s  p50 ${ms(l.p50)}  p95 ${ms(l.p95)}  p99 ${ms(l.p99)}  errors ${pct(errRate)}` +
        `${this.profile.model === 'open' ? `  dropped ${num(this.dropped)}` : ''}  in flight ${i.inFlight}`,
    ) + '\n');
    this.window.reset();
    this.requests = this.errors = this.dropped = this.windowMs = 0;
  }
}
