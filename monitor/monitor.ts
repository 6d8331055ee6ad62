import type { MonitorStore } from '../src/store/monitor';
import { CgroupSource } from './cgroup-source';
import { GpuSource, type GpuMode } from './gpu-source';
import { findNvidiaSmi } from './nvidia';
import { hasProc } from './proc';
import { ProcSource, type ProcessSource } from './proc-source';
import { SelfSampler } from './sampler';
import { describeSelector, type TargetSelector } from './select';
import { SiSource } from './si-source';
import type { SampleSource } from './source';
import { emptyBatch, type CgroupSample, type GpuSample, type HostSample, type MonitorEvent, type ResourceSample, type SampleBatch } from '../src/core/samples';

export interface MonitorOptions {
  selector: TargetSelector;
  intervalMs: number;
  store: MonitorStore;
  /** A cgroup to sample (path as /proc/PID/cgroup names it, or its directory); else the target's own when limited. */
  cgroup?: string;
  /** GPU sampling through nvidia-smi on PATH: 'loop' (default), 'spawn', or false for none. */
  gpu?: GpuMode | false;
  /** Where /proc is; anything without /proc/self/stat makes the monitor use systeminformation. */
  procRoot?: string;
  /** 'local', or the URL this monitor's samples came from. */
  origin?: string;
  /** Host inventory (CPU model, cores, memory, OS), stored with the session. */
  host?: unknown;
  /** Told about every event as it happens (foreground mode prints them). */
  onEvent?: (event: MonitorEvent) => void;
  now?: () => number;
}

/**
 * Samples the target process, the host, its cgroup, the GPUs and itself every interval into
 * the store, one batch per tick. Each kind of figure is one source (see source.ts); the
 * process source follows the target across restarts.
 */
export class Monitor {
  readonly id: number;
  private readonly now: () => number;
  private readonly self = new SelfSampler();
  private readonly process: ProcessSource;
  private readonly sources: SampleSource[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending: SampleBatch = emptyBatch();
  latestTarget: ResourceSample | undefined;
  latestHost: HostSample | undefined;
  latestSelf: ResourceSample | undefined;
  latestGpus: GpuSample[] = [];
  latestCgroup: CgroupSample | undefined;
  samplesWritten = 0;
  lastWriteError: Error | undefined;

  /** Throws when a named cgroup does not exist, or a cgroup is asked for without /proc. */
  constructor(private readonly o: MonitorOptions) {
    this.now = o.now ?? Date.now;
    const at = this.now();
    const proc = hasProc(o.procRoot);
    if (!proc && (o.cgroup !== undefined || o.selector.kind === 'cgroup')) throw new Error('cgroups are read through /proc, which this platform does not have');
    const cgroup = proc ? new CgroupSource(o.cgroup ?? (o.selector.kind === 'cgroup' ? o.selector.path : undefined), at) : undefined;
    this.process = proc ? new ProcSource(o.selector, at) : new SiSource(o.selector, at, this.now);
    this.id = o.store.createMonitor({
      startedAt: at,
      selector: describeSelector(o.selector),
      intervalMs: o.intervalMs,
      origin: o.origin ?? 'local',
      host: o.host,
    });
    const note = this.process.note ? `; ${this.process.note}` : '';
    this.event({ at, kind: 'monitor-started', message: `monitor ${this.id} watching ${describeSelector(o.selector)} every ${o.intervalMs} ms${note}` });
    if (this.process instanceof ProcSource) for (const e of this.process.takeEvents()) this.event(e);
    this.sources.push(this.process);
    if (cgroup) {
      const started = cgroup.started(at);
      if (started) this.event(started);
      this.sources.push(cgroup);
    }
    const smi = o.gpu === false ? undefined : findNvidiaSmi();
    if (smi) this.sources.push(new GpuSource(smi, o.intervalMs, o.gpu || 'loop', this.now));
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.o.intervalMs);
  }

  /** Takes one round of samples from every source and writes them in one transaction. */
  tick(): void {
    const at = this.now();
    for (const source of this.sources) {
      const batch = source.sample({ at, targetPid: this.process.pid });
      for (const e of batch.events ?? []) this.event(e);
      this.pending.resources.push(...(batch.resources ?? []));
      this.pending.hosts.push(...(batch.hosts ?? []));
      this.pending.gpus.push(...(batch.gpus ?? []));
      this.pending.cgroups.push(...(batch.cgroups ?? []));
      if (source === this.process) {
        this.latestTarget = batch.resources?.at(-1) ?? this.latestTarget;
        this.latestHost = batch.hosts?.at(-1) ?? this.latestHost;
      }
      if (batch.gpus?.length) this.latestGpus = batch.gpus;
      if (batch.cgroups?.length) this.latestCgroup = batch.cgroups.at(-1);
    }
    this.latestSelf = this.self.sample(at);
    this.pending.resources.push(this.latestSelf);
    this.flush();
  }

  /** Final samples and flush; the session is marked ended. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const source of this.sources) source.close?.();
    const at = this.now();
    this.event({ at, kind: 'monitor-stopped', message: `monitor ${this.id} stopped` });
    this.flush();
    this.o.store.endMonitor(this.id, at);
  }

  private event(e: MonitorEvent): void {
    this.pending.events.push(e);
    this.o.onEvent?.(e);
  }

  /** A failed write (database locked past busy_timeout) keeps its rows for the next flush. */
  private flush(): void {
    const rows = Object.values(this.pending).reduce((n, list: unknown[]) => n + list.length, 0);
    if (rows === 0) return;
    try {
      this.o.store.addBatch(this.id, this.pending);
      this.samplesWritten += this.pending.resources.length;
      this.pending = emptyBatch();
      this.lastWriteError = undefined;
    } catch (err) {
      this.lastWriteError = err as Error;
    }
  }
}
