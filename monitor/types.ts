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

export interface MonitorEvent {
  at: number;
  kind: 'target-found' | 'target-restarted' | 'target-missing' | 'target-unreadable' | 'monitor-started' | 'monitor-stopped';
  message: string;
  data?: unknown;
}
