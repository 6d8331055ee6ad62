import { performance } from 'node:perf_hooks';
import type { ResolvedProfile } from '../core/profile';
import { decodeHistogram, newLatencyHistogram } from '../core/histogram';
import type { MergedInterval } from '../core/interval';
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
import type { FromWorker, IntervalPart, ToWorker, WarmupPart } from './messages';

/** A shard's profile: its share of the connections and of the in-flight limit. */
export function shareLimits(profile: ResolvedProfile, of: number): ResolvedProfile {
  return {
    ...profile,
    connections: Math.max(1, Math.ceil(profile.connections / of)),
    maxInFlight: Math.max(1, Math.ceil(profile.maxInFlight / of)),
  };
}

/**
 * The load split over shards, each a whole engine on its share (closed: VU ids modulo N; open:
 * every N-th arrival of the one schedule). To the main engine it is the driver: the shards'
 * interval parts go through the merger into this recorder. Subclasses say how shards are
 * reached: worker threads (split/fleet.ts) or agents over the network (distributed/).
 */
export abstract class ShardFleet implements LoadDriver {
  readonly recorder: Recorder;
  protected readonly merger: IntervalMerger;
  private readonly inFlightBy: number[];
  private readonly readyParts: (WarmupPart | undefined)[] = [];
  private readonly readyBy = new Set<number>();
  private readonly doneBy = new Set<number>();
  private interrupted = 0;
  private factor = 1;
  private paused = false;
  /** When the clock started (performance.now()), for the planned level. */
  private startedAt = performance.now();
  private onReady: (() => void) | undefined;
  private onDone: (() => void) | undefined;
  private failure: string | undefined;
  /** Each shard's latest cumulative step figures (sent only when there are several steps). */
  private readonly liveSteps: StepPart[][] = [];
  private readonly loopDelays: LoopDelay[] = [];

  constructor(
    protected readonly host: DriverHost,
    protected readonly shards: number,
    /** What a shard is called in messages ("worker", "agent"). */
    private readonly noun: string,
  ) {
    this.inFlightBy = new Array<number>(shards).fill(0);
    this.recorder = host.newRecorder(stepNamesOf(host.profile.setup, host.profile.scenarios), () => this.inFlight());
    this.merger = new IntervalMerger({ sources: shards, publish: (m) => this.publish(m) });
  }

  /** Starts the shards (each opens its connections and warms up). */
  protected abstract launch(): void;
  /** Sends a control message to every shard still running. */
  protected abstract post(message: ToWorker): void;
  /** After the last figures (or the deadline): let the shards go. */
  protected abstract release(): Promise<void>;
  /** How long past the graceful stop shards may take to hand over their last figures. */
  protected abstract handoverMs(): number;

  /** A merged interval on its way to the recorder (subclasses may look at it first). */
  protected publish(merged: MergedInterval): void {
    this.recorder.publish(merged);
  }

  /** A shard's interval part (subclasses may count it first). */
  protected takePart(index: number, part: IntervalPart): void {
    this.merger.add(index, part);
  }

  /** Starts the shards and waits until all are ready (connected, warmed up) or one failed. */
  async prepare(): Promise<WarmupResult | undefined> {
    const { profile } = this.host;
    const level = warmupLevel(profile.stages, profile.model);
    if (profile.warmupMs > 0) this.host.emit('warmup', { at: this.host.now(), durationMs: profile.warmupMs, level });
    this.launch();
    await Promise.race([this.whenReady(), this.host.stopRequested]);
    const merged = this.warmup();
    // Each shard reports the whole plan's level (it takes its share of it): the level is the plan's.
    return merged && { ...merged, level };
  }

  protected onMessage(index: number, m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        this.readyParts[index] = m.warmup;
        this.readyBy.add(index);
        this.checkReady();
        break;
      case 'interval':
        this.takePart(index, m.part);
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
        this.fail(`${this.noun} ${index + 1} failed: ${m.message}`);
        break;
    }
  }

  protected fail(message: string): void {
    this.failure ??= message;
    this.host.stop('aborted', message);
    this.onReady?.();
  }

  /** A shard that will send nothing more (finished, exited, or lost): no longer waited for. */
  protected markDone(index: number): void {
    if (this.doneBy.has(index)) return;
    this.doneBy.add(index);
    this.inFlightBy[index] = 0;
    this.merger.lose(index);
    if (this.doneBy.size === this.shards) this.onDone?.();
    this.checkReady(); // a shard that died before it was ready
  }

  private checkReady(): void {
    for (let i = 0; i < this.shards; i++) if (!this.readyBy.has(i) && !this.doneBy.has(i)) return;
    this.onReady?.();
  }

  private whenReady(): Promise<void> {
    if (this.readyBy.size === this.shards || this.failure) return Promise.resolve();
    return new Promise((resolve) => {
      this.onReady = resolve;
      this.checkReady();
    });
  }

  /** The shards' warm-ups merged into one (histograms added), when there was one. */
  private warmup(): WarmupResult | undefined {
    const parts = this.readyParts.filter((p): p is WarmupPart => p !== undefined);
    if (parts.length === 0) return undefined;
    const totals = new RunTotals();
    for (const p of parts) {
      const latency = decodeHistogram(p.latency);
      totals.add({
        counts: p.counts,
        offered: 0,
        started: 0,
        dropped: 0,
        bytes: 0,
        durationMs: p.durationOfIntervalsMs,
        latency,
        serviceLatency: newLatencyHistogram(),
        generatorLagMs: 0,
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

  /** The worst shard's event-loop delay. */
  loopDelayMs(): LoopDelay | undefined {
    if (this.loopDelays.length === 0) return undefined;
    return { p99: Math.max(...this.loopDelays.map((d) => d.p99)), max: Math.max(...this.loopDelays.map((d) => d.max)) };
  }

  liveStepSummaries(): StepSummary[] {
    const merged = this.recorder.steps.map((s) => new StepStats(s.name, s.scenario));
    for (const parts of this.liveSteps) parts?.forEach((part, i) => merged[i]?.merge(part));
    return merged.map((s) => s.summary());
  }

  /** Intervals close when the shards' parts arrive: this recorder only takes the clock. */
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
   * Shards are not stopped at a normal end: their clocks started a moment after the main one
   * (the 'go' message), and each finishes its own plan, or its last arrivals would be cut off.
   * Each drains its own in-flight iterations, then hands over its last interval.
   */
  async drain(): Promise<number> {
    if (this.doneBy.size < this.shards) {
      await Promise.race([
        new Promise<void>((resolve) => (this.onDone = resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, this.host.profile.gracefulStopMs + this.handoverMs()).unref()),
      ]);
    }
    await this.release();
    this.merger.flush(); // whatever parts arrived for the last intervals (a shard may end a moment early)
    return this.interrupted;
  }

  async close(): Promise<void> {}

  failed(): string | undefined {
    return this.failure;
  }

  inFlight(): number {
    return this.inFlightBy.reduce((s, n) => s + n, 0);
  }

  describeLevel(): string {
    const { profile } = this.host;
    const level = planAt(profile.stages, performance.now() - this.startedAt).level * this.factor;
    return `${levelText(profile.model, Math.round(level))} on ${this.merger.liveSources()} ${this.noun}s${this.paused ? ' (paused)' : ''}`;
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
