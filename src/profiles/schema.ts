import { isRateMetric } from '../core/thresholds';
import { DURATION_PATTERN } from '../util/duration';

/**
 * The one JSON Schema for profile files. It validates profiles at load time and is
 * written to profiles/strain-profile.schema.json for editor completion (a test keeps
 * the two identical). Kind- and model-specific keys are expressed with if/then so that
 * a key that does not belong to the chosen kind is rejected by name.
 */

export const KINDS = ['load', 'stress', 'spike', 'soak'] as const;
export const MODELS = ['closed', 'open'] as const;
const THRESHOLD_METRICS = [
  'latency.min',
  'latency.mean',
  'latency.p50',
  'latency.p90',
  'latency.p95',
  'latency.p99',
  'latency.p999',
  'latency.max',
  'errors.rate',
  'dropped.rate',
  'throughput',
  ...(['ttft', 'tpot', 'itl', 'e2e'] as const).flatMap((m) => (['p50', 'p90', 'p95', 'p99', 'max', 'mean'] as const).map((p) => `${m}.${p}` as const)),
  'tokens.rate',
  'goodput.rate',
  'goodput.fraction',
] as const;
/** Gates on a run's findings, judged like thresholds (see src/verdict). */
export const GATE_NAMES = ['capacity', 'recovery', 'leak'] as const;
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const THINK_PATTERN = `^(${DURATION_PATTERN.slice(1, -1)})(\\.\\.(${DURATION_PATTERN.slice(1, -1)}))?$`;
const condition = (units: string) => `^\\s*(<=|>=|<|>)\\s*[0-9]+(\\.[0-9]+)?\\s*${units}\\s*$`;
const LATENCY_CONDITION = condition('(us|ms|s)');
const ERROR_RATE_CONDITION = condition('%?');
const THROUGHPUT_CONDITION = condition('(/s)?');
const CAPACITY_CONDITION = '^\\s*(>=|>)\\s*[0-9]+(\\.[0-9]+)?\\s*(/s|VUs|vus)?\\s*$';

function thresholdDef(metric: (typeof THRESHOLD_METRICS)[number]): string {
  if (/^(latency|ttft|tpot|itl|e2e)\./.test(metric)) return 'latencyThreshold';
  return isRateMetric(metric) ? 'errorRateThreshold' : 'throughputThreshold';
}

const count = {
  description: 'A whole number (64), a uniform range ("32..256") or a normal distribution { mean, stddev }.',
  anyOf: [
    { type: 'integer', minimum: 1 },
    { type: 'string', pattern: '^\\s*\\d+\\s*\\.\\.\\s*\\d+\\s*$' },
    { type: 'object', additionalProperties: false, required: ['mean', 'stddev'], properties: { mean: { type: 'number', minimum: 1 }, stddev: { type: 'number', minimum: 0 } } },
  ],
};

/** A threshold is a condition string, or an object with the condition and abort options. */
function threshold(pattern: string) {
  return {
    type: ['string', 'object'],
    pattern,
    additionalProperties: false,
    required: ['condition'],
    properties: {
      condition: { type: 'string', pattern },
      abortOnFail: { type: 'boolean', description: 'Stop the run as soon as this threshold fails.' },
      delayAbortEval: { $ref: '#/$defs/duration', description: 'Do not abort before this much of the run has passed.' },
    },
  };
}

/** Keys of `load` that every kind accepts. */
const COMMON_LOAD_KEYS = ['model', 'maxInFlight', 'connections', 'gracefulStop', 'warmup', 'workers', 'arrivals'];
/** Keys of `load` each kind accepts on top of the common ones. */
const KIND_LOAD_KEYS: Record<(typeof KINDS)[number], { keys: string[]; required: string[] }> = {
  load: { keys: ['vus', 'rate', 'rampUp', 'duration', 'rampDown'], required: ['duration'] },
  soak: { keys: ['vus', 'rate', 'rampUp', 'duration', 'rampDown'], required: ['duration'] },
  stress: { keys: ['start', 'step', 'stepDuration', 'max'], required: ['step', 'max'] },
  spike: {
    keys: ['baseline', 'peak', 'baselineDuration', 'spikeDuration', 'recoveryDuration'],
    required: ['baseline', 'peak'],
  },
};
/** Keys that only make sense for one model. */
const OPEN_ONLY = ['rate', 'maxInFlight', 'arrivals'];
const CLOSED_ONLY = ['vus'];

