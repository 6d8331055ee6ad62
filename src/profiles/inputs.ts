import { readFileSync } from 'node:fs';
import { parseDataRows, isJsonLines } from '../core/data-rows';
import { closest } from '../util/suggest';

/**
 * Checks of what a profile points at or spells out that a schema cannot see: the data file's
 * bytes, header names and values, and template names with nothing to fill them. Each returns
 * "path: problem" lines, so `validate` and `run` refuse them before a run row exists.
 */

/** RFC 9110 token characters: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const LINE_BREAK = /[\r\n\0]/;

/** Problems of a headers map at `path` (http.headers, or a step's request.headers). */
export function headerProblems(path: string, headers: Record<string, string> | undefined, shown: (name: string, value: string) => string): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!HEADER_NAME.test(name)) {
      problems.push(`${path}.${JSON.stringify(name)}: ${JSON.stringify(name)} is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~ only)`);
    } else if (typeof value === 'string' && LINE_BREAK.test(value)) {
      problems.push(`${path}.${name}: the value ${JSON.stringify(shown(name, value))} contains a line break (CR or LF) or NUL; a header value must be one line`);
    }
  }
  return problems;
}

/** The columns of a usable data file, or why it cannot be used (as the feeder would read it). */
export function checkDataFile(file: string, written: string): { columns: string[] } | string {
  const where = `data.file: ${written} (${file})`;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `data.file: ${written} does not exist (looked for ${file})`;
    const why = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    return `${where} cannot be read: ${why}`;
  }
  if (bytes.toString('utf8').trim() === '') return `${where} is empty; it needs a header line of column names and at least one row`;
  const nul = bytes.indexOf(0);
  if (nul >= 0) return `${where} looks binary (a NUL byte at offset ${nul}); it must be CSV text`;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return `${where} is not UTF-8 text (binary?); it must be CSV text`;
  }
  let rows: Record<string, string>[];
  try {
    rows = parseDataRows(text, file);
  } catch (err) {
    return `${where} is not valid ${isJsonLines(file) ? 'JSON Lines' : 'CSV'}: ${(err as Error).message.split('\n')[0]}`;
  }
  if (rows.length === 0) return `${where} has a header line but no rows`;
  return { columns: Object.keys(rows[0]) };
}

/** A `{{name}}` reference found at a profile path. */
export interface NameRef {
  where: string;
  name: string;
}

/** References to names that neither a capture nor a data column defines. */
export function unresolvedNames(refs: readonly NameRef[], captures: readonly string[], columns: readonly string[]): string[] {
  const known = [...new Set([...captures, ...columns])];
  const problems: string[] = [];
  for (const ref of refs) {
    if (known.includes(ref.name)) continue;
    const hint = closest(ref.name, known);
    const sources = known.length > 0 ? `known names: ${known.join(', ')}` : 'the profile has no captures and no data file';
    problems.push(`${ref.where}: {{${ref.name}}} has no source: no capture or data column defines it${hint ? ` (did you mean {{${hint}}}?)` : ''}; ${sources}`);
  }
  return problems;
}

/** Why an http.ca file cannot be used, or undefined: it must be readable PEM holding a certificate. */
export function caFileProblem(file: string, written: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return `http.ca: ${written} cannot be read (${code === 'ENOENT' ? `does not exist, looked for ${file}` : code === 'EISDIR' ? 'it is a directory' : (err as Error).message})`;
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) return `http.ca: ${written} (${file}) holds no PEM certificate (-----BEGIN CERTIFICATE-----)`;
  return undefined;
}
