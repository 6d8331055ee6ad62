import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { ResolvedProfile } from '../core/profile';
import { decodeHistogram, newLatencyHistogram } from '../core/histogram';
import { planAt, warmupLevel } from '../core/plan';
import type { Recorder } from '../recorder/recorder';
import { RunTotals } from '../recorder/totals';
import { StepStats, type StepPart } from '../recorder/steps';
import type { StepSummary } from '../core/summary';
import type { LoopDelay } from '../core/stalls';
import type { DriverHost, LoadDriver } from '../engine/driver';
import type { WarmupResult } from '../engine/types';
import { stepNamesOf } from '../engine/scenario/steps';
import { levelText } from '../util/format';
import { IntervalMerger } from './merger';
import type { FromWorker, ToWorker, WarmupPart, WorkerData } from './messages';

/** Time past the graceful stop for worker threads to send their last figures. */
const WORKER_HANDOVER_MS = 3000;

/** A worker's profile: its share of the connections and of the in-flight limit; it never splits again. */
function shareOf(profile: ResolvedProfile, of: number): ResolvedProfile {
  return {
    ...profile,
    workers: 1,
    connections: Math.max(1, Math.ceil(profile.connections / of)),
    maxInFlight: Math.max(1, Math.ceil(profile.maxInFlight / of)),
  };
}

/**
 * The load split across worker threads, each a whole engine on its shard (closed: VU ids
 * modulo N; open: every N-th arrival of the one schedule). To the main engine it is the
 * driver: the workers' interval parts go through the merger into the main recorder.
 */
export class WorkerFleet implements LoadDriver {
  readonly recorder: Recorder;
  private readonly merger: IntervalMerger;
  private readonly workers: Worker[] = [];
  private readonly inFlightBy: number[];
  private readonly readyParts: (WarmupPart | undefined)[] = [];
  private readonly doneBy = new Set<number>();
  private ready = 0;
  private doneCount = 0;
  private interrupted = 0;
  private factor = 1;
  private paused = false;
  /** When the clock started (performance.now()), for the planned level. */
  private startedAt = performance.now();
  private onReady: (() => void) | undefined;
  private onDone: (() => void) | undefined;
  private failure: string | undefined;

  constructor(private readonly host: DriverHost) {
    const { profile } = host;
    this.inFlightBy = new Array<number>(profile.workers).fill(0);
    this.recorder = host.newRecorder(stepNamesOf(profile.setup, profile.scenarios), () => this.inFlight());
    this.merger = new IntervalMerger({ sources: profile.workers, publish: (m) => this.recorder.publish(m) });
  }

  /** Starts the threads (each opens its connections and warms up) and waits until all are ready. */
  async prepare(): Promise<WarmupResult | undefined> {
    const { profile } = this.host;
    const level = warmupLevel(profile.stages, profile.model);
    if (profile.warmupMs > 0) this.host.emit('warmup', { at: this.host.now(), durationMs: profile.warmupMs, level });
    this.launch();
    await Promise.race([this.whenReady(), this.host.stopRequested]);
    const merged = this.warmup();
    // Each worker reports the whole plan's level (it takes its shard of it): the level is the plan's.
    return merged && { ...merged, level };
  }

  private launch(): void {
    const of = this.host.profile.workers;
    const shared = shareOf(this.host.profile, of);
    for (let index = 0; index < of; index++) {
      const data: WorkerData = { profile: shared, shard: { index, of }, env: { ...this.host.env } };
      const worker = new Worker(join(__dirname, 'worker-entry.js'), { workerData: data });
      worker.on('message', (m: FromWorker) => this.onMessage(index, m));
      worker.on('error', (err) => this.fail(`worker ${index + 1} failed: ${err.message}`));
      worker.on('exit', () => this.markDone(index));
      this.workers.push(worker);
    }
  }

  /** Each worker's latest cumulative step figures (sent only when there are several steps). */
  private readonly liveSteps: StepPart[][] = [];

  private readonly loopDelays: LoopDelay[] = [];

  /** The worst worker's event-loop delay. */
  loopDelayMs(): LoopDelay | undefined {
    if (this.loopDelays.length === 0) return undefined;
    return { p99: Math.max(...this.loopDelays.map((d) => d.p99)), max: Math.max(...this.loopDelays.map((d) => d.max)) };
  }

