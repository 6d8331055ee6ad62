import { defaults } from '../../defaults';
import { ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import { trendRows } from '../../reports/trend';
import { openDb } from '../../store/db';
import { RunStore } from '../../store/runs';
import { parseCommandArgs, positiveInt } from '../args';
import { line, type CliIo } from '../io';

const fmt = (x: number | null, d = 2) => (x === null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: d }));

/** `strain trend PROFILE-NAME`: the profile's runs over time. */
export async function trendCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseCommandArgs('trend', argv, { json: { type: 'boolean' }, db: { type: 'string' }, limit: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('usage: strain trend PROFILE-NAME [--json] [--limit N] [--db FILE]');
  const db = openDb(values.db ?? defaults.db);
  try {
    const rows = trendRows(new RunStore(db).byProfile(positionals[0], positiveInt(values.limit, 'limit') ?? 200));
    if (rows.length === 0) throw new UsageError(`no runs of profile "${positionals[0]}" (names are the profiles' name: field; see strain runs)`);
    if (values.json) line(io.stdout, JSON.stringify(rows, null, 2));
    else {
      const capacity = rows.some((r) => r.capacity !== null);
      const recovery = rows.some((r) => r.recoveryS !== null);
      const llm = rows.some((r) => r.ttftP95Ms !== null);
      line(
        io.stdout,
        [
          'run',
          'started',
          'status',
          'p95 ms',
          'req/s',
          'errors %',
          'RSS MB/h',
          'leak',
          ...(capacity ? ['capacity'] : []),
          ...(recovery ? ['recovery s'] : []),
          ...(llm ? ['ttft p95 ms', 'tok/s'] : []),
        ].join('\t'),
      );
      for (const r of rows) {
        const rec = r.recoveryS === Infinity ? 'none' : fmt(r.recoveryS, 0);
        line(
          io.stdout,
          [
            r.id,
            r.startedAt,
            r.status,
            fmt(r.p95Ms),
            fmt(r.throughput, 1),
            fmt(r.errorRate === null ? null : r.errorRate * 100),
            fmt(r.rssSlopeMBPerHour, 1),
            r.leakVerdict ?? '',
            ...(capacity ? [fmt(r.capacity, 1)] : []),
            ...(recovery ? [rec] : []),
            ...(llm ? [fmt(r.ttftP95Ms), fmt(r.outputTokensPerSec, 1)] : []),
          ].join('\t'),
        );
      }
    }
    return ExitCode.passed;
  } finally {
    db.close();
  }
}
