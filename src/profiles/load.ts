import { dirname, resolve as resolvePath } from 'node:path';
import { ProfileError, UsageError } from '../errors';
import { parseDuration } from '../util/duration';
import { readProfileFile } from './read';
import { capStages, resolveProfile, type ProfileEnv } from './resolve';
import type { ResolvedProfile } from '../core/profile';
import type { UserMonitor, UserProfile } from './types';
import { schemaProblems } from './validate';

/** Command-line values that replace what the profile says. */
export interface ProfileOverrides {
  target?: string;
  duration?: string;
  warmup?: string;
  workers?: number;
  vus?: number;
  rate?: number;
  /** --monitor SPEC (already parsed), or false for --no-monitor. */
  monitor?: UserMonitor | false;
  /** --insecure: HTTPS certificates are not verified (http.insecure). */
  insecure?: boolean;
}

/** Applies overrides to the raw document so the schema validates the combination. */
function applyOverrides(raw: unknown, o: ProfileOverrides): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const doc = structuredClone(raw) as Record<string, unknown>;
  const load = { ...((doc.load as Record<string, unknown>) ?? {}) };
  const kind = doc.kind;
  if (o.target !== undefined) doc.target = o.target;
  if (o.insecure) doc.http = { ...((doc.http as object) ?? {}), insecure: true };
  if (o.monitor === false) delete doc.monitor;
  else if (o.monitor !== undefined)
    doc.monitor = { ...((doc.monitor as object) ?? {}), pid: undefined, port: undefined, match: undefined, url: undefined, cgroup: undefined, container: undefined, ...o.monitor };
  if (doc.monitor) doc.monitor = Object.fromEntries(Object.entries(doc.monitor).filter(([, v]) => v !== undefined));
  if ((o.vus !== undefined || o.rate !== undefined) && kind !== 'load' && kind !== 'soak') {
    throw new UsageError(`--vus and --rate apply to kinds load and soak; this profile is kind ${String(kind)} (edit its load section)`);
  }
  if (o.vus !== undefined) Object.assign(load, { model: 'closed', vus: o.vus, rate: undefined, maxInFlight: undefined });
  if (o.rate !== undefined) Object.assign(load, { model: 'open', rate: o.rate, vus: undefined });
  if (o.duration !== undefined && (kind === 'load' || kind === 'soak')) load.duration = o.duration;
  if (o.warmup !== undefined) load.warmup = o.warmup;
  if (o.workers !== undefined) load.workers = o.workers;
  for (const key of Object.keys(load)) if (load[key] === undefined) delete load[key];
  doc.load = load;
  return doc;
}

/**
 * Reads, validates and resolves a profile; throws ProfileError listing every problem.
 * `env` is what `{{env.NAME}}` templates are checked against (the CLI passes its environment).
 */
export function loadProfile(file: string, overrides: ProfileOverrides = {}, env: ProfileEnv = {}): ResolvedProfile {
  return loadProfileDocument(readProfileFile(file), file, dirname(resolvePath(file)), overrides, env);
}

/**
 * A profile already parsed (an agent receives its coordinator's), validated and resolved the
 * same way; `label` names it in errors, `baseDir` is where its relative data file paths start.
 */
export function loadProfileDocument(doc: unknown, label: string, baseDir: string, overrides: ProfileOverrides, env: ProfileEnv): ResolvedProfile {
  const raw = applyOverrides(doc, overrides);
  const problems = schemaProblems(raw);
  if (problems.length > 0) throw new ProfileError(label, problems);
  const { profile, problems: semantic } = resolveProfile(raw as UserProfile, baseDir, env);
  if (!profile) throw new ProfileError(label, semantic);
  const kind = profile.kind;
  if (overrides.duration !== undefined && kind !== 'load' && kind !== 'soak') {
    const capMs = parseDuration(overrides.duration);
    if (capMs === undefined) throw new UsageError(`--duration: "${overrides.duration}" is not a duration (use e.g. 30s, 2m)`);
    profile.stages = capStages(profile.stages, capMs);
    profile.totalDurationMs = profile.stages.reduce((sum, s) => sum + s.durationMs, 0);
  }
  return profile;
}
