import { escapeXml } from './escape';

export interface ChartSeries {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
  /** Draw as dots (scatter) instead of a line. */
  dots?: boolean;
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

export interface ChartOptions {
  title: string;
  series: ChartSeries[];
  yLabel: string;
  xFormat?: (x: number) => string;
  yFormat?: (y: number) => string;
  markers?: ChartMarker[];
  bands?: ChartBand[];
  width?: number;
  height?: number;
}

const PAD = { left: 64, right: 16, top: 30, bottom: 44 };

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  const f = raw / power;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * power;
}

const defaultFormat = (v: number) => (Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toFixed(2)}`);

/** An inline SVG line chart: no script, no external resource, every label escaped. */
export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 920;
  const height = o.height ?? 260;
  const all = o.series.flatMap((s) => s.points);
  const xs = [...all.map((p) => p[0]), ...(o.markers ?? []).map((m) => m.x), ...(o.bands ?? []).flatMap((b) => [b.from, b.to])];
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  const yMax0 = all.length ? Math.max(...all.map((p) => p[1])) : 1;
  const yStep = niceStep(yMax0 || 1, 4);
  const yMax = Math.max(yStep, Math.ceil((yMax0 || 1) / yStep) * yStep);
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + (xMax > xMin ? ((x - xMin) / (xMax - xMin)) * plotW : plotW / 2);
  const sy = (y: number) => PAD.top + plotH - (y / yMax) * plotH;
  const fx = o.xFormat ?? defaultFormat;
  const fy = o.yFormat ?? defaultFormat;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeXml(o.title)}" class="chart">`);
  parts.push(`<text x="${PAD.left}" y="18" class="title">${escapeXml(o.title)}</text>`);
  for (const b of o.bands ?? []) {
    parts.push(`<rect x="${sx(b.from).toFixed(1)}" y="${PAD.top}" width="${Math.max(1, sx(b.to) - sx(b.from)).toFixed(1)}" height="${plotH}" fill="${b.color}" opacity="0.15"><title>${escapeXml(b.label)}</title></rect>`);
    parts.push(`<text x="${(sx(b.from) + 3).toFixed(1)}" y="${PAD.top + 12}" class="band">${escapeXml(b.label)}</text>`);
  }
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    parts.push(`<line x1="${PAD.left}" x2="${width - PAD.right}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(sy(y) + 4).toFixed(1)}" class="ytick">${escapeXml(fy(y))}</text>`);
  }
  const xStep = niceStep(xMax - xMin || 1, 6);
  for (let x = Math.ceil(xMin / xStep) * xStep; x <= xMax + 1e-9; x += xStep) {
    parts.push(`<text x="${sx(x).toFixed(1)}" y="${height - PAD.bottom + 16}" class="xtick">${escapeXml(fx(x))}</text>`);
  }
  parts.push(`<text x="14" y="${PAD.top + plotH / 2}" class="ylabel" transform="rotate(-90 14 ${PAD.top + plotH / 2})">${escapeXml(o.yLabel)}</text>`);
  for (const m of o.markers ?? []) {
    const x = sx(m.x).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="${m.color ?? '#888'}" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${(Number(x) + 3).toFixed(1)}" y="${PAD.top + plotH - 4}" class="marker">${escapeXml(m.label)}</text>`);
  }
  for (const s of o.series) {
    if (s.points.length === 0) continue;
    if (s.dots) {
      for (const [x, y] of s.points) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
      continue;
    }
    const d = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(Math.min(y, yMax)).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
  }
  let lx = PAD.left;
  for (const s of o.series) {
    parts.push(`<rect x="${lx}" y="${height - 16}" width="12" height="4" fill="${s.color}"/><text x="${lx + 16}" y="${height - 10}" class="legend">${escapeXml(s.name)}</text>`);
    lx += 28 + s.name.length * 7;
  }
  parts.push('</svg>');
  return parts.join('');
}
