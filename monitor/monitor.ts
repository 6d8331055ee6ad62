import type { MonitorStore } from '../src/store/monitor';
import { hasProc } from './proc';
import { HostSampler, ProcessSampler, SelfSampler } from './sampler';
import { describeSelector, resolveTarget, type TargetSelector } from './select';
import { emptyBatch, type HostSample, type MonitorEvent, type ResourceSample, type SampleBatch } from '../src/core/samples';

export interface MonitorOptions {
  selector: TargetSelector;
  intervalMs: number;
  store: MonitorStore;
  /** 'local', or the URL this monitor's samples came from. */
  origin?: string;
  /** Host inventory (CPU model, cores, memory, OS), stored with the session. */
  host?: unknown;
  /** Told about every event as it happens (foreground mode prints them). */
  onEvent?: (event: MonitorEvent) => void;
  now?: () => number;
}

/**
 * Samples the target process, the host and itself every interval into the store. When the
 * target goes away it looks for it again each tick (same port, same command line), records
 * `target-restarted` when a new process takes its place, and keeps sampling the host meanwhile.
 */
export class Monitor {
  readonly id: number;
  private readonly now: () => number;
  private readonly host: HostSampler;
  private readonly self = new SelfSampler();
  private target: ProcessSampler | undefined;
  private lastPid: number | undefined;
  private missingReported = false;
  private unreadableReported = false;
  private timer: NodeJS.Timeout | undefined;
  private pending: SampleBatch = emptyBatch();
  latestTarget: ResourceSample | undefined;
  latestHost: HostSample | undefined;
  latestSelf: ResourceSample | undefined;
  samplesWritten = 0;
  lastWriteError: Error | undefined;

  constructor(private readonly o: MonitorOptions) {
    if (!hasProc()) throw new Error('the monitor reads /proc, which this platform does not have (Linux only for now)');
    this.now = o.now ?? Date.now;
    const at = this.now();
    this.host = new HostSampler(at);
    this.id = o.store.createMonitor({
      startedAt: at,
      selector: describeSelector(o.selector),
      intervalMs: o.intervalMs,
      origin: o.origin ?? 'local',
      host: o.host,
    });
    this.event({ at, kind: 'monitor-started', message: `monitor ${this.id} watching ${describeSelector(o.selector)} every ${o.intervalMs} ms` });
    this.findTarget(at);
  }

  get pid(): number | undefined {
    return this.target?.pid;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.o.intervalMs);
  }

  /** Takes one round of samples and writes them in one transaction. */
  tick(): void {
    const at = this.now();
    if (this.target) {
      const sample = this.target.sample(at);
      if (sample) {
        this.pending.resources.push(sample);
        this.latestTarget = sample;
      } else {
        this.lastPid = this.target.pid;
        this.target = undefined;
        this.findTarget(at);
      }
    } else {
      this.findTarget(at);
    }
    const host = this.host.sample(at);
    if (host) {
      this.pending.hosts.push(host);
      this.latestHost = host;
    }
    this.latestSelf = this.self.sample(at);
    this.pending.resources.push(this.latestSelf);
    this.flush();
  }

  /** Final samples and flush; the session is marked ended. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const at = this.now();
    this.event({ at, kind: 'monitor-stopped', message: `monitor ${this.id} stopped` });
    this.flush();
    this.o.store.endMonitor(this.id, at);
  }

  private findTarget(at: number): void {
    const pid = resolveTarget(this.o.selector);
    if (pid === undefined) {
      if (!this.missingReported) {
        this.missingReported = true;
        const was = this.lastPid ? ` (pid ${this.lastPid} is gone)` : '';
        this.event({ at, kind: 'target-missing', message: `no process for ${describeSelector(this.o.selector)}${was}; sampling the host until one appears`, data: { lastPid: this.lastPid ?? null } });
      }
      return;
    }
    try {
      this.target = new ProcessSampler(pid, at);
    } catch (err) {
      if (!this.unreadableReported) {
        this.unreadableReported = true;
        this.event({ at, kind: 'target-unreadable', message: `cannot sample pid ${pid}: ${(err as Error).message}; will keep trying`, data: { pid } });
      }
      return;
    }
    this.missingReported = false;
    this.unreadableReported = false;
    if (this.lastPid !== undefined && this.lastPid !== pid) {
      this.event({ at, kind: 'target-restarted', message: `target restarted: pid ${this.lastPid} → ${pid}`, data: { oldPid: this.lastPid, newPid: pid } });
    } else {
      this.event({ at, kind: 'target-found', message: `sampling pid ${pid}`, data: { pid } });
    }
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
