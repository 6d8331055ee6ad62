import { isLoopbackHost, socketHost } from '../core/net';
import { defaults } from '../defaults';
import { isLlmMetric, parseCondition } from '../thresholds/parse';
import { parseDuration } from '../util/duration';
import { compileJson, compileTemplate } from '../core/template';
import { kindExpanders } from './kinds';
import { durationLimitProblems, levelLimitProblems } from './limits';
import { resolveLlmStep, resolveSlo } from '../llm/resolve';
import type { UserLlm } from '../llm/spec';
import { monitorPlanFrom } from './monitor-spec';
import { caFileProblem, checkDataFile, headerProblems, unresolvedNames, type NameRef } from './inputs';
import { REDACTED, isSecretKey, redactUrl } from '../util/secrets';
import { availableParallelism } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { GATE_NAMES } from './schema';
import type {
  Arrivals,
  Comparator,
  Gate,
  GateName,
  Kind,
  LoadModel,
  Capture,
  ResolvedProfile,
  ResolvedScenario,
  ResolvedStep,
  Stage,
  ThinkTime,
  Threshold,
  ThresholdMetric,
} from '../core/profile';
import type { UserProfile, UserStep } from './types';

/** The environment `{{env.NAME}}` templates are checked against (the CLI passes the process's). */
export type ProfileEnv = Readonly<Record<string, string | undefined>>;

/**
 * For a profile resolved where no load is generated (the coordinator of a distributed run,
 * `strain k8s`): `{{env.NAME}}` is the agents' business, checked in their own environment.
 */
export const agentsEnv: ProfileEnv = new Proxy({}, { get: () => '' });

/**
 * Checks a schema-valid profile for what a schema cannot say, then fills in every default.
 * Relative data files resolve against `baseDir` (default: the working directory).
 */
export function resolveProfile(user: UserProfile, baseDir = '', env: ProfileEnv = {}): { profile?: ResolvedProfile; problems: string[] } {
  const problems: string[] = [];
  const model = user.load.model ?? defaults.model;
  checkLevels(user, model, problems);
  const thresholds = resolveThresholds(user, problems);
  const gates = resolveGates(user, model, problems);
  const timeoutMs = parseDuration(user.http?.timeout ?? defaults.http.timeout)!;
  problems.push(...headerProblems('http.headers', user.http?.headers, shownValue));
  const refs: NameRef[] = [];
  const at = (path: string) => ({ user, path, timeoutMs, env, problems, refs });
  const setup = (user.setup ?? []).map((step, i) => resolveStep(step, at(`setup[${i}]`)));
  if (user.scenario && user.scenarios) problems.push('scenarios: give scenario (one list of steps) or scenarios (weighted), not both');
  if (!user.scenario && !user.scenarios) problems.push('scenario: is required (a list of steps), or give weighted scenarios');
  const scenarios: ResolvedScenario[] = user.scenarios
    ? user.scenarios.map((sc, i) => ({
        name: sc.name,
        weight: sc.weight ?? 1,
        steps: sc.steps.map((step, j) => resolveStep(step, at(`scenarios[${i}].steps[${j}]`))),
      }))
    : [{ name: 'default', weight: 1, steps: (user.scenario ?? []).map((step, i) => resolveStep(step, at(`scenario[${i}]`))) }];
  const data = user.data ? { file: resolvePath(baseDir, user.data.file), mode: user.data.mode ?? ('sequential' as const) } : undefined;
  const caFile = user.http?.ca !== undefined ? resolvePath(baseDir, user.http.ca) : undefined;
  const caProblem = caFile ? caFileProblem(caFile, user.http!.ca!) : undefined;
  if (caProblem) problems.push(caProblem);
  const dataCheck = data ? checkDataFile(data.file, user.data!.file) : { columns: [] };
  if (typeof dataCheck === 'string') problems.push(dataCheck);
  else {
    const captured = [...setup, ...scenarios.flatMap((sc) => sc.steps)].flatMap((s) => (s.capture ?? []).map((c) => c.name));
    problems.push(...unresolvedNames(refs, captured, dataCheck.columns));
  }
  const level = (model === 'open' ? user.load.rate : user.load.vus) ?? 0;
  const overLimits = levelLimitProblems(user, model);
  problems.push(...overLimits);
  const stages = overLimits.length > 0 ? [] : kindExpanders[user.kind](user.load, level);
  const totalDurationMs = stages.reduce((sum, s) => sum + s.durationMs, 0);
  if (totalDurationMs <= 0 && overLimits.length === 0) problems.push('load: the stages add up to no time at all; give a duration above 0');
  const warmupMs = parseDuration(user.load.warmup ?? (setup.length > 0 || data ? '0s' : defaults.http.warmup))!;
  problems.push(...durationLimitProblems(user, totalDurationMs, warmupMs));
  const arrivals = user.load.arrivals;
  if (arrivals?.burstiness !== undefined && arrivals.process !== undefined && arrivals.process !== 'gamma') {
    problems.push(`load.arrivals.burstiness: ${arrivals.burstiness} is for process gamma (process ${arrivals.process} has none)`);
  }
  const hasLlm = [...setup, ...scenarios.flatMap((sc) => sc.steps)].some((st) => st.llm);
  const slo = resolveSlo(user.llm, problems);
  if (user.llm && !hasLlm) problems.push('llm: needs at least one llm: step');
  for (const t of thresholds) if (isLlmMetric(t.name) && !hasLlm) problems.push(`thresholds.${t.name}: needs an llm: step to measure`);
  if (!slo) for (const t of thresholds) if (t.name.startsWith('goodput.')) problems.push(`thresholds.${t.name}: needs llm.slo (e.g. llm: { slo: { ttft: 500ms, tpot: 50ms } })`);
  const monitor = user.monitor ? monitorPlanFrom(user.monitor) : undefined;
  if (typeof monitor === 'string') problems.push(monitor);
  if (problems.length > 0) return { problems };

  const maxInFlight = user.load.maxInFlight ?? defaults.http.maxInFlight;
  const peakLevel = Math.max(...stages.map((s) => Math.max(s.from, s.to)));
  const target = user.target.replace(/\/+$/, '');
  return {
    problems,
    profile: {
      name: user.name,
      description: user.description ?? '',
      kind: user.kind,
      target,
      model,
      stages,
      totalDurationMs,
      maxInFlight,
      connections: user.load.connections ?? (model === 'closed' ? Math.max(1, Math.ceil(peakLevel)) : maxInFlight),
      gracefulStopMs: parseDuration(user.load.gracefulStop ?? defaults.http.gracefulStop)!,
      workers: user.load.workers ?? defaultWorkers(target),
      ...(user.load.arrivals ? { arrivals: resolveArrivals(user.load.arrivals) } : {}),
      warmupMs,
      setup,
      scenarios,
      ...(data ? { data } : {}),
      thresholds,
      gates,
      ...(monitor && typeof monitor !== 'string' ? { monitor } : {}),
      ...(hasLlm ? { llm: { slo } } : {}),
      ...(user.http?.insecure || caFile ? { tls: { insecure: user.http?.insecure === true, ...(caFile ? { caFile } : {}) } } : {}),
    },
  };
}

