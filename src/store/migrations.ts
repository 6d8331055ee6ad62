/**
 * Versioned schema: migration N brings a database from user_version N-1 to N.
 * Append only; never edit a migration that has shipped.
 */
export const migrations: string[] = [
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
