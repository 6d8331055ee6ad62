import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../src/core/finding';
import { resolveProfile } from '../src/profiles/resolve';
import type { UserProfile } from '../src/profiles/types';
import type { ThresholdInputs } from '../src/core/thresholds';
import { findingTone, judgeRun, type VerdictInput } from '../src/verdict/verdict';

const inputs = (p99: number, errorRate = 0): ThresholdInputs => ({
  latencyMs: { min: 1, mean: 2, p50: 2, p90: 3, p95: 4, p99, p999: p99, max: p99 },
  errorRate,
  throughput: 100,
  droppedRate: 0,
});

function plan(kind: UserProfile['kind'], thresholds: Record<string, string>, load: UserProfile['load']) {
  const { profile, problems } = resolveProfile({ name: 'v', kind, target: 'http://127.0.0.1:1', load, scenario: [{ request: { path: '/' } }], thresholds });
  assert.deepEqual(problems, []);
  return profile!;
}

const stressLoad = { model: 'open' as const, start: 100, step: 100, max: 600, stepDuration: '5s' };
const broken: Finding = { kind: 'breaking-point', verdict: 'broken', summary: 'breaks at 500/s', breakingLevel: 500, lastGoodLevel: 400 };
const run = (p: VerdictInput['plan'], findings: Finding[], o: Partial<VerdictInput> = {}) =>
  judgeRun({ plan: p, whole: inputs(501), beforeStage: () => inputs(12.53), findings, stop: { reason: 'completed', detail: '' }, ...o });

test('stress: thresholds are judged below the break and say so; the capacity gate decides; no badge contradicts', () => {
  const noGate = run(plan('stress', { 'latency.p99': '< 250ms' }, stressLoad), [broken]);
  assert.equal(noGate.status, 'passed');
  assert.equal(noGate.line, 'PASSED: capacity 400/s (breaks at 500/s); its threshold held below the break at 500/s (steps up to 400/s)');
  assert.equal(noGate.thresholds[0].judgedOn, 'below the break at 500/s (steps up to 400/s)');
  assert.equal(findingTone(broken, noGate.thresholds), 'info');

  const short = run(plan('stress', { capacity: '>= 600' }, stressLoad), [broken]);
  assert.equal(short.status, 'failed');
  assert.match(short.line, /^FAILED: capacity 400\/s, below the required >= 600 \(breaks at 500\/s\)$/);
  assert.equal(findingTone(broken, short.thresholds), 'bad');
  assert.equal(run(plan('stress', { capacity: '>= 300/s' }, stressLoad), [broken]).status, 'passed');
});

test('spike: no recovery fails by default; the recovery gate bounds its time', () => {
  const load = { model: 'open' as const, baseline: 100, peak: 600 };
  const notRecovered: Finding = { kind: 'recovery', verdict: 'not-recovered', summary: 'degraded', recoveryS: null };
  const v = run(plan('spike', {}, load), [notRecovered]);
  assert.deepEqual([v.status, v.line], ['failed', 'FAILED: not recovered within the run']);
  const slow: Finding = { kind: 'recovery', verdict: 'recovered', summary: 'recovered', recoveryS: 14 };
  assert.equal(run(plan('spike', { recovery: '< 10s' }, load), [slow]).line, 'FAILED: recovered in 14s, slower than the required < 10s');
  assert.equal(run(plan('spike', {}, load), [slow]).status, 'passed');
});

test('soak: a leak fails by default, warns with leak: warn, and inconclusive says how much longer', () => {
  const load = { model: 'open' as const, rate: 100, duration: '10m' };
  const leak: Finding = { kind: 'leak', verdict: 'leak', summary: 'RSS grows 1528 MB/h', slopeMBPerHour: 1528 };
  assert.equal(run(plan('soak', {}, load), [leak]).line, 'FAILED: leak: RSS grows 1528 MB/h');
  const warned = run(plan('soak', { leak: 'warn' }, load), [leak]);
  assert.equal(warned.status, 'passed');
  assert.match(warned.line, /warning: leak leak 1,528.0 MB\/h/);
  assert.equal(findingTone(leak, warned.thresholds), 'warn');
  const inconclusive: Finding = { kind: 'leak', verdict: 'inconclusive', summary: 'soak longer', soakMoreS: 600 };
  assert.equal(run(plan('soak', {}, load), [inconclusive]).line, 'PASSED: leak inconclusive: soak 10m longer');
  // Without a monitor the default gate notes it; an explicit one must not pass silently.
  assert.equal(run(plan('soak', {}, load), []).status, 'passed');
  assert.equal(run(plan('soak', { leak: 'fail' }, load), []).status, 'failed');
  // A GPU-memory leak fails the soak like an RSS one, whichever finding comes first.
  const rssFine: Finding = { kind: 'leak', verdict: 'no-leak', summary: 'no leak', resource: 'rss' };
  const gpuLeak: Finding = { kind: 'leak', verdict: 'leak', summary: 'target GPU memory grows 900 MB/h', resource: 'gpu-memory', slopeMBPerHour: 900 };
  assert.equal(run(plan('soak', {}, load), [rssFine, gpuLeak]).line, 'FAILED: leak: target GPU memory grows 900 MB/h');
});

test('cgroup memory badges: an OOM kill is bad, near the limit a warning', () => {
  const t = run(plan('load', {}, { model: 'open', rate: 10, duration: '10s' }), []).thresholds;
  assert.equal(findingTone({ kind: 'cgroup-memory', verdict: 'oom-kill', summary: '' }, t), 'bad');
  assert.equal(findingTone({ kind: 'cgroup-memory', verdict: 'near-limit', summary: '' }, t), 'warn');
  assert.equal(findingTone({ kind: 'cgroup-memory', verdict: 'ok', summary: '' }, t), 'good');
});

test('load: thresholds alone; abortOnFail and an interrupted run keep their own status', () => {
  const p = plan('load', { 'latency.p99': '< 250ms' }, { vus: 2, duration: '5s' });
  assert.equal(run(p, []).line, 'FAILED: latency.p99 < 250ms failed (actual 501ms)');
  assert.equal(run(p, [], { whole: inputs(10) }).line, 'PASSED: its threshold held');
  assert.equal(run(p, [], { whole: inputs(10), stop: { reason: 'aborted', detail: 'SIGINT' } }).line, 'ABORTED: SIGINT; its threshold held');
});

test('gates are checked against the kind and the model, repeating the bad value', () => {
  const bad = (kind: UserProfile['kind'], thresholds: Record<string, string>, load: UserProfile['load']) =>
    resolveProfile({ name: 'v', kind, target: 'http://127.0.0.1:1', load, scenario: [{ request: { path: '/' } }], thresholds }).problems;
  assert.deepEqual(bad('load', { capacity: '>= 5' }, { vus: 2, duration: '5s' }), ['thresholds.capacity: only for kind stress (this profile is kind load)']);
  assert.deepEqual(bad('stress', { capacity: '>= 5 VUs' }, stressLoad), ['thresholds.capacity: ">= 5 VUs" is in VUs but the open model\'s levels are arrivals/s']);
});
