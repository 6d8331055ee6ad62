import type { CgroupSample, GpuSample } from '../core/samples';
import type { Finding } from '../core/finding';
import { num } from '../util/format';
import { downsample } from './downsample';
import { lineChart, type ChartMarker, type ChartOptions, type ChartSeries } from './svg';

const MAX_POINTS = 600;
const COLORS = ['#0969da', '#bf8700', '#1a7f37', '#8250df', '#cf222e', '#57606a'];

interface Frame {
  start: number;
  markers: ChartMarker[];
  fx: (s: number) => string;
  /** The run's shared time axis (every chart of a run lines up). */
  axis?: Pick<ChartOptions, 'xDomain' | 'xTime'>;
}

/** The trend line of a leak finding over its analysis window, in chart coordinates. */
function trend(leak: Finding | undefined, start: number): ChartSeries[] {
  if (!leak?.trendLine) return [];
  const tl = leak.trendLine as { interceptMB: number; slopeMBPerHour: number };
  const from = ((leak.analysisFrom as number) - start) / 1000;
  const to = ((leak.analysisTo as number) - start) / 1000;
  const at = (x: number) => tl.interceptMB + (tl.slopeMBPerHour * (x - from)) / 3600;
  return [
    {
      name: `leak trend (${leak.verdict})`,
      color: '#cf222e',
      points: [
        [from, at(from)],
        [to, at(to)],
      ],
      dashed: true,
    },
  ];
}

/** GPU panels: utilisation per device, memory per device and the target's own, power; none without GPU rows. */
export function gpuCharts(gpus: readonly GpuSample[], findings: readonly Finding[], f: Frame): string[] {
  if (gpus.length === 0) return [];
  const devices = [...new Set(gpus.map((g) => g.index))].sort((a, b) => a - b);
  const per = (pick: (g: GpuSample) => number | null, label: string): ChartSeries[] =>
    devices
      .map((d, i) => ({
        name: `GPU ${d} ${label}`,
        color: COLORS[i % COLORS.length],
        points: downsample(
          gpus.filter((g) => g.index === d && pick(g) !== null).map((g) => [(g.at - f.start) / 1000, pick(g)!] as [number, number]),
          MAX_POINTS,
          'mean',
        ),
      }))
      .filter((s) => s.points.length > 0);
  const targetByAt = new Map<number, number>();
  for (const g of gpus) if (g.targetMemMB !== null) targetByAt.set(g.at, (targetByAt.get(g.at) ?? 0) + g.targetMemMB);
  const target: ChartSeries[] = targetByAt.size
    ? [
        {
          name: 'target MB (all GPUs)',
          color: '#cf222e',
          points: downsample(
            [...targetByAt].map(([at, mb]) => [(at - f.start) / 1000, mb] as [number, number]),
            MAX_POINTS,
            'max',
          ),
        },
      ]
    : [];
  const leak = findings.find((x) => x.kind === 'leak' && x.resource === 'gpu-memory');
  const charts = [
    lineChart({ title: 'GPU utilisation (%)', yLabel: '%', markers: f.markers, xFormat: f.fx, ...f.axis, series: per((g) => g.utilPct, 'util %') }),
    lineChart({
      title: "GPU memory used (MB), and the target's own",
      yLabel: 'MB',
      markers: f.markers,
      xFormat: f.fx,
      ...f.axis,
      series: [...per((g) => g.memUsedMB, 'used MB'), ...target, ...trend(leak, f.start)],
    }),
  ];
  const power = per((g) => g.powerW, 'W');
  if (power.length) charts.push(lineChart({ title: 'GPU power draw (W)', yLabel: 'W', markers: f.markers, xFormat: f.fx, ...f.axis, series: power }));
  return charts;
}

/** cgroup panels: memory against the limit, CPU against the quota; none without cgroup rows. */
export function cgroupCharts(samples: readonly CgroupSample[], f: Frame): string[] {
  if (samples.length === 0) return [];
  const pts = (pick: (s: CgroupSample) => number | null, fold: 'max' | 'mean') =>
    downsample(
      samples.filter((s) => pick(s) !== null).map((s) => [(s.at - f.start) / 1000, pick(s)!] as [number, number]),
      MAX_POINTS,
      fold,
    );
  const mem: ChartSeries[] = [{ name: 'memory MB', color: '#0969da', points: pts((s) => (s.memBytes === null ? null : s.memBytes / 1048576), 'max') }];
  const limit = samples.find((s) => s.memLimitBytes !== null)?.memLimitBytes;
  const span: [number, number] = [(samples[0].at - f.start) / 1000, (samples[samples.length - 1].at - f.start) / 1000];
  if (limit) mem.push({ name: `limit ${num(limit / 1048576, 0)} MB`, color: '#cf222e', dashed: true, points: span.map((x) => [x, limit / 1048576] as [number, number]) });
  const quota = samples.find((s) => s.quotaCores !== null)?.quotaCores;
  const cpu: ChartSeries[] = [{ name: 'cpu % of one core', color: '#bf8700', points: pts((s) => s.cpuPct, 'mean') }];
  if (quota) cpu.push({ name: `quota ${num(quota, 2)} cores`, color: '#cf222e', dashed: true, points: span.map((x) => [x, quota * 100] as [number, number]) });
  const path = samples[0].path;
  return [
    lineChart({ title: `cgroup ${path}: memory (MB) against its limit`, yLabel: 'MB', markers: f.markers, xFormat: f.fx, ...f.axis, series: mem }),
    lineChart({ title: `cgroup ${path}: CPU (%, 100 = one core)${quota ? ' against its quota' : ''}`, yLabel: '%', markers: f.markers, xFormat: f.fx, ...f.axis, series: cpu }),
  ];
}
