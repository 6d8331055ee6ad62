import type { Statement } from 'better-sqlite3';
import type { Db } from './handle';
import { pidHost, processStartTime } from '../util/process-identity';
import { redactPlan, redactUrl } from '../util/secrets';
import type { IntervalRow } from '../core/interval';
import type { ResolvedProfile } from '../core/profile';
import { STALL_EVENT, type Stall } from '../core/stalls';
import type { RunSummary } from '../core/summary';

export type RunStatus = 'running' | 'passed' | 'failed' | 'aborted' | 'crashed';

export interface RunRow {
  id: number;
  profile_name: string;
  profile_path: string | null;
  kind: string;
  model: string;
  target: string;
  status: RunStatus;
  started_at: number;
  ended_at: number | null;
  plan_json: string;
  summary_json: string | null;
  schedule_name: string | null;
  pid: number | null;
  /** The run process's start time and where its pid means something (see store/recover). */
  pid_start: number | null;
  pid_host: string | null;
  monitor_id: number | null;
}

/** A run as the store hands it out: its stored columns, and the plan and summary decoded. */
export interface StoredRun extends RunRow {
  plan: ResolvedProfile;
  /** Absent while the run is running (or when its process died before finishing it). */
  summary: RunSummary | undefined;
}

/** Decodes a runs row's JSON columns; the only place they are parsed. */
function decodeRun(row: RunRow): StoredRun {
  return { ...row, plan: JSON.parse(row.plan_json) as ResolvedProfile, summary: row.summary_json ? (JSON.parse(row.summary_json) as RunSummary) : undefined };
}

const decodeOptional = (row: unknown): StoredRun | undefined => (row ? decodeRun(row as RunRow) : undefined);

/** What a live view needs of an event. */
export type EventLine = Pick<EventRow, 'id' | 'at' | 'kind' | 'message'>;

export interface EventRow {
  id: number;
  run_id: number | null;
  at: number;
  kind: string;
  message: string;
  data_json: string | null;
}

export interface NewRun {
  profileName: string;
  profilePath?: string;
  kind: string;
  model: string;
  target: string;
  startedAt: number;
  plan: unknown;
  scheduleName?: string;
}

const INTERVAL_COLUMNS = [
  'run_id',
  't',
  'started_at',
  'duration_ms',
  'stage',
  'level',
  'requests',
  'errors',
  'c2xx',
  'c3xx',
  'c4xx',
  'c5xx',
  'timeouts',
  'refused',
  'resets',
  'other',
  'checks',
  'protocol',
  'offered',
  'started',
  'dropped',
  'bytes',
  'in_flight',
  'p50_ms',
  'p90_ms',
  'p95_ms',
  'p99_ms',
  'max_ms',
  'mean_ms',
  'generator_lag_ms',
  'schedule_lag_ms',
  'generator_cpu_pct',
  'hist',
  'service_hist',
  'llm_json',
] as const;

/** Runs, their per-second intervals and events. Statements are prepared once. */
export class RunStore {
  private readonly insertRun: Statement;
  private readonly insertInterval: Statement;
  private readonly insertEvent: Statement;
  private readonly updateRunEnd: Statement;
  private readonly selectRuns: Statement;
  private readonly selectRun: Statement;
  private readonly selectLatest: Statement;
  private readonly selectIntervals: Statement;
  private readonly selectEvents: Statement;
  private readonly updateMonitor: Statement;
  private readonly updateStartedAt: Statement;
  private readonly selectLightIntervals: Statement;
  private readonly selectByProfile: Statement;
  private readonly selectIntervalsAfter: Statement;
  private readonly selectEventsAfter: Statement;
  private readonly selectLatestRunning: Statement;
  private readonly selectLatestOfSchedule: Statement;

  constructor(readonly db: Db) {
    this.insertRun = db.prepare(
      `INSERT INTO runs (profile_name, profile_path, kind, model, target, status, started_at, plan_json, schedule_name, pid, pid_start, pid_host)
       VALUES (@profileName, @profilePath, @kind, @model, @target, 'running', @startedAt, @planJson, @scheduleName, @pid, @pidStart, @pidHost)`,
    );
    this.insertInterval = db.prepare(`INSERT OR REPLACE INTO intervals (${INTERVAL_COLUMNS.join(', ')}) VALUES (${INTERVAL_COLUMNS.map((c) => `@${c}`).join(', ')})`);
    this.insertEvent = db.prepare('INSERT INTO events (run_id, at, kind, message, data_json) VALUES (?, ?, ?, ?, ?)');
    this.updateRunEnd = db.prepare('UPDATE runs SET status = ?, ended_at = ?, summary_json = ? WHERE id = ?');
    this.selectRuns = db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?');
    this.selectRun = db.prepare('SELECT * FROM runs WHERE id = ?');
    this.selectLatest = db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT 1');
    this.selectIntervals = db.prepare('SELECT * FROM intervals WHERE run_id = ? ORDER BY t');
    this.selectEvents = db.prepare('SELECT * FROM events WHERE run_id = ? ORDER BY at, id');
    this.updateMonitor = db.prepare('UPDATE runs SET monitor_id = ? WHERE id = ?');
    this.updateStartedAt = db.prepare('UPDATE runs SET started_at = ? WHERE id = ?');
    const light = INTERVAL_COLUMNS.filter((c) => c !== 'hist' && c !== 'service_hist').join(', ');
    this.selectLightIntervals = db.prepare(`SELECT ${light}, NULL AS hist, NULL AS service_hist FROM intervals WHERE run_id = ? ORDER BY t`);
    this.selectByProfile = db.prepare('SELECT * FROM runs WHERE profile_name = ? ORDER BY started_at, id LIMIT ?');
    this.selectIntervalsAfter = db.prepare('SELECT * FROM intervals WHERE run_id = ? AND t > ? ORDER BY t');
    this.selectEventsAfter = db.prepare(
      'SELECT id, at, kind, message FROM events WHERE id > ? AND (run_id = ? OR (monitor_id IS NOT NULL AND monitor_id = ? AND at >= ?)) ORDER BY id',
    );
    this.selectLatestRunning = db.prepare("SELECT * FROM runs WHERE status = 'running' ORDER BY id DESC LIMIT 1");
    this.selectLatestOfSchedule = db.prepare('SELECT * FROM runs WHERE schedule_name = ? AND started_at >= ? ORDER BY id DESC LIMIT 1');
  }

