import Ajv, { type ErrorObject } from 'ajv';
import { closest } from '../util/suggest';
import { profileSchema, allowedLoadKeys, KINDS, MODELS } from './schema';

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true, inlineRefs: false });
const validateSchema = ajv.compile(profileSchema);

/** What a failed `$defs` constraint means, in words a user can act on. */
const DEF_MESSAGES: Record<string, string> = {
  duration: 'must be a duration like 500ms, 30s, 2m or 8h',
  positiveInteger: 'must be a positive integer',
  positiveNumber: 'must be a positive number',
  nonNegativeNumber: 'must be a number of 0 or more',
  url: 'must be an http:// or https:// URL like http://127.0.0.1:3000',
  think: 'must be a duration (500ms) or a uniform range (200ms..1s)',
  latencyThreshold: 'must be a time condition like "< 200ms" or "<= 1.5s" (units us, ms, s)',
  errorRateThreshold: 'must be a condition like "< 1%" or "< 0.01"',
  throughputThreshold: 'must be a condition like "> 100/s"',
  capacityGate: 'must be a level like ">= 600" (arrivals/s in the open model, VUs in the closed one)',
  recoveryGate: 'must be a time condition like "< 10s"',
};

/** The bad value, repeated so the user sees what was read (objects are not repeated). */
function got(value: unknown): string {
  if (value === null || (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')) return '';
  const text = JSON.stringify(value);
  return ` (got ${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

/** JSON pointer → dotted path: /scenario/0/request → scenario[0].request */
function toPath(pointer: string, extra?: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const part of parts) out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  return out || '(profile)';
}

/** Maps every schema object inside a $defs entry to that entry's name. */
const defOwners = new Map<object, string>();
function claim(node: unknown, name: string): void {
  if (!node || typeof node !== 'object' || defOwners.has(node)) return;
  defOwners.set(node, name);
  for (const child of Object.values(node)) claim(child, name);
}
for (const [name, def] of Object.entries(profileSchema.$defs)) claim(def, name);

function defName(error: ErrorObject): string | undefined {
  return error.parentSchema ? defOwners.get(error.parentSchema) : undefined;
}

function keysAt(error: ErrorObject): string[] {
  const properties = (error.parentSchema as { properties?: object } | undefined)?.properties;
  return properties ? Object.keys(properties).filter((k) => k !== '$schema') : [];
}

function loadContext(data: unknown): { kind: string; model: string } {
  const profile = (data ?? {}) as { kind?: string; load?: { model?: string } };
  return { kind: String(profile.kind), model: String(profile.load?.model ?? 'closed') };
}

function describe(error: ErrorObject, data: unknown): [string, string] | undefined {
  const def = defName(error);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
      return undefined; // the failing "then" branch reports the real problem
    case 'required':
      return [toPath(error.instancePath, String(params.missingProperty)), 'is required'];
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = keysAt(error);
      const hint = closest(key, allowed);
      const msg = `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`;
      return [toPath(error.instancePath, key), msg];
    }
    case 'propertyNames':
      return undefined; // reported through the nested enum error that names the key
    case 'enum': {
      if (error.propertyName !== undefined) return describeKey(error, data);
      const allowed = (params.allowedValues as unknown[]).map(String);
      return [toPath(error.instancePath), `must be one of ${allowed.join(', ')} (got ${JSON.stringify(error.data)})`];
    }
    case 'const':
      return undefined;
    case 'not':
      return error.propertyName !== undefined ? describeKey(error, data) : [toPath(error.instancePath), 'is not allowed here'];
    default:
      if (error.keyword === 'type' && params.type === 'boolean') return [toPath(error.instancePath), 'must be true or false'];
      if (def && DEF_MESSAGES[def]) return [toPath(error.instancePath), `${DEF_MESSAGES[def]}${got(error.data)}`];
      if (error.keyword === 'pattern' && error.instancePath.endsWith('/path')) return [toPath(error.instancePath), `must start with /${got(error.data)}`];
      if (error.keyword === 'type' && params.type === 'boolean') return [toPath(error.instancePath), 'must be true or false'];
      if (error.keyword === 'minItems') return [toPath(error.instancePath), 'must have at least one step'];
      return [toPath(error.instancePath), error.message ?? error.keyword];
  }
}

function describeKey(error: ErrorObject, data: unknown): [string, string] {
  const key = error.propertyName as string;
  const path = toPath(error.instancePath, key);
  if (error.instancePath === '/thresholds') {
    const allowed = (error.params as { allowedValues: string[] }).allowedValues;
    const hint = closest(key, allowed);
    return [path, `unknown metric${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`];
  }
  const { kind, model } = loadContext(data);
  const validKind = (KINDS as readonly string[]).includes(kind) && (MODELS as readonly string[]).includes(model);
  const allowed = validKind ? allowedLoadKeys(kind as (typeof KINDS)[number], model as (typeof MODELS)[number]) : [];
  if (!(key in profileSchema.$defs.load.properties)) {
    const hint = closest(key, allowed.length > 0 ? allowed : Object.keys(profileSchema.$defs.load.properties));
    return [path, `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`];
  }
  if (key === 'vus' && model === 'open') return [path, 'is for model closed; the open model takes load.rate (arrivals per second)'];
  if ((key === 'rate' || key === 'maxInFlight') && model === 'closed') {
    return [path, 'is for model open; set load.model: open, or use load.vus for virtual users'];
  }
  return [path, `is not used by kind ${kind}; allowed: ${allowed.join(', ')}`];
}

/** Validates a parsed profile against the schema; returns every problem as "path: message". */
export function schemaProblems(data: unknown): string[] {
  if (validateSchema(data)) return [];
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const error of validateSchema.errors ?? []) {
    const described = describe(error, data);
    // One line per path: a key rejected by both its kind and its model is named once.
    if (!described || seen.has(described[0])) continue;
    seen.add(described[0]);
    problems.push(`${described[0]}: ${described[1]}`);
  }
  return problems.sort();
}
