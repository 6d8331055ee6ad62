import type { Finding } from '../core/finding';
import { planAt } from '../core/plan';
import type { ResolvedProfile } from '../core/profile';
import { decodeHistogram, newLatencyHistogram, percentileMs } from '../core/histogram';
import { addFigures, decodeFigures, emptyFigures, type LlmFigures, type LlmFiguresJson } from '../core/llm';
import { thresholdInputsOf } from '../core/thresholds';
import { printable } from '../util/format';
import type { Db } from '../store/db';
import { FindingStore } from '../store/findings';
import { MonitorStore } from '../store/monitor';
import { RunStore, type StoredRun } from '../store/runs';
import { evaluateThresholds } from '../thresholds/evaluate';
import type { DashboardSnapshot } from './snapshot';
import { STALL_EVENT } from '../core/stalls';
import { defaults } from '../defaults';

const WINDOW = 120;
const MB = 1048576;

function push<T>(xs: T[], x: T): void {
  xs.push(x);
  if (xs.length > WINDOW) xs.shift();
}

export interface LiveControls {
  /** live (default): this process runs it; watch: another process does. */
  mode?: 'live' | 'watch';
  paused: boolean;
  factor: number;
  /** Live per-step figures from the engine (a watched run shows them once it has ended). */
  steps?: () => DashboardSnapshot['steps'];
}

/**
 * Reads a run from the store incrementally (new intervals, samples and events since the
 * last poll) and turns it into dashboard snapshots. The same feed serves a run in this
 * process and `strain watch` of a run written by another one.
 */
export class RunFeed {
  private readonly runs: RunStore;
  private readonly monitors: MonitorStore;
  private readonly plan: ResolvedProfile;
  private readonly total = newLatencyHistogram(64);
  /** llm: steps' figures so far, for the live llm thresholds. */
  private llmTotal: LlmFigures | undefined;
  private run: StoredRun;
  private lastT = -1;
  private lastSampleAt = 0;
  private lastGpuAt = 0;
  private gpu: DashboardSnapshot['gpu'];
  private cgroup: DashboardSnapshot['cgroup'];
  private warmupAt: number | undefined;
  private lastEventId = 0;
  private requests = 0;
  private errors = 0;
  private dropped = 0;
  private offered = 0;
  private durationMs = 0;
  private readonly s: Pick<DashboardSnapshot, 't' | 'p50' | 'p95' | 'p99' | 'rps' | 'errorPct' | 'level' | 'cpuT' | 'cpuPct' | 'rssMB' | 'log'> = {
    t: [],
    p50: [],
    p95: [],
    p99: [],
    rps: [],
    errorPct: [],
    level: [],
    cpuT: [],
    cpuPct: [],
    rssMB: [],
    log: [],
  };
  private llm: NonNullable<DashboardSnapshot['llm']> | undefined;
  private inFlight = 0;
  private lastDropped = 0;
  private findings: Finding[] = [];
  /** Threshold results change only when intervals arrive; computed then, not per redraw. */
  private thresholds: DashboardSnapshot['thresholds'] = [];

  constructor(
    private readonly db: Db,
    runId: number,
  ) {
    this.runs = new RunStore(db);
    this.monitors = new MonitorStore(db);
    this.run = this.runs.getRun(runId)!;
    this.plan = this.run.plan;
    if (this.plan.llm) {
      const slo = this.plan.llm.slo;
      this.llm = {
        ttftP50: [],
        ttftP95: [],
        ttftP99: [],
        tpotP50: [],
        tpotP99: [],
        tokensPerSec: [],
        goodPct: [],
        ...(slo?.ttftMs !== undefined ? { sloTtftMs: slo.ttftMs } : {}),
        ...(slo?.tpotMs !== undefined ? { sloTpotMs: slo.tpotMs } : {}),
      };
    }
  }

