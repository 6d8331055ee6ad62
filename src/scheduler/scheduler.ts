import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import type { Finding } from '../core/finding';
import { loadReportData } from '../reports/data';
import { renderHtml } from '../reports/html';
import type { RunSummary } from '../core/summary';
import type { Db } from '../store/db';
import { RunStore } from '../store/runs';
import { ScheduleStore, type ScheduleRow } from '../store/schedules';
import { formatDuration } from '../util/duration';
import { STRAIN_BIN } from '../paths';
import { finishFromStored } from '../store/recover';

const RELOAD_EVERY_MS = 5000;

export interface SchedulerOptions {
  db: Db;
  dbPath: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

interface Job {
  child: ChildProcess;
  done: Promise<void>;
}

/** Why a finished run calls for the on-fail hooks, or nothing when it went well. */
function failureReasons(summary: Pick<RunSummary, 'status' | 'stopReason'> & { findings: Finding[] }): string[] {
  const reasons: string[] = [];
  if (summary.status !== 'passed') reasons.push(`run ${summary.status}${summary.stopReason && summary.stopReason !== 'completed' ? `: ${summary.stopReason}` : ''}`);
  for (const f of summary.findings) {
    if ((f.kind === 'leak' && f.verdict === 'leak') || (f.kind === 'breaking-point' && f.verdict === 'broken')) reasons.push(`${f.kind}: ${f.summary}`);
  }
  return reasons;
}

/**
 * Fires schedules with node-cron. Each job is a child `strain run` (so a crash cannot take
 * the scheduler down and memory stays the job's); a schedule still running when it fires
 * again is skipped and the skip recorded. After a job: HTML report, then the on-fail hooks.
 */
export class Scheduler {
  private readonly store: ScheduleStore;
  private readonly runs: RunStore;
  private readonly tasks = new Map<string, { row: ScheduleRow; task: ScheduledTask }>();
  private readonly jobs = new Map<string, Job>();
  private reloadTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly o: SchedulerOptions) {
    this.store = new ScheduleStore(o.db);
    this.runs = new RunStore(o.db);
  }

  start(): void {
    this.reload();
    this.reloadTimer = setInterval(() => this.reload(), RELOAD_EVERY_MS);
  }

  /** Picks up schedules added, removed, enabled or disabled since the last look. */
  reload(): void {
    let rows: ScheduleRow[];
    try {
      rows = this.store.all().filter((r) => r.enabled);
    } catch (err) {
      this.o.log(`could not read schedules (${(err as Error).message}); keeping the current ones`);
      return;
    }
    const wanted = new Map(rows.map((r) => [r.name, r]));
    for (const [name, t] of this.tasks) {
      const now = wanted.get(name);
      if (!now || JSON.stringify(now) !== JSON.stringify(t.row)) {
        void t.task.destroy();
        this.tasks.delete(name);
        this.o.log(`schedule ${name} ${now ? 'changed' : 'removed or disabled'}`);
      }
    }
    for (const row of rows) {
      if (this.tasks.has(row.name)) continue;
      const task = cron.schedule(row.cron, () => this.fire(row), { timezone: row.timezone ?? undefined, name: `strain:${row.name}` });
      this.tasks.set(row.name, { row, task });
      this.o.log(`schedule ${row.name}: ${row.cron}${row.timezone ? ` (${row.timezone})` : ''} → ${row.profile_path}; next ${task.getNextRun()?.toISOString() ?? 'never'}`);
    }
  }

