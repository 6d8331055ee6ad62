import { stringify } from 'csv-stringify/sync';
import type { ReportData } from './data';

const COLUMNS = [
  'second', 'time', 'stage', 'stage_name', 'level', 'requests', 'errors', 'requests_per_s', 'error_rate',
  'c2xx', 'c3xx', 'c4xx', 'c5xx', 'timeouts', 'refused', 'resets', 'other', 'checks', 'protocol', 'offered', 'dropped', 'in_flight',
  'p50_ms', 'p90_ms', 'p95_ms', 'p99_ms', 'max_ms', 'mean_ms', 'generator_lag_ms',
  'target_pid', 'target_cpu_pct', 'target_rss_mb', 'target_threads', 'target_fds',
];

/** One row per second: the run's interval joined with the target sample taken in that second. */
export function renderCsv(data: ReportData): string {
  let k = 0;
  const rows = data.intervals.map((r) => {
    const end = r.started_at + r.duration_ms;
    let sample: ReportData['samples'][number] | undefined;
    while (k < data.samples.length && data.samples[k].at < end) {
      if (data.samples[k].at >= r.started_at) sample = data.samples[k];
      k++;
    }
    return [
      r.t, new Date(r.started_at).toISOString(), r.stage, data.plan.stages[r.stage]?.name ?? '', r.level, r.requests, r.errors,
      +((r.requests * 1000) / r.duration_ms).toFixed(3), r.requests ? +(r.errors / r.requests).toFixed(6) : 0,
      r.c2xx, r.c3xx, r.c4xx, r.c5xx, r.timeouts, r.refused, r.resets, r.other, r.checks, r.protocol, r.offered, r.dropped, r.in_flight,
      r.p50_ms, r.p90_ms, r.p95_ms, r.p99_ms, r.max_ms, r.mean_ms, r.generator_lag_ms,
      sample?.pid ?? '', sample?.cpuPct ?? '', sample ? +(sample.rssBytes / 1048576).toFixed(3) : '', sample?.threads ?? '', sample?.fds ?? '',
    ];
  });
  return stringify([COLUMNS, ...rows]);
}
