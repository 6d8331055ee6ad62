import type { ResourceSummary } from '../core/summary';
import type { MonitorEvent, ResourceSample } from '../core/samples';

const mb = (bytes: number) => Math.round((bytes / 1048576) * 100) / 100;
const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null);

/** The run summary's `resources`: what the target did during the run's window. */
export function summarizeResources(
  monitorId: number | null,
  target: readonly ResourceSample[],
  events: readonly MonitorEvent[],
  self: readonly ResourceSample[] = [],
): ResourceSummary {
  const cpu = target.map((s) => s.cpuPct);
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
  };
}

export const noResources = (): ResourceSummary => summarizeResources(null, [], []);
