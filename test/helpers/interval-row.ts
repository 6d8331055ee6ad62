import type { IntervalRow } from '../../src/core/interval';

/**
 * One stored second for the analyses' tests: 100 requests, all 2xx, 1 ms everywhere, no lag,
 * 20% generator CPU, no histograms, unless `fields` says otherwise.
 */
export function intervalRow(fields: Partial<IntervalRow> & Pick<IntervalRow, 't' | 'started_at'>): IntervalRow {
  return {
    run_id: 1,
    duration_ms: 1000,
    stage: 0,
    level: 1,
    requests: 100,
    errors: 0,
    c2xx: 100,
    c3xx: 0,
    c4xx: 0,
    c5xx: 0,
    timeouts: 0,
    refused: 0,
    resets: 0,
    other: 0,
    checks: 0,
    protocol: 0,
    offered: 100,
    started: 100,
    dropped: 0,
    bytes: 0,
    in_flight: 0,
    p50_ms: 1,
    p90_ms: 1,
    p95_ms: 1,
    p99_ms: 1,
    max_ms: 1,
    mean_ms: 1,
    generator_lag_ms: 0,
    schedule_lag_ms: 0,
    generator_cpu_pct: 20,
    hist: null,
    service_hist: null,
    ...fields,
  };
}
