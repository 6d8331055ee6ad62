import { ExitCode, UsageError, type ExitCodeValue } from '../../errors';
import type { DemoKnobs } from '../../demo/knobs';
import { startDemoTarget } from '../../demo/server';
import { defaultLlmKnobs, type LlmKnobs } from '../../demo/llm';
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
  llm: { type: 'boolean' },
  ttft: { type: 'string' },
  tpot: { type: 'string' },
  slots: { type: 'string' },
  'output-tokens': { type: 'string' },
} as const;

const LLM_ONLY = ['ttft', 'tpot', 'slots', 'output-tokens'];

/** The LLM mode's knobs (--llm): TTFT, time per token, generation slots and their queue, output length. */
function llmKnobsFrom(values: Record<string, string | boolean | undefined>): LlmKnobs | undefined {
  const get = (key: string) => values[key] as string | undefined;
  if (!values.llm) {
    const stray = LLM_ONLY.find((k) => get(k) !== undefined);
    if (stray) throw new UsageError(`--${stray}: is a knob of the LLM mode; add --llm`);
    return undefined;
  }
  const knobs: LlmKnobs = { ...defaultLlmKnobs };
  knobs.ttftMs = durationMs(get('ttft'), 'ttft') ?? knobs.ttftMs;
  knobs.tpotMs = durationMs(get('tpot'), 'tpot') ?? knobs.tpotMs;
  knobs.slots = nonNegativeNumber(get('slots'), 'slots') ?? knobs.slots;
  if (!Number.isInteger(knobs.slots)) throw new UsageError(`--slots: must be a whole number of generation slots (got "${get('slots')}")`);
  knobs.queue = positiveIntOrZero(get('queue')) ?? knobs.queue;
  knobs.outputTokens = positiveInt(get('output-tokens'), 'output-tokens') ?? knobs.outputTokens;
  return knobs;
}

function positiveIntOrZero(value: string | undefined): number | undefined {
  const n = nonNegativeNumber(value, 'queue');
  if (n !== undefined && !Number.isInteger(n)) throw new UsageError(`--queue: must be a whole number (got "${value}")`);
  return n;
}

export function knobsFrom(values: Record<string, string | boolean | undefined>): Partial<DemoKnobs> {
  const get = (key: string) => values[key] as string | undefined;
  const errorRate = nonNegativeNumber(get('error-rate'), 'error-rate');
  if (errorRate !== undefined && errorRate > 1) throw new UsageError('--error-rate: must be a fraction from 0 to 1 (e.g. 0.05)');
  if (get('queue') !== undefined && get('capacity') === undefined && !values.llm)
    throw new UsageError("--queue: needs --capacity (the queue is the FIFO server's) or --llm --slots N");
  if (get('stall-ms') !== undefined && get('stall-every') === undefined) throw new UsageError('--stall-ms: needs --stall-every D (e.g. 5s)');
  const knobs: Partial<DemoKnobs> = {
    leakKb: nonNegativeNumber(get('leak-kb'), 'leak-kb'),
    garbageKb: nonNegativeNumber(get('garbage-kb'), 'garbage-kb'),
    cacheKb: nonNegativeNumber(get('cache-kb'), 'cache-kb'),
    cacheEntries: positiveInt(get('cache-entries'), 'cache-entries'),
    capacity: nonNegativeNumber(get('capacity'), 'capacity'),
    queue: values.llm ? undefined : positiveInt(get('queue'), 'queue'),
    serviceMs: nonNegativeNumber(get('service-ms'), 'service-ms'),
    stallMs: nonNegativeNumber(get('stall-ms'), 'stall-ms'),
    stallEveryMs: durationMs(get('stall-every'), 'stall-every'),
    errorRate,
    llm: llmKnobsFrom(values),
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
  const { llm, ...plain } = knobs;
  const llmText = llm ? `llm ttft=${llm.ttftMs}ms tpot=${llm.tpotMs}ms slots=${llm.slots || 'unlimited'} queue=${llm.queue} outputTokens=${llm.outputTokens}` : '';
  const described = [llmText, ...Object.entries(plain).map(([k, v]) => `${k}=${v}`)].filter(Boolean).join(' ') || 'no knobs';
  line(io.stdout, `strain target listening on ${target.url} (pid ${process.pid}; ${described})`);
  await untilStopSignal();
  await target.close();
  return ExitCode.passed;
}
