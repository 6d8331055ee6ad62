import type { Finding } from '../core/finding';
import type { Gate, ResolvedProfile } from '../core/profile';
import type { ThresholdInputs, ThresholdResult } from '../core/thresholds';
import { evaluateThresholds } from '../thresholds/evaluate';
import { compare } from '../thresholds/parse';
import { formatDuration } from '../util/duration';
import { levelText, ms, num } from '../util/format';

/**
 * One verdict per run: every kind answers its own question, and the summary, the dashboard,
 * every report and the exit code state this one answer.
 *   load   do the SLOs hold?                   its thresholds
 *   stress what capacity, and is it enough?   capacity: ">= N", thresholds judged below the break
 *   spike  does it recover, how fast?         recovery: "< 10s"; no recovery within the run fails
 *   soak   does anything leak?                 leak: fail (default) | warn
 * Pure: figures and findings in, verdict out.
 */

type VerdictStatus = 'passed' | 'failed' | 'aborted';

export interface VerdictInput {
  plan: Pick<ResolvedProfile, 'kind' | 'model' | 'thresholds' | 'stages'> & { gates?: ResolvedProfile['gates'] };
  /** Threshold inputs over the whole run. */
  whole: ThresholdInputs;
  /** Threshold inputs over the stages before `stage` (a stress run's steps below its break). */
  beforeStage: (stage: number) => ThresholdInputs;
  findings: readonly Finding[];
  /** How the engine ended: completed, threshold (abortOnFail), stopped (break confirmed), aborted. */
  stop: { reason: string; detail: string };
  /** Set when no request succeeded: the run fails whatever its thresholds say. */
  noSuccess?: string;
}

export interface Verdict {
  status: VerdictStatus;
  /** The one line: "PASSED: capacity 400/s (breaks at 500/s); 2 thresholds held below the break at 500/s". */
  line: string;
  /** Metric thresholds, then gates on findings, each judged. */
  thresholds: ThresholdResult[];
  /** The part of the run the metric thresholds were judged on, when not all of it. */
  judgedOn?: string;
}

/** The gates a kind applies even when the profile writes none: a soak's leak, a spike's recovery. */
function effectiveGates(plan: VerdictInput['plan']): (Gate & { implicit?: boolean })[] {
  const gates: (Gate & { implicit?: boolean })[] = [...(plan.gates ?? [])];
  const has = (name: Gate['name']) => gates.some((g) => g.name === name);
  if (plan.kind === 'soak' && !has('leak')) gates.push({ name: 'leak', condition: 'fail', implicit: true });
  if (plan.kind === 'spike' && !has('recovery')) gates.push({ name: 'recovery', condition: 'recovers within the run', op: '<', value: Infinity, implicit: true });
  return gates;
}

/** Where a stress run's thresholds are judged: the steps below its break. */
function stressBasis(input: VerdictInput): { inputs: ThresholdInputs; judgedOn?: string } {
  const f = input.findings.find((x) => x.kind === 'breaking-point');
  if (input.plan.kind !== 'stress' || !f || f.verdict !== 'broken' || typeof f.breakingLevel !== 'number') return { inputs: input.whole };
  const at = levelText(input.plan.model, f.breakingLevel);
  const stage = input.plan.stages.findIndex((s) => s.to === f.breakingLevel);
  if (stage <= 0) return { inputs: input.whole, judgedOn: `on the whole run (it broke at its first step, ${at})` };
  const upTo = levelText(input.plan.model, input.plan.stages[stage - 1].to);
  return { inputs: input.beforeStage(stage), judgedOn: `below the break at ${at} (steps up to ${upTo})` };
}

function capacityResult(gate: Extract<Gate, { name: 'capacity' }>, plan: VerdictInput['plan'], f: Finding | undefined): ThresholdResult {
  const unit = plan.model === 'open' ? '/s' : ' VUs';
  const level = typeof f?.lastGoodLevel === 'number' ? f.lastGoodLevel : null;
  const base = { name: 'capacity' as const, condition: gate.condition, unit } as const;
  if (level === null) {
    const why = f?.verdict === 'broken' ? `none: it broke at its first step (${levelText(plan.model, f.breakingLevel as number)})` : 'none: no step completed';
    return { ...base, actual: null, actualText: why, passed: false };
  }
  const noBreak = f?.verdict === 'not-reached' ? ` (no break up to it)` : '';
  return { ...base, actual: level, actualText: `${levelText(plan.model, level)}${noBreak}`, passed: compare(level, gate.op, gate.value) };
}

