import { HostSampler, ProcessSampler } from './sampler';
import { describeSelector, resolveTarget, type TargetSelector } from './select';
import type { SampleSource, SourceContext } from './source';
import type { MonitorEvent, SampleBatch } from '../src/core/samples';

/** The process and host source a target is followed with: /proc here, systeminformation without it. */
export interface ProcessSource extends SampleSource {
  readonly pid: number | undefined;
  /** Said once in the monitor-started event (e.g. that the figures are coarser). */
  readonly note?: string;
}

/**
 * The target process and the host from /proc. When the target goes away it looks for it
 * again each tick (same port, same command line), records `target-restarted` when a new
 * process takes its place, and keeps sampling the host meanwhile.
 */
export class ProcSource implements ProcessSource {
  readonly name = 'proc';
  private readonly host: HostSampler;
  private target: ProcessSampler | undefined;
  private lastPid: number | undefined;
  private missingReported = false;
  private unreadableReported = false;
  private events: MonitorEvent[] = [];

  constructor(
    private readonly selector: TargetSelector,
    at: number,
  ) {
    this.host = new HostSampler(at);
    this.findTarget(at);
  }

  get pid(): number | undefined {
    return this.target?.pid;
  }

  /** Events from finding the target at construction, before the first tick. */
  takeEvents(): MonitorEvent[] {
    return this.events.splice(0);
  }

  sample({ at }: SourceContext): Partial<SampleBatch> {
    const batch: Partial<SampleBatch> = { resources: [], hosts: [] };
    if (this.target) {
      const sample = this.target.sample(at);
      if (sample) {
        batch.resources!.push(sample);
      } else {
        this.lastPid = this.target.pid;
        this.target = undefined;
        this.findTarget(at);
      }
    } else {
      this.findTarget(at);
    }
    const host = this.host.sample(at);
    if (host) batch.hosts!.push(host);
    batch.events = this.takeEvents();
    return batch;
  }

  private findTarget(at: number): void {
    const pid = resolveTarget(this.selector);
    if (pid === undefined) {
      if (!this.missingReported) {
        this.missingReported = true;
        const was = this.lastPid ? ` (pid ${this.lastPid} is gone)` : '';
        this.events.push({
          at,
          kind: 'target-missing',
          message: `no process for ${describeSelector(this.selector)}${was}; sampling the host until one appears`,
          data: { lastPid: this.lastPid ?? null },
        });
      }
      return;
    }
    try {
      this.target = new ProcessSampler(pid, at);
    } catch (err) {
      if (!this.unreadableReported) {
        this.unreadableReported = true;
        this.events.push({ at, kind: 'target-unreadable', message: `cannot sample pid ${pid}: ${(err as Error).message}; will keep trying`, data: { pid } });
      }
      return;
    }
    this.missingReported = false;
    this.unreadableReported = false;
    if (this.lastPid !== undefined && this.lastPid !== pid) {
      this.events.push({ at, kind: 'target-restarted', message: `target restarted: pid ${this.lastPid} → ${pid}`, data: { oldPid: this.lastPid, newPid: pid } });
    } else {
      this.events.push({ at, kind: 'target-found', message: `sampling pid ${pid}`, data: { pid } });
    }
  }
}
