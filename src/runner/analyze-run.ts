import type { CgroupSample, GpuSample, HostSample, MonitorEvent, ResourceSample } from '../core/samples';
import { analyzeRun } from '../analysis/analyze';
import type { AnalysisInput, Finding } from '../core/finding';
import { UsageError } from '../errors';
import type { Db } from '../store/db';
import { FindingStore } from '../store/findings';
import { MonitorStore } from '../store/monitor';
import { RunStore, type StoredRun } from '../store/runs';

/** Reads what the analyses need for one run from the store. */
export function analysisInput(db: Db, run: StoredRun): AnalysisInput {
  const runs = new RunStore(db);
  const endedAt = run.ended_at ?? Date.now();
  let target: ResourceSample[] = [];
  let events: MonitorEvent[] = [];
  let gpus: GpuSample[] = [];
  let cgroups: CgroupSample[] = [];
  let host: HostSample[] = [];
  if (run.monitor_id !== null) {
    const monitors = new MonitorStore(db);
    target = monitors.resourceSamples(run.monitor_id, run.started_at, endedAt + 1000);
    events = monitors.events(run.monitor_id, run.started_at, endedAt + 1000);
    gpus = monitors.gpuSamples(run.monitor_id, run.started_at, endedAt + 1000);
    cgroups = monitors.cgroupSamples(run.monitor_id, run.started_at, endedAt + 1000);
    host = monitors.hostSamples(run.monitor_id, run.started_at, endedAt + 1000);
  }
  const plan = run.plan;
  // Only stress and spike analyses merge histograms; the others read per-second columns.
  const needsHistograms = plan.kind === 'stress' || plan.kind === 'spike';
  const intervals = needsHistograms ? runs.intervals(run.id) : runs.intervalsWithoutHistograms(run.id);
  return { plan, startedAt: run.started_at, endedAt, intervals, target, host, events, gpus, cgroups, stalls: runs.stalls(run.id) };
}

/** Analyses a stored run and stores its findings (replacing older ones). */
export function analyzeStoredRun(db: Db, ref: string | number): { run: StoredRun; findings: Finding[] } {
  const run = new RunStore(db).getRun(ref);
  if (!run) throw new UsageError(`no run ${ref} in this database (see strain runs)`);
  const findings = analyzeRun(analysisInput(db, run));
  new FindingStore(db).replace(run.id, findings);
  return { run, findings };
}