  createRun(run: NewRun): number {
    const info = this.insertRun.run({
      profileName: run.profileName,
      profilePath: run.profilePath ?? null,
      kind: run.kind,
      model: run.model,
      target: redactUrl(run.target),
      startedAt: run.startedAt,
      // Secrets (Authorization, Cookie, URL passwords) never reach the database.
      planJson: JSON.stringify(redactPlan(run.plan)),
      scheduleName: run.scheduleName ?? null,
      pid: process.pid,
      pidStart: processStartTime(process.pid) ?? null,
      pidHost: pidHost(),
    });
    return Number(info.lastInsertRowid);
  }

  /** All rows in one transaction: a flush either lands whole or not at all. */
  addIntervals(rows: readonly IntervalRow[]): void {
    this.db.transaction((batch: readonly IntervalRow[]) => {
      // llm_json is optional in the row type: a row without it (no llm: step) stores NULL.
      for (const row of batch) this.insertInterval.run(row.llm_json === undefined ? { ...row, llm_json: null } : row);
    })(rows);
  }

  addEvent(runId: number | null, at: number, kind: string, message: string, data?: unknown): void {
    this.insertEvent.run(runId, at, kind, message, data === undefined ? null : JSON.stringify(data));
  }

  /** The clock started (after connecting and the warm-up): stage windows count from here. */
  setStartedAt(runId: number, startedAt: number): void {
    this.updateStartedAt.run(startedAt, runId);
  }

  setMonitor(runId: number, monitorId: number): void {
    this.updateMonitor.run(monitorId, runId);
  }

  finishRun(runId: number, status: RunStatus, endedAt: number, summary: unknown): void {
    this.updateRunEnd.run(status, endedAt, JSON.stringify(summary), runId);
  }

  listRuns(limit = 50): StoredRun[] {
    return (this.selectRuns.all(limit) as RunRow[]).map(decodeRun);
  }

  /** A run by id, or the newest for "latest". */
  getRun(ref: string | number): StoredRun | undefined {
    return decodeOptional(ref === 'latest' ? this.selectLatest.get() : this.selectRun.get(Number(ref)));
  }

  /** The newest run still running (another process writing it), if any. */
  latestRunning(): StoredRun | undefined {
    return decodeOptional(this.selectLatestRunning.get());
  }

  /** The newest run a schedule started at or after `since` (epoch ms). */
  latestOfSchedule(scheduleName: string, since: number): StoredRun | undefined {
    return decodeOptional(this.selectLatestOfSchedule.get(scheduleName, since));
  }

  /** Intervals after second `t`, for views that follow a run being written. */
  intervalsAfter(runId: number, t: number): IntervalRow[] {
    return this.selectIntervalsAfter.all(runId, t) as IntervalRow[];
  }

  /** Events after id `afterId` of a run, or of its monitor from `monitorFrom` on. */
  eventsAfter(afterId: number, runId: number, monitorId: number | null, monitorFrom: number): EventLine[] {
    return this.selectEventsAfter.all(afterId, runId, monitorId, monitorFrom) as EventLine[];
  }

  /** The generator's stalls of a run, from its events. */
  stalls(runId: number): Stall[] {
    return this.events(runId)
      .filter((e) => e.kind === STALL_EVENT && e.data_json)
      .map((e) => JSON.parse(e.data_json!) as Stall);
  }

  intervals(runId: number): IntervalRow[] {
    return this.selectIntervals.all(runId) as IntervalRow[];
  }

  /** Intervals without their histogram blobs: what charts and tables need, at a fraction of the memory. */
  intervalsWithoutHistograms(runId: number): IntervalRow[] {
    return this.selectLightIntervals.all(runId) as IntervalRow[];
  }

  /** Histograms one interval at a time, for exact merges over long runs. */
  *histograms(runId: number): Generator<string> {
    for (const row of this.db.prepare('SELECT hist FROM intervals WHERE run_id = ? AND hist IS NOT NULL ORDER BY t').iterate(runId) as Iterable<{ hist: string }>) yield row.hist;
  }

  byProfile(profileName: string, limit = 200): StoredRun[] {
    return (this.selectByProfile.all(profileName, limit) as RunRow[]).map(decodeRun);
  }

  events(runId: number): EventRow[] {
    return this.selectEvents.all(runId) as EventRow[];
  }
}