  /** One second of llm figures into the LLM view's series (decoded once, as it arrives). */
  private pushLlm(r: { llm_json?: string | null; duration_ms: number }): void {
    const l = this.llm!;
    const f = r.llm_json ? (JSON.parse(r.llm_json) as LlmFiguresJson) : undefined;
    const ttft = f?.ttft ? decodeHistogram(f.ttft) : undefined;
    const tpot = f?.tpot ? decodeHistogram(f.tpot) : undefined;
    push(l.ttftP50, ttft ? percentileMs(ttft, 50) : 0);
    push(l.ttftP95, ttft ? percentileMs(ttft, 95) : 0);
    push(l.ttftP99, ttft ? percentileMs(ttft, 99) : 0);
    push(l.tpotP50, tpot ? percentileMs(tpot, 50) : 0);
    push(l.tpotP99, tpot ? percentileMs(tpot, 99) : 0);
    push(l.tokensPerSec, f ? (f.outputTokens * 1000) / r.duration_ms : 0);
    const attempted = f ? f.requests + Object.values(f.bad).reduce((a, b) => a + (b ?? 0), 0) : 0;
    push(l.goodPct, attempted > 0 ? (f!.good / attempted) * 100 : 0);
  }

  /** Pulls whatever is new from the store. */
  poll(): void {
    this.run = this.runs.getRun(this.run.id)!;
    const fresh = this.runs.intervalsAfter(this.run.id, this.lastT);
    for (const r of fresh) {
      this.lastT = r.t;
      if (r.hist) this.total.add(decodeHistogram(r.hist));
      if (r.llm_json) addFigures((this.llmTotal ??= emptyFigures(64)), decodeFigures(JSON.parse(r.llm_json) as LlmFiguresJson));
      this.requests += r.requests;
      this.errors += r.errors;
      this.dropped += r.dropped;
      this.offered += r.offered;
      this.durationMs += r.duration_ms;
      this.inFlight = r.in_flight;
      this.lastDropped = r.dropped;
      push(this.s.t, r.t);
      push(this.s.p50, r.p50_ms);
      push(this.s.p95, r.p95_ms);
      push(this.s.p99, r.p99_ms);
      push(this.s.rps, (r.requests * 1000) / r.duration_ms);
      push(this.s.errorPct, r.requests > 0 ? (r.errors / r.requests) * 100 : 0);
      push(this.s.level, r.level);
      if (this.llm) this.pushLlm(r);
    }
    if (fresh.length > 0) this.updateThresholds();
    if (this.run.monitor_id !== null) {
      for (const sample of this.monitors.resourceSamples(this.run.monitor_id, this.lastSampleAt + 1)) {
        this.lastSampleAt = sample.at;
        push(this.s.cpuT, Math.round((sample.at - this.run.started_at) / 1000));
        push(this.s.cpuPct, sample.cpuPct);
        push(this.s.rssMB, sample.rssBytes / MB);
      }
      this.pollGpuAndCgroup(this.run.monitor_id);
    }
    const events = this.runs.eventsAfter(this.lastEventId, this.run.id, this.run.monitor_id ?? -1, this.run.started_at);
    for (const e of events) {
      this.lastEventId = e.id;
      if (e.kind === 'warmup') this.warmupAt = e.at;
      if (e.kind === 'monitor-started' || e.kind === 'monitor-stopped') continue;
      // Short stalls are in the store and the summary; the log shows the ones that flag saturation.
      if (e.kind === STALL_EVENT && Number(/stalled ([\d.]+) ms/.exec(e.message)?.[1] ?? 0) <= defaults.generatorLag.saturatedMs) continue;
      push(this.s.log, printable(`${new Date(e.at).toISOString().slice(11, 19)} ${e.message}`));
    }
    if (this.run.status !== 'running' && this.findings.length === 0) {
      this.findings = new FindingStore(this.db).forRun(this.run.id);
      for (const f of this.findings) push(this.s.log, printable(`finding ${f.kind} [${f.verdict}]: ${f.summary}`));
    }
  }

  private pollGpuAndCgroup(monitorId: number): void {
    const byAt = new Map<number, { util: number[]; target: number }>();
    for (const g of this.monitors.gpuSamples(monitorId, this.lastGpuAt + 1)) {
      const row = byAt.get(g.at) ?? { util: [], target: 0 };
      if (g.utilPct !== null) row.util.push(g.utilPct);
      row.target += g.targetMemMB ?? 0;
      byAt.set(g.at, row);
      this.lastGpuAt = g.at;
    }
    for (const [at, row] of byAt) {
      this.gpu ??= { t: [], utilPct: [], targetMB: [] };
      push(this.gpu.t, Math.round((at - this.run.started_at) / 1000));
      push(this.gpu.utilPct, row.util.length ? row.util.reduce((a, b) => a + b, 0) / row.util.length : 0);
      push(this.gpu.targetMB, row.target);
    }
    const c = this.monitors.cgroupSamples(monitorId, Math.max(this.lastSampleAt - 5000, 0)).at(-1);
    if (c) this.cgroup = { memMB: c.memBytes === null ? null : c.memBytes / MB, limitMB: c.memLimitBytes === null ? null : c.memLimitBytes / MB };
  }

