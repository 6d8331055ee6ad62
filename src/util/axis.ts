/**
 * Chart axes shared by the HTML report (SVG) and the terminal dashboard: even ticks on round
 * numbers, labels without float noise, time ticks on clock steps, a scale set by the data (a
 * reference line such as an SLO is drawn when it is in range, otherwise named as off the chart).
 * Pure functions; every chart of strain scales its axes here.
 */

export interface Scale {
  min: number;
  max: number;
  step: number;
  /** The tick values, min to max, evenly spaced by step. */
  ticks: number[];
}

/** The round step (1, 2, 2.5 or 5 times a power of ten) that cuts `range` into about `count` parts. */
function niceStep(range: number, count: number, quarter = true): number {
  const raw = (range > 0 ? range : 1) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : quarter && f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * power;
}

/** Decimals a tick needs for its step: 0 for 50, 1 for 2.5 → 2, 2 for 0.25. */
function stepDecimals(step: number): number {
  if (!(step > 0) || Number.isInteger(step)) return 0;
  const power = Math.floor(Math.log10(step) + 1e-9);
  const mantissa = Math.round((step / 10 ** power) * 10) / 10;
  return Math.min(6, -power + (Number.isInteger(mantissa) ? 0 : 1));
}

/**
 * Even ticks from min (0 unless the data go below it) to a round max at or above the data's max.
 * `quarter: false` keeps to 1-2-5 steps (a terminal axis prints whole numbers: 2.5 would show as 3).
 */
export function niceScale(dataMin: number, dataMax: number, count = 4, quarter = true): Scale {
  const lo = Math.min(0, Number.isFinite(dataMin) ? dataMin : 0);
  const hi = Number.isFinite(dataMax) && dataMax > lo ? dataMax : lo + 1;
  const step = niceStep(hi - lo, count, quarter && hi - lo < 10 ? false : quarter);
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step - 1e-9) * step;
  const digits = stepDecimals(step) + 2;
  const ticks: number[] = [];
  for (let i = 0; min + i * step <= max + step * 1e-9; i++) ticks.push(Number((min + i * step).toFixed(digits)));
  return { min, max: ticks[ticks.length - 1], step, ticks };
}

/** A tick label: the step's decimals only (no 4.6000000000000005), thousands as k. */
export function tickLabel(value: number, step: number): string {
  if (Math.abs(value) >= 10_000 && step >= 1000) return `${trim((value / 1000).toFixed(stepDecimals(step / 1000)))}k`;
  return trim(value.toFixed(stepDecimals(step)));
}

const trim = (text: string) => (text.includes('.') ? text.replace(/\.?0+$/, '') : text);

/** Clock steps for a time axis, in seconds: ticks land on 5 s, 30 s, 1 min, 15 min, 1 h... */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** A time axis over [from, to] seconds with about `count` ticks on clock steps. */
export function timeScale(from: number, to: number, count = 6): Scale {
  const span = Math.max(to - from, 1);
  const step = TIME_STEPS.find((s) => span / s <= count) ?? Math.ceil(span / count / 86400) * 86400;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to + 1e-9; t += step) ticks.push(t);
  return { min: from, max: to, step, ticks };
}

/** A clock label for seconds since the run's start: 0:05, 1:30, 1:02:00. */
export function clockLabel(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export interface RefLineFit {
  /** The axis maximum to use: the data's, stretched a little when that brings the line in. */
  max: number;
  /** Whether the line is drawn. */
  drawn: boolean;
  /** When not drawn, what to say instead: "SLO 500ms is above the chart (data max 1.2ms)". */
  note?: string;
}

/**
 * Scales an axis to its data, and draws a reference line (an SLO) only when it is near enough:
 * up to `stretch` times the data's max. A 500 ms SLO over 1 ms latencies would flatten them to
 * the floor, so it is named instead of drawn.
 */
export function fitRefLine(dataMax: number, line: number | undefined, stretch = 1.5): RefLineFit {
  const max = dataMax > 0 ? dataMax : 1;
  if (line === undefined || !Number.isFinite(line)) return { max, drawn: false };
  if (line <= max) return { max, drawn: true };
  if (line <= max * stretch) return { max: line, drawn: true };
  return { max, drawn: false, note: 'above the chart' };
}