export function allowedLoadKeys(kind: (typeof KINDS)[number], model: (typeof MODELS)[number]): string[] {
  const excluded = model === 'open' ? CLOSED_ONLY : OPEN_ONLY;
  return [...COMMON_LOAD_KEYS, ...KIND_LOAD_KEYS[kind].keys].filter((key) => !excluded.includes(key));
}

const openModel = { properties: { model: { const: 'open' } }, required: ['model'] };
const closedModel = { properties: { model: { const: 'closed' } } };

/** Each kind takes its own keys; load and soak also need the level for the model. */
function kindRules(kind: (typeof KINDS)[number]) {
  const ifKind = (extra: object = {}) => ({
    properties: { kind: { const: kind }, load: { type: 'object', ...extra } },
    required: ['kind', 'load'],
  });
  const needs = (keys: string[]) => ({ properties: { load: { type: 'object', required: keys } } });
  const rules: object[] = [
    {
      if: ifKind(),
      then: {
        properties: {
          load: { type: 'object', propertyNames: { enum: [...COMMON_LOAD_KEYS, ...KIND_LOAD_KEYS[kind].keys] } },
        },
      },
    },
  ];
  if (KIND_LOAD_KEYS[kind].required.length > 0) rules.push({ if: ifKind(), then: needs(KIND_LOAD_KEYS[kind].required) });
  if (kind === 'load' || kind === 'soak') {
    rules.push({ if: ifKind(openModel), then: needs(['rate']) }, { if: ifKind(closedModel), then: needs(['vus']) });
  }
  return rules;
}

/** Keys that belong to the other model are rejected whatever the kind. */
function modelRule(model: (typeof MODELS)[number]) {
  const excluded = model === 'open' ? CLOSED_ONLY : OPEN_ONLY;
  return {
    if: { properties: { load: { type: 'object', ...(model === 'open' ? openModel : closedModel) } }, required: ['load'] },
    then: { properties: { load: { type: 'object', propertyNames: { not: { enum: excluded } } } } },
  };
}

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };

