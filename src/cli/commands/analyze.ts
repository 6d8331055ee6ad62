import { defaults } from '../../defaults';
import { ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import { analyzeStoredRun } from '../../runner/analyze-run';
import { openDb } from '../../store/db';
import { parseCommandArgs } from '../args';
import { line, type CliIo } from '../io';

/** `strain analyze RUN`: recomputes a run's findings from its stored rows (old runs gain new analyses). */
export async function analyzeCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseCommandArgs('analyze', argv, { db: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('usage: strain analyze RUN [--json] [--db FILE]   (RUN is an id or "latest")');
  const ref = positionals[0];
  if (ref !== 'latest' && !/^\d+$/.test(ref)) throw new UsageError(`RUN: "${ref}" is not a run id or "latest"`);
  const db = openDb(values.db ?? defaults.db);
  try {
    const { run, findings } = analyzeStoredRun(db, ref);
    if (values.json) {
      line(io.stdout, JSON.stringify({ runId: run.id, profile: run.profile_name, kind: run.kind, findings }, null, 2));
    } else {
      line(io.stdout, `run ${run.id} (${run.profile_name}, ${run.kind}): ${findings.length} finding${findings.length === 1 ? '' : 's'}`);
      for (const f of findings) line(io.stdout, `  ${f.kind} [${f.verdict}]: ${f.summary}`);
    }
    return ExitCode.passed;
  } finally {
    db.close();
  }
}
