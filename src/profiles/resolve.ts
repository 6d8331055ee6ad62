import { defaults } from '../defaults';
import { parseCondition } from '../thresholds/parse';
import { parseDuration } from '../util/duration';
import { kindExpanders } from './kinds';
import { monitorPlanFrom } from './monitor-spec';
import type {
  ResolvedProfile, ResolvedStep, Stage, ThinkTime, Threshold, ThresholdMetric, UserProfile, UserStep,
} from './types';

/** Checks a schema-valid profile for what a schema cannot say, then fills in every default. */
export function resolveProfile(user: UserProfile): { profile?: ResolvedProfile; problems: string[] } {
  const problems: string[] = [];
  const model = user.load.model ?? defaults.model;
  checkLevels(user, model, problems);
  const thresholds = resolveThresholds(user, problems);
  const timeoutMs = parseDuration(user.http?.timeout ?? defaults.http.timeout)!;
  const scenario = user.scenario.map((step, i) => resolveStep(user, step, i, timeoutMs, problems));
  const level = (model === 'open' ? user.load.rate : user.load.vus) ?? 0;
  const stages = kindExpanders[user.kind](user.load, level);
  const totalDurationMs = stages.reduce((sum, s) => sum + s.durationMs, 0);
  if (totalDurationMs <= 0) problems.push('load: the stages add up to no time at all; give a duration above 0');
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
      scenario,
      thresholds,
      ...(monitor && typeof monitor !== 'string' ? { monitor } : {}),
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
    problems.push(`target: "${user.target}" is not a valid URL`);
  }
}

function resolveThresholds(user: UserProfile, problems: string[]): Threshold[] {
  const out: Threshold[] = [];
  for (const [name, spec] of Object.entries(user.thresholds ?? {})) {
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

function parseThink(text: string | undefined): ThinkTime {
  if (text === undefined) return { kind: 'none' };
  const [low, high] = text.split('..');
  const minMs = parseDuration(low)!;
  if (high === undefined) return minMs > 0 ? { kind: 'fixed', ms: minMs } : { kind: 'none' };
  return { kind: 'uniform', minMs, maxMs: parseDuration(high)! };
}

function resolveStep(user: UserProfile, step: UserStep, index: number, timeoutMs: number, problems: string[]): ResolvedStep {
  const req = step.request;
  const path = `scenario[${index}]`;
  if (req.body !== undefined && req.json !== undefined) problems.push(`${path}.request: give body or json, not both`);
  const think = parseThink(step.think);
  if (think.kind === 'uniform' && think.maxMs < think.minMs) problems.push(`${path}.think: the range must go from low to high`);
  const headers: Record<string, string> = { ...(user.http?.headers ?? {}), ...(req.headers ?? {}) };
  let body = req.body;
  if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  const method = req.method ?? (body !== undefined ? 'POST' : defaults.http.method);
  const name = step.name ?? `${method} ${req.path ?? defaults.http.path}`;
  return {
    name,
    method,
    path: req.path ?? defaults.http.path,
    headers,
    body,
    timeoutMs: req.timeout ? parseDuration(req.timeout)! : timeoutMs,
    think,
  };
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
