import { ExitCode, StrainError, UsageError, type ExitCodeValue } from '../../errors';
import { loadProfile } from '../../profiles/load';
import { formatDuration } from '../../util/duration';
import { parseCommandArgs } from '../args';
import { line, type CliIo } from '../io';

/** Validates each profile; every problem of every file is listed, exit 2 if any. */
export async function validateCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { positionals } = parseCommandArgs('validate', argv, {});
  if (positionals.length === 0) throw new UsageError('usage: strain validate PROFILE...');
  let failed = false;
  for (const file of positionals) {
    try {
      const p = loadProfile(file, {}, io.env);
      const stages = p.stages.map((s) => `${s.name} ${formatDuration(s.durationMs)}`).join(', ');
      line(io.stdout, `${file}: ok (${p.kind}, ${p.model} model, ${formatDuration(p.totalDurationMs)}: ${stages})`);
    } catch (err) {
      if (!(err instanceof StrainError)) throw err;
      failed = true;
      line(io.stderr, err.message);
      for (const detail of err.details) line(io.stderr, `  ${detail}`);
    }
  }
  return failed ? ExitCode.usage : ExitCode.passed;
}
