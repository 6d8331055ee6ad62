import type { IntervalSink, IntervalSnapshot } from '../core/interval';

export interface SettleLimits {
  /** The warm-up lasts at least this long (the profile's warmup). */
  minMs: number;
  /** And at most this long, settled or not. */
  maxMs: number;
  /** Settled: event-loop lag, schedule lag and stalls all at or under this... */
  lagMs: number;
  /** ...for this long in a row. */
  forMs: number;
}

/** The bound on an adaptive warm-up of `minMs`: twice it, and at least 2 s more. */
export function settleLimits(minMs: number): SettleLimits {
  return { minMs, maxMs: Math.max(2 * minMs, minMs + 2000), lagMs: 10, forMs: 1000 };
}

/**
 * Watches the warm-up's short intervals and resolves `settled` once the generator's lag and
 * the arrival schedule's lag have stayed low for a while after the minimum time (the JIT has
 * compiled the hot path and strain's per-interval work has run warm). The engine bounds it.
 */
export class SettleWatch implements IntervalSink {
  private elapsedMs = 0;
  private calmMs = 0;
  /** The worst lag (ms) of the latest `forMs` window, whatever the outcome. */
  recentLagMs = 0;
  private window: { ms: number; lag: number }[] = [];
  private resolve: () => void = () => undefined;
  readonly settled = new Promise<void>((r) => (this.resolve = r));
  isSettled = false;

  constructor(private readonly limits: SettleLimits) {}

  onInterval(i: IntervalSnapshot): void {
    const lag = Math.max(i.generatorLagMs, i.scheduleLagMs, ...i.stalls.map((s) => s.ms));
    this.elapsedMs += i.durationMs;
    this.calmMs = lag <= this.limits.lagMs ? this.calmMs + i.durationMs : 0;
    this.window.push({ ms: i.durationMs, lag });
    while (this.window.length > 1 && this.window.reduce((s, w) => s + w.ms, 0) - this.window[0].ms >= this.limits.forMs) this.window.shift();
    this.recentLagMs = Math.max(...this.window.map((w) => w.lag));
    if (!this.isSettled && this.elapsedMs >= this.limits.minMs && this.calmMs >= this.limits.forMs) {
      this.isSettled = true;
      this.resolve();
    }
  }
}
