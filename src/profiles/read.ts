import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { defaults } from '../defaults';
import { UsageError } from '../errors';

const { profileBytes, yamlAliases } = defaults.limits;

/** Reads a profile file as YAML or JSON into a plain value; syntax errors name the line. */
export function readProfileFile(file: string): unknown {
  let text: string;
  try {
    // Checked before reading: a 50 MB profile took minutes and 2.4 GB to parse.
    const size = statSync(file).size;
    if (size > profileBytes) throw new UsageError(`profile ${file}: ${size} bytes is above the limit of ${profileBytes} bytes (1 MiB)`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
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
    throw new UsageError(
      `profile ${file}: invalid YAML`,
      doc.errors.map((e) => e.message.split('\n')[0]),
    );
  }
  try {
    return doc.toJS({ maxAliasCount: yamlAliases });
  } catch (err) {
    // The yaml library throws a ReferenceError when aliases expand past maxAliasCount.
    if (err instanceof ReferenceError) throw new UsageError(`profile ${file}: YAML aliases expand past the limit of ${yamlAliases} (an alias bomb?)`);
    throw err;
  }
}
