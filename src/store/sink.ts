import { defaults } from '../defaults';
import { Outcome } from '../core/outcome';
import { encodeHistogram, latencyStatsMs } from '../core/histogram';
import type { IntervalSink, IntervalSnapshot, IntervalRow } from '../core/interval';
import type { RunStore } from './runs';
import { encodeFigures } from '../core/llm';

/** Turns a closed interval into its stored row; histograms are encoded, never averaged. */
export function toIntervalRow(runId: number, i: IntervalSnapshot): IntervalRow {
  const s = latencyStatsMs(i.latency);
  const separate = i.serviceLatency !== i.latency;
  return {
    run_id: runId,
    t: i.index,
    started_at: Math.round(i.startedAt),
    duration_ms: i.durationMs,
    stage: i.stage,
    level: i.level,
    requests: i.requests,
    errors: i.errors,
    c2xx: i.counts[Outcome.s2xx],
    c3xx: i.counts[Outcome.s3xx],
    c4xx: i.counts[Outcome.s4xx],
    c5xx: i.counts[Outcome.s5xx],
    timeouts: i.counts[Outcome.timeout],
    refused: i.counts[Outcome.refused],
    resets: i.counts[Outcome.reset],
    other: i.counts[Outcome.other],
    checks: i.counts[Outcome.check],
    protocol: i.counts[Outcome.protocol],
    offered: i.offered,
    started: i.started,
    dropped: i.dropped,
    bytes: i.bytes,
    in_flight: i.inFlight,
    p50_ms: s.p50,
    p90_ms: s.p90,
    p95_ms: s.p95,
    p99_ms: s.p99,
    max_ms: s.max,
    mean_ms: s.mean,
    generator_lag_ms: i.generatorLagMs,
    schedule_lag_ms: i.scheduleLagMs,
    generator_cpu_pct: i.generatorCpuPct,
    hist: i.latency.totalCount > 0 ? encodeHistogram(i.latency) : null,
    service_hist: separate && i.serviceLatency.totalCount > 0 ? encodeHistogram(i.serviceLatency) : null,
    llm_json: i.llm ? JSON.stringify(encodeFigures(i.llm)) : null,
  };
}

/**
 * Writes intervals to the store, one transaction per flush. A flush that fails (database
 * locked past busy_timeout, disk full) keeps its rows and retries them with the next one;
 * the rows waiting are bounded (the oldest go first, counted), and every failure goes to
 * onError, never up into the engine.
 */
export class StoreSink implements IntervalSink {
  private pending: IntervalRow[] = [];
  /** Intervals written, and those dropped because too many waited. */
  stored = 0;
  dropped = 0;

  constructor(
    private readonly store: RunStore,
    private readonly runId: number,
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly maxPending: number = defaults.store.maxPendingIntervals,
  ) {}

  onInterval(interval: IntervalSnapshot): void {
    this.pending.push(toIntervalRow(this.runId, interval));
    if (this.pending.length > this.maxPending) {
      this.pending.shift();
      this.dropped++;
    }
    this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    try {
      this.store.addIntervals(this.pending);
      this.stored += this.pending.length;
      this.pending = [];
    } catch (err) {
      this.onError(err);
    }
  }

  /** Intervals measured but not in the store (still waiting, or dropped). */
  unstored(): number {
    return this.pending.length + this.dropped;
  }

  close(): void {
    this.flush();
  }
}