  liveStepSummaries(): StepSummary[] {
    const merged = this.recorder.steps.map((s) => new StepStats(s.name, s.scenario));
    for (const parts of this.liveSteps) parts?.forEach((part, i) => merged[i]?.merge(part));
    return merged.map((s) => s.summary());
  }

  private onMessage(index: number, m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        this.readyParts[index] = m.warmup;
        if (++this.ready === this.workers.length) this.onReady?.();
        break;
      case 'interval':
        this.merger.add(index, m.part);
        break;
      case 'steps':
        this.liveSteps[index] = m.steps;
        break;
      case 'inflight':
        this.inFlightBy[index] = m.count;
        break;
      case 'stopping':
        this.host.stop(m.reason, m.detail);
        break;
      case 'done':
        this.interrupted += m.interrupted;
        if (m.loopDelayMs) this.loopDelays.push(m.loopDelayMs);
        m.steps.forEach((part, i) => this.recorder.steps[i]?.merge(part));
        this.markDone(index);
        break;
      case 'failed':
        this.fail(`worker ${index + 1} failed: ${m.message}`);
        break;
    }
  }

  private fail(message: string): void {
    this.failure ??= message;
    this.host.stop('aborted', message);
    this.onReady?.();
  }

  private markDone(index: number): void {
    if (this.doneBy.has(index)) return;
    this.doneBy.add(index);
    this.inFlightBy[index] = 0;
    if (++this.doneCount === this.workers.length) this.onDone?.();
    if (this.ready < this.workers.length) this.onReady?.(); // a worker that died before ready
  }

  /** Resolves once every worker has its connections open and its warm-up done (or one failed). */
  private whenReady(): Promise<void> {
    if (this.ready === this.workers.length || this.failure) return Promise.resolve();
    return new Promise((resolve) => (this.onReady = resolve));
  }

  /** The workers' warm-ups merged into one (histograms added), when there was one. */
  private warmup(): WarmupResult | undefined {
    const parts = this.readyParts.filter((p): p is WarmupPart => p !== undefined);
    if (parts.length === 0) return undefined;
    const totals = new RunTotals();
    for (const p of parts) {
      const latency = decodeHistogram(p.latency);
      totals.add({
        counts: p.counts, offered: 0, started: 0, dropped: 0, bytes: 0, durationMs: p.durationOfIntervalsMs,
        latency, serviceLatency: newLatencyHistogram(), generatorLagMs: 0,
      });
    }
    return {
      durationMs: Math.max(...parts.map((p) => p.durationMs)),
      minimumMs: Math.max(...parts.map((p) => p.minimumMs)),
      settled: parts.every((p) => p.settled),
      lagMs: Math.max(...parts.map((p) => p.lagMs)),
      level: parts.reduce((s, p) => s + p.level, 0),
      connections: parts.reduce((s, p) => s + p.connections, 0),
      totals,
    };
  }

  private post(message: ToWorker): void {
    for (const w of this.workers) w.postMessage(message);
  }

  /** Intervals close when the workers' parts arrive: the main recorder only takes the clock. */
  begin(t0: number, startedAt: number): void {
    this.recorder.align(t0, startedAt);
  }

  start(): void {
    this.startedAt = performance.now();
    this.post({ type: 'go' });
  }

  startDue(): void {}

  stop(): void {
    this.post({ type: 'stop', detail: '' });
  }

  /**
   * Worker threads are not stopped at a normal end: their clocks started a moment after the
   * main one (the 'go' message), and each finishes its own plan, or its last arrivals would be
   * cut off. Each drains its own in-flight iterations, then hands over its last interval.
   */
  async drain(): Promise<number> {
    if (this.doneCount < this.workers.length) {
      await Promise.race([
        new Promise<void>((resolve) => (this.onDone = resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, this.host.profile.gracefulStopMs + WORKER_HANDOVER_MS).unref()),
      ]);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.merger.flush(); // whatever parts arrived for the last intervals (a worker may end a moment early)
    return this.interrupted;
  }

  async close(): Promise<void> {}

  inFlight(): number {
    return this.inFlightBy.reduce((s, n) => s + n, 0);
  }

  describeLevel(): string {
    const { profile } = this.host;
    const level = planAt(profile.stages, performance.now() - this.startedAt).level * this.factor;
    return `${levelText(profile.model, Math.round(level))} on ${this.workers.length} workers${this.paused ? ' (paused)' : ''}`;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.post({ type: 'pause', paused });
  }

  setFactor(factor: number): void {
    this.factor = factor;
    this.post({ type: 'factor', factor: this.factor });
  }
}
