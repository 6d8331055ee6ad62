import type { GpuSample } from '../core/samples';
import { analyzeBreakingPoint } from './breaking';
import { analyzeCgroupMemory } from './cgroup';
import { analyzeCorrelation } from './correlation';
import { stageWindows } from './intervals';
import { analyzeLeak } from './leak';
import { analyzeRecovery } from './recovery';
import { analyzeSaturation, saturationLimits } from './saturation';
import type { AnalysisInput, Finding } from '../core/finding';

const MB = 1048576;

/** The target's GPU memory over time, all devices together, as a series the leak analysis reads. */
function targetGpuMemory(gpus: readonly GpuSample[]): { at: number; rssBytes: number }[] {
  const byAt = new Map<number, number>();
  for (const g of gpus) if (g.targetMemMB !== null) byAt.set(g.at, (byAt.get(g.at) ?? 0) + g.targetMemMB * MB);
  return [...byAt].map(([at, rssBytes]) => ({ at, rssBytes }));
}

/** Every finding a run supports, by its kind and the data it has. Pure: rows in, verdicts out. */
export function analyzeRun(input: AnalysisInput): Finding[] {
  const { plan, intervals, target } = input;
  const findings: Finding[] = [];
  if (plan.kind === 'stress') findings.push(analyzeBreakingPoint(plan, intervals));
  if (plan.kind === 'spike') findings.push(analyzeRecovery(plan, intervals));
  if ((plan.kind === 'soak' || plan.kind === 'load') && target.length > 0) {
    const windows = stageWindows(plan.stages, input.startedAt);
    const holdIndex = plan.stages.findIndex((s) => s.name === 'hold');
    const hold = windows[holdIndex >= 0 ? holdIndex : 0];
    const plateau = { from: hold.from, to: Math.min(hold.to, input.endedAt) };
    const inPlateau = intervals.filter((r) => r.started_at >= plateau.from && r.started_at < plateau.to);
    const seconds = inPlateau.reduce((s, r) => s + r.duration_ms, 0) / 1000;
    const rate = seconds > 0 ? inPlateau.reduce((s, r) => s + r.requests, 0) / seconds : 0;
    findings.push(analyzeLeak(target, plateau, rate));
    const gpuMemory = targetGpuMemory(input.gpus ?? []);
    if (gpuMemory.some((s) => s.rssBytes > 0)) findings.push(analyzeLeak(gpuMemory, plateau, rate, undefined, 'gpu-memory'));
  }
  const cgroup = analyzeCgroupMemory(input.cgroups ?? [], input.events);
  if (cgroup) findings.push(cgroup);
  if (target.length > 0) {
    const correlation = analyzeCorrelation(input);
    if (correlation) findings.push(correlation);
  }
  const saturation = analyzeSaturation(intervals, saturationLimits(plan.workers ?? 1), input.stalls);
  if (saturation) findings.push(saturation);
  return findings;
}
