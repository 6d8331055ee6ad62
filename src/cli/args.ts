import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors';
import { parseDuration } from '../util/duration';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The run's overrides, output and store options: `strain run` and `strain coordinate` take the same. */
export const runOptions = {
  target: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  workers: { type: 'string' },
  vus: { type: 'string' },
  rate: { type: 'string' },
  db: { type: 'string' },
  'max-duration': { type: 'string' },
  'no-tui': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/**
 * `--rate -5` as `--rate=-5`: parseArgs takes a value starting with a dash for a forgotten
 * value; a negative number is a value, and the option's own check then says what it accepts.
 */
function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    // After "--" everything is positional, as given.
    if (argv[i] === '--') return [...out, ...argv.slice(i)];
    const name = /^--([^=]+)$/.exec(argv[i])?.[1];
    if (name && options[name]?.type === 'string' && /^-\.?\d/.test(argv[i + 1] ?? '')) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

/** util.parseArgs in strict mode, with errors that name the command and its options. */
export function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals: true });
  } catch (err) {
    const known = Object.keys(options)
      .map((o) => `--${o}`)
      .join(', ');
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`strain ${command}: ${message}${known ? `; options: ${known}` : ''}`);
  }
}

export function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name}: must be a positive integer (got "${value}")`);
  return n;
}

export function nonNegativeNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name}: must be a number of 0 or more (got "${value}")`);
  return n;
}

export function positiveNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name}: must be a number above 0 (got "${value}")`);
  return n;
}

export function durationMs(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`--${name}: "${value}" is not a duration (use e.g. 500ms, 30s, 2m, 8h)`);
  return ms;
}

export function port(value: string | undefined, name = 'port'): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name}: must be a TCP port 0-65535 (got "${value}")`);
  return n;
}

/** A secret given as an argument is visible to every user of the machine: say so, and name the variable to use. */
export function tokenArgumentWarning(envName: string): string {
  return `warning: --token on a command line is visible to every user of this machine (ps, /proc/PID/cmdline); set ${envName} in the environment instead`;
}