function recoveryResult(gate: Extract<Gate, { name: 'recovery' }> & { implicit?: boolean }, f: Finding | undefined): ThresholdResult {
  const base = { name: 'recovery' as const, condition: gate.condition, unit: 's' as const };
  if (!f || f.verdict === 'inconclusive') {
    return { ...base, actual: null, actualText: `not judged: ${f?.summary ?? 'no recovery analysis'}`, passed: gate.implicit === true };
  }
  if (f.verdict !== 'recovered' || typeof f.recoveryS !== 'number') {
    return { ...base, actual: null, actualText: 'not recovered within the run', passed: false };
  }
  return { ...base, actual: f.recoveryS, actualText: `recovered in ${f.recoveryS}s`, passed: compare(f.recoveryS * 1000, gate.op, gate.value) };
}

function leakResult(gate: Extract<Gate, { name: 'leak' }> & { implicit?: boolean }, f: Finding | undefined): ThresholdResult {
  const base = { name: 'leak' as const, condition: gate.implicit ? 'fail (default)' : gate.condition, unit: '' as const, actual: null };
  if (!f) {
    // An explicit gate with nothing to judge must not pass silently; the default one notes it.
    return { ...base, actualText: 'not judged: no monitor attached (add monitor: or --monitor)', passed: gate.implicit === true };
  }
  const slope = typeof f.slopeMBPerHour === 'number' ? ` ${num(f.slopeMBPerHour, 1)} MB/h` : '';
  if (f.verdict === 'leak') {
    const warn = gate.condition === 'warn';
    return { ...base, actualText: `leak${slope}`, passed: warn, ...(warn ? { warn: true } : {}) };
  }
  if (f.verdict === 'inconclusive') {
    const more = typeof f.soakMoreS === 'number' ? `: soak ${formatDuration(f.soakMoreS * 1000)} longer` : '';
    return { ...base, actualText: `inconclusive${more}`, passed: true };
  }
  return { ...base, actualText: 'no leak', passed: true };
}

/** The leak finding a leak gate judges: one that leaks (RSS or the target's GPU memory), else the first. */
function judgedLeak(findings: readonly Finding[]): Finding | undefined {
  return findings.find((f) => f.kind === 'leak' && f.verdict === 'leak') ?? findings.find((f) => f.kind === 'leak');
}

/** Judges thresholds and gates, and states the run's one verdict. */
export function judgeRun(input: VerdictInput): Verdict {
  const { plan, findings } = input;
  const basis = stressBasis(input);
  const metrics = evaluateThresholds(plan.thresholds, basis.inputs).map((t) => (basis.judgedOn ? { ...t, judgedOn: basis.judgedOn } : t));
  const gates = effectiveGates(plan).map((g): ThresholdResult => {
    if (g.name === 'capacity')
      return capacityResult(
        g,
        plan,
        findings.find((f) => f.kind === 'breaking-point'),
      );
    if (g.name === 'recovery')
      return recoveryResult(
        g,
        findings.find((f) => f.kind === 'recovery'),
      );
    return leakResult(g, judgedLeak(findings));
  });
  const thresholds = [...metrics, ...gates];
  const aborted = input.stop.reason === 'aborted';
  const failed = input.stop.reason === 'threshold' || input.noSuccess !== undefined || thresholds.some((t) => !t.passed);
  const status: VerdictStatus = aborted ? 'aborted' : failed ? 'failed' : 'passed';
  const parts = [headline(input, gates), ...thresholdPart(metrics, basis.judgedOn)];
  if (aborted) parts.unshift(input.stop.detail || 'interrupted');
  if (input.noSuccess && !aborted) parts.unshift(input.noSuccess);
  if (input.stop.reason === 'threshold') parts.push(input.stop.detail);
  for (const t of gates.filter((x) => x.warn)) parts.push(`warning: ${t.name} ${t.actualText}`);
  // Dropped arrivals are load the target never saw: the verdict says so even when no dropped.rate gate judges them.
  if (basis.inputs.droppedRate > 0 && !plan.thresholds.some((t) => t.name === 'dropped.rate')) {
    parts.push(`${num(basis.inputs.droppedRate * 100, 2)}% of arrivals dropped (maxInFlight reached; gate with dropped.rate)`);
  }
  const said = parts.filter(Boolean);
  if (said.length === 0) said.push('no thresholds or gates to judge');
  return { status, line: `${status.toUpperCase()}: ${said.join('; ')}`, thresholds, ...(basis.judgedOn ? { judgedOn: basis.judgedOn } : {}) };
}

