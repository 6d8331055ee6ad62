import { decodeHistogram, percentileMs } from '../core/histogram';
import type { LlmFiguresJson, LlmPercentiles, LlmSummary } from '../core/llm';
import type { Finding } from '../core/finding';
import type { IntervalRow } from '../core/interval';
import { num } from '../util/format';
import { escapeXml as e } from './escape';
import { lineChart, type ChartMarker, type ChartOptions, type ChartSeries } from './svg';

/** Above this many seconds the per-second LLM charts read every n-th second (histogram decoding costs). */
const MAX_DECODED_ROWS = 3600;

const ROWS: [string, keyof Pick<LlmSummary, 'ttftMs' | 'tpotMs' | 'itlMs' | 'e2eMs'>][] = [
  ['TTFT (time to first token)', 'ttftMs'],
  ['TPOT (time per output token)', 'tpotMs'],
  ['ITL (each gap between chunks)', 'itlMs'],
  ['E2E (whole request)', 'e2eMs'],
];
const pcts = (p: LlmPercentiles) => [p.p50, p.p90, p.p95, p.p99, p.max, p.mean].map((x) => `<td>${num(x, 2)} ms</td>`).join('');

/** The HTML report's LLM section: the summary's llm block as tables. */
export function llmSummaryHtml(l: LlmSummary): string[] {
  const out = [
    '<h2>LLM</h2>',
    '<table><tr><th>requests</th><th>input tokens</th><th>output tokens</th><th>requests/s</th><th>output tokens/s</th><th>total tokens/s</th><th>output tokens/s per user</th><th>goodput</th></tr>',
  ];
  const good = l.goodput ? `${num(l.goodput.requestsPerSec, 2)}/s (${num(l.goodput.fraction * 100, 1)}%)` : 'no llm.slo';
  out.push(
    `<tr><td>${num(l.requests)}</td><td>${num(l.inputTokens)}</td><td>${num(l.outputTokens)}</td><td>${num(l.requestsPerSec, 2)}</td><td>${num(l.outputTokensPerSec, 1)}</td><td>${num(l.totalTokensPerSec, 1)}</td><td>${num(l.outputTokensPerSecPerUser, 1)}</td><td>${e(good)}</td></tr></table>`,
  );
  out.push('<table><tr><th>figure</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>max</th><th>mean</th></tr>');
  for (const [label, key] of ROWS) out.push(`<tr><td>${e(label)}</td>${pcts(l[key])}</tr>`);
  out.push('</table>');
  const bad = Object.entries(l.bad);
  if (bad.length) out.push(`<p>Bad answers by class: ${bad.map(([k, n]) => `${e(k)} ${num(n ?? 0)}`).join(', ')}</p>`);
  if (l.nonStreamed) out.push(`<p>${num(l.nonStreamed)} answers were not streamed (the server ignored stream: true): measured as TTFT = E2E.</p>`);
  if (l.tokensCounted) out.push(`<p>${num(l.tokensCounted)} answers had no usage: their tokens were counted with the o200k_base tokenizer.</p>`);
  return out;
}

/** Markdown lines for the llm block. */
export function llmSummaryMarkdown(l: LlmSummary): string[] {
  const row = (name: string, p: LlmPercentiles) => `| ${name} | ${num(p.p50, 2)} ms | ${num(p.p95, 2)} ms | ${num(p.p99, 2)} ms | ${num(p.max, 2)} ms |`;
  return [
    `LLM: ${num(l.requests)} requests, ${num(l.outputTokensPerSec, 1)} output tokens/s (${num(l.totalTokensPerSec, 1)} total)` +
      (l.goodput ? `, goodput ${num(l.goodput.requestsPerSec, 2)}/s (${num(l.goodput.fraction * 100, 1)}%)` : ''),
    '',
    '| figure | p50 | p95 | p99 | max |',
    '|---|---:|---:|---:|---:|',
    row('TTFT', l.ttftMs),
    row('TPOT', l.tpotMs),
    row('ITL', l.itlMs),
    row('E2E', l.e2eMs),
    '',
  ];
}

interface Second {
  x: number;
  durationMs: number;
  f: LlmFiguresJson;
}

function seconds(rows: readonly IntervalRow[]): Second[] {
  const out: Second[] = [];
  for (const r of rows) {
    if (!r.llm_json || r.duration_ms < 500) continue; // a final partial second misleads a rate
    out.push({ x: r.t + r.duration_ms / 2000, durationMs: r.duration_ms, f: JSON.parse(r.llm_json) as LlmFiguresJson });
  }
  return out;
}

