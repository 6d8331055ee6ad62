import { clockLabel, fitRefLine, niceScale, tickLabel, timeScale, type Scale } from '../util/axis';
import { escapeXml } from './escape';

export interface ChartSeries {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
  /** Draw as dots (scatter) instead of a line. */
  dots?: boolean;
  /** Draw the line and a dot at each point (one legend entry). */
  withDots?: boolean;
  /** Stroke width (default 1.6). */
  width?: number;
}

export interface ChartMarker {
  x: number;
  label: string;
  color?: string;
}

export interface ChartBand {
  from: number;
  to: number;
  label: string;
  color: string;
}

/** A horizontal reference line (an SLO): drawn when near the data, else named in the legend. */
interface ChartRefLine {
  y: number;
  label: string;
  color: string;
}

export interface ChartOptions {
  title: string;
  series: ChartSeries[];
  /** The y axis's unit, shown beside it ("ms", "req/s", "MB"). */
  yLabel: string;
  xFormat?: (x: number) => string;
  yFormat?: (y: number) => string;
  markers?: ChartMarker[];
  bands?: ChartBand[];
  refLines?: ChartRefLine[];
  /** The x range (seconds of a run): every chart of one run passes the same, so they line up. */
  xDomain?: [number, number];
  /** x is seconds since the run's start: clock ticks (0:30, 1:00) on clock steps. */
  xTime?: boolean;
  /** x takes whole values only (run numbers, indexes): no ticks between them. */
  xIntegers?: boolean;
  width?: number;
  height?: number;
}

const PAD = { left: 64, right: 16, bottom: 34 };
/** Average glyph width of the 11 px legend and tick font, to lay labels out without a browser. */
const CHAR_W = 6.6;

interface LegendItem {
  label: string;
  color: string;
  dashed?: boolean;
}

/** Legend rows above the plot: never over the data. */
function legendRows(items: LegendItem[], width: number): LegendItem[][] {
  const rows: LegendItem[][] = [[]];
  let x = PAD.left;
  for (const item of items) {
    const w = 24 + item.label.length * CHAR_W;
    if (x + w > width - PAD.right && rows[rows.length - 1].length > 0) {
      rows.push([]);
      x = PAD.left;
    }
    rows[rows.length - 1].push(item);
    x += w;
  }
  return rows.filter((r) => r.length > 0);
}

function xScale(o: ChartOptions, xs: number[]): Scale & { fmt: (x: number) => string } {
  const lo = o.xDomain?.[0] ?? (xs.length ? Math.min(...xs) : 0);
  const hi = o.xDomain?.[1] ?? (xs.length ? Math.max(...xs) : 1);
  if (o.xTime) return { ...timeScale(lo, hi), fmt: o.xFormat ?? clockLabel };
  const nice = niceScale(0, Math.max(hi - lo, 1e-9), 6);
  const step = o.xIntegers ? Math.max(1, Math.round(nice.step)) : nice.step;
  const ticks: number[] = [];
  for (let x = Math.ceil(lo / step) * step; x <= hi + step * 1e-9; x += step) ticks.push(Number(x.toFixed(6)));
  return { min: lo, max: hi, step, ticks, fmt: o.xFormat ?? ((x) => tickLabel(x, step)) };
}

