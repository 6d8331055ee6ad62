import { defaults } from '../../defaults';
import { ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import { openDb } from '../../store/db';
import { RunStore } from '../../store/runs';
import { watchRun } from '../../tui/live';
import { parseCommandArgs } from '../args';
import type { CliIo } from '../io';

/** `strain watch [RUN]`: the dashboard for a run another process is writing, or a finished one. */
export async function watchCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseCommandArgs('watch', argv, { db: { type: 'string' } });
  if (positionals.length > 1) throw new UsageError('usage: strain watch [RUN] [--db FILE]   (default: the newest running run, else the newest run)');
  if (!io.stdout.isTTY) throw new UsageError('strain watch needs a terminal (stdout is not a TTY); use strain runs or strain report instead');
  const db = openDb(values.db ?? defaults.db);
  try {
    const store = new RunStore(db);
    const ref = positionals[0];
    const run = ref ? store.getRun(ref) : (store.latestRunning() ?? store.getRun('latest'));
    if (!run) throw new UsageError(ref ? `no run ${ref} in this database (see strain runs)` : 'no runs in this database yet');
    await watchRun(db, run.id);
    return ExitCode.passed;
  } finally {
    db.close();
  }
}
