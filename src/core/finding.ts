import type { CgroupSample, GpuSample, HostSample, MonitorEvent, ResourceSample } from './samples';
import type { ResolvedProfile } from './profile';
import type { IntervalRow } from './interval';
import type { Stall } from './stalls';

type FindingKind = 'leak' | 'breaking-point' | 'recovery' | 'correlation' | 'generator-saturated' | 'cgroup-memory';

/** One verdict about a run, with a line a person can act on and the numbers behind it. */
export interface Finding {
  kind: FindingKind;
  verdict: string;
  summary: string;
  [detail: string]: unknown;
}

/** Everything the analyses read: rows from the store, never the store itself. */
export interface AnalysisInput {
  plan: ResolvedProfile;
  startedAt: number;
  endedAt: number;
  intervals: readonly IntervalRow[];
  target: readonly ResourceSample[];
  /** Host-wide samples (a noisy neighbour shows here); empty for a remote monitor that sends none. */
  host?: readonly HostSample[];
  events: readonly MonitorEvent[];
  /** The generator's stalls (stored as events), when it had any. */
  stalls?: readonly Stall[];
  /** GPU rows (one per device per sample) and cgroup rows, when the monitor had those sources. */
  gpus?: readonly GpuSample[];
  cgroups?: readonly CgroupSample[];
}
