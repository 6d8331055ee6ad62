import { stringify } from 'csv-stringify/sync';
import type { ReportData } from './data';
import { decodeHistogram, percentileMs } from '../core/histogram';
import type { LlmFiguresJson } from '../core/llm';

const COLUMNS = [
  'second',
  'time',
  'stage',
  'stage_name',
  'level',
  'requests',
  'errors',
  'requests_per_s',
  'error_rate',
  'c2xx',
  'c3xx',
  'c4xx',
  'c5xx',
  'timeouts',
  'refused',
  'resets',
  'other',
  'checks',
  'protocol',
  'offered',
  'dropped',
  'in_flight',
  'p50_ms',
  'p90_ms',
  'p95_ms',
  'p99_ms',
  'max_ms',
  'mean_ms',
  'generator_lag_ms',
  'target_pid',
  'target_cpu_pct',
  'target_rss_mb',
  'target_threads',
  'target_fds',
];
/** Added for profiles with llm: steps (per second; percentiles from that second's histograms). */
const LLM_COLUMNS = [
  'llm_requests',
  'input_tokens',
  'output_tokens',
  'good',
  'bad',
  'ttft_p50_ms',
  'ttft_p95_ms',
  'ttft_p99_ms',
  'tpot_p50_ms',
  'tpot_p95_ms',
  'tpot_p99_ms',
  'itl_p99_ms',
  'e2e_p95_ms',
];

function llmCells(r: ReportData['intervals'][number]): (number | string)[] {
  if (!r.llm_json) return LLM_COLUMNS.map(() => '');
  const f = JSON.parse(r.llm_json) as LlmFiguresJson;
  const p = (text: string | null, q: number) => (text ? percentileMs(decodeHistogram(text), q) : '');
  return [
    f.requests,
    f.inputTokens,
    f.outputTokens,
    f.good,
    Object.values(f.bad).reduce((a, b) => a + (b ?? 0), 0),
    p(f.ttft, 50),
    p(f.ttft, 95),
    p(f.ttft, 99),
    p(f.tpot, 50),
    p(f.tpot, 95),
    p(f.tpot, 99),
    p(f.itl, 99),
    p(f.e2e, 95),
  ];
}

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
      r.t,
      new Date(r.started_at).toISOString(),
      r.stage,
      data.plan.stages[r.stage]?.name ?? '',
      r.level,
      r.requests,
      r.errors,
      +((r.requests * 1000) / r.duration_ms).toFixed(3),
      r.requests ? +(r.errors / r.requests).toFixed(6) : 0,
      r.c2xx,
      r.c3xx,
      r.c4xx,
      r.c5xx,
      r.timeouts,
      r.refused,
      r.resets,
      r.other,
      r.checks,
      r.protocol,
      r.offered,
      r.dropped,
      r.in_flight,
      r.p50_ms,
      r.p90_ms,
      r.p95_ms,
      r.p99_ms,
      r.max_ms,
      r.mean_ms,
      r.generator_lag_ms,
      sample?.pid ?? '',
      sample?.cpuPct ?? '',
      sample ? +(sample.rssBytes / 1048576).toFixed(3) : '',
      sample?.threads ?? '',
      sample?.fds ?? '',
      ...(data.plan.llm ? llmCells(r) : []),
    ];
  });
  return stringify([data.plan.llm ? [...COLUMNS, ...LLM_COLUMNS] : COLUMNS, ...rows]);
}