/** An inline SVG line chart: no script, no external resource, every label escaped. */
export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 920;
  const height0 = o.height ?? 260;
  const all = o.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p[1]));
  const xs = [...all.map((p) => p[0]), ...(o.markers ?? []).map((m) => m.x), ...(o.bands ?? []).flatMap((b) => [b.from, b.to])];
  const x = xScale(o, xs);
  const dataMax = all.length ? Math.max(...all.map((p) => p[1])) : 0;
  const dataMin = all.length ? Math.min(...all.map((p) => p[1])) : 0;
  // The axis follows the data; a reference line near it stretches it a little, one far above is named.
  let top = dataMax;
  const refs = (o.refLines ?? []).map((r) => ({ ...r, fit: fitRefLine(dataMax, r.y) }));
  for (const r of refs) if (r.fit.drawn) top = Math.max(top, r.fit.max);
  const y = niceScale(dataMin, top > 0 ? top : 1, 4);
  const fy = o.yFormat ?? ((v: number) => tickLabel(v, y.step));

  const legend: LegendItem[] = [
    ...o.series.map((s) => ({ label: s.name, color: s.color, dashed: s.dashed })),
    ...refs.map((r) => ({ label: r.fit.drawn ? r.label : `${r.label}: ${r.fit.note}`, color: r.color, dashed: true })),
  ];
  const rows = legendRows(legend, width);
  const plotTop = 26 + rows.length * 16;
  const height = height0 + (rows.length - 1) * 16;
  const plotH = height - plotTop - PAD.bottom;
  const plotW = width - PAD.left - PAD.right;
  const sx = (v: number) => PAD.left + (x.max > x.min ? ((v - x.min) / (x.max - x.min)) * plotW : plotW / 2);
  const sy = (v: number) => plotTop + plotH - ((Math.min(Math.max(v, y.min), y.max) - y.min) / (y.max - y.min)) * plotH;
  const right = width - PAD.right;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeXml(o.title)}" class="chart" data-plot="${PAD.left} ${plotTop} ${plotW} ${plotH}" data-ymax="${y.max}">`,
  );
  parts.push(`<text x="${PAD.left}" y="16" class="title">${escapeXml(o.title)}</text>`);
  rows.forEach((row, i) => {
    let lx = PAD.left;
    const ly = 30 + i * 16;
    for (const item of row) {
      parts.push(
        `<g class="legend"><line x1="${lx}" x2="${lx + 16}" y1="${ly - 4}" y2="${ly - 4}" stroke="${item.color}" stroke-width="3"${item.dashed ? ' stroke-dasharray="4 3"' : ''}/><text x="${lx + 20}" y="${ly}">${escapeXml(item.label)}</text></g>`,
      );
      lx += 24 + item.label.length * CHAR_W;
    }
  });
  for (const b of o.bands ?? []) {
    parts.push(
      `<rect x="${sx(b.from).toFixed(1)}" y="${plotTop}" width="${Math.max(1, sx(b.to) - sx(b.from)).toFixed(1)}" height="${plotH}" fill="${b.color}" opacity="0.15"><title>${escapeXml(b.label)}</title></rect>`,
    );
    parts.push(label(sx(b.from) + 3, plotTop + 12, b.label, right, 'band'));
  }
  for (const v of y.ticks) {
    parts.push(`<line x1="${PAD.left}" x2="${right}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(sy(v) + 4).toFixed(1)}" class="ytick">${escapeXml(fy(v))}</text>`);
  }
  for (const v of x.ticks) {
    parts.push(`<line x1="${sx(v).toFixed(1)}" x2="${sx(v).toFixed(1)}" y1="${plotTop + plotH}" y2="${plotTop + plotH + 4}" class="axis"/>`);
    parts.push(`<text x="${sx(v).toFixed(1)}" y="${plotTop + plotH + 16}" class="xtick">${escapeXml(x.fmt(v))}</text>`);
  }
  parts.push(`<line x1="${PAD.left}" x2="${right}" y1="${plotTop + plotH}" y2="${plotTop + plotH}" class="axis"/>`);
  parts.push(`<text x="14" y="${plotTop + plotH / 2}" class="ylabel" transform="rotate(-90 14 ${plotTop + plotH / 2})">${escapeXml(o.yLabel)}</text>`);
  for (const m of o.markers ?? []) {
    const mx = sx(m.x);
    parts.push(`<line x1="${mx.toFixed(1)}" x2="${mx.toFixed(1)}" y1="${plotTop}" y2="${plotTop + plotH}" stroke="${m.color ?? '#888'}" stroke-dasharray="4 3"/>`);
    parts.push(label(mx + 3, plotTop + plotH - 4, m.label, right, 'marker'));
  }
  for (const r of refs) {
    if (!r.fit.drawn) continue;
    parts.push(`<line x1="${PAD.left}" x2="${right}" y1="${sy(r.y).toFixed(1)}" y2="${sy(r.y).toFixed(1)}" stroke="${r.color}" stroke-width="1.4" stroke-dasharray="6 4"/>`);
  }
  for (const s of o.series) {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    if (pts.length === 0) continue;
    if (!s.dots) {
      const d = pts.map(([px, py]) => `${sx(px).toFixed(1)},${sy(py).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 1.6}"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    }
    if (s.dots || s.withDots) for (const [px, py] of pts) parts.push(`<circle cx="${sx(px).toFixed(1)}" cy="${sy(py).toFixed(1)}" r="3" fill="${s.color}"/>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

/** A label that would run past the right edge is set to the left of its anchor instead. */
function label(x: number, y: number, text: string, right: number, cls: string): string {
  const fits = x + text.length * CHAR_W <= right;
  const ax = fits ? x : x - 6;
  return `<text x="${ax.toFixed(1)}" y="${y}" class="${cls}"${fits ? '' : ' text-anchor="end"'}>${escapeXml(text)}</text>`;
}
