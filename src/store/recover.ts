import { OUTCOME_NAMES } from '../core/outcome';
import type { RunSummary } from '../core/summary';
import type { IntervalRow } from '../core/interval';
import { thresholdInputsFromRows } from '../core/thresholds';
import { pidHost, processStartTime } from '../util/process-identity';
import type { Db } from './handle';
import type { RunRow, RunStatus } from './runs';

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const COUNT_COLUMNS = ['c2xx', 'c3xx', 'c4xx', 'c5xx', 'timeouts', 'refused', 'resets', 'other', 'checks'] as const;

/** True when the row's process (pid and start time, on this host) no longer runs. */
function processGone(run: RunRow, host: string): boolean {
  if (run.pid === null) return false;
  if (run.pid_host !== null && run.pid_host !== host) return false; // another machine or container: cannot tell
  const start = processStartTime(run.pid);
  if (start === undefined) return true;
  return run.pid_start !== null && start !== run.pid_start;
}

/**
 * A summary from what reached the store (the process that knew more is gone): counts and
 * latency from the stored intervals, no thresholds judged, no findings.
 */
function storedSummary(db: Db, run: RunRow, status: Exclude<RunStatus, 'running'>, stopReason: string): RunSummary {
  const rows = db.prepare('SELECT * FROM intervals WHERE run_id = ? ORDER BY t').all(run.id) as IntervalRow[];
  const sum = (pick: (r: IntervalRow) => number) => rows.reduce((s, r) => s + pick(r), 0);
  const inputs = thresholdInputsFromRows(rows);
  const last = rows.at(-1);
  const endedAt = last ? last.started_at + last.duration_ms : run.started_at;
  const errorsByClass: Record<string, number> = {};
  const statusClasses: Record<string, number> = {};
  COUNT_COLUMNS.forEach((column, cls) => {
    const count = sum((r) => r[column]);
    if (cls >= 2) errorsByClass[OUTCOME_NAMES[cls]] = count;
    if (cls <= 3) statusClasses[OUTCOME_NAMES[cls]] = count;
  });
  const plan = JSON.parse(run.plan_json) as { workers?: number };
  return {
    runId: run.id,
    profile: run.profile_name,
    kind: run.kind,
    model: run.model,
    target: run.target,
    status,
    stopReason,
    verdict: `${status.toUpperCase()}: ${stopReason}; no threshold or finding judged (the process that ran it is gone)`,
    startedAt: new Date(run.started_at).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    durationS: round((endedAt - run.started_at) / 1000, 3),
    requests: sum((r) => r.requests),
    errors: sum((r) => r.errors),
    errorRate: round(inputs.errorRate, 6),
    throughput: round(inputs.throughput, 2),
    offered: sum((r) => r.offered),
    dropped: sum((r) => r.dropped),
    skipped: 0,
    skippedByReason: {},
    interrupted: 0,
    latencyMs: inputs.latencyMs,
    errorsByClass,
    statusClasses,
    thresholds: [],
    findings: [],
    steps: [],
    resources: {
      monitorId: run.monitor_id,
      samples: 0,
      pids: [],
      restarts: 0,
      cpuMeanPct: null,
      cpuMaxPct: null,
      rssStartMB: null,
      rssEndMB: null,
      rssMaxMB: null,
      monitorCpuMeanPct: null,
    },
    generator: { maxLagMs: rows.reduce((m, r) => Math.max(m, r.generator_lag_ms), 0), saturated: false, workers: plan.workers ?? 1 },
  };
}

/** Ends a run with the summary of what was stored (a crash, or a second Ctrl-C). Only a row still running changes. */
export function finishFromStored(db: Db, runId: number, status: Exclude<RunStatus, 'running'>, stopReason: string): RunSummary | undefined {
  const run = db.prepare("SELECT * FROM runs WHERE id = ? AND status = 'running'").get(runId) as RunRow | undefined;
  if (!run) return undefined;
  const summary = storedSummary(db, run, status, stopReason);
  db.prepare("UPDATE runs SET status = ?, ended_at = ?, summary_json = ? WHERE id = ? AND status = 'running'").run(
    status,
    Date.parse(summary.endedAt),
    JSON.stringify(summary),
    runId,
  );
  db.prepare('INSERT INTO events (run_id, at, kind, message) VALUES (?, ?, ?, ?)').run(runId, Date.now(), 'run-ended', `run ${status}: ${stopReason}`);
  return summary;
}

/**
 * On open: a `running` row whose process is gone (SIGKILL, OOM, power loss) becomes
 * `crashed`, with what was stored, so nothing shows it as live forever. Returns their ids.
 */
export function recoverCrashedRuns(db: Db): number[] {
  const host = pidHost();
  const running = db.prepare("SELECT * FROM runs WHERE status = 'running'").all() as RunRow[];
  const gone = running.filter((run) => processGone(run, host));
  for (const run of gone) {
    const intervals = (db.prepare('SELECT count(*) AS n FROM intervals WHERE run_id = ?').get(run.id) as { n: number }).n;
    finishFromStored(db, run.id, 'crashed', `the run's process (pid ${run.pid}) ended without finishing it; ${intervals} stored seconds kept`);
  }
  return gone.map((run) => run.id);
}
