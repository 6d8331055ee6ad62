import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineChart } from '../src/reports/svg';
import { clockLabel, fitRefLine, niceScale, tickLabel, timeScale } from '../src/util/axis';
import { renderHtml } from '../src/reports/html';
import { loadReportData } from '../src/reports/data';
import { openDb } from '../src/store/db';
import { synthesizeRun } from './helpers/synthetic';
import { tempDir } from './helpers/cli';
import { join } from 'node:path';

/** Every text label of an SVG, and the plot area the chart says it drew into. */
function parse(svg: string) {
  const [x, y, w, h] = /data-plot="([^"]+)"/.exec(svg)![1].split(' ').map(Number);
  const texts = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[3] }));
  const legends = [...svg.matchAll(/<g class="legend">.*?<text x="([\d.]+)" y="([\d.]+)">([^<]*)<\/text><\/g>/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[3] }));
  return { plot: { x, y, w, h }, texts, legends, ymax: Number(/data-ymax="([^"]+)"/.exec(svg)![1]) };
}

const FLOAT_NOISE = /\d\.\d*(0000|9999)\d/;

test('ticks are even, round and free of float noise, on value and time axes', () => {
  for (const max of [0.037, 1.23, 4.6, 121, 501, 2600, 98_765]) {
    const s = niceScale(0, max);
    const gaps = s.ticks.slice(1).map((t, i) => +(t - s.ticks[i]).toFixed(9));
    assert.ok(
      gaps.every((g) => g === gaps[0]),
      `uneven ticks for ${max}: ${s.ticks}`,
    );
    assert.ok(s.max >= max && s.max <= max * 2.5 + 1e-9, `max ${s.max} for data ${max}`);
    for (const t of s.ticks) assert.doesNotMatch(tickLabel(t, s.step), FLOAT_NOISE);
  }
  assert.deepEqual(niceScale(0, 121).ticks, [0, 50, 100, 150]);
  assert.deepEqual(timeScale(0, 55).ticks.map(clockLabel), ['0:00', '0:10', '0:20', '0:30', '0:40', '0:50']);
  assert.deepEqual(timeScale(0, 3).ticks.map(clockLabel), ['0:00', '0:01', '0:02', '0:03']);
});

test('an SLO far above the data is named, not drawn; one near it is drawn', () => {
  assert.deepEqual(fitRefLine(1.2, 500), { max: 1.2, drawn: false, note: 'above the chart' });
  assert.deepEqual(fitRefLine(180, 200), { max: 200, drawn: true });
  const svg = lineChart({
    title: 't',
    yLabel: 'ms',
    series: [
      {
        name: 'p99',
        color: 'red',
        points: [
          [0, 0.8],
          [1, 1.2],
        ],
      },
    ],
    refLines: [{ y: 500, label: 'SLO 500ms', color: 'purple' }],
  });
  const p = parse(svg);
  assert.ok(p.ymax <= 1.2 * 2, `latency axis ${p.ymax} for a p99 of 1.2`);
  assert.ok(
    p.legends.some((l) => l.text === 'SLO 500ms: above the chart'),
    JSON.stringify(p.legends),
  );
});

test('legends sit outside the plot, labels stay inside the chart, the run shares one time axis', () => {
  const series = ['p99', 'p95', 'p50', 'requests per second', 'errors per second', 'a long legend entry that wraps'].map((name, i) => ({
    name,
    color: `#00000${i}`,
    points: [
      [0, i],
      [30, i + 1],
    ] as [number, number][],
  }));
  const svg = lineChart({ title: 'Latency', yLabel: 'ms', series, markers: [{ x: 29.5, label: 'breaks at 500/s' }], xDomain: [0, 30], xTime: true });
  const p = parse(svg);
  assert.equal(p.legends.length, series.length);
  for (const l of p.legends) assert.ok(l.y < p.plot.y, `legend "${l.text}" at y ${l.y} is inside the plot (top ${p.plot.y})`);
  const marker = /<text x="([\d.]+)" y="[\d.]+" class="marker"( text-anchor="end")?>breaks at 500\/s/.exec(svg)!;
  assert.ok(marker[2], 'a label at the right edge is set to the left of its line, not clipped');
  for (const t of p.texts) assert.doesNotMatch(t.text, FLOAT_NOISE);
});

test('an HTML report: no float noise in any label, legends above every plot, latency axis near the p99, p95 drawn over p99', () => {
  const db = openDb(join(tempDir(), 'r.db'));
  try {
    const runId = synthesizeRun(db, 0.1, { p50Ms: 1 });
    const html = renderHtml(loadReportData(db, String(runId)));
    const charts = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    assert.ok(charts.length >= 4, `${charts.length} charts`);
    for (const svg of charts) {
      const p = parse(svg);
      for (const t of p.texts) assert.doesNotMatch(t.text, FLOAT_NOISE, t.text);
      for (const l of p.legends) assert.ok(l.y < p.plot.y, `legend "${l.text}" inside the plot`);
    }
    const latency = parse(charts.find((c) => c.includes('aria-label="Latency'))!);
    // p99 of the synthetic run is about 3 ms, spiking to ~203 ms once (the worst second is kept).
    assert.ok(latency.ymax <= 300, `latency axis max ${latency.ymax}`);
    assert.ok(latency.legends.some((l) => /SLO/.test(l.text)));
    const timeAxes = charts.filter((c) => c.includes('class="xtick"') && /0:00</.test(c)).map((c) => [...c.matchAll(/class="xtick">([^<]+)</g)].map((m) => m[1]).join(' '));
    assert.ok(timeAxes.length >= 4 && timeAxes.every((a) => a === timeAxes[0]), `time axes differ: ${timeAxes.join(' | ')}`);
    assert.doesNotMatch(html, /with the leak trend/);
    const latencySvg = charts.find((c) => c.includes('aria-label="Latency'))!;
    assert.ok(latencySvg.indexOf('stroke="#cf222e"') < latencySvg.indexOf('stroke="#bf8700" stroke-width="1.8" stroke-dasharray'), 'p95 is drawn after (over) p99');
  } finally {
    db.close();
  }
});
