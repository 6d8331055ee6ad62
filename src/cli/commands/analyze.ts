import { defaults } from '../../defaults';
import { ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import { analyzeStoredRun } from '../../runner/analyze-run';
import { openDb } from '../../store/db';
import type { RunRow } from '../../store/runs';
import { parseCommandArgs } from '../args';
import { line, type CliIo } from '../io';
import { printable } from '../../util/format';

/** Which analyses could not run for want of their inputs, in words that say how to get them. */
function missingInputs(run: RunRow): string[] {
  const hints: string[] = [];
  if (run.monitor_id === null) {
    const leak = run.kind === 'soak' || run.kind === 'load' ? 'leak and ' : '';
    hints.push(`no monitor was attached to this run, so the ${leak}correlation analyses had no target samples (add monitor: to the profile, or run with --monitor port:PORT)`);
  }
  if (run.status === 'running') hints.push('the run is still running (or its process ended abruptly): the findings cover what was stored so far');
  return hints;
}

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
      line(io.stdout, JSON.stringify({ runId: run.id, profile: run.profile_name, kind: run.kind, findings, notes: missingInputs(run) }, null, 2));
    } else {
      line(io.stdout, printable(`run ${run.id} (${run.profile_name}, ${run.kind}): ${findings.length} finding${findings.length === 1 ? '' : 's'}`));
      for (const f of findings) line(io.stdout, `  ${f.kind} [${f.verdict}]: ${f.summary}`);
      for (const hint of missingInputs(run)) line(io.stdout, `  note: ${hint}`);
    }
    return ExitCode.passed;
  } finally {
    db.close();
  }
}
