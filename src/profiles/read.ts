import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { UsageError } from '../errors';

/** Reads a profile file as YAML or JSON into a plain value; syntax errors name the line. */
export function readProfileFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new UsageError(`profile ${file}: ${why}`);
  }
  if (extname(file).toLowerCase() === '.json') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new UsageError(`profile ${file}: invalid JSON: ${(err as Error).message}`);
    }
  }
  // JSON is valid YAML, so any other extension goes through the YAML parser.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UsageError(`profile ${file}: invalid YAML`, doc.errors.map((e) => e.message.split('\n')[0]));
  }
  return doc.toJS();
}
