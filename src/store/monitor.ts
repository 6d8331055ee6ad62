import type { Statement } from 'better-sqlite3';
import type { HostSample, MonitorEvent, ResourceSample } from '../../monitor/types';
import type { Db } from './db';

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

function toResource(r: Record<string, number | string | null>): ResourceSample {
  return {
    at: r.at as number, pid: r.pid as number, source: r.source as ResourceSample['source'],
    cpuPct: r.cpu_pct as number, cpuUserPct: r.cpu_user_pct as number, cpuSystemPct: r.cpu_system_pct as number,
    rssBytes: r.rss_bytes as number, vsizeBytes: r.vsize_bytes as number, threads: r.threads as number, fds: r.fds as number | null,
    readBytes: r.read_bytes as number | null, writeBytes: r.write_bytes as number | null,
    readBps: r.read_bps as number | null, writeBps: r.write_bps as number | null,
    voluntaryCtx: r.ctx_voluntary as number, involuntaryCtx: r.ctx_involuntary as number,
  };
}

function toHost(r: Record<string, number>): HostSample {
  return {
    at: r.at, cpuPct: r.cpu_pct, memUsedBytes: r.mem_used_bytes, memAvailableBytes: r.mem_available_bytes,
    load1: r.load1, load5: r.load5, load15: r.load15, diskReadBps: r.disk_read_bps, diskWriteBps: r.disk_write_bps,
    netRxBps: r.net_rx_bps, netTxBps: r.net_tx_bps,
  };
}

/** The monitor's side of the store: sessions, samples and events, written in batches. */
export class MonitorStore {
  private readonly insertMonitor: Statement;
  private readonly endMonitorStmt: Statement;
  private readonly insertResource: Statement;
  private readonly insertHost: Statement;
  private readonly insertEvent: Statement;
  private readonly selectResources: Statement;
  private readonly selectHost: Statement;
  private readonly selectEvents: Statement;
  private readonly selectMonitor: Statement;

  constructor(readonly db: Db) {
    this.insertMonitor = db.prepare(
      'INSERT INTO monitors (started_at, selector, pid, interval_ms, origin, host_json) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.endMonitorStmt = db.prepare('UPDATE monitors SET ended_at = ? WHERE id = ?');
    this.insertResource = db.prepare(`INSERT INTO resource_samples (${RESOURCE_COLUMNS}) VALUES (${RESOURCE_COLUMNS.split(',').map(() => '?').join(', ')})`);
    this.insertHost = db.prepare(`INSERT INTO host_samples (${HOST_COLUMNS}) VALUES (${HOST_COLUMNS.split(',').map(() => '?').join(', ')})`);
    this.insertEvent = db.prepare('INSERT INTO events (monitor_id, at, kind, message, data_json) VALUES (?, ?, ?, ?, ?)');
    this.selectResources = db.prepare('SELECT * FROM resource_samples WHERE monitor_id = ? AND source = ? AND at >= ? AND at <= ? ORDER BY at');
    this.selectHost = db.prepare('SELECT * FROM host_samples WHERE monitor_id = ? AND at >= ? AND at <= ? ORDER BY at');
    this.selectEvents = db.prepare('SELECT * FROM events WHERE monitor_id = ? AND at >= ? AND at <= ? ORDER BY at, id');
    this.selectMonitor = db.prepare('SELECT * FROM monitors WHERE id = ?');
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
  addBatch(monitorId: number, resources: readonly ResourceSample[], hosts: readonly HostSample[], events: readonly MonitorEvent[]): void {
    this.db.transaction(() => {
      for (const r of resources) {
        this.insertResource.run(monitorId, r.at, r.source, r.pid, r.cpuPct, r.cpuUserPct, r.cpuSystemPct, r.rssBytes, r.vsizeBytes,
          r.threads, r.fds, r.readBytes, r.writeBytes, r.readBps, r.writeBps, r.voluntaryCtx, r.involuntaryCtx);
      }
      for (const h of hosts) {
        this.insertHost.run(monitorId, h.at, h.cpuPct, h.memUsedBytes, h.memAvailableBytes, h.load1, h.load5, h.load15,
          h.diskReadBps, h.diskWriteBps, h.netRxBps, h.netTxBps);
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

  events(monitorId: number, since: number, until = Number.MAX_SAFE_INTEGER): MonitorEvent[] {
    return (this.selectEvents.all(monitorId, since, until) as { at: number; kind: MonitorEvent['kind']; message: string; data_json: string | null }[])
      .map((e) => ({ at: e.at, kind: e.kind, message: e.message, ...(e.data_json ? { data: JSON.parse(e.data_json) } : {}) }));
  }
}
