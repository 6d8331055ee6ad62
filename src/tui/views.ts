import { formatDuration } from '../util/duration';
import { levelText as modelLevelText, num } from '../util/format';
import type { DashboardSnapshot } from './snapshot';

/** Pure view functions: snapshot in, text and series out. The dashboard only places them. */

export const MIN_WIDTH = 80;
export const MIN_HEIGHT = 24;

// The dashboard keeps latency in ms whatever its size, so the columns do not jump.
const ms = (x: number) => (x >= 100 ? `${num(x)}ms` : x >= 10 ? `${num(x, 1)}ms` : `${num(x, 2)}ms`);
const clock = (msValue: number) => {
  const s = Math.max(0, Math.round(msValue / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
};

export function tooSmall(width: number, height: number): string | undefined {
  if (width >= MIN_WIDTH && height >= MIN_HEIGHT) return undefined;
  return `terminal too small: ${width}x${height}; the dashboard needs at least ${MIN_WIDTH}x${MIN_HEIGHT} (resize, or run with --no-tui)`;
}

export function levelText(s: DashboardSnapshot, level: number): string {
  return modelLevelText(s.model, Math.round(level));
}

export function progressBar(fraction: number, width: number): string {
  const f = Math.min(Math.max(fraction, 0), 1);
  const filled = Math.round(f * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${num(f * 100)}%`;
}

export function headerLines(s: DashboardSnapshot, width: number): string[] {
  const state = s.status === 'running' ? (s.warmingUp ? 'WARMING UP' : s.paused ? 'PAUSED' : 'RUNNING') : s.status.toUpperCase();
  const remaining = Math.max(0, s.totalMs - s.elapsedMs);
  const nudge = s.factor !== 1 ? ` (×${num(s.factor, 1)} of plan)` : '';
  return [
    `strain  run ${s.runId}  ${s.profile} (${s.kind}, ${s.model})  →  ${s.target}   [${state}]`,
    `stage ${s.stageIndex + 1}/${s.stageCount} ${s.stageName}   level ${levelText(s, s.plannedLevel)}${nudge}   elapsed ${clock(s.elapsedMs)} / ${clock(s.totalMs)}   remaining ${clock(remaining)}`,
    progressBar(s.totalMs > 0 ? s.elapsedMs / s.totalMs : 1, Math.max(10, width - 10)),
    `requests ${num(s.totals.requests)}  errors ${num(s.totals.errors)}  in flight ${s.latest.inFlight}${s.model === 'open' ? `  dropped ${num(s.totals.dropped)}` : ''}     q stop  p pause  +/- level  ? help`,
  ];
}

export interface Series {
  title: string;
  x: string[];
  y: number[];
  style: { line: string };
}

const xs = (t: readonly number[]) => t.map((v) => formatDuration(v * 1000));

export function latencyLabel(s: DashboardSnapshot, width = 120): string {
  const full = ` latency  p50 ${ms(s.latest.p50)}  p95 ${ms(s.latest.p95)}  p99 ${ms(s.latest.p99)} `;
  return full.length <= width - 4 ? full : ` p50 ${ms(s.latest.p50)} p95 ${ms(s.latest.p95)} p99 ${ms(s.latest.p99)} `;
}

export function latencySeries(s: DashboardSnapshot): Series[] {
  const x = xs(s.t);
  const series: Series[] = [
    { title: 'p50', x, y: s.p50, style: { line: 'green' } },
    { title: 'p95', x, y: s.p95, style: { line: 'yellow' } },
    { title: 'p99', x, y: s.p99, style: { line: 'red' } },
  ];
  if (s.p99ThresholdMs !== undefined) series.push({ title: 'SLO', x, y: s.t.map(() => s.p99ThresholdMs!), style: { line: 'magenta' } });
  return series;
}

export function throughputLabel(s: DashboardSnapshot, width = 120): string {
  const full = ` throughput ${num(s.latest.rps)} req/s   errors ${num(s.latest.errorRate * 100, 2)}% `;
  return full.length <= width - 4 ? full : ` ${num(s.latest.rps)} req/s  errors ${num(s.latest.errorRate * 100, 2)}% `;
}

export function throughputSeries(s: DashboardSnapshot): Series[] {
  const x = xs(s.t);
  return [
    { title: 'req/s', x, y: s.rps, style: { line: 'cyan' } },
    { title: 'errors/s', x, y: s.rps.map((r, i) => (r * s.errorPct[i]) / 100), style: { line: 'red' } },
  ];
}

export function levelLabel(s: DashboardSnapshot): string {
  const last = s.level.length ? s.level[s.level.length - 1] : 0;
  return ` load ${levelText(s, last)} (plan ${levelText(s, s.plannedLevel)}) `;
}

export function levelSeries(s: DashboardSnapshot): Series[] {
  return [{ title: s.model === 'open' ? 'rate' : 'VUs', x: xs(s.t), y: s.level, style: { line: 'white' } }];
}

const lastOf = (xs: number[]) => xs[xs.length - 1];

export function cpuLabel(s: DashboardSnapshot): string {
  return s.latest.cpuPct === null ? ' target CPU: no monitor (add monitor: to the profile) ' : ` target CPU ${num(s.latest.cpuPct, 1)}% `;
}

/** The target's RSS, and its cgroup's memory against the limit when a cgroup is sampled. */
export function rssLabel(s: DashboardSnapshot): string {
  if (s.latest.rssMB === null) return ' target RSS: no monitor ';
  const cg = s.cgroup?.memMB != null ? `, cgroup ${num(s.cgroup.memMB, 0)}${s.cgroup.limitMB !== null ? `/${num(s.cgroup.limitMB, 0)}` : ''} MB` : '';
  return ` target RSS ${num(s.latest.rssMB, 1)} MB${cg} `;
}

export function cpuSeries(s: DashboardSnapshot): Series[] {
  return [{ title: 'cpu %', x: xs(s.cpuT), y: s.cpuPct, style: { line: 'yellow' } }];
}

export function rssSeries(s: DashboardSnapshot): Series[] {
  return [{ title: 'rss MB', x: xs(s.cpuT), y: s.rssMB, style: { line: 'blue' } }];
}

/** The GPU panel (only when GPUs are sampled): mean utilisation over devices and the target's GPU memory. */
export function gpuLabel(s: DashboardSnapshot): string {
  const g = s.gpu;
  if (!g?.utilPct.length) return ' GPU ';
  // The panel is a quarter of the width: utilisation and the target's memory fit, device totals do not.
  return ` GPU ${num(lastOf(g.utilPct), 0)}%, target ${num(lastOf(g.targetMB), 0)} MB `;
}

export function gpuSeries(s: DashboardSnapshot): Series[] {
  return s.gpu ? [{ title: 'util %', x: xs(s.gpu.t), y: s.gpu.utilPct, style: { line: 'green' } }] : [];
}

export function thresholdRows(s: DashboardSnapshot): string[][] {
  const rows = s.thresholds.length === 0 ? [['(no thresholds)', '', '', '']] : s.thresholds.map((t) => [t.name, t.condition, `${num(t.actual, 2)}${t.unit}`, t.passed ? 'pass' : 'FAIL']);
  // With more than one step, each step's figures follow: requests, p95, errors.
  if (s.steps.length > 1) {
    for (const st of s.steps) rows.push([`step ${st.name}`.slice(0, 13), `${num(st.requests)} req`, `p95 ${ms(st.p95Ms)}`, st.errors ? `${num(st.errors)}err` : 'ok']);
  }
  return rows;
}

export function logLines(s: DashboardSnapshot, max: number): string[] {
  return s.log.slice(-max);
}

export const HELP = [
  'q / Ctrl-C  stop the run (stored as aborted; the terminal is restored)',
  'p           pause / resume the load',
  '+ / -       nudge the load level by 10% of plan (recorded as events)',
  '?           show / hide this help',
].join('\n');