const at = (text: string | null, p: number): number | undefined => (text ? percentileMs(decodeHistogram(text), p) : undefined);

/** Per-second LLM charts on the run's time axis: TTFT and TPOT percentiles, tokens/s, goodput. */
export function llmTimeCharts(
  rows: readonly IntervalRow[],
  markers: ChartMarker[],
  axis: Pick<ChartOptions, 'xDomain' | 'xTime'>,
  slo?: { ttftMs?: number; tpotMs?: number },
): string[] {
  const all = seconds(rows);
  if (all.length === 0) return [];
  const every = Math.ceil(all.length / MAX_DECODED_ROWS);
  const sampled = all.filter((_, i) => i % every === 0);
  const line = (pick: (s: Second) => number | undefined): [number, number][] =>
    sampled.flatMap((s) => {
      const y = pick(s);
      return y === undefined ? [] : [[s.x, y] as [number, number]];
    });
  const pctSeries = (key: 'ttft' | 'tpot'): ChartSeries[] => [
    { name: 'p99', color: '#cf222e', width: 2.4, points: line((s) => at(s.f[key], 99)) },
    { name: 'p95', color: '#bf8700', dashed: true, width: 1.8, points: line((s) => at(s.f[key], 95)) },
    { name: 'p50', color: '#1a7f37', points: line((s) => at(s.f[key], 50)) },
  ];
  const ref = (ms: number | undefined, label: string) => (ms === undefined ? [] : [{ y: ms, label: `SLO ${label} ${num(ms, 0)} ms`, color: '#8250df' }]);
  const perSec = (n: number, s: Second) => (n * 1000) / s.durationMs;
  const note = every > 1 ? ` (every ${every}th second)` : '';
  return [
    lineChart({ title: `Time to first token per second${note}`, yLabel: 'ms', series: pctSeries('ttft'), refLines: ref(slo?.ttftMs, 'ttft'), markers, ...axis }),
    lineChart({ title: `Time per output token per second${note}`, yLabel: 'ms', series: pctSeries('tpot'), refLines: ref(slo?.tpotMs, 'tpot'), markers, ...axis }),
    lineChart({
      title: 'Tokens per second',
      yLabel: 'tok/s',
      markers,
      ...axis,
      series: [
        { name: 'output tokens/s', color: '#0969da', points: all.map((s) => [s.x, perSec(s.f.outputTokens, s)]) },
        { name: 'input tokens/s', color: '#57606a', dashed: true, points: all.map((s) => [s.x, perSec(s.f.inputTokens, s)]) },
      ],
    }),
    lineChart({
      title: 'Requests and goodput per second',
      yLabel: 'req/s',
      markers,
      ...axis,
      series: [
        { name: 'llm requests/s', color: '#0969da', points: all.map((s) => [s.x, perSec(s.f.requests, s)]) },
        { name: 'good requests/s (every SLO met)', color: '#1a7f37', points: all.map((s) => [s.x, perSec(s.f.good, s)]) },
        {
          name: 'bad answers/s',
          color: '#cf222e',
          points: all.map((s) => [
            s.x,
            perSec(
              Object.values(s.f.bad).reduce((a, b) => a + (b ?? 0), 0),
              s,
            ),
          ]),
        },
      ],
    }),
  ];
}

/** Stress on an LLM: output tokens/s per step against concurrency, with the knee and the break. */
export function llmStressChart(f: Finding | undefined, unit: string): string[] {
  const steps = (f?.steps as { level: number; outputTokensPerSec?: number }[] | undefined)?.filter((s) => s.outputTokensPerSec !== undefined) ?? [];
  if (steps.length === 0) return [];
  const markers: ChartMarker[] = [];
  if (typeof f!.breakingLevel === 'number') markers.push({ x: f!.breakingLevel as number, label: `breaks at ${f!.breakingLevel}${unit}`, color: '#cf222e' });
  if (typeof f!.knee === 'number') markers.push({ x: f!.knee as number, label: `knee ${f!.knee}${unit}`, color: '#8250df' });
  return [
    lineChart({
      title: `Output tokens/s per step vs load (${unit.trim()})`,
      yLabel: 'tok/s',
      markers,
      series: [{ name: 'output tokens/s (one dot per step)', color: '#0969da', withDots: true, points: steps.map((s) => [s.level, s.outputTokensPerSec!]) }],
    }),
  ];
}
