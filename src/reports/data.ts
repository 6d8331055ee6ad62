import type { CgroupSample, GpuSample, MonitorEvent, ResourceSample } from '../core/samples';
import type { Finding } from '../core/finding';
import { UsageError } from '../errors';
import type { ResolvedProfile } from '../core/profile';
import type { RunSummary } from '../core/summary';
import type { Db } from '../store/db';
import { FindingStore } from '../store/findings';
import { MonitorStore } from '../store/monitor';
import { RunStore, type EventRow, type StoredRun } from '../store/runs';
import type { IntervalRow } from '../core/interval';

/** One stored run, everything a report shows. Interval rows carry no histogram blobs. */
export interface ReportData {
  run: StoredRun;
  plan: ResolvedProfile;
  summary: RunSummary | undefined;
  intervals: IntervalRow[];
  samples: ResourceSample[];
  gpus: GpuSample[];
  cgroups: CgroupSample[];
  monitorEvents: MonitorEvent[];
  events: EventRow[];
  findings: Finding[];
  /** Earlier and later runs of the same profile, oldest first. */
  trend: StoredRun[];
}

export function loadReportData(db: Db, ref: string): ReportData {
  const runs = new RunStore(db);
  const run = runs.getRun(ref);
  if (!run) throw new UsageError(`no run ${ref} in this database (see strain runs)`);
  const until = (run.ended_at ?? Date.now()) + 1000;
  const monitors = new MonitorStore(db);
  return {
    run,
    plan: run.plan,
    summary: run.summary,
    intervals: runs.intervalsWithoutHistograms(run.id),
    samples: run.monitor_id === null ? [] : monitors.resourceSamples(run.monitor_id, run.started_at, until),
    gpus: run.monitor_id === null ? [] : monitors.gpuSamples(run.monitor_id, run.started_at, until),
    cgroups: run.monitor_id === null ? [] : monitors.cgroupSamples(run.monitor_id, run.started_at, until),
    monitorEvents: run.monitor_id === null ? [] : monitors.events(run.monitor_id, run.started_at, until),
    events: runs.events(run.id),
    findings: new FindingStore(db).forRun(run.id),
    trend: runs.byProfile(run.profile_name),
  };
}