function checkLevels(user: UserProfile, model: string, problems: string[]): void {
  const load = user.load;
  if (model === 'closed') {
    for (const key of ['start', 'step', 'max', 'baseline', 'peak'] as const) {
      const value = load[key];
      if (value !== undefined && !Number.isInteger(value)) problems.push(`load.${key}: must be a whole number of virtual users with model closed`);
    }
  }
  if (user.kind === 'stress' && load.start !== undefined && load.max !== undefined && load.start > load.max) {
    problems.push(`load.start: ${load.start} is above load.max ${load.max}`);
  }
  if (user.kind === 'spike' && load.peak !== undefined && load.baseline !== undefined && load.peak <= load.baseline) {
    problems.push(`load.peak: must be above load.baseline (${load.baseline})`);
  }
  try {
    new URL(user.target);
  } catch {
    problems.push(`target: "${redactUrl(user.target)}" is not a valid URL`);
  }
}

function resolveThresholds(user: UserProfile, problems: string[]): Threshold[] {
  const out: Threshold[] = [];
  for (const [name, spec] of Object.entries(user.thresholds ?? {})) {
    if ((GATE_NAMES as readonly string[]).includes(name)) continue;
    const metric = name as ThresholdMetric;
    const condition = typeof spec === 'string' ? spec : spec.condition;
    const parsed = parseCondition(metric, condition);
    if (typeof parsed === 'string') {
      problems.push(`thresholds.${name}${typeof spec === 'string' ? '' : '.condition'}: ${parsed}`);
      continue;
    }
    const delay = typeof spec === 'string' ? undefined : spec.delayAbortEval;
    out.push({
      name: metric,
      condition: condition.trim(),
      op: parsed.op,
      value: parsed.value,
      abortOnFail: typeof spec === 'string' ? false : spec.abortOnFail === true,
      delayAbortEvalMs: parseDuration(delay ?? defaults.thresholds.delayAbortEval)!,
    });
  }
  return out;
}