  /** Records an event; a briefly locked database is retried, never fatal. */
  private record(name: string, kind: string, message: string, runId: number | null = null, data?: unknown): void {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        this.store.event(name, kind, message, runId, data);
        this.o.log(`${name}: ${message}`);
        return;
      } catch (err) {
        if (attempt === 4) this.o.log(`${name}: ${message} (not recorded: ${(err as Error).message})`);
      }
    }
  }

  fire(row: ScheduleRow): void {
    if (this.stopping) return;
    if (this.jobs.has(row.name)) {
      this.record(row.name, 'schedule-skipped', `skipped: the previous run of ${row.name} is still going`);
      return;
    }
    const args = [STRAIN_BIN, 'run', row.profile_path, '--no-tui', '--json', '--db', this.o.dbPath, '--schedule', row.name];
    if (row.max_duration_ms) args.push('--max-duration', `${row.max_duration_ms}ms`);
    const firedAt = Date.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: this.o.env });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    this.record(row.name, 'schedule-fired', `fired: strain run ${row.profile_path} (pid ${child.pid})`);
    const done = new Promise<void>((resolveDone) => {
      child.on('close', (code) => {
        this.jobs.delete(row.name);
        void this.afterRun(row, code, stdout, stderr, firedAt)
          .catch((err: Error) => this.o.log(`${row.name}: after-run failed: ${err.message}`))
          .finally(resolveDone);
      });
    });
    this.jobs.set(row.name, { child, done });
  }

  private async afterRun(row: ScheduleRow, code: number | null, stdout: string, stderr: string, firedAt: number): Promise<void> {
    let summary: RunSummary | undefined;
    try {
      summary = JSON.parse(stdout) as RunSummary;
    } catch {
      // The run crashed or never started: its row (if any) is marked, the hooks still run.
      const last = this.runs.latestOfSchedule(row.name, firedAt - 1000);
      if (last?.status === 'running') finishFromStored(this.runs.db, last.id, 'crashed', `the run process ended without finishing the run (exit ${code})`);
      const why = stderr.trim().split('\n').slice(-3).join(' | ') || `exit code ${code}`;
      this.record(row.name, 'schedule-failed', `run did not complete (exit ${code}): ${why}`, last?.id ?? null);
      await this.onFail(row, { runId: last?.id ?? null, status: 'aborted', report: null, reasons: [`run did not complete: ${why}`] });
      return;
    }
    let report: string | null;
    try {
      report = resolve(dirname(this.o.dbPath), 'reports', `${row.name}-run${summary.runId}.html`);
      mkdirSync(dirname(report), { recursive: true });
      writeFileSync(report, renderHtml(loadReportData(this.o.db, String(summary.runId))));
    } catch (err) {
      this.record(row.name, 'schedule-report-failed', `could not write the report: ${(err as Error).message}`, summary.runId);
      report = null;
    }
    const reasons = failureReasons(summary);
    this.record(
      row.name,
      'schedule-finished',
      `run ${summary.runId} ${summary.status} in ${formatDuration(summary.durationS * 1000)}${report ? `; report ${report}` : ''}`,
      summary.runId,
    );
    // A job cut short because the scheduler itself is stopping is not a failure of the target.
    if (reasons.length > 0 && !this.stopping) await this.onFail(row, { runId: summary.runId, status: summary.status, report, reasons });
  }

  private async onFail(row: ScheduleRow, info: { runId: number | null; status: string; report: string | null; reasons: string[] }): Promise<void> {
    if (row.on_fail_cmd) {
      const code = await new Promise<number | null>((resolveCmd) => {
        const child = spawn('sh', ['-c', row.on_fail_cmd!], {
          stdio: 'ignore',
          env: {
            ...this.o.env,
            STRAIN_SCHEDULE: row.name,
            STRAIN_RUN_ID: info.runId === null ? '' : String(info.runId),
            STRAIN_STATUS: info.status,
            STRAIN_REPORT: info.report ?? '',
            STRAIN_REASONS: info.reasons.join('\n'),
          },
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('close', (c) => {
          clearTimeout(timer);
          resolveCmd(c);
        });
        child.on('error', () => resolveCmd(null));
      });
      this.record(row.name, 'schedule-on-fail', `on-fail command exited ${code}`, info.runId);
    }
    if (row.on_fail_url) {
      try {
        const res = await fetch(row.on_fail_url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ schedule: row.name, ...info }),
          signal: AbortSignal.timeout(10_000),
        });
        this.record(row.name, 'schedule-webhook', `webhook answered ${res.status}`, info.runId);
      } catch (err) {
        this.record(row.name, 'schedule-webhook', `webhook failed: ${(err as Error).message}`, info.runId);
      }
    }
  }

  /** Stops firing; a job in progress is stopped gracefully (stored as aborted) and awaited. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reloadTimer) clearInterval(this.reloadTimer);
    for (const { task } of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    const jobs = [...this.jobs.values()];
    for (const job of jobs) job.child.kill('SIGTERM');
    await Promise.all(jobs.map((j) => j.done));
  }
}
