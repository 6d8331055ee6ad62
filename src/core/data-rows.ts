import { parse } from 'csv-parse/sync';

/** JSON Lines (.jsonl, .ndjson): one object per line, its keys the columns (prompt sets are often kept so). */
export function isJsonLines(file: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(file);
}

/**
 * A data file's rows as the feeder reads them: CSV (a header line of column names, then one row
 * per line), or JSON Lines, whose non-string values are passed on as JSON text.
 */
export function parseDataRows(text: string, file = ''): Record<string, string>[] {
  if (!isJsonLines(file)) return parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  return text
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line !== '')
    .map(([line, n]) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(`line ${n} is not JSON`);
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`line ${n} is not a JSON object`);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    });
}