/** Which kind each gate belongs to: a gate on a finding the run cannot produce is a mistake. */
const GATE_KINDS: Record<GateName, Kind[]> = { capacity: ['stress'], recovery: ['spike'], leak: ['soak', 'load'] };

function resolveGates(user: UserProfile, model: LoadModel, problems: string[]): Gate[] {
  const gates: Gate[] = [];
  for (const name of GATE_NAMES) {
    const spec = user.thresholds?.[name];
    if (spec === undefined) continue;
    const text = String(spec).trim();
    if (!GATE_KINDS[name].includes(user.kind)) {
      problems.push(`thresholds.${name}: only for kind ${GATE_KINDS[name].join(' or ')} (this profile is kind ${user.kind})`);
      continue;
    }
    if (name === 'leak') {
      gates.push({ name, condition: text as 'fail' | 'warn' });
      continue;
    }
    const match = /^(<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)?)\s*(.*)$/.exec(text)!;
    if (name === 'capacity') {
      const unit = match[3].toLowerCase();
      if (unit && unit !== (model === 'open' ? '/s' : 'vus')) {
        problems.push(
          `thresholds.capacity: "${text}" is in ${unit === '/s' ? 'arrivals/s' : 'VUs'} but the ${model} model's levels are ${model === 'open' ? 'arrivals/s' : 'VUs'}`,
        );
        continue;
      }
      gates.push({ name, condition: text, op: match[1] as Comparator, value: Number(match[2]) });
    } else {
      const ms = Number(match[2]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[match[3]];
      if (match[1] !== '<' && match[1] !== '<=') {
        problems.push(`thresholds.recovery: "${text}" must be an upper bound like "< 10s"`);
        continue;
      }
      gates.push({ name, condition: text, op: match[1] as Comparator, value: ms });
    }
  }
  return gates;
}

function parseThink(text: string | { exponential: string } | undefined): ThinkTime {
  if (text === undefined) return { kind: 'none' };
  if (typeof text === 'object') return { kind: 'exponential', meanMs: parseDuration(text.exponential)! };
  const [low, high] = text.split('..');
  const minMs = parseDuration(low)!;
  if (high === undefined) return minMs > 0 ? { kind: 'fixed', ms: minMs } : { kind: 'none' };
  return { kind: 'uniform', minMs, maxMs: parseDuration(high)! };
}

function resolveCaptures(capture: UserStep['capture'], path: string, problems: string[]): Capture[] | undefined {
  if (!capture) return undefined;
  return Object.entries(capture).map(([name, spec]): Capture => {
    if (typeof spec === 'string') return { name, from: 'json', path: spec };
    if ('json' in spec) return { name, from: 'json', path: spec.json };
    if ('header' in spec) return { name, from: 'header', header: spec.header.toLowerCase() };
    try {
      new RegExp(spec.regex);
    } catch (err) {
      problems.push(`${path}.capture.${name}.regex: not a valid regular expression: ${(err as Error).message}`);
    }
    return { name, from: 'regex', regex: spec.regex, group: spec.group ?? 1 };
  });
}

/** A header value as a problem may show it: secrets (by header name) are never printed. */
function shownValue(name: string, value: string): string {
  return isSecretKey(name) ? REDACTED : value;
}

/** Where a step sits in the profile, and what its checks report to. */
interface StepContext {
  user: UserProfile;
  path: string;
  timeoutMs: number;
  env: ProfileEnv;
  problems: string[];
  /** {{name}} references, checked for a capture or data column once every step is read. */
  refs: NameRef[];
}

/** Template syntax and the environment variables they name are checked when the profile loads. */
function checkTemplates(ctx: StepContext, texts: [string, unknown][]): void {
  const { path, problems } = ctx;
  for (const [where, value] of texts) {
    if (value === undefined) continue;
    try {
      const t = typeof value === 'string' ? compileTemplate(value) : compileJson(value);
      for (const name of t.envNames) {
        if (ctx.env[name] === undefined) problems.push(`${path}.${where}: environment variable ${name} is not set ({{env.${name}}})`);
      }
      for (const name of new Set(t.varNames)) ctx.refs.push({ where: `${path}.${where}`, name });
    } catch (err) {
      problems.push(`${path}.${where}: ${(err as Error).message}`);
    }
  }
}

