import { defaults } from '../../defaults';
import { ExitCode, type ExitCodeValue } from '../../errors';
import { openDb } from '../../store/db';
import { RunStore, type StoredRun } from '../../store/runs';
import { parseCommandArgs, positiveInt } from '../args';
import { ms, num, pct } from '../format';
import { printable } from '../../util/format';
import { line, type CliIo } from '../io';

export function runToJson(row: StoredRun) {
  return {
    id: row.id,
    profile: row.profile_name,
    profilePath: row.profile_path,
    kind: row.kind,
    model: row.model,
    target: row.target,
    status: row.status,
    startedAt: new Date(row.started_at).toISOString(),
    endedAt: row.ended_at ? new Date(row.ended_at).toISOString() : null,
    schedule: row.schedule_name,
    summary: row.summary ?? null,
  };
}

/** Lists stored runs, newest first. */
export async function runsCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values } = parseCommandArgs('runs', argv, {
    db: { type: 'string' },
    json: { type: 'boolean' },
    limit: { type: 'string' },
  });
  const db = openDb(values.db ?? defaults.db);
  try {
    const rows = new RunStore(db).listRuns(positiveInt(values.limit, 'limit') ?? 50);
    if (values.json) {
      line(io.stdout, JSON.stringify(rows.map(runToJson), null, 2));
      return ExitCode.passed;
    }
    if (rows.length === 0) {
      line(io.stdout, 'no runs yet: try strain run profiles/load.yaml');
      return ExitCode.passed;
    }
    line(io.stdout, ['id', 'status', 'profile', 'kind', 'started', 'duration', 'requests', 'req/s', 'p95', 'p99', 'errors', 'schedule'].join('\t'));
    for (const row of rows) {
      const s = row.summary;
      line(
        io.stdout,
        [
          row.id,
          row.status,
          row.profile_name,
          row.kind,
          new Date(row.started_at).toISOString().replace('T', ' ').slice(0, 19),
          s ? `${num(s.durationS, 1)}s` : '-',
          s ? num(s.requests) : '-',
          s ? num(s.throughput, 1) : '-',
          s ? ms(s.latencyMs.p95) : '-',
          s ? ms(s.latencyMs.p99) : '-',
          s ? pct(s.errorRate) : '-',
          row.schedule_name ?? '',
        ]
          .map(printable)
          .join('\t'),
      ); // a newline or ESC in a name must not break the table or drive the terminal
    }
    return ExitCode.passed;
  } finally {
    db.close();
  }
}