/** What the kind's question found, with its gate when there is one. */
function headline(input: VerdictInput, gates: ThresholdResult[]): string {
  const { plan, findings } = input;
  const gate = (name: string) => gates.find((g) => g.name === name);
  if (plan.kind === 'stress') {
    const f = findings.find((x) => x.kind === 'breaking-point');
    if (!f) return 'no capacity found (no step completed)';
    const cap = gate('capacity');
    const level = typeof f.lastGoodLevel === 'number' ? levelText(plan.model, f.lastGoodLevel) : 'none';
    const found = f.verdict === 'broken' ? `capacity ${level}` : `capacity at least ${level}`;
    const why = f.verdict === 'broken' ? `breaks at ${levelText(plan.model, f.breakingLevel as number)}` : 'no break up to it';
    const judged = cap ? `, ${cap.passed ? 'meets' : 'below'} the required ${cap.condition}` : '';
    return `${found}${judged} (${why})`;
  }
  if (plan.kind === 'spike') {
    const r = gate('recovery')!;
    if (r.condition === 'recovers within the run' || r.actual === null) return r.actualText ?? '';
    return `${r.actualText}, ${r.passed ? 'within' : 'slower than'} the required ${r.condition}`;
  }
  const leak = gate('leak');
  if (!leak) return '';
  const f = judgedLeak(findings);
  if (f?.verdict === 'leak' && !leak.warn) return `leak: ${f.summary}`;
  if (f?.verdict === 'leak') return '';
  return leak.actualText === 'no leak' ? 'no leak' : `leak ${leak.actualText}`;
}

function thresholdPart(metrics: ThresholdResult[], judgedOn: string | undefined): string[] {
  if (metrics.length === 0) return [];
  const failing = metrics.filter((t) => !t.passed);
  const where = judgedOn ? ` ${judgedOn}` : '';
  if (failing.length === 0) return [`${metrics.length === 1 ? 'its threshold' : `all ${metrics.length} thresholds`} held${where}`];
  // Where they were judged is said once, not after every failed threshold.
  const failed = failing.map((t) => `${t.name} ${t.condition} failed (actual ${actualText(t)})`).join(', ');
  return [judgedOn ? `judged ${judgedOn}: ${failed}` : failed];
}

/** The actual of a threshold or gate as shown everywhere: "12.53ms", "0.40%", "400/s", "no leak". */
export function actualText(t: ThresholdResult): string {
  if (t.actualText !== undefined) return t.actualText;
  if (t.actual === null) return '–';
  if (t.unit === 'ms') return ms(t.actual);
  const digits = t.unit === '%' ? 2 : t.unit === '/s' && !Number.isInteger(t.actual) ? 1 : 0;
  return `${num(t.actual, digits)}${t.unit}`;
}

/** pass, FAIL, or WARN (failed, but the profile asked only to be warned). */
export function resultWord(t: ThresholdResult): 'pass' | 'FAIL' | 'WARN' {
  return t.warn ? 'WARN' : t.passed ? 'pass' : 'FAIL';
}

/**
 * What a finding's badge should say and how it should be coloured, so that no badge contradicts
 * the verdict: a stress run's break is its result (neutral) unless a capacity gate failed.
 */
export function findingTone(f: Finding, thresholds: readonly ThresholdResult[]): 'good' | 'bad' | 'warn' | 'info' {
  const gate = (name: string) => thresholds.find((t) => t.name === name);
  switch (f.kind) {
    case 'breaking-point': {
      // The break is what a stress run is for: neutral, unless it came below the required capacity.
      const cap = gate('capacity');
      return cap && !cap.passed ? 'bad' : 'info';
    }
    case 'recovery': {
      const r = gate('recovery');
      return r ? (r.passed ? 'good' : 'bad') : f.verdict === 'recovered' ? 'good' : 'bad';
    }
    case 'leak': {
      const l = gate('leak');
      if (f.verdict === 'leak') return l && !l.warn && !l.passed ? 'bad' : 'warn';
      return f.verdict === 'no-leak' ? 'good' : 'info';
    }
    case 'generator-saturated':
      return 'warn';
    case 'cgroup-memory':
      return f.verdict === 'oom-kill' ? 'bad' : f.verdict === 'near-limit' ? 'warn' : 'good';
    default:
      return 'info';
  }
}
