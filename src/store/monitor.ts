import type { Statement } from 'better-sqlite3';
import type { CgroupSample, GpuSample, HostSample, MonitorEvent, ResourceSample, SampleBatch } from '../core/samples';
import type { Db } from './handle';

export interface MonitorRow {
  id: number;
  started_at: number;
  ended_at: number | null;
  selector: string;
  pid: number;
  interval_ms: number;
  origin: string;
  host_json: string | null;
}

export interface NewMonitor {
  startedAt: number;
  selector: string;
  intervalMs: number;
  /** 'local' for a monitor sampling this machine, or the URL of a remote monitor's API. */
  origin: string;
  host?: unknown;
}

const RESOURCE_COLUMNS = `monitor_id, at, source, pid, cpu_pct, cpu_user_pct, cpu_system_pct, rss_bytes, vsize_bytes, threads, fds,
  read_bytes, write_bytes, read_bps, write_bps, ctx_voluntary, ctx_involuntary`;
const HOST_COLUMNS = `monitor_id, at, cpu_pct, mem_used_bytes, mem_available_bytes, load1, load5, load15,
  disk_read_bps, disk_write_bps, net_rx_bps, net_tx_bps`;

const GPU_COLUMNS = 'monitor_id, at, gpu, uuid, util_pct, mem_used_mb, mem_total_mb, power_w, temp_c, target_mem_mb';
const CGROUP_COLUMNS = `monitor_id, at, path, cpu_usage_usec, cpu_pct, quota_cores, quota_pct, mem_bytes, mem_limit_bytes, oom_kills,
  io_read_bps, io_write_bps`;
const placeholders = (columns: string) =>
  columns
    .split(',')
    .map(() => '?')
    .join(', ');

function toGpu(r: Record<string, number | string | null>): GpuSample {
  return {
    at: r.at as number,
    index: r.gpu as number,
    uuid: r.uuid as string,
    utilPct: r.util_pct as number | null,
    memUsedMB: r.mem_used_mb as number | null,
    memTotalMB: r.mem_total_mb as number | null,
    powerW: r.power_w as number | null,
    tempC: r.temp_c as number | null,
    targetMemMB: r.target_mem_mb as number | null,
  };
}

function toCgroup(r: Record<string, number | string | null>): CgroupSample {
  const n = (k: string) => r[k] as number | null;
  return {
    at: r.at as number,
    path: r.path as string,
    cpuUsageUsec: n('cpu_usage_usec'),
    cpuPct: n('cpu_pct'),
    quotaCores: n('quota_cores'),
    quotaPct: n('quota_pct'),
    memBytes: n('mem_bytes'),
    memLimitBytes: n('mem_limit_bytes'),
    oomKills: n('oom_kills'),
    ioReadBps: n('io_read_bps'),
    ioWriteBps: n('io_write_bps'),
  };
}

function toResource(r: Record<string, number | string | null>): ResourceSample {
  return {
    at: r.at as number,
    pid: r.pid as number,
    source: r.source as ResourceSample['source'],
    cpuPct: r.cpu_pct as number,
    cpuUserPct: r.cpu_user_pct as number,
    cpuSystemPct: r.cpu_system_pct as number,
    rssBytes: r.rss_bytes as number,
    vsizeBytes: r.vsize_bytes as number,
    threads: r.threads as number,
    fds: r.fds as number | null,
    readBytes: r.read_bytes as number | null,
    writeBytes: r.write_bytes as number | null,
    readBps: r.read_bps as number | null,
    writeBps: r.write_bps as number | null,
    voluntaryCtx: r.ctx_voluntary as number,
    involuntaryCtx: r.ctx_involuntary as number,
  };
}

function toHost(r: Record<string, number>): HostSample {
  return {
    at: r.at,
    cpuPct: r.cpu_pct,
    memUsedBytes: r.mem_used_bytes,
    memAvailableBytes: r.mem_available_bytes,
    load1: r.load1,
    load5: r.load5,
    load15: r.load15,
    diskReadBps: r.disk_read_bps,
    diskWriteBps: r.disk_write_bps,
    netRxBps: r.net_rx_bps,
    netTxBps: r.net_tx_bps,
  };
}

/** The monitor's side of the store: sessions, samples and events, written in batches. */
export class MonitorStore {
  private readonly insertMonitor: Statement;
  private readonly endMonitorStmt: Statement;
  private readonly insertResource: Statement;
  private readonly insertHost: Statement;
  private readonly insertEvent: Statement;
  private readonly insertGpu: Statement;
  private readonly insertCgroup: Statement;
  private readonly selectGpu: Statement;
  private readonly selectCgroup: Statement;
  private readonly selectResources: Statement;
  private readonly selectHost: Statement;
  private readonly selectEvents: Statement;
  private readonly selectMonitor: Statement;