  private updateThresholds(): void {
    const llm = this.plan.llm ? { figures: this.llmTotal, goodput: this.plan.llm.slo !== undefined } : undefined;
    this.thresholds = evaluateThresholds(this.plan.thresholds, thresholdInputsOf(this.total, this.requests, this.errors, this.durationMs, this.dropped, this.offered, llm));
  }

  private finishedSteps(): DashboardSnapshot['steps'] {
    const steps = this.run.summary?.steps ?? [];
    return steps.map((s) => ({ name: s.name, requests: s.requests, errors: s.errors, p95Ms: s.latencyMs.p95 }));
  }

  /** A line for the event log that is not in the store (the store itself failed). */
  note(text: string): void {
    push(this.s.log, printable(`${new Date().toISOString().slice(11, 19)} ${text}`));
  }

  /** The stored summary once the run has ended: its verdict and judged thresholds and gates. */
  private final: { verdict?: string; thresholds?: DashboardSnapshot['thresholds'] } | undefined;
  private finished(): { verdict?: string; thresholds?: DashboardSnapshot['thresholds'] } | undefined {
    if (this.final || !this.run.summary_json || this.run.status === 'running') return this.final;
    this.final = JSON.parse(this.run.summary_json) as { verdict?: string; thresholds?: DashboardSnapshot['thresholds'] };
    return this.final;
  }

  snapshot(nowMs: number, controls: LiveControls = { paused: false, factor: 1 }): DashboardSnapshot {
    const plan = this.plan;
    const running = this.run.status === 'running';
    const elapsedMs = Math.max(0, (running ? nowMs : (this.run.ended_at ?? nowMs)) - this.run.started_at);
    const point = planAt(plan.stages, elapsedMs);
    const p99Threshold = plan.thresholds.find((t) => t.name === 'latency.p99') ?? plan.thresholds.find((t) => t.name === 'latency.p95');
    const n = this.s.t.length;
    return {
      runId: this.run.id,
      profile: printable(plan.name),
      kind: plan.kind,
      model: plan.model,
      target: printable(plan.target),
      status: this.run.status,
      mode: controls.mode ?? 'live',
      ...(this.finished() ? { verdict: this.finished()!.verdict } : {}),
      elapsedMs,
      totalMs: plan.totalDurationMs,
      stageName: printable(plan.stages[point.stage]?.name ?? ''),
      stageIndex: point.stage,
      stageCount: plan.stages.length,
      plannedLevel: point.level * controls.factor,
      paused: controls.paused,
      // The run's start moves past the warm-up event once the clock starts.
      warmingUp: running && this.warmupAt !== undefined && this.warmupAt >= this.run.started_at,
      factor: controls.factor,
      ...this.s,
      latest: {
        p50: n ? this.s.p50[n - 1] : 0,
        p95: n ? this.s.p95[n - 1] : 0,
        p99: n ? this.s.p99[n - 1] : 0,
        rps: n ? this.s.rps[n - 1] : 0,
        errorRate: n ? this.s.errorPct[n - 1] / 100 : 0,
        cpuPct: this.s.cpuPct.length ? this.s.cpuPct[this.s.cpuPct.length - 1] : null,
        rssMB: this.s.rssMB.length ? this.s.rssMB[this.s.rssMB.length - 1] : null,
        inFlight: this.inFlight,
        dropped: this.lastDropped,
      },
      totals: { requests: this.requests, errors: this.errors, dropped: this.dropped },
      p99ThresholdMs: p99Threshold?.value,
      // Once ended, the judged rows (a stress run's below its break, gates on findings) replace the live ones.
      thresholds: this.finished()?.thresholds ?? this.thresholds,
      findings: this.findings,
      steps: (controls.steps?.() ?? this.finishedSteps()).map((st) => ({ ...st, name: printable(st.name) })),
      ...(this.gpu ? { gpu: this.gpu } : {}),
      ...(this.llm ? { llm: this.llm } : {}),
      ...(this.cgroup ? { cgroup: this.cgroup } : {}),
    };
  }
}
