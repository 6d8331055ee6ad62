import { cpus, freemem, loadavg, totalmem } from 'node:os';
import si from 'systeminformation';
import type { ProcessSource } from './proc-source';
import { describeSelector, type TargetSelector } from './select';
import type { SourceContext } from './source';
import type { HostSample, MonitorEvent, ResourceSample, SampleBatch } from '../src/core/samples';

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Busy and total CPU time over all cores from os.cpus() (portable; the host's CPU without /proc). */
function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
    total += t;
    busy += t - c.times.idle;
  }
  return { busy, total };
}

type SiProcess = Awaited<ReturnType<typeof si.processes>>['list'][number];

/** The process a selector points at in systeminformation's list (the oldest match wins). */
async function findProcess(selector: TargetSelector, list: SiProcess[], exclude: ReadonlySet<number>): Promise<SiProcess | undefined> {
  switch (selector.kind) {
    case 'pid':
      return list.find((p) => p.pid === selector.pid);
    case 'match': {
      const re = new RegExp(selector.pattern);
      const matches = list.filter((p) => !exclude.has(p.pid) && re.test(`${p.command} ${p.params}`.trim()));
      return matches.sort((a, b) => a.started.localeCompare(b.started) || a.pid - b.pid)[0];
    }
    case 'port': {
      const conns = await si.networkConnections();
      const owner = conns.find((c) => c.state === 'LISTEN' && Number(c.localPort) === selector.port && c.pid);
      return owner ? list.find((p) => p.pid === owner.pid) : undefined;
    }
    case 'cgroup':
      return undefined; // refused before a source is made: cgroups need /proc
  }
}

/**
 * Per-process CPU and memory from systeminformation, for machines without /proc (macOS,
 * Windows). Coarser than /proc: CPU is whatever the platform's process table reports, and
 * threads, descriptors, I/O and context switches are not available (stored as 0 / null).
 * systeminformation is asynchronous and may spawn `ps`, so it refreshes in the background
 * and each tick stores the newest answer it has.
 */
export class SiSource implements ProcessSource {
  readonly name = 'systeminformation';
  readonly note = 'no /proc here: per-process CPU and memory come from systeminformation and are coarser (no threads, fds, I/O or context switches)';
  private latest: { at: number; p: SiProcess } | undefined;
  private emittedAt = 0;
  private busy = false;
  private found: number | undefined;
  private missingReported = false;
  private events: MonitorEvent[] = [];
  private prevCpu = cpuTimes();
  private readonly exclude = new Set([process.pid, process.ppid]);

  constructor(
    private readonly selector: TargetSelector,
    at: number,
    private readonly now: () => number = Date.now,
  ) {
    void at;
    void this.refresh();
  }

  get pid(): number | undefined {
    return this.found;
  }

  sample({ at }: SourceContext): Partial<SampleBatch> {
    void this.refresh();
    const resources: ResourceSample[] = [];
    if (this.latest && this.latest.at > this.emittedAt) {
      const { p } = this.latest;
      this.emittedAt = this.latest.at;
      resources.push({
        at,
        pid: p.pid,
        source: 'target',
        cpuPct: round2(p.cpu),
        cpuUserPct: round2(p.cpuu),
        cpuSystemPct: round2(p.cpus),
        rssBytes: p.memRss * 1024,
        vsizeBytes: p.memVsz * 1024,
        threads: 0,
        fds: null,
        readBytes: null,
        writeBytes: null,
        readBps: null,
        writeBps: null,
        voluntaryCtx: 0,
        involuntaryCtx: 0,
      });
    }
    return { resources, hosts: [this.host(at)], events: this.events.splice(0) };
  }

  private host(at: number): HostSample {
    const now = cpuTimes();
    const total = now.total - this.prevCpu.total;
    const cpuPct = total > 0 ? round2(((now.busy - this.prevCpu.busy) / total) * 100) : 0;
    this.prevCpu = now;
    const [load1, load5, load15] = loadavg();
    return {
      at,
      cpuPct,
      memUsedBytes: totalmem() - freemem(),
      memAvailableBytes: freemem(),
      load1,
      load5,
      load15,
      diskReadBps: 0,
      diskWriteBps: 0,
      netRxBps: 0,
      netTxBps: 0,
    };
  }

  private async refresh(): Promise<void> {
    if (this.busy) return; // the last answer is still coming: never pile up ps processes
    this.busy = true;
    try {
      const { list } = await si.processes();
      const p = await findProcess(this.selector, list, this.exclude);
      const at = this.now();
      if (p) this.onFound(p, at);
      else this.onMissing(at);
    } catch (err) {
      this.events.push({ at: this.now(), kind: 'target-unreadable', message: `systeminformation failed: ${(err as Error).message}`, data: {} });
    } finally {
      this.busy = false;
    }
  }

  private onFound(p: SiProcess, at: number): void {
    if (p.pid !== this.found) {
      const kind = this.found === undefined ? 'target-found' : 'target-restarted';
      const message = kind === 'target-found' ? `sampling pid ${p.pid} (systeminformation)` : `target restarted: pid ${this.found} → ${p.pid}`;
      this.events.push({ at, kind, message, data: kind === 'target-found' ? { pid: p.pid } : { oldPid: this.found, newPid: p.pid } });
    }
    this.found = p.pid;
    this.missingReported = false;
    this.latest = { at, p };
  }

  private onMissing(at: number): void {
    if (this.missingReported) return;
    this.missingReported = true;
    this.events.push({
      at,
      kind: 'target-missing',
      message: `no process for ${describeSelector(this.selector)}; sampling the host until one appears`,
      data: { lastPid: this.found ?? null },
    });
  }
}