  constructor(readonly db: Db) {
    this.insertMonitor = db.prepare('INSERT INTO monitors (started_at, selector, pid, interval_ms, origin, host_json) VALUES (?, ?, ?, ?, ?, ?)');
    this.endMonitorStmt = db.prepare('UPDATE monitors SET ended_at = ? WHERE id = ?');
    this.insertResource = db.prepare(
      `INSERT INTO resource_samples (${RESOURCE_COLUMNS}) VALUES (${RESOURCE_COLUMNS.split(',')
        .map(() => '?')
        .join(', ')})`,
    );
    this.insertHost = db.prepare(
      `INSERT INTO host_samples (${HOST_COLUMNS}) VALUES (${HOST_COLUMNS.split(',')
        .map(() => '?')
        .join(', ')})`,
    );
    this.insertEvent = db.prepare('INSERT INTO events (monitor_id, at, kind, message, data_json) VALUES (?, ?, ?, ?, ?)');
    this.selectResources = db.prepare('SELECT * FROM resource_samples WHERE monitor_id = ? AND source = ? AND at >= ? AND at <= ? ORDER BY at');
    this.selectHost = db.prepare('SELECT * FROM host_samples WHERE monitor_id = ? AND at >= ? AND at <= ? ORDER BY at');
    this.selectEvents = db.prepare('SELECT * FROM events WHERE monitor_id = ? AND at >= ? AND at <= ? ORDER BY at, id');
    this.selectMonitor = db.prepare('SELECT * FROM monitors WHERE id = ?');
    this.insertGpu = db.prepare(`INSERT INTO gpu_samples (${GPU_COLUMNS}) VALUES (${placeholders(GPU_COLUMNS)})`);
    this.insertCgroup = db.prepare(`INSERT INTO cgroup_samples (${CGROUP_COLUMNS}) VALUES (${placeholders(CGROUP_COLUMNS)})`);
    this.selectGpu = db.prepare('SELECT * FROM gpu_samples WHERE monitor_id = ? AND at >= ? AND at <= ? ORDER BY at, gpu');
    this.selectCgroup = db.prepare('SELECT * FROM cgroup_samples WHERE monitor_id = ? AND at >= ? AND at <= ? ORDER BY at');
  }

  createMonitor(m: NewMonitor): number {
    const info = this.insertMonitor.run(m.startedAt, m.selector, process.pid, m.intervalMs, m.origin, m.host === undefined ? null : JSON.stringify(m.host));
    return Number(info.lastInsertRowid);
  }

  endMonitor(id: number, at: number): void {
    this.endMonitorStmt.run(at, id);
  }

  monitor(id: number): MonitorRow | undefined {
    return this.selectMonitor.get(id) as MonitorRow | undefined;
  }

  /** One transaction for everything one flush carries. */
  addBatch(monitorId: number, batch: Partial<SampleBatch>): void {
    const { resources = [], hosts = [], gpus = [], cgroups = [], events = [] } = batch;
    this.db.transaction(() => {
      for (const r of resources) {
        this.insertResource.run(
          monitorId,
          r.at,
          r.source,
          r.pid,
          r.cpuPct,
          r.cpuUserPct,
          r.cpuSystemPct,
          r.rssBytes,
          r.vsizeBytes,
          r.threads,
          r.fds,
          r.readBytes,
          r.writeBytes,
          r.readBps,
          r.writeBps,
          r.voluntaryCtx,
          r.involuntaryCtx,
        );
      }
      for (const h of hosts) {
        this.insertHost.run(monitorId, h.at, h.cpuPct, h.memUsedBytes, h.memAvailableBytes, h.load1, h.load5, h.load15, h.diskReadBps, h.diskWriteBps, h.netRxBps, h.netTxBps);
      }
      for (const g of gpus) {
        this.insertGpu.run(monitorId, g.at, g.index, g.uuid, g.utilPct, g.memUsedMB, g.memTotalMB, g.powerW, g.tempC, g.targetMemMB);
      }
      for (const c of cgroups) {
        this.insertCgroup.run(monitorId, c.at, c.path, c.cpuUsageUsec, c.cpuPct, c.quotaCores, c.quotaPct, c.memBytes, c.memLimitBytes, c.oomKills, c.ioReadBps, c.ioWriteBps);
      }
      for (const e of events) this.insertEvent.run(monitorId, e.at, e.kind, e.message, e.data === undefined ? null : JSON.stringify(e.data));
    })();
  }

  resourceSamples(monitorId: number, since: number, until = Number.MAX_SAFE_INTEGER, source: ResourceSample['source'] = 'target'): ResourceSample[] {
    return (this.selectResources.all(monitorId, source, since, until) as Record<string, number | string | null>[]).map(toResource);
  }

  hostSamples(monitorId: number, since: number, until = Number.MAX_SAFE_INTEGER): HostSample[] {
    return (this.selectHost.all(monitorId, since, until) as Record<string, number>[]).map(toHost);
  }

  /** One row per GPU per sample, in time order. */
  gpuSamples(monitorId: number, since: number, until = Number.MAX_SAFE_INTEGER): GpuSample[] {
    return (this.selectGpu.all(monitorId, since, until) as Record<string, number | string | null>[]).map(toGpu);
  }

  cgroupSamples(monitorId: number, since: number, until = Number.MAX_SAFE_INTEGER): CgroupSample[] {
    return (this.selectCgroup.all(monitorId, since, until) as Record<string, number | string | null>[]).map(toCgroup);
  }

  events(monitorId: number, since: number, until = Number.MAX_SAFE_INTEGER): MonitorEvent[] {
    return (this.selectEvents.all(monitorId, since, until) as { at: number; kind: MonitorEvent['kind']; message: string; data_json: string | null }[]).map((e) => ({
      at: e.at,
      kind: e.kind,
      message: e.message,
      ...(e.data_json ? { data: JSON.parse(e.data_json) } : {}),
    }));
  }
}
