import { writeFileSync } from 'node:fs';
import { defaults } from '../../defaults';
import { ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import { loadReportData } from '../../reports/data';
import { reportFormats } from '../../reports/index';
import { openDb } from '../../store/db';
import { parseCommandArgs } from '../args';
import { line, type CliIo } from '../io';

export const reportUsage = `strain report RUN --format ${Object.keys(reportFormats).join('|')} [--out FILE] [--db FILE]`;

/** Writes one report for a stored run (RUN is an id or "latest") to a file or stdout. */
export async function reportCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values, positionals } = parseCommandArgs('report', argv, { format: { type: 'string' }, out: { type: 'string' }, db: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError(`usage: ${reportUsage}`);
  const format = values.format ?? 'html';
  const renderer = reportFormats[format];
  if (!renderer) throw new UsageError(`--format: "${format}" is not one of ${Object.keys(reportFormats).join(', ')}`);
  const db = openDb(values.db ?? defaults.db);
  try {
    const text = renderer.render(loadReportData(db, positionals[0]));
    if (values.out) {
      writeFileSync(values.out, text);
      line(io.stderr, `wrote ${values.out} (${Math.round(Buffer.byteLength(text) / 1024)} KB)`);
    } else io.stdout.write(text);
    return ExitCode.passed;
  } finally {
    db.close();
  }
}