function resolveStep(step: UserStep, ctx: StepContext): ResolvedStep {
  const { user, path, timeoutMs, problems } = ctx;
  if (step.request && step.llm) problems.push(`${path}: give request or llm, not both`);
  if (step.llm) return resolveLlm(step, step.llm, ctx);
  if (!step.request) problems.push(`${path}.request: is required (or llm: for an LLM completion)`);
  const req = step.request ?? {};
  problems.push(...headerProblems(`${path}.request.headers`, req.headers, shownValue));
  checkTemplates(ctx, [
    ['request.path', req.path],
    ['request.url', req.url],
    ['request.body', req.body],
    ['request.json', req.json],
    ...Object.entries(req.headers ?? {}).map(([k, v]) => [`request.headers.${k}`, v] as [string, unknown]),
    ...Object.entries(req.query ?? {}).map(([k, v]) => [`request.query.${k}`, String(v)] as [string, unknown]),
  ]);
  if (req.body !== undefined && req.json !== undefined) problems.push(`${path}.request: give body or json, not both`);
  if (req.path !== undefined && req.url !== undefined) problems.push(`${path}.request: give path or url, not both`);
  const think = parseThink(step.think);
  if (think.kind === 'uniform' && think.maxMs < think.minMs) problems.push(`${path}.think: the range must go from low to high`);
  const headers: Record<string, string> = { ...(user.http?.headers ?? {}), ...(req.headers ?? {}) };
  if (req.json !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  const hasBody = req.body !== undefined || req.json !== undefined;
  const method = req.method ?? (hasBody ? 'POST' : defaults.http.method);
  const where = req.url ?? req.path ?? defaults.http.path;
  return {
    name: step.name ?? `${method} ${redactUrl(where)}`, // a default name is printed and stored: no secrets in it
    method,
    path: req.path ?? defaults.http.path,
    ...(req.url ? { url: req.url } : {}),
    ...(req.query ? { query: Object.entries(req.query).map(([k, v]) => [k, String(v)] as [string, string]) } : {}),
    headers,
    body: req.body,
    ...(req.json !== undefined ? { json: req.json } : {}),
    timeoutMs: req.timeout ? parseDuration(req.timeout)! : timeoutMs,
    think,
    ...(step.capture ? { capture: resolveCaptures(step.capture, path, problems) } : {}),
    ...(step.expect ? { expect: { ...step.expect, status: step.expect.status === undefined ? undefined : ([] as number[]).concat(step.expect.status) } } : {}),
  };
}

function resolveLlm(step: UserStep, llm: UserLlm, ctx: StepContext): ResolvedStep {
  const { user, path, timeoutMs, problems } = ctx;
  const parts = resolveLlmStep(llm, path, problems);
  problems.push(...headerProblems(`${path}.llm.headers`, llm.headers, shownValue));
  checkTemplates(ctx, [['llm.json', parts.json], ...Object.entries(parts.headers).map(([k, v]) => [`llm.headers.${k}`, v] as [string, unknown])]);
  if (step.capture) problems.push(`${path}.capture: is not supported on an llm: step`);
  if (step.expect) problems.push(`${path}.expect: is not supported on an llm: step (bad answers are counted by class)`);
  return {
    name: step.name ?? parts.name,
    method: 'POST',
    path: parts.path,
    headers: { ...(user.http?.headers ?? {}), ...parts.headers },
    body: undefined,
    json: parts.json,
    timeoutMs: parts.timeoutMs ?? timeoutMs,
    think: parseThink(step.think),
    llm: parts.llm,
  };
}

function resolveArrivals(a: NonNullable<UserProfile['load']['arrivals']>): Arrivals {
  const process = a.process ?? (a.burstiness !== undefined ? 'gamma' : 'poisson');
  return { process, burstiness: process === 'poisson' ? 1 : (a.burstiness ?? 1), seed: a.seed ?? 1 };
}

/** Cuts the stage plan off after `capMs` (used by --duration on kinds without a hold). */
export function capStages(stages: Stage[], capMs: number): Stage[] {
  const out: Stage[] = [];
  let elapsed = 0;
  for (const stage of stages) {
    if (elapsed >= capMs) break;
    const durationMs = Math.min(stage.durationMs, capMs - elapsed);
    const to = stage.from + ((stage.to - stage.from) * durationMs) / stage.durationMs;
    out.push({ ...stage, durationMs, to });
    elapsed += durationMs;
  }
  return out;
}

/**
 * Worker threads when the profile does not say: a loopback target shares this machine's
 * cores, so one (the main thread); a remote one gets every core but one (kept for storage,
 * the dashboard and the monitor).
 */
function defaultWorkers(target: string): number {
  return isLoopbackHost(socketHost(new URL(target))) ? 1 : Math.max(1, availableParallelism() - 1);
}
