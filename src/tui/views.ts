import { clockLabel, fitRefLine, niceScale } from '../util/axis';
import { actualText, resultWord } from '../verdict/verdict';
import { levelText as modelLevelText, num } from '../util/format';
import type { DashboardSnapshot } from './snapshot';

/** Pure view functions: snapshot in, text and series out. The dashboard only places them. */

const MIN_WIDTH = 80;
const MIN_HEIGHT = 24;

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

function levelText(s: DashboardSnapshot, level: number): string {
  return modelLevelText(s.model, Math.round(level));
}

function progressBar(fraction: number, width: number): string {
  const f = Math.min(Math.max(fraction, 0), 1);
  const filled = Math.round(f * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${num(f * 100)}%`;
}

/** The run has ended (passed, failed, aborted, crashed): no remaining time, no stop key. */
const ended = (s: DashboardSnapshot) => s.status !== 'running';

function keysHint(s: DashboardSnapshot): string {
  if (ended(s)) return s.mode === 'live' ? 'q or Enter: exit  ? help' : 'q quit  ? help';
  return s.mode === 'live' ? 'q stop  p pause  +/- level  ? help' : 'q stop watching (the run goes on)  ? help';
}

export function headerLines(s: DashboardSnapshot, width: number): string[] {
  const state = ended(s) ? s.status.toUpperCase() : s.warmingUp ? 'WARMING UP' : s.paused ? 'PAUSED' : 'RUNNING';
  const nudge = s.factor !== 1 ? ` (×${num(s.factor, 1)} of plan)` : '';
  const when = ended(s)
    ? `ran ${clock(s.elapsedMs)} of ${clock(s.totalMs)} planned   last stage ${s.stageIndex + 1}/${s.stageCount} ${s.stageName}`
    : `stage ${s.stageIndex + 1}/${s.stageCount} ${s.stageName}   level ${levelText(s, s.plannedLevel)}${nudge}   elapsed ${clock(s.elapsedMs)} / ${clock(s.totalMs)}   remaining ${clock(Math.max(0, s.totalMs - s.elapsedMs))}`;
  const counts = `requests ${num(s.totals.requests)}  errors ${num(s.totals.errors)}  in flight ${s.latest.inFlight}${s.model === 'open' ? `  dropped ${num(s.totals.dropped)}` : ''}`;
  const title = `strain  run ${s.runId}  ${s.profile} (${s.kind}, ${s.model})  →  ${s.target}   [${state}]`;
  if (ended(s)) {
    // Once the run has ended, its verdict takes two lines (wrapped at a word), then how long it ran.
    const [first, second] = wrap(s.verdict ?? s.status.toUpperCase(), Math.max(20, width));
    return [title, first, second ?? when, `${second ? `ran ${clock(s.elapsedMs)} of ${clock(s.totalMs)}   ` : ''}${counts}     ${keysHint(s)}`];
  }
  return [title, when, progressBar(s.totalMs > 0 ? s.elapsedMs / s.totalMs : 1, Math.max(10, width - 10)), `${counts}     ${keysHint(s)}`];
}

/** Up to two lines of at most `width`, broken at a space; the rest is cut with an ellipsis. */
function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const cut = text.lastIndexOf(' ', width);
  const first = text.slice(0, cut > width / 2 ? cut : width);
  const rest = text.slice(first.length).trimStart();
  return [first, rest.length <= width ? rest : `${rest.slice(0, width - 1)}…`];
}

interface Series {
  title: string;
  x: string[];
  y: number[];
  style: { line: string };
}

const CLOCK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/** Every how many points an x label goes, on a clock step, so labels fall evenly (0:00 0:10 0:20). */
export function labelEvery(points: number, width: number): number {
  const fit = Math.max(1, Math.floor((width - 10) / 8)); // a label "0:00" and its spacing take about 8 columns
  return CLOCK_STEPS.find((step) => points / step <= fit) ?? 3600;
}

/** One chart: its label (units and a coloured legend, outside the data), series and a y axis on round ticks. */
export interface ChartView {
  label: string;
  series: Series[];
  /** Top of the y axis (a round tick at or above the data). */
  maxY: number;
  /** Intervals between y ticks, so every tick is a round number. */
  yTicks: number;
}

const xs = (t: readonly number[]) => t.map((v) => clockLabel(v));
const key = (color: string, name: string) => `{${color}-fg}━ ${name}{/${color}-fg}`;

/** A y axis from 0 to a round value above the data, on even ticks. */
function yAxis(values: readonly number[], extra?: number): Pick<ChartView, 'maxY' | 'yTicks'> {
  const max = Math.max(0, ...values.filter(Number.isFinite), extra ?? 0);
  const scale = niceScale(0, max > 0 ? max : 1, 4, false);
  return { maxY: scale.max, yTicks: scale.ticks.length - 1 };
}

export function latencyView(s: DashboardSnapshot, width = 120): ChartView {
  const x = xs(s.t);
  const series: Series[] = [
    { title: 'p99', x, y: s.p99, style: { line: 'red' } },
    { title: 'p95', x, y: s.p95, style: { line: 'yellow' } },
    { title: 'p50', x, y: s.p50, style: { line: 'green' } },
  ];
  // The axis follows the data; the SLO line is drawn only when it is near enough not to flatten them.
  const fit = fitRefLine(Math.max(0, ...s.p99), s.p99ThresholdMs);
  if (fit.drawn) series.push({ title: 'SLO', x, y: s.t.map(() => s.p99ThresholdMs!), style: { line: 'magenta' } });
  const slo = s.p99ThresholdMs === undefined ? '' : fit.drawn ? `  ${key('magenta', `SLO ${ms(s.p99ThresholdMs)}`)}` : `  SLO ${ms(s.p99ThresholdMs)} above the chart`;
  const full = ` latency (ms)  ${key('green', `p50 ${ms(s.latest.p50)}`)}  ${key('yellow', `p95 ${ms(s.latest.p95)}`)}  ${key('red', `p99 ${ms(s.latest.p99)}`)}${slo} `;
  const sloShort = s.p99ThresholdMs === undefined ? '' : fit.drawn ? ` ${key('magenta', 'SLO')}` : ' SLO above';
  // Narrower boxes keep p99 first, then the other keys without figures.
  const short = ` ms ${key('red', `p99 ${ms(s.latest.p99)}`)} ${key('yellow', `p95 ${ms(s.latest.p95)}`)} ${key('green', `p50 ${ms(s.latest.p50)}`)}${sloShort} `;
  const shorter = ` ms ${key('red', `p99 ${ms(s.latest.p99)}`)} ${key('yellow', 'p95')} ${key('green', 'p50')}${sloShort} `;
  const label = [full, short, shorter].find((l) => visible(l) <= width - 4) ?? ` ${key('red', `p99 ${ms(s.latest.p99)}`)} `;
  return { label, series, ...yAxis([...s.p99, ...s.p95, ...s.p50], fit.drawn ? s.p99ThresholdMs : undefined) };
}

/** Width of a label without its colour tags. */
const visible = (label: string) => label.replace(/\{[^}]*\}/g, '').length;

export function throughputView(s: DashboardSnapshot, width = 120): ChartView {
  const x = xs(s.t);
  const errors = s.rps.map((r, i) => (r * s.errorPct[i]) / 100);
  const full = ` throughput (req/s)  ${key('cyan', `requests ${num(s.latest.rps)}/s`)}  ${key('red', `errors ${num(s.latest.errorRate * 100, 2)}%`)} `;
  const short = ` req/s  ${key('cyan', num(s.latest.rps))}  ${key('red', `err ${num(s.latest.errorRate * 100, 2)}%`)} `;
  return {
    label: visible(full) <= width - 4 ? full : short,
    series: [
      { title: 'req/s', x, y: s.rps, style: { line: 'cyan' } },
      { title: 'errors/s', x, y: errors, style: { line: 'red' } },
    ],
    ...yAxis([...s.rps, ...errors]),
  };
}

export function levelView(s: DashboardSnapshot, width = 120): ChartView {
  const last = s.level.length ? s.level[s.level.length - 1] : 0;
  const unit = s.model === 'open' ? 'arrivals/s' : 'VUs';
  return {
    label: fitLabel(` load (${unit}) ${levelText(s, last)}${ended(s) || Math.round(last) === Math.round(s.plannedLevel) ? '' : ` plan ${levelText(s, s.plannedLevel)}`} `, width),
    series: [{ title: unit, x: xs(s.t), y: s.level, style: { line: 'white' } }],
    ...yAxis(s.level),
  };
}

export function cpuView(s: DashboardSnapshot, width = 120): ChartView {
  return {
    label: fitLabel(s.latest.cpuPct === null ? ' target CPU: no monitor (add monitor:) ' : ` target CPU (%) ${num(s.latest.cpuPct, 1)}% `, width),
    series: [{ title: 'cpu %', x: xs(s.cpuT), y: s.cpuPct, style: { line: 'yellow' } }],
    ...yAxis(s.cpuPct),
  };
}

const lastOf = (xs: number[]) => xs[xs.length - 1];

/** The target's RSS, and its cgroup's memory against the limit when a cgroup is sampled. */
export function rssView(s: DashboardSnapshot, width = 120): ChartView {
  const cg = s.cgroup?.memMB != null ? `, cgroup ${num(s.cgroup.memMB, 0)}${s.cgroup.limitMB !== null ? `/${num(s.cgroup.limitMB, 0)}` : ''} MB` : '';
  return {
    label: fitLabel(s.latest.rssMB === null ? ' target RSS: no monitor ' : ` target RSS (MB) ${num(s.latest.rssMB, 1)} MB${cg} `, width),
    series: [{ title: 'rss MB', x: xs(s.cpuT), y: s.rssMB, style: { line: 'blue' } }],
    ...yAxis(s.rssMB),
  };
}

/** The GPU panel (only when GPUs are sampled): mean utilisation over devices and the target's GPU memory. */
export function gpuView(s: DashboardSnapshot, width = 120): ChartView {
  const g = s.gpu;
  // The panel is a quarter of the width: utilisation and the target's memory fit, device totals do not.
  const label = !g?.utilPct.length ? ' GPU (%) ' : ` GPU (%) ${num(lastOf(g.utilPct), 0)}%, target ${num(lastOf(g.targetMB), 0)} MB `;
  return {
    label: fitLabel(label, width),
    series: g ? [{ title: 'util %', x: xs(g.t), y: g.utilPct, style: { line: 'green' } }] : [],
    ...yAxis(g?.utilPct ?? []),
  };
}

/** Table cells are 10-11 columns wide: longer text is cut with an ellipsis, never run into the next. */
const cell = (text: string) => (text.length > 10 ? `${text.slice(0, 9)}…` : text);

/** The actual in a table cell: the figure when there is one ("4s", "400/s"), else the words cut. */
function cellActual(t: DashboardSnapshot['thresholds'][number]): string {
  return cell(t.actual !== null ? actualText({ ...t, actualText: undefined }) : actualText(t));
}

/** The thresholds panel's title: live figures say so; a stress run's judged rows say where. */
export function thresholdsLabel(s: DashboardSnapshot): string {
  if (!ended(s)) return ' thresholds (so far) ';
  const judged = s.thresholds.find((t) => t.judgedOn)?.judgedOn;
  return judged ? ` thresholds, judged ${judged.replace(/ \(.*\)$/, '')} ` : ' thresholds and gates ';
}

export function thresholdRows(s: DashboardSnapshot): string[][] {
  const rows =
    s.thresholds.length === 0
      ? [['(no thresholds)', '', '', '']]
      : s.thresholds.map((t) => [t.name, cell(t.condition.replace(' (default)', ' (dflt)')), cellActual(t), resultWord(t)]);
  // With more than one step, each step's figures follow: requests, p95, errors.
  if (s.steps.length > 1) {
    for (const st of s.steps) rows.push([`step ${st.name}`.slice(0, 13), `${num(st.requests)} req`, `p95 ${ms(st.p95Ms)}`, st.errors ? `${num(st.errors)}err` : 'ok']);
  }
  return rows;
}

/**
 * The log's lines, one row each (cut to the width, so none wraps out of sight). Once the run
 * has ended its findings come first: they are what the run found.
 */
export function logLines(s: DashboardSnapshot, max: number, width = 200): string[] {
  const cut = (line: string) => (line.length > width ? `${line.slice(0, Math.max(1, width - 1))}…` : line);
  if (ended(s) && s.findings.length > 0) {
    const found = s.findings.map((f) => `finding ${f.kind} [${f.verdict}]: ${f.summary}`);
    const rest = s.log.filter((l) => !l.startsWith('finding '));
    return [...found, ...rest.slice(-Math.max(0, max - found.length))].slice(0, max).map(cut);
  }
  return s.log.slice(-max).map(cut);
}

/** A plain label cut to its box's width (a label too long for its box wraps into the chart). */
export function fitLabel(label: string, width: number): string {
  const room = Math.max(8, width - 4);
  return label.length <= room ? label : `${label.slice(0, room - 2)}… `;
}

/** The keys that work now: a finished run or a watched one has no load to stop, pause or nudge. */
export function helpText(s: Pick<DashboardSnapshot, 'mode' | 'status'>): string {
  const done = s.status !== 'running';
  if (done) return [s.mode === 'live' ? 'q / Enter   exit (the run has ended; its summary follows)' : 'q / Ctrl-C  quit', '?           show / hide this help'].join('\n');
  if (s.mode === 'watch') return ['q / Ctrl-C  stop watching (the run goes on in its own process)', '?           show / hide this help'].join('\n');
  return [
    'q / Ctrl-C  stop the run (stored as aborted; the terminal is restored)',
    'p           pause / resume the load',
    '+ / -       nudge the load level by 10% of plan (recorded as events)',
    '?           show / hide this help',
  ].join('\n');
}

/** LLM view: time to first token per second (p50, p95, p99) against its SLO. */
export function ttftView(s: DashboardSnapshot, width = 120): ChartView {
  const l = s.llm!;
  const x = xs(s.t);
  const series: Series[] = [
    { title: 'p99', x, y: l.ttftP99, style: { line: 'red' } },
    { title: 'p95', x, y: l.ttftP95, style: { line: 'yellow' } },
    { title: 'p50', x, y: l.ttftP50, style: { line: 'green' } },
  ];
  const fit = fitRefLine(Math.max(0, ...l.ttftP99), l.sloTtftMs);
  if (fit.drawn) series.push({ title: 'SLO', x, y: s.t.map(() => l.sloTtftMs!), style: { line: 'magenta' } });
  const p = `${key('green', `p50 ${ms(lastOf(l.ttftP50) ?? 0)}`)} ${key('yellow', `p95 ${ms(lastOf(l.ttftP95) ?? 0)}`)} ${key('red', `p99 ${ms(lastOf(l.ttftP99) ?? 0)}`)}`;
  const full = ` TTFT (ms)  ${p}${l.sloTtftMs === undefined ? '' : `  SLO ${ms(l.sloTtftMs)}`} `;
  return { label: fitted(full, ` TTFT ${p} `, width), series, ...yAxis([...l.ttftP99, ...l.ttftP95, ...l.ttftP50], fit.drawn ? l.sloTtftMs : undefined) };
}

/** LLM view: output tokens per second, with the share of requests that met every SLO. */
export function tokensView(s: DashboardSnapshot, width = 120): ChartView {
  const l = s.llm!;
  const full = ` output tokens/s  ${key('cyan', num(lastOf(l.tokensPerSec) ?? 0))}  goodput ${num(lastOf(l.goodPct) ?? 0, 1)}% `;
  return {
    label: fitted(full, ` tok/s ${key('cyan', num(lastOf(l.tokensPerSec) ?? 0))} good ${num(lastOf(l.goodPct) ?? 0, 0)}% `, width),
    series: [{ title: 'tok/s', x: xs(s.t), y: l.tokensPerSec, style: { line: 'cyan' } }],
    ...yAxis(l.tokensPerSec),
  };
}

/** LLM view: time per output token per second (p50, p99) against its SLO. */
export function tpotView(s: DashboardSnapshot, width = 120): ChartView {
  const l = s.llm!;
  const x = xs(s.t);
  const series: Series[] = [
    { title: 'p99', x, y: l.tpotP99, style: { line: 'red' } },
    { title: 'p50', x, y: l.tpotP50, style: { line: 'green' } },
  ];
  const fit = fitRefLine(Math.max(0, ...l.tpotP99), l.sloTpotMs);
  if (fit.drawn) series.push({ title: 'SLO', x, y: s.t.map(() => l.sloTpotMs!), style: { line: 'magenta' } });
  const p = `${key('green', `p50 ${ms(lastOf(l.tpotP50) ?? 0)}`)} ${key('red', `p99 ${ms(lastOf(l.tpotP99) ?? 0)}`)}`;
  return {
    label: fitted(` TPOT (ms)  ${p}  at ${levelText(s, lastOf(s.level) ?? 0)} `, ` TPOT ${p} `, width),
    series,
    ...yAxis([...l.tpotP99, ...l.tpotP50], fit.drawn ? l.sloTpotMs : undefined),
  };
}

/** The full label when it fits, else the short one, else the short one cut without its colour tags. */
function fitted(full: string, short: string, width: number): string {
  if (visible(full) <= width - 4) return full;
  if (visible(short) <= width - 4) return short;
  return fitLabel(short.replace(/\{[^}]*\}/g, ''), width);
}
