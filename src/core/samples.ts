/** One sample of one process. Rates are per second over the time since the previous sample. */
export interface ResourceSample {
  at: number;
  pid: number;
  /** 'target' for the watched process, 'monitor' for the monitor's own cost. */
  source: 'target' | 'monitor';
  cpuPct: number;
  cpuUserPct: number;
  cpuSystemPct: number;
  rssBytes: number;
  vsizeBytes: number;
  threads: number;
  fds: number | null;
  readBytes: number | null;
  writeBytes: number | null;
  readBps: number | null;
  writeBps: number | null;
  voluntaryCtx: number;
  involuntaryCtx: number;
}

export interface HostSample {
  at: number;
  cpuPct: number;
  memUsedBytes: number;
  memAvailableBytes: number;
  load1: number;
  load5: number;
  load15: number;
  diskReadBps: number;
  diskWriteBps: number;
  netRxBps: number;
  netTxBps: number;
}

/** One GPU at one moment (nvidia-smi). null where the driver answers [N/A] or [Not Supported]. */
export interface GpuSample {
  at: number;
  index: number;
  uuid: string;
  utilPct: number | null;
  memUsedMB: number | null;
  memTotalMB: number | null;
  powerW: number | null;
  tempC: number | null;
  /** GPU memory held on this GPU by the target and its children (0 when it holds none). */
  targetMemMB: number | null;
}

/** One cgroup at one moment (v2 files where present, else v1). null where a file is missing. */
export interface CgroupSample {
  at: number;
  /** The cgroup's path as /proc/PID/cgroup names it, e.g. /docker/abc... */
  path: string;
  /** Cumulative CPU time of every process in the group (µs). */
  cpuUsageUsec: number | null;
  /** CPU over the interval, 100 = one core. */
  cpuPct: number | null;
  /** The CPU quota in cores (cpu.max or cfs_quota/cfs_period); null when unlimited. */
  quotaCores: number | null;
  /** CPU as a share of the quota (100 = the whole quota); null when unlimited. */
  quotaPct: number | null;
  memBytes: number | null;
  /** null when the group has no memory limit. */
  memLimitBytes: number | null;
  /** OOM kills inside the group since it was created (cumulative). */
  oomKills: number | null;
  ioReadBps: number | null;
  ioWriteBps: number | null;
}

/** What one round of sampling (or one copy from a remote monitor) adds to the store. */
export interface SampleBatch {
  resources: ResourceSample[];
  hosts: HostSample[];
  gpus: GpuSample[];
  cgroups: CgroupSample[];
  events: MonitorEvent[];
}

export const emptyBatch = (): SampleBatch => ({ resources: [], hosts: [], gpus: [], cgroups: [], events: [] });

export interface MonitorEvent {
  at: number;
  kind: 'target-found' | 'target-restarted' | 'target-missing' | 'target-unreadable' | 'monitor-started' | 'monitor-stopped' | 'oom-kill' | 'source-started' | 'source-failed';
  message: string;
  data?: unknown;
}
