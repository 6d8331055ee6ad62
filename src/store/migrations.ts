import type { Db } from './handle';

/**
 * Versioned schema: migration N brings a database from user_version N-1 to N.
 * Append only; never edit a migration that has shipped.
 */
export const migrations: (string | ((db: Db) => void))[] = [
  // 1: runs, per-second intervals, events
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_name TEXT NOT NULL,
    profile_path TEXT,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    target TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'passed', 'failed', 'aborted')),
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    plan_json TEXT NOT NULL,
    summary_json TEXT,
    schedule_name TEXT,
    pid INTEGER
  );
  CREATE INDEX runs_by_profile ON runs (profile_name, started_at);

  CREATE TABLE intervals (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    t INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms REAL NOT NULL,
    stage INTEGER NOT NULL,
    level REAL NOT NULL,
    requests INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    c2xx INTEGER NOT NULL, c3xx INTEGER NOT NULL, c4xx INTEGER NOT NULL, c5xx INTEGER NOT NULL,
    timeouts INTEGER NOT NULL, refused INTEGER NOT NULL, resets INTEGER NOT NULL, other INTEGER NOT NULL,
    offered INTEGER NOT NULL,
    started INTEGER NOT NULL,
    dropped INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    in_flight INTEGER NOT NULL,
    p50_ms REAL NOT NULL, p90_ms REAL NOT NULL, p95_ms REAL NOT NULL, p99_ms REAL NOT NULL,
    max_ms REAL NOT NULL, mean_ms REAL NOT NULL,
    generator_lag_ms REAL NOT NULL,
    hist TEXT,
    service_hist TEXT,
    PRIMARY KEY (run_id, t)
  ) WITHOUT ROWID;

  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER REFERENCES runs (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    data_json TEXT
  );
  CREATE INDEX events_by_time ON events (at);
  `,
];

/** 2: the monitor's samples, tied to a monitor session; runs and events point at the session. */
migrations.push(`
  CREATE TABLE monitors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    selector TEXT NOT NULL,
    pid INTEGER NOT NULL,
    interval_ms INTEGER NOT NULL,
    origin TEXT NOT NULL,
    host_json TEXT
  );
  CREATE TABLE resource_samples (
    monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    source TEXT NOT NULL,
    pid INTEGER NOT NULL,
    cpu_pct REAL NOT NULL, cpu_user_pct REAL NOT NULL, cpu_system_pct REAL NOT NULL,
    rss_bytes INTEGER NOT NULL, vsize_bytes INTEGER NOT NULL, threads INTEGER NOT NULL, fds INTEGER,
    read_bytes INTEGER, write_bytes INTEGER, read_bps REAL, write_bps REAL,
    ctx_voluntary INTEGER NOT NULL, ctx_involuntary INTEGER NOT NULL
  );
  CREATE INDEX resource_samples_by_time ON resource_samples (monitor_id, at);
  CREATE TABLE host_samples (
    monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    cpu_pct REAL NOT NULL, mem_used_bytes INTEGER NOT NULL, mem_available_bytes INTEGER NOT NULL,
    load1 REAL NOT NULL, load5 REAL NOT NULL, load15 REAL NOT NULL,
    disk_read_bps REAL NOT NULL, disk_write_bps REAL NOT NULL, net_rx_bps REAL NOT NULL, net_tx_bps REAL NOT NULL
  );
  CREATE INDEX host_samples_by_time ON host_samples (monitor_id, at);
  ALTER TABLE runs ADD COLUMN monitor_id INTEGER REFERENCES monitors (id);
  ALTER TABLE events ADD COLUMN monitor_id INTEGER REFERENCES monitors (id);
`);

/** 3: findings per run (recomputed by `strain analyze`), and generator health per interval. */
migrations.push(`
  CREATE TABLE findings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    verdict TEXT NOT NULL,
    summary TEXT NOT NULL,
    data_json TEXT NOT NULL,
    analyzed_at INTEGER NOT NULL
  );
  CREATE INDEX findings_by_run ON findings (run_id);
  ALTER TABLE intervals ADD COLUMN schedule_lag_ms REAL NOT NULL DEFAULT 0;
  ALTER TABLE intervals ADD COLUMN generator_cpu_pct REAL NOT NULL DEFAULT 0;
`);

/** 4: failed checks and captures per interval (outcome class "check"). */
migrations.push(`
  ALTER TABLE intervals ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
`);

/** 5: recurring runs; scheduler events (fired, skipped, failed) name their schedule. */
migrations.push(`
  CREATE TABLE schedules (
    name TEXT PRIMARY KEY,
    cron TEXT NOT NULL,
    profile_path TEXT NOT NULL,
    timezone TEXT,
    max_duration_ms INTEGER,
    on_fail_cmd TEXT,
    on_fail_url TEXT,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
  );
  ALTER TABLE events ADD COLUMN schedule_name TEXT;
  CREATE INDEX events_by_schedule ON events (schedule_name, at);
`);

/** 6: GPU (per device, nvidia-smi) and cgroup samples, next to the process and host samples. */
migrations.push(`
  CREATE TABLE gpu_samples (
    monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    gpu INTEGER NOT NULL,
    uuid TEXT NOT NULL,
    util_pct REAL, mem_used_mb REAL, mem_total_mb REAL, power_w REAL, temp_c REAL,
    target_mem_mb REAL
  );
  CREATE INDEX gpu_samples_by_time ON gpu_samples (monitor_id, at);
  CREATE TABLE cgroup_samples (
    monitor_id INTEGER NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    path TEXT NOT NULL,
    cpu_usage_usec INTEGER, cpu_pct REAL, quota_cores REAL, quota_pct REAL,
    mem_bytes INTEGER, mem_limit_bytes INTEGER, oom_kills INTEGER,
    io_read_bps REAL, io_write_bps REAL
  );
  CREATE INDEX cgroup_samples_by_time ON cgroup_samples (monitor_id, at);
`);

/**
 * 7: a run row names its process exactly (pid, its start time, the host and pid namespace), so
 * a `running` row whose process is gone can be marked `crashed`; the status check gains it.
 * SQLite cannot alter a CHECK: the table is rebuilt from its own current definition (columns
 * added since are kept), with foreign keys off so the rows pointing at runs stay.
 */
migrations.push((db: Db) => {
  const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get() as { sql: string };
  const indexes = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL").all() as { sql: string }[];
  const rebuilt = table.sql
    .replace(/^CREATE TABLE "?runs"?/, 'CREATE TABLE runs_new')
    .replace(/CHECK \(status IN \([^)]*\)\)/, "CHECK (status IN ('running', 'passed', 'failed', 'aborted', 'crashed'))");
  db.exec(rebuilt);
  db.exec('INSERT INTO runs_new SELECT * FROM runs; DROP TABLE runs; ALTER TABLE runs_new RENAME TO runs;');
  for (const index of indexes) db.exec(index.sql);
  db.exec('ALTER TABLE runs ADD COLUMN pid_start INTEGER; ALTER TABLE runs ADD COLUMN pid_host TEXT;');
});

/** 8: responses that broke HTTP per interval (outcome class "protocol"). */
migrations.push(`
  ALTER TABLE intervals ADD COLUMN protocol INTEGER NOT NULL DEFAULT 0;
`);

/** 9: llm: steps' per-second figures (TTFT, TPOT, ITL, E2E histograms and token counts) as JSON. */
migrations.push(`
  ALTER TABLE intervals ADD COLUMN llm_json TEXT;
`);
