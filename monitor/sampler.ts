import {
  CLOCK_TICKS_PER_SECOND,
  countFds,
  parseDiskstats,
  parseHostCpu,
  parseLoadavg,
  parseMeminfo,
  parseNetDev,
  parseProcIo,
  parseProcStat,
  parseProcStatus,
  readProc,
  wholeDisks,
} from './proc';
import type { HostSample, ResourceSample } from '../src/core/samples';

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Samples one process from /proc. CPU and I/O are deltas from the previous sample, so the
 * first sample of a process reports CPU since the sampler was created.
 */
export class ProcessSampler {
  private prev: { at: number; utime: number; stime: number; io?: { r: number; w: number } };
  readonly starttime: number;

  /** Throws when the process cannot be read at all. */
  constructor(
    readonly pid: number,
    at: number,
  ) {
    const stat = readProc(`/proc/${pid}/stat`);
    if (stat === undefined) throw new Error(`cannot read /proc/${pid}/stat (process gone or not readable)`);
    const s = parseProcStat(stat);
    this.starttime = s.starttime;
    this.prev = { at, utime: s.utime, stime: s.stime };
    const io = readProc(`/proc/${pid}/io`);
    if (io) {
      const p = parseProcIo(io);
      this.prev.io = { r: p.readBytes, w: p.writeBytes };
    }
  }

  /** Whether the pid is still the same process (not gone, not reused). */
  alive(): boolean {
    const stat = readProc(`/proc/${this.pid}/stat`);
    return stat !== undefined && parseProcStat(stat).starttime === this.starttime;
  }

  /** A sample, or undefined when the process has gone. */
  sample(at: number): ResourceSample | undefined {
    const statText = readProc(`/proc/${this.pid}/stat`);
    const statusText = readProc(`/proc/${this.pid}/status`);
    if (statText === undefined || statusText === undefined) return undefined;
    const stat = parseProcStat(statText);
    if (stat.starttime !== this.starttime) return undefined;
    const status = parseProcStatus(statusText);
    const seconds = Math.max((at - this.prev.at) / 1000, 1e-3);
    const pct = (ticks: number) => round2((ticks / CLOCK_TICKS_PER_SECOND / seconds) * 100);
    const user = pct(stat.utime - this.prev.utime);
    const system = pct(stat.stime - this.prev.stime);
    const ioText = readProc(`/proc/${this.pid}/io`); // needs ptrace access; null when refused
    const io = ioText ? parseProcIo(ioText) : undefined;
    const sample: ResourceSample = {
      at,
      pid: this.pid,
      source: 'target',
      cpuPct: round2(user + system),
      cpuUserPct: user,
      cpuSystemPct: system,
      rssBytes: status.rssBytes,
      vsizeBytes: status.vsizeBytes,
      threads: status.threads,
      fds: countFds(this.pid) ?? null,
      readBytes: io?.readBytes ?? null,
      writeBytes: io?.writeBytes ?? null,
      readBps: io && this.prev.io ? round2((io.readBytes - this.prev.io.r) / seconds) : null,
      writeBps: io && this.prev.io ? round2((io.writeBytes - this.prev.io.w) / seconds) : null,
      voluntaryCtx: status.voluntaryCtx,
      involuntaryCtx: status.involuntaryCtx,
    };
    this.prev = { at, utime: stat.utime, stime: stat.stime, io: io ? { r: io.readBytes, w: io.writeBytes } : undefined };
    return sample;
  }
}

/** The monitor's own cost, from process.cpuUsage (µs) and memoryUsage. */
export class SelfSampler {
  private prev = { at: Date.now(), cpu: process.cpuUsage() };

  sample(at: number): ResourceSample {
    const cpu = process.cpuUsage();
    const seconds = Math.max((at - this.prev.at) / 1000, 1e-3);
    const user = round2(((cpu.user - this.prev.cpu.user) / 1e6 / seconds) * 100);
    const system = round2(((cpu.system - this.prev.cpu.system) / 1e6 / seconds) * 100);
    this.prev = { at, cpu };
    return {
      at,
      pid: process.pid,
      source: 'monitor',
      cpuPct: round2(user + system),
      cpuUserPct: user,
      cpuSystemPct: system,
      rssBytes: process.memoryUsage.rss(),
      vsizeBytes: 0,
      threads: 0,
      fds: null,
      readBytes: null,
      writeBytes: null,
      readBps: null,
      writeBps: null,
      voluntaryCtx: 0,
      involuntaryCtx: 0,
    };
  }
}

interface HostCounters {
  at: number;
  cpu: { busy: number; total: number };
  disk: { readBytes: number; writeBytes: number };
  net: { rxBytes: number; txBytes: number };
}

/** Host-wide CPU, memory, load, disk and network from /proc (cheap enough for 1 Hz). */
export class HostSampler {
  private readonly disks = wholeDisks();
  private prev: HostCounters | undefined;

  constructor(at: number) {
    this.prev = this.counters(at);
  }

  private counters(at: number): HostCounters | undefined {
    const stat = readProc('/proc/stat');
    const disk = readProc('/proc/diskstats');
    const net = readProc('/proc/net/dev');
    if (!stat || !disk || !net) return undefined;
    return { at, cpu: parseHostCpu(stat), disk: parseDiskstats(disk, this.disks), net: parseNetDev(net) };
  }

  sample(at: number): HostSample | undefined {
    const now = this.counters(at);
    const mem = readProc('/proc/meminfo');
    const load = readProc('/proc/loadavg');
    if (!now || !mem || !load || !this.prev) return undefined;
    const prev = this.prev;
    this.prev = now;
    const seconds = Math.max((at - prev.at) / 1000, 1e-3);
    const memory = parseMeminfo(mem);
    const [load1, load5, load15] = parseLoadavg(load);
    const totalDelta = now.cpu.total - prev.cpu.total;
    return {
      at,
      cpuPct: totalDelta > 0 ? round2(((now.cpu.busy - prev.cpu.busy) / totalDelta) * 100) : 0,
      memUsedBytes: memory.totalBytes - memory.availableBytes,
      memAvailableBytes: memory.availableBytes,
      load1,
      load5,
      load15,
      diskReadBps: round2((now.disk.readBytes - prev.disk.readBytes) / seconds),
      diskWriteBps: round2((now.disk.writeBytes - prev.disk.writeBytes) / seconds),
      netRxBps: round2((now.net.rxBytes - prev.net.rxBytes) / seconds),
      netTxBps: round2((now.net.txBytes - prev.net.txBytes) / seconds),
    };
  }
}