export const profileSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://strain.dev/schema/profile.json',
  title: 'strain profile',
  description: 'A load, stress, spike or soak test profile for strain.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind', 'target', 'load'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1, description: 'Name shown in runs, reports and trends.' },
    description: { type: 'string' },
    kind: { enum: [...KINDS], description: 'load: ramp and hold; stress: step up until it breaks; spike: baseline, sudden peak, recovery; soak: hold for hours.' },
    target: { $ref: '#/$defs/url', description: 'Base URL of the service under test.' },
    load: { $ref: '#/$defs/load' },
    http: {
      type: 'object',
      additionalProperties: false,
      properties: {
        timeout: { $ref: '#/$defs/duration', description: 'Per-request timeout (headers and body inactivity).' },
        headers: { ...stringMap, description: 'Headers sent with every request.' },
        insecure: { type: 'boolean', description: 'HTTPS: do not verify the server certificate. UNSAFE: only for a staging server you control (prefer ca).' },
        ca: {
          type: 'string',
          minLength: 1,
          description: "HTTPS: a PEM file of CA certificates to trust (relative to the profile), e.g. a staging server's self-signed certificate.",
        },
      },
    },
    setup: {
      type: 'array',
      items: { $ref: '#/$defs/step' },
      description: 'Steps each virtual user runs once before its loop (log in). In the open model every arrival is a new user and runs them first.',
    },
    scenario: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' }, description: 'Steps each iteration runs in order.' },
    scenarios: {
      type: 'array',
      minItems: 1,
      description: 'Weighted scenarios instead of one: each iteration picks one by weight.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'steps'],
        properties: {
          name: { type: 'string', minLength: 1 },
          weight: { $ref: '#/$defs/positiveNumber' },
          steps: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } },
        },
      },
    },
    data: {
      type: 'object',
      additionalProperties: false,
      required: ['file'],
      description: 'A CSV file whose columns are available as {{column}}; each iteration (and each setup) takes a row.',
      properties: {
        file: { type: 'string', minLength: 1, description: 'Relative to the profile file.' },
        mode: { enum: ['sequential', 'random', 'unique'], description: 'unique: every row once; the run ends when they run out.' },
      },
    },
    monitor: {
      type: 'object',
      additionalProperties: false,
      description:
        'Sample the target process during the run: one of pid, port, match (command line regex), container (id), or url of a running strain monitor; cgroup (a path as /proc/PID/cgroup names it) samples that cgroup too, or alone picks its oldest process.',
      properties: {
        pid: { $ref: '#/$defs/positiveInteger' },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        match: { type: 'string', minLength: 1 },
        url: { $ref: '#/$defs/url' },
        cgroup: { type: 'string', minLength: 1 },
        container: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' },
        interval: { $ref: '#/$defs/duration' },
      },
    },
    llm: {
      type: 'object',
      additionalProperties: false,
      description: "For llm: steps. slo: the service-level objectives a request must all meet to count toward goodput (vLLM's definition).",
      properties: {
        slo: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ttft: { $ref: '#/$defs/duration', description: 'Time to first token at most this.' },
            tpot: { $ref: '#/$defs/duration', description: 'Time per output token at most this.' },
            e2e: { $ref: '#/$defs/duration', description: 'Whole request at most this.' },
          },
        },
      },
    },
    thresholds: {
      type: 'object',
      description: 'SLOs and gates on findings; a failing one fails the run (exit 1).',
      propertyNames: { enum: [...THRESHOLD_METRICS, ...GATE_NAMES] },
      properties: {
        ...Object.fromEntries(THRESHOLD_METRICS.map((metric) => [metric, { $ref: `#/$defs/${thresholdDef(metric)}` }])),
        capacity: { $ref: '#/$defs/capacityGate' },
        recovery: { $ref: '#/$defs/recoveryGate' },
        leak: { $ref: '#/$defs/leakGate' },
      },
    },
  },
  allOf: [...KINDS.flatMap(kindRules), ...MODELS.map(modelRule)],
  $defs: {
    duration: { type: 'string', pattern: DURATION_PATTERN },
    positiveInteger: { type: 'integer', minimum: 1 },
    positiveNumber: { type: 'number', exclusiveMinimum: 0 },
    nonNegativeNumber: { type: 'number', minimum: 0 },
    url: { type: 'string', pattern: '^https?://[^/\\s]+' },
    think: { type: 'string', pattern: THINK_PATTERN },
    latencyThreshold: threshold(LATENCY_CONDITION),
    errorRateThreshold: threshold(ERROR_RATE_CONDITION),
    throughputThreshold: threshold(THROUGHPUT_CONDITION),
    capacityGate: { type: 'string', pattern: CAPACITY_CONDITION, description: 'Stress: the last good level must reach this (">= 600"; /s in the open model, VUs in the closed).' },
    recoveryGate: {
      type: 'string',
      pattern: LATENCY_CONDITION,
      description: 'Spike: recovery after the spike must take less than this ("< 10s"); no recovery within the run fails.',
    },
    leakGate: { enum: ['fail', 'warn'], description: 'Soak or load with a monitor: a leak fails the run (fail, the default for soak) or is only reported (warn).' },
    load: {
      type: 'object',
      additionalProperties: false,
      properties: {
        model: { enum: [...MODELS], description: 'closed: virtual users loop the scenario; open: iterations arrive at a rate per second.' },
        vus: { $ref: '#/$defs/positiveInteger', description: 'Virtual users (closed model).' },
        rate: { $ref: '#/$defs/positiveNumber', description: 'Iterations started per second (open model).' },
        rampUp: { $ref: '#/$defs/duration' },
        duration: { $ref: '#/$defs/duration', description: 'How long the level is held after the ramp-up.' },
        rampDown: { $ref: '#/$defs/duration' },
        start: { $ref: '#/$defs/positiveNumber', description: 'Stress: first step level (default: step).' },
        step: { $ref: '#/$defs/positiveNumber', description: 'Stress: level added each step.' },
        stepDuration: { $ref: '#/$defs/duration' },
        max: { $ref: '#/$defs/positiveNumber', description: 'Stress: highest level tried.' },
        baseline: { $ref: '#/$defs/nonNegativeNumber', description: 'Spike: level before and after the spike.' },
        peak: { $ref: '#/$defs/positiveNumber', description: 'Spike: level during the spike.' },
        baselineDuration: { $ref: '#/$defs/duration' },
        spikeDuration: { $ref: '#/$defs/duration' },
        recoveryDuration: { $ref: '#/$defs/duration' },
        maxInFlight: { $ref: '#/$defs/positiveInteger', description: 'Open model: iterations in flight before new arrivals are dropped.' },
        connections: { $ref: '#/$defs/positiveInteger', description: 'Keep-alive connections to the target (default: VUs, or maxInFlight).' },
        gracefulStop: { $ref: '#/$defs/duration', description: 'Time in-flight requests get to finish at the end.' },
        arrivals: {
          type: 'object',
          additionalProperties: false,
          description:
            "Open model: how arrivals are spaced. even (default), poisson, or gamma with burstiness (vLLM's: 1 = Poisson, below 1 burstier); seed makes the schedule repeatable.",
          properties: {
            process: { enum: ['even', 'poisson', 'gamma'] },
            burstiness: { $ref: '#/$defs/positiveNumber' },
            seed: { type: 'integer', minimum: 0 },
          },
        },
        workers: {
          $ref: '#/$defs/positiveInteger',
          description:
            'Worker threads generating the load, their histograms added exactly (default: 1 against a loopback target, which needs the other cores; otherwise one per core but one).',
        },
        warmup: {
          $ref: '#/$defs/duration',
          description:
            'Load at the starting level before the clock starts, shown apart and never in the results (default 1s, or 0s when the profile has setup steps or a data file; 0s for none).',
        },
      },
    },
    request: {
      type: 'object',
      additionalProperties: false,
      properties: {
        method: { enum: [...HTTP_METHODS] },
        path: { type: 'string', pattern: '^/', description: 'Path on the target; may use {{templates}}.' },
        url: { type: 'string', pattern: '^https?://', description: 'An absolute URL instead of a path.' },
        query: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
        headers: stringMap,
        body: { type: 'string' },
        json: {},
        timeout: { $ref: '#/$defs/duration' },
      },
    },
    llm: {
      type: 'object',
      additionalProperties: false,
      required: ['model'],
      description: 'A request to an OpenAI-compatible LLM API, streamed by default and measured as TTFT, ITL, TPOT, E2E and tokens.',
      properties: {
        api: { enum: ['chat', 'completions'], description: 'chat: POST /v1/chat/completions (default); completions: POST /v1/completions.' },
        model: { type: 'string', minLength: 1 },
        prompt: {
          description: 'Prompt text (may use {{templates}}, e.g. {{text}} from a data file), or { tokens: N } for a synthetic prompt of N tokens (a count).',
          anyOf: [{ type: 'string' }, { type: 'object', additionalProperties: false, required: ['tokens'], properties: { tokens: count } }],
        },
        messages: {
          type: 'array',
          minItems: 1,
          items: { type: 'object', additionalProperties: false, required: ['role', 'content'], properties: { role: { type: 'string' }, content: { type: 'string' } } },
        },
        maxTokens: { ...count, description: 'max_tokens: a whole number, a range ("32..256") or { mean, stddev }, drawn per request.' },
        path: { type: 'string', pattern: '^/', description: "Instead of the api's path." },
        stream: { type: 'boolean', description: 'Stream the answer (default true, with stream_options.include_usage).' },
        headers: stringMap,
        body: { type: 'object', description: 'Extra body fields sent as they are (temperature, ignore_eos, ...).' },
        timeout: { $ref: '#/$defs/duration' },
      },
    },
    step: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1 },
        request: { $ref: '#/$defs/request' },
        llm: { $ref: '#/$defs/llm' },
        think: {
          description: 'Pause after the step: 500ms, a uniform range 200ms..1s, or { exponential: 300ms } (random, that mean).',
          anyOf: [{ $ref: '#/$defs/think' }, { type: 'object', additionalProperties: false, required: ['exponential'], properties: { exponential: { $ref: '#/$defs/duration' } } }],
        },
        capture: {
          type: 'object',
          description: 'Values kept in the user\'s state: "$.json.path", { header: name }, or { regex: "a(b)c" }.',
          additionalProperties: {
            anyOf: [
              { type: 'string', pattern: '^\\$' },
              { type: 'object', additionalProperties: false, required: ['json'], properties: { json: { type: 'string', pattern: '^\\$' } } },
              { type: 'object', additionalProperties: false, required: ['header'], properties: { header: { type: 'string', minLength: 1 } } },
              { type: 'object', additionalProperties: false, required: ['regex'], properties: { regex: { type: 'string', minLength: 1 }, group: { type: 'integer', minimum: 0 } } },
            ],
          },
        },
        expect: {
          type: 'object',
          additionalProperties: false,
          description: 'Checks; a failed one counts as an error of class "check" for this step.',
          properties: {
            status: {
              anyOf: [
                { type: 'integer', minimum: 100, maximum: 599 },
                { type: 'array', minItems: 1, items: { type: 'integer', minimum: 100, maximum: 599 } },
              ],
            },
            body: { type: 'string', description: 'The body must contain this text.' },
            json: { type: 'object', description: 'JSONPath → expected value.' },
          },
        },
      },
    },
  },
};
