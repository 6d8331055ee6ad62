import type { Statement } from 'better-sqlite3';
import type { Db } from './handle';

export interface ScheduleRow {
  name: string;
  cron: string;
  profile_path: string;
  timezone: string | null;
  max_duration_ms: number | null;
  on_fail_cmd: string | null;
  on_fail_url: string | null;
  enabled: number;
  created_at: number;
}

export interface ScheduleEvent {
  at: number;
  kind: string;
  message: string;
  run_id: number | null;
}

/** Schedules and what happened to them (fired, skipped, failed, on-fail). */
export class ScheduleStore {
  private readonly insert: Statement;
  private readonly remove_: Statement;
  private readonly setEnabled: Statement;
  private readonly selectAll: Statement;
  private readonly selectOne: Statement;
  private readonly insertEvent: Statement;
  private readonly selectEvents: Statement;
  private readonly selectLastRun: Statement;

  constructor(readonly db: Db) {
    this.insert = db.prepare(`INSERT INTO schedules (name, cron, profile_path, timezone, max_duration_ms, on_fail_cmd, on_fail_url, enabled, created_at)
      VALUES (@name, @cron, @profile_path, @timezone, @max_duration_ms, @on_fail_cmd, @on_fail_url, 1, @created_at)`);
    this.remove_ = db.prepare('DELETE FROM schedules WHERE name = ?');
    this.setEnabled = db.prepare('UPDATE schedules SET enabled = ? WHERE name = ?');
    this.selectAll = db.prepare('SELECT * FROM schedules ORDER BY name');
    this.selectOne = db.prepare('SELECT * FROM schedules WHERE name = ?');
    this.insertEvent = db.prepare('INSERT INTO events (run_id, at, kind, message, data_json, schedule_name) VALUES (?, ?, ?, ?, ?, ?)');
    this.selectEvents = db.prepare('SELECT at, kind, message, run_id FROM events WHERE schedule_name = ? ORDER BY at DESC, id DESC LIMIT ?');
    this.selectLastRun = db.prepare('SELECT id, status, started_at FROM runs WHERE schedule_name = ? ORDER BY id DESC LIMIT 1');
  }

  add(row: Omit<ScheduleRow, 'enabled' | 'created_at'>): void {
    this.insert.run({ ...row, created_at: Date.now() });
  }

  remove(name: string): boolean {
    return this.remove_.run(name).changes > 0;
  }

  enable(name: string, enabled: boolean): boolean {
    return this.setEnabled.run(enabled ? 1 : 0, name).changes > 0;
  }

  all(): ScheduleRow[] {
    return this.selectAll.all() as ScheduleRow[];
  }

  get(name: string): ScheduleRow | undefined {
    return this.selectOne.get(name) as ScheduleRow | undefined;
  }

  event(name: string, kind: string, message: string, runId: number | null = null, data?: unknown, at = Date.now()): void {
    this.insertEvent.run(runId, at, kind, message, data === undefined ? null : JSON.stringify(data), name);
  }

  events(name: string, limit = 20): ScheduleEvent[] {
    return this.selectEvents.all(name, limit) as ScheduleEvent[];
  }

  lastRun(name: string): { id: number; status: string; started_at: number } | undefined {
    return this.selectLastRun.get(name) as { id: number; status: string; started_at: number } | undefined;
  }
}
