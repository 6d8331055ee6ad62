import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { ResolvedProfile } from '../core/profile';
import { decodeHistogram, newLatencyHistogram } from '../core/histogram';
import type { Recorder } from '../recorder/recorder';
import type { StepPart } from '../recorder/steps';
import { RunTotals } from '../recorder/totals';
import type { IntervalPart } from '../core/interval';
import { levelText } from '../util/format';
import type { Executor } from '../engine/executor';
import { planAt } from '../core/plan';
import type { StopReason, WarmupResult } from '../engine/engine';

/** What a worker's warm-up looks like on the wire. */
export interface WarmupPart {
  durationMs: number;
  minimumMs: number;
  settled: boolean;
  lagMs: number;
  level: number;
  connections: number;
  counts: number[];
  latency: string;
  durationOfIntervalsMs: number;
}

/** Worker → main. */
export type FromWorker =
  | { type: 'ready'; warmup?: WarmupPart }
  | { type: 'interval'; part: IntervalPart }
  | { type: 'stopping'; reason: Exclude<StopReason, 'completed'>; detail: string }
  | { type: 'inflight'; count: number }
  | { type: 'done'; interrupted: number; steps: StepPart[] }
  | { type: 'failed'; message: string };

/** Main → worker. */
export type ToWorker =
  | { type: 'go' }
  | { type: 'stop'; detail: string }
  | { type: 'pause'; paused: boolean }
  | { type: 'factor'; factor: number };

export interface WorkerData {
  profile: ResolvedProfile;
  shard: { index: number; of: number };
  env: NodeJS.ProcessEnv;
}

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
 * executor; the workers' intervals go to the main recorder, which adds their histograms.
 */
export class WorkerFleet implements Executor {
  private readonly workers: Worker[] = [];
  private readonly inFlightBy: number[];
  private readonly readyParts: (WarmupPart | undefined)[] = [];
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

  constructor(
    private readonly profile: ResolvedProfile,
    private readonly recorder: Recorder,
    private readonly env: NodeJS.ProcessEnv,
    private readonly onStopping: (reason: Exclude<StopReason, 'completed'>, detail: string) => void,
  ) {
    this.inFlightBy = new Array<number>(profile.workers).fill(0);
  }

  /** Starts the threads: each opens its connections and warms up, then waits for start(). */
  launch(): void {
    const of = this.profile.workers;
    const shared = shareOf(this.profile, of);
    const env = this.env;
    for (let index = 0; index < of; index++) {
      const data: WorkerData = { profile: shared, shard: { index, of }, env: { ...env } };
      const worker = new Worker(join(__dirname, 'worker-entry.js'), { workerData: data });
      worker.on('message', (m: FromWorker) => this.onMessage(index, m));
      worker.on('error', (err) => this.fail(`worker ${index + 1} failed: ${err.message}`));
      worker.on('exit', () => this.markDone(index));
      this.workers.push(worker);
    }
  }

  private readonly doneBy = new Set<number>();

  private onMessage(index: number, m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        this.readyParts[index] = m.warmup;
        if (++this.ready === this.workers.length) this.onReady?.();
        break;
      case 'interval':
        this.recorder.ingest(m.part);
        break;
      case 'inflight':
        this.inFlightBy[index] = m.count;
        break;
      case 'stopping':
        this.onStopping(m.reason, m.detail);
        break;
      case 'done':
        this.interrupted += m.interrupted;
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
    this.onStopping('aborted', message);
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
  whenReady(): Promise<void> {
    if (this.ready === this.workers.length || this.failure) return Promise.resolve();
    return new Promise((resolve) => (this.onReady = resolve));
  }

  /** The workers' warm-ups merged into one (histograms added), when there was one. */
  warmup(): WarmupResult | undefined {
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

  start(): void {
    this.startedAt = performance.now();
    this.post({ type: 'go' });
  }

  startDue(): void {}

  stop(detail = ''): void {
    this.post({ type: 'stop', detail });
  }

  /** Resolves when every worker has handed over its last interval and step figures, or at the deadline. */
  async finished(deadlineMs: number): Promise<number> {
    if (this.doneCount < this.workers.length) {
      await Promise.race([
        new Promise<void>((resolve) => (this.onDone = resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref()),
      ]);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
    return this.interrupted;
  }

  inFlight(): number {
    return this.inFlightBy.reduce((s, n) => s + n, 0);
  }

  describeLevel(): string {
    const level = planAt(this.profile.stages, performance.now() - this.startedAt).level * this.factor;
    return `${levelText(this.profile.model, Math.round(level))} on ${this.workers.length} workers${this.paused ? ' (paused)' : ''}`;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.post({ type: 'pause', paused });
  }

  setFactor(factor: number): void {
    this.factor = factor;
    this.post({ type: 'factor', factor: this.factor });
  }

  failed(): string | undefined {
    return this.failure;
  }
}
