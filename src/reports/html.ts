import type { Finding } from '../core/finding';
import { stageStarts } from '../core/plan';
import { runFailures } from '../core/summary';
import { formatDuration } from '../util/duration';
import { num } from '../util/format';
import type { ReportData } from './data';
import { correlationChart } from './correlation-chart';
import { downsample, type Fold } from './downsample';
import { escapeXml as e } from './escape';
import { cgroupCharts, gpuCharts } from './resource-charts';
import { llmStressChart, llmSummaryHtml, llmTimeCharts } from './llm';
import { lineChart, type ChartBand, type ChartMarker, type ChartSeries } from './svg';
import { clockLabel } from '../util/axis';
import { trendRows } from './trend';
import { actualText, findingTone, resultWord } from '../verdict/verdict';

const MAX_POINTS = 600;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:980px;color:#1b1f24;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#555}.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-weight:600;font-size:12px;color:#fff}
.passed,.pass,.no-leak,.recovered,.not-reached,.no-evidence{background:#1a7f37}.failed,.fail,.leak,.not-recovered,.broken,.saturated,.correlated{background:#cf222e}
.aborted,.running,.inconclusive{background:#9a6700}
.warn{background:#9a6700}.good{background:#1a7f37}.bad{background:#cf222e}.info{background:#57606a}
.verdict{font-size:15px;font-weight:600;margin:6px 0 2px}
table{border-collapse:collapse;margin:6px 0;width:100%}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;font-variant-numeric:tabular-nums}th{background:#f6f8fa}
.chart{margin:8px 0;border:1px solid #eee}.chart .title{font-weight:600;font-size:13px}.chart .grid{stroke:#eee}
.chart text{font-size:11px;fill:#444}.chart .axis{stroke:#999}.chart .legend text{fill:#1b1f24}.chart .ytick{text-anchor:end}.chart .xtick{text-anchor:middle}.chart .marker,.chart .band{fill:#666}
ul.findings li{margin:4px 0}
@media print{body{margin:0;max-width:none}.chart{break-inside:avoid}h2{break-after:avoid}}
`;

function series(data: ReportData, pick: (r: ReportData['intervals'][number]) => number, fold: Fold): [number, number][] {
  // A final partial second would turn a handful of requests into a misleading rate.
  const whole = data.intervals.filter((r) => r.duration_ms >= 500);
  return downsample(
    whole.map((r) => [r.t + r.duration_ms / 2000, pick(r)] as [number, number]),
    MAX_POINTS,
    fold,
  );
}

function stageMarkers(data: ReportData): ChartMarker[] {
  const end = data.intervals.length ? data.intervals[data.intervals.length - 1].t + 1 : 0;
  return stageStarts(data.plan.stages)
    .map((ms, i) => ({ x: ms / 1000, label: data.plan.stages[i].name }))
    .filter((m, i) => i > 0 && m.x < end)
    .slice(0, 40);
}

function spikeBands(data: ReportData): ChartBand[] {
  const f = data.findings.find((x) => x.kind === 'recovery');
  if (data.plan.kind !== 'spike' || data.plan.stages.length < 3) return [];
  const starts = stageStarts(data.plan.stages).map((ms) => ms / 1000);
  const bands: ChartBand[] = [{ from: starts[1], to: starts[2], label: 'spike', color: '#cf222e' }];
  if (f && typeof f.recoveryS === 'number') bands.push({ from: starts[2], to: starts[2] + f.recoveryS, label: `recovery ${f.recoveryS}s`, color: '#1a7f37' });
  return bands;
}

/** One shared time axis for every chart of a run: 0 to the run's last second, clock ticks. */
function timeAxis(data: ReportData): { xDomain: [number, number]; xTime: true } {
  const last = data.intervals.at(-1);
  const end = last ? last.t + last.duration_ms / 1000 : (data.run.ended_at ?? data.run.started_at) / 1000 - data.run.started_at / 1000;
  return { xDomain: [0, Math.max(1, end)], xTime: true };
}

function timeCharts(data: ReportData): string[] {
  const axis = timeAxis(data);
  const markers = stageMarkers(data);
  const bands = spikeBands(data);
  const slo = data.plan.thresholds.find((t) => t.name === 'latency.p99') ?? data.plan.thresholds.find((t) => t.name === 'latency.p95');
  // p99 first, then p95 dashed on top of it: where they coincide both stay visible.
  const latency: ChartSeries[] = [
    { name: 'p99', color: '#cf222e', points: series(data, (r) => r.p99_ms, 'max'), width: 2.4 },
    { name: 'p95', color: '#bf8700', points: series(data, (r) => r.p95_ms, 'max'), dashed: true, width: 1.8 },
    { name: 'p50', color: '#1a7f37', points: series(data, (r) => r.p50_ms, 'max') },
  ];
  const refLines = slo ? [{ y: slo.value, label: `${slo.name} SLO ${slo.condition.replace(/^[<>=\s]+/, '')}`, color: '#8250df' }] : [];
  const level = data.plan.model === 'open' ? 'arrivals/s' : 'VUs';
  const charts = [
    lineChart({ title: 'Latency (each point is the worst second of its bucket)', yLabel: 'ms', series: latency, refLines, markers, bands, ...axis }),
    lineChart({
      title: 'Throughput and errors per second',
      yLabel: 'req/s',
      markers,
      bands,
      ...axis,
      series: [
        { name: 'requests/s', color: '#0969da', points: series(data, (r) => (r.requests * 1000) / r.duration_ms, 'mean') },
        { name: 'errors/s', color: '#cf222e', points: series(data, (r) => (r.errors * 1000) / r.duration_ms, 'mean') },
      ],
    }),
    lineChart({
      title: `Load level (${level})`,
      yLabel: level,
      markers,
      ...axis,
      series: [{ name: 'planned level', color: '#57606a', points: series(data, (r) => r.level, 'mean') }],
    }),
  ];
  if (data.plan.llm) charts.push(...llmTimeCharts(data.intervals, markers, axis, data.plan.llm.slo));
  if (data.samples.length > 0) {
    const start = data.run.started_at;
    const pts = (pick: (s: ReportData['samples'][number]) => number, fold: Fold) =>
      downsample(
        data.samples.map((s) => [(s.at - start) / 1000, pick(s)] as [number, number]),
        MAX_POINTS,
        fold,
      );
    charts.push(
      lineChart({ title: 'Target CPU (100% = one core)', yLabel: '%', markers, ...axis, series: [{ name: 'cpu %', color: '#bf8700', points: pts((s) => s.cpuPct, 'mean') }] }),
    );
    const rss: ChartSeries[] = [{ name: 'rss MB (bucket minimum)', color: '#0969da', points: pts((s) => s.rssBytes / 1048576, 'min') }];
    const leak = data.findings.find((f) => f.kind === 'leak' && f.resource !== 'gpu-memory' && f.trendLine);
    if (leak) {
      const tl = leak.trendLine as { interceptMB: number; slopeMBPerHour: number };
      const from = ((leak.analysisFrom as number) - start) / 1000;
      const to = ((leak.analysisTo as number) - start) / 1000;
      const at = (x: number) => tl.interceptMB + (tl.slopeMBPerHour * (x - from)) / 3600;
      rss.push({
        name: `leak trend (${leak.verdict})`,
        color: '#cf222e',
        points: [
          [from, at(from)],
          [to, at(to)],
        ],
        dashed: true,
      });
    }
    charts.push(lineChart({ title: `Target resident memory${leak ? ', with the leak analysis trend' : ''}`, yLabel: 'MB', markers, ...axis, series: rss }));
  }
  const frame = { start: data.run.started_at, markers, fx: clockLabel, axis };
  charts.push(...gpuCharts(data.gpus, data.findings, frame), ...cgroupCharts(data.cgroups, frame));
  return charts;
}

function stressCharts(f: Finding | undefined, unit: string): string[] {
  const steps = (f?.steps as { level: number; goodThroughput: number; p99Ms: number }[] | undefined) ?? [];
  if (steps.length === 0) return [];
  const markers: ChartMarker[] = [];
  if (typeof f!.breakingLevel === 'number') markers.push({ x: f!.breakingLevel as number, label: `breaks at ${f!.breakingLevel}${unit}`, color: '#cf222e' });
  if (typeof f!.knee === 'number') markers.push({ x: f!.knee as number, label: `knee ${f!.knee}${unit}`, color: '#8250df' });
  const x = `load (${unit.trim()})`;
  return [
    lineChart({
      title: `Good throughput per step vs ${x}`,
      yLabel: 'req/s',
      markers,
      series: [{ name: 'good throughput (one dot per step)', color: '#0969da', withDots: true, points: steps.map((s) => [s.level, s.goodThroughput]) }],
    }),
    lineChart({
      title: `p99 latency per step vs ${x}`,
      yLabel: 'ms',
      markers,
      series: [{ name: 'p99 (one dot per step)', color: '#cf222e', withDots: true, points: steps.map((s) => [s.level, s.p99Ms]) }],
    }),
  ];
}

/** The self-contained HTML report: inline SVG, inline CSS, no script, nothing fetched. */
export function renderHtml(data: ReportData): string {
  const s = data.summary;
  const status = s?.status ?? data.run.status;
  const unit = data.plan.model === 'open' ? '/s' : ' VUs';
  const out: string[] = [];
  out.push('<!doctype html><html lang="en"><head><meta charset="utf-8">');
  out.push(
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>strain report: ${e(data.plan.name)} (run ${data.run.id})</title><style>${STYLE}</style></head><body>`,
  );
  out.push(`<h1>${e(data.plan.name)} <span class="badge ${e(status)}">${e(status.toUpperCase())}</span></h1>`);
  if (s?.verdict) out.push(`<p class="verdict">${e(s.verdict)}</p>`);
  out.push(
    `<p class="meta">run ${data.run.id} · ${e(data.plan.kind)} · ${e(data.plan.model)} model · target ${e(data.plan.target)} · started ${e(new Date(data.run.started_at).toISOString())}${s ? ` · ${e(formatDuration(s.durationS * 1000))}` : ''}${data.run.schedule_name ? ` · schedule ${e(data.run.schedule_name)}` : ''}</p>`,
  );
  if (data.plan.description) out.push(`<p>${e(data.plan.description)}</p>`);
  out.push('<h2>Summary</h2>');
  if (s) {
    const l = s.latencyMs;
    out.push('<table><tr><th>requests</th><th>throughput</th><th>errors</th><th>dropped</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr>');
    out.push(
      `<tr><td>${num(s.requests)}</td><td>${num(s.throughput, 1)}/s</td><td>${num(s.errors)} (${num(s.errorRate * 100, 2)}%)</td><td>${num(s.dropped)}</td><td>${num(l.p50, 2)} ms</td><td>${num(l.p90, 2)} ms</td><td>${num(l.p95, 2)} ms</td><td>${num(l.p99, 2)} ms</td><td>${num(l.p999, 2)} ms</td><td>${num(l.max, 2)} ms</td></tr></table>`,
    );
    if (s.skipped > 0)
      out.push(
        `<p>Skipped (not sent, not counted as requests): ${num(s.skipped)} steps: ${Object.entries(s.skippedByReason)
          .map(([k, n]) => `${e(k)} ${num(n)}`)
          .join(', ')}</p>`,
      );
    const errs = Object.entries(s.errorsByClass).filter(([, n]) => n > 0);
    if (errs.length) out.push(`<p>Errors by class: ${errs.map(([k, n]) => `${e(k)} ${num(n)}`).join(', ')}</p>`);
    const failures = runFailures(s.steps);
    if (failures.length) out.push(`<p>Failures:</p><ul class="failures">${failures.map((f) => `<li>${num(f.count)} × ${e(f.reason)}</li>`).join('')}</ul>`);
    if (s.resources.samples > 0) {
      const r = s.resources;
      out.push(
        `<p>Target: CPU mean ${num(r.cpuMeanPct, 1)}%, max ${num(r.cpuMaxPct, 1)}%; RSS ${num(r.rssStartMB, 1)} → ${num(r.rssEndMB, 1)} MB (max ${num(r.rssMaxMB, 1)}); ${r.samples} samples${r.restarts ? `, ${r.restarts} restarts` : ''}.</p>`,
      );
    }
    const g = s.resources.gpu;
    if (g)
      out.push(
        `<p>GPU: ${g.devices} device${g.devices > 1 ? 's' : ''}, utilisation mean ${num(g.utilMeanPct, 1)}%, max ${num(g.utilMaxPct, 1)}%; memory used at most ${num(g.memUsedMaxMB, 0)} of ${num(g.memTotalMB, 0)} MB; power mean ${num(g.powerMeanW, 1)} W; the target held at most ${num(g.targetMemMaxMB, 0)} MB.</p>`,
      );
    const c = s.resources.cgroup;
    if (c)
      out.push(
        `<p>cgroup ${e(c.path)}: CPU mean ${num(c.cpuMeanPct, 1)}% of one core${c.quotaCores ? ` (${num(c.quotaMeanPct, 1)}% of its ${num(c.quotaCores, 2)}-core quota, max ${num(c.quotaMaxPct, 1)}%)` : ''}; memory at most ${num(c.memMaxMB, 1)} MB${c.memLimitMB !== null ? ` of its ${num(c.memLimitMB, 0)} MB limit` : ' (no limit)'}${c.oomKills ? `; ${c.oomKills} OOM kill${c.oomKills > 1 ? 's' : ''}` : ''}.</p>`,
      );
    if (s.stopReason && s.stopReason !== 'completed') out.push(`<p>Stopped early: ${e(s.stopReason)}</p>`);
    if (s.llm) out.push(...llmSummaryHtml(s.llm));
    if (s.steps && s.steps.length > 1) {
      out.push('<h2>Steps</h2><table><tr><th>scenario</th><th>step</th><th>requests</th><th>errors</th><th>skipped</th><th>p50</th><th>p95</th><th>p99</th><th>failures</th></tr>');
      for (const st of s.steps) {
        const why = [...st.failures.slice(0, 3), ...(st.skipReasons ?? []).slice(0, 2).map((r) => ({ ...r, reason: `skipped: ${r.reason}` }))]
          .map((f) => `${e(f.reason)} (${num(f.count)})`)
          .join('; ');
        out.push(
          `<tr><td>${e(st.scenario)}</td><td>${e(st.name)}</td><td>${num(st.requests)}</td><td>${num(st.errors)}</td><td>${num(st.skipped ?? 0)}</td><td>${num(st.latencyMs.p50, 2)} ms</td><td>${num(st.latencyMs.p95, 2)} ms</td><td>${num(st.latencyMs.p99, 2)} ms</td><td>${why}</td></tr>`,
        );
      }
      out.push('</table>');
    }
    out.push('<h2>Thresholds</h2>');
    if (s.thresholds.length === 0) out.push('<p>No thresholds in this profile.</p>');
    else {
      if (s.thresholdsJudgedOn) out.push(`<p>Latency, error and throughput thresholds judged ${e(s.thresholdsJudgedOn)}; the figures above are the whole run's.</p>`);
      out.push('<table><tr><th>metric</th><th>condition</th><th>actual</th><th>judged on</th><th>result</th></tr>');
      for (const t of s.thresholds) {
        const word = resultWord(t);
        const on = t.judgedOn ?? (t.name === 'capacity' || t.name === 'recovery' || t.name === 'leak' ? 'its finding' : 'the whole run');
        out.push(
          `<tr><td>${e(t.name)}</td><td>${e(t.condition)}</td><td>${e(actualText(t))}</td><td>${e(on)}</td><td><span class="badge ${word === 'pass' ? 'pass' : word === 'WARN' ? 'warn' : 'fail'}">${word}</span></td></tr>`,
        );
      }
      out.push('</table>');
    }
  } else out.push('<p>This run has no summary yet (still running, or its process ended abruptly).</p>');
  out.push('<h2>Findings</h2>');
  if (data.findings.length === 0) out.push('<p>No findings.</p>');
  else
    out.push(
      `<ul class="findings">${data.findings.map((f) => `<li><span class="badge ${findingTone(f, s?.thresholds ?? [])}">${e(f.kind)}: ${e(f.verdict)}</span> ${e(f.summary)}</li>`).join('')}</ul>`,
    );
  out.push('<h2>Over time</h2>');
  if (data.intervals.length === 0) out.push('<p>No intervals were recorded.</p>');
  else out.push(...timeCharts(data), ...correlationChart(data.findings, data.run.started_at, timeAxis(data)));
  if (data.plan.kind === 'stress') {
    const breaking = data.findings.find((f) => f.kind === 'breaking-point');
    out.push('<h2>Capacity</h2>', ...llmStressChart(breaking, unit), ...stressCharts(breaking, unit));
  }
  const events = [...data.events.map((x) => ({ at: x.at, message: x.message })), ...data.monitorEvents.filter((x) => x.kind !== 'monitor-started' && x.kind !== 'monitor-stopped')];
  if (events.length) {
    out.push('<h2>Events</h2><table><tr><th>time</th><th>event</th></tr>');
    for (const ev of events.sort((a, b) => a.at - b.at).slice(0, 500)) out.push(`<tr><td>${e(new Date(ev.at).toISOString().slice(11, 19))}</td><td>${e(ev.message)}</td></tr>`);
    out.push('</table>');
  }
  const trend = trendRows(data.trend);
  if (trend.length > 1) {
    out.push(
      `<h2>Trend: ${e(data.plan.name)} across ${trend.length} runs</h2><table><tr><th>run</th><th>started</th><th>status</th><th>p95 ms</th><th>throughput</th><th>error rate</th><th>RSS slope MB/h</th>${trend.some((r) => r.ttftP95Ms !== null) ? '<th>TTFT p95 ms</th><th>output tok/s</th>' : ''}${trend.some((r) => r.capacity !== null) ? '<th>capacity</th>' : ''}${trend.some((r) => r.recoveryS !== null) ? '<th>recovery s</th>' : ''}</tr>`,
    );
    for (const r of trend)
      out.push(
        `<tr><td>${r.id}${r.id === data.run.id ? ' (this)' : ''}</td><td>${e(r.startedAt)}</td><td>${e(r.status)}</td><td>${num(r.p95Ms, 2)}</td><td>${num(r.throughput, 1)}/s</td><td>${num(r.errorRate === null ? null : r.errorRate * 100, 2)}%</td><td>${num(r.rssSlopeMBPerHour, 1)}</td>${trend.some((x) => x.ttftP95Ms !== null) ? `<td>${num(r.ttftP95Ms, 2)}</td><td>${num(r.outputTokensPerSec, 1)}</td>` : ''}${trend.some((x) => x.capacity !== null) ? `<td>${num(r.capacity, r.capacity !== null && Number.isInteger(r.capacity) ? 0 : 1)}${unit}</td>` : ''}${trend.some((x) => x.recoveryS !== null) ? `<td>${r.recoveryS === Infinity ? 'did not recover' : num(r.recoveryS, 0)}</td>` : ''}</tr>`,
      );
    out.push('</table>');
    const withP95 = trend.filter((r) => r.p95Ms !== null);
    if (withP95.length > 1) {
      // Runs sit side by side by position; ticks fall on runs only, labelled with their number.
      const runAt = (i: number) => (Number.isInteger(i) && withP95[i] ? `#${withP95[i].id}` : '');
      out.push(
        lineChart({
          title: 'p95 latency across runs',
          yLabel: 'ms',
          xIntegers: true,
          xFormat: runAt,
          series: [{ name: 'p95 (one dot per run)', color: '#bf8700', withDots: true, points: withP95.map((r, i) => [i, r.p95Ms!]) }],
        }),
      );
    }
  }
  out.push(
    `<p class="meta">Generated by strain on ${e(new Date().toISOString())}. Secrets (by key name: passwords, tokens, API keys, authorization, cookies) and URL userinfo are redacted from stored runs.</p>`,
  );
  out.push('</body></html>\n');
  return out.join('\n');
}
