import { ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import type { DemoKnobs } from '../../demo/knobs';
import { startDemoTarget } from '../../demo/server';
import { durationMs, nonNegativeNumber, parseCommandArgs, port, positiveInt } from '../args';
import { line, untilStopSignal, type CliIo } from '../io';

export const targetOptions = {
  port: { type: 'string' },
  host: { type: 'string' },
  'leak-kb': { type: 'string' },
  'garbage-kb': { type: 'string' },
  'cache-kb': { type: 'string' },
  'cache-entries': { type: 'string' },
  capacity: { type: 'string' },
  queue: { type: 'string' },
  'service-ms': { type: 'string' },
  'stall-ms': { type: 'string' },
  'stall-every': { type: 'string' },
  'error-rate': { type: 'string' },
} as const;

export function knobsFrom(values: Record<string, string | boolean | undefined>): Partial<DemoKnobs> {
  const get = (key: string) => values[key] as string | undefined;
  const errorRate = nonNegativeNumber(get('error-rate'), 'error-rate');
  if (errorRate !== undefined && errorRate > 1) throw new UsageError('--error-rate: must be a fraction from 0 to 1 (e.g. 0.05)');
  if (get('queue') !== undefined && get('capacity') === undefined) throw new UsageError('--queue: needs --capacity (the queue is the FIFO server\'s)');
  if (get('stall-ms') !== undefined && get('stall-every') === undefined) throw new UsageError('--stall-ms: needs --stall-every D (e.g. 5s)');
  const knobs: Partial<DemoKnobs> = {
    leakKb: nonNegativeNumber(get('leak-kb'), 'leak-kb'),
    garbageKb: nonNegativeNumber(get('garbage-kb'), 'garbage-kb'),
    cacheKb: nonNegativeNumber(get('cache-kb'), 'cache-kb'),
    cacheEntries: positiveInt(get('cache-entries'), 'cache-entries'),
    capacity: nonNegativeNumber(get('capacity'), 'capacity'),
    queue: positiveInt(get('queue'), 'queue'),
    serviceMs: nonNegativeNumber(get('service-ms'), 'service-ms'),
    stallMs: nonNegativeNumber(get('stall-ms'), 'stall-ms'),
    stallEveryMs: durationMs(get('stall-every'), 'stall-every'),
    errorRate,
  };
  for (const key of Object.keys(knobs) as (keyof DemoKnobs)[]) if (knobs[key] === undefined) delete knobs[key];
  return knobs;
}

/** `strain target`: the built-in demo target in the foreground until SIGINT/SIGTERM. */
export async function targetCommand(argv: string[], io: CliIo): Promise<ExitCodeValue> {
  const { values } = parseCommandArgs('target', argv, targetOptions);
  const knobs = knobsFrom(values);
  const target = await startDemoTarget(knobs, port(values.port) ?? 3000, values.host ?? '127.0.0.1').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`strain target: cannot listen: ${err.code === 'EADDRINUSE' ? `port ${values.port ?? 3000} is in use` : err.message}`);
  });
  const described = Object.entries(knobs).map(([k, v]) => `${k}=${v}`).join(' ') || 'no knobs';
  line(io.stdout, `strain target listening on ${target.url} (pid ${process.pid}; ${described})`);
  await untilStopSignal();
  await target.close();
  return ExitCode.passed;
}
