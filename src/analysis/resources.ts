import type { CgroupSummary, GpuSummary, ResourceSummary } from '../core/summary';
import type { CgroupSample, GpuSample, MonitorEvent, ResourceSample } from '../core/samples';

const mb = (bytes: number) => Math.round((bytes / 1048576) * 100) / 100;
const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null);

const known = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);
const max = (xs: number[]) => (xs.length ? Math.max(...xs) : null);
const r1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/** Per tick (one `at`), the sum of a GPU figure over devices; null when no device reported it. */
function perTick(gpus: readonly GpuSample[], pick: (g: GpuSample) => number | null): number[] {
  const byAt = new Map<number, number | null>();
  for (const g of gpus) {
    const v = pick(g);
    const prev = byAt.get(g.at) ?? null;
    byAt.set(g.at, v === null ? prev : (prev ?? 0) + v);
  }
  return known([...byAt.values()]);
}

export function summarizeGpu(gpus: readonly GpuSample[]): GpuSummary | undefined {
  if (gpus.length === 0) return undefined;
  const util = known(gpus.map((g) => g.utilPct));
  const latestTotal = new Map<number, number | null>(gpus.map((g) => [g.index, g.memTotalMB]));
  const totals = known([...latestTotal.values()]);
  return {
    devices: new Set(gpus.map((g) => g.index)).size,
    utilMeanPct: mean(util),
    utilMaxPct: max(util),
    memUsedMaxMB: max(perTick(gpus, (g) => g.memUsedMB)),
    memTotalMB: totals.length ? totals.reduce((a, b) => a + b, 0) : null,
    powerMeanW: mean(perTick(gpus, (g) => g.powerW)),
    targetMemMaxMB: max(perTick(gpus, (g) => g.targetMemMB)),
  };
}

/** OOM kills are counted from the run's oom-kill events: a kill seen at the window's first sample is in both counts. */
export function summarizeCgroup(samples: readonly CgroupSample[], events: readonly MonitorEvent[] = []): CgroupSummary | undefined {
  if (samples.length === 0) return undefined;
  const cpu = known(samples.map((s) => s.cpuPct));
  const quota = known(samples.map((s) => s.quotaPct));
  const mem = known(samples.map((s) => s.memBytes));
  const last = samples[samples.length - 1];
  return {
    path: last.path,
    samples: samples.length,
    cpuMeanPct: mean(cpu),
    cpuMaxPct: max(cpu),
    quotaCores: last.quotaCores,
    quotaMeanPct: mean(quota),
    quotaMaxPct: max(quota),
    memMaxMB: mem.length ? mb(Math.max(...mem)) : null,
    memLimitMB: last.memLimitBytes === null ? null : r1(last.memLimitBytes / 1048576),
    oomKills: events.filter((e) => e.kind === 'oom-kill').reduce((n, e) => n + Number((e.data as { kills?: number } | undefined)?.kills ?? 1), 0),
  };
}

/** The run summary's `resources`: what the target did during the run's window. */
export function summarizeResources(
  monitorId: number | null,
  target: readonly ResourceSample[],
  events: readonly MonitorEvent[],
  self: readonly ResourceSample[] = [],
  gpus: readonly GpuSample[] = [],
  cgroups: readonly CgroupSample[] = [],
): ResourceSummary {
  const cpu = target.map((s) => s.cpuPct);
  const gpu = summarizeGpu(gpus);
  const cgroup = summarizeCgroup(cgroups, events);
  return {
    monitorId,
    samples: target.length,
    pids: [...new Set(target.map((s) => s.pid))],
    restarts: events.filter((e) => e.kind === 'target-restarted').length,
    cpuMeanPct: mean(cpu),
    cpuMaxPct: cpu.length ? Math.max(...cpu) : null,
    rssStartMB: target.length ? mb(target[0].rssBytes) : null,
    rssEndMB: target.length ? mb(target[target.length - 1].rssBytes) : null,
    rssMaxMB: target.length ? mb(Math.max(...target.map((s) => s.rssBytes))) : null,
    monitorCpuMeanPct: mean(self.map((s) => s.cpuPct)),
    ...(gpu ? { gpu } : {}),
    ...(cgroup ? { cgroup } : {}),
  };
}

export const noResources = (): ResourceSummary => summarizeResources(null, [], []);
