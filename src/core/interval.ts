import type { Histogram } from './histogram';
import type { Stall } from './stalls';
import type { LlmFigures } from './llm';

/** One closed interval (normally one second) of a run, as every sink sees it. */
export interface IntervalSnapshot {
  /** 0-based interval number since the run started. */
  index: number;
  /** Wall-clock start of the interval, ms since the epoch. */
  startedAt: number;
  durationMs: number;
  stage: number;
  /** Planned level (VUs or arrivals/s) at the middle of the interval. */
  level: number;
  /** Requests that completed in the interval, by outcome class (see engine/outcome). */
  counts: readonly number[];
  requests: number;
  errors: number;
  /** Open model: arrivals scheduled / started / dropped because the in-flight limit was hit. */
  offered: number;
  started: number;
  dropped: number;
  bytes: number;
  /** Latency from intended start (corrected); valid only during the sink call. */
  latency: Histogram;
  /** Latency from the actual send; equals `latency` in the closed model. */
  serviceLatency: Histogram;
  /** Worst event-loop delay of the generator in the interval. */
  generatorLagMs: number;
  /** Open model: how late the latest-started iteration began against its intended time. */
  scheduleLagMs: number;
  /** CPU used by the generator process in the interval (100 = one core). */
  generatorCpuPct: number;
  inFlight: number;
  /** Stalls of the generator's event loop that ended in this interval (wall-clock times). */
  stalls: readonly Stall[];
  /** llm: steps' figures in the interval; valid only during the sink call. */
  llm?: LlmFigures;
}

/** Every output is a sink: it receives closed intervals and is closed once at the end. */
export interface IntervalSink {
  onInterval(interval: IntervalSnapshot): void;
  close?(): void | Promise<void>;
}

/**
 * One interval measured elsewhere (worker threads, agents) and merged by histogram addition,
 * never by averaging percentiles: what Recorder.publish takes (see split/merger).
 */
export interface MergedInterval {
  index: number;
  /** The longest of the parts (the last interval of a run may be partial). */
  durationMs: number;
  counts: readonly number[];
  offered: number;
  started: number;
  dropped: number;
  bytes: number;
  latency: Histogram;
  /** Undefined when no source kept service latency apart (the closed model). */
  serviceLatency: Histogram | undefined;
  /** The worst of the sources. */
  generatorLagMs: number;
  scheduleLagMs: number;
  /** Summed over the sources. */
  inFlight: number;
  stalls: Stall[];
  /** How many sources' parts were merged into this interval. */
  sources: number;
  /** llm: steps' figures, added over the sources. */
  llm?: LlmFigures;
}

/** One stored interval, as a row of the `intervals` table (histograms encoded, or null when not selected). */
export interface IntervalRow {
  run_id: number;
  t: number;
  started_at: number;
  duration_ms: number;
  stage: number;
  level: number;
  requests: number;
  errors: number;
  c2xx: number;
  c3xx: number;
  c4xx: number;
  c5xx: number;
  timeouts: number;
  refused: number;
  resets: number;
  other: number;
  checks: number;
  /** Protocol violations (migration 8). */
  protocol: number;
  offered: number;
  started: number;
  dropped: number;
  bytes: number;
  in_flight: number;
  p50_ms: number;
  p90_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
  generator_lag_ms: number;
  schedule_lag_ms: number;
  generator_cpu_pct: number;
  hist: string | null;
  service_hist: string | null;
  /** llm: steps' figures in the interval (counts and encoded HDR histograms), as JSON. */
  llm_json?: string | null;
}
