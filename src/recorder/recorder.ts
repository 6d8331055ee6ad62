import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { defaults } from '../defaults';
import { OUTCOME_COUNT, isError, type OutcomeClass } from '../core/outcome';
import type { PlanPoint } from '../core/plan';
import { decodeHistogram, encodeHistogram, newLatencyHistogram, type Histogram } from '../core/histogram';
import { RunTotals } from './totals';
import { StepStats } from './steps';
import type { StepSummary } from '../core/summary';
import type { IntervalPart, IntervalSink, IntervalSnapshot } from '../core/interval';
import { StallWatch } from './stalls';
import type { Stall } from '../core/stalls';

export interface RecorderOptions {
  /** Names of every step (setup first), indexed as the engine reports them. */
  steps?: { name: string; scenario: string }[];
  /** Monotonic clock in ms (performance.now in production, fake in tests). */
  clock: () => number;
  /** Wall-clock epoch ms matching clock() === startClock. */
  startedAt: number;
  startClock: number;
  intervalMs?: number;
  plan: (elapsedMs: number) => PlanPoint;
  /** Whether service latency differs from corrected latency (the open model). */
  separateServiceLatency: boolean;
  inFlight: () => number;
  sinks: IntervalSink[];
  /**
   * Worker threads send this many parts per interval (ingest()); the recorder merges them and
   * records nothing itself. Absent: requests are recorded here (response()).
   */
  mergeParts?: number;
}

/**
 * Folds per-request outcomes into the current interval and hands each closed interval
 * to the sinks. Nothing per request is kept, so memory does not grow with run length.
 */
export class Recorder {
  readonly totals = new RunTotals();
  private readonly intervalMs: number;
  private readonly counts = new Array<number>(OUTCOME_COUNT).fill(0);
  private readonly latency: Histogram = newLatencyHistogram();
  private readonly serviceLatency: Histogram;
  private readonly lag: IntervalHistogram;
  private index = 0;
  private intervalEnd: number;
  private offered = 0;
  private started = 0;
  private dropped = 0;
  private bytes = 0;
  private scheduleLag = 0;
  private cpuAt = process.cpuUsage();
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  private lastTickAt: number | undefined;
  private tickLate = 0;
  private readonly tickEveryMs: number;
  /** Stalls of this thread's event loop, with their times (absent when merging workers' parts). */
  readonly stalls: StallWatch;
  private mergedStalls: Stall[] = [];

  /** Per-step totals for the whole run (latency and outcomes by step name). */
  readonly steps: StepStats[];

  constructor(private readonly o: RecorderOptions) {
    this.steps = (o.steps ?? []).map((s) => new StepStats(s.name, s.scenario));
    this.intervalMs = o.intervalMs ?? defaults.recorder.intervalMs;
    this.tickEveryMs = Math.min(250, this.intervalMs);
    this.intervalEnd = o.startClock + this.intervalMs;
    this.serviceLatency = o.separateServiceLatency ? newLatencyHistogram() : this.latency;
    this.lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    this.stalls = new StallWatch(o.clock, (at) => this.o.startedAt + (at - this.o.startClock));
  }

  addSink(sink: IntervalSink): void {
    this.o.sinks.push(sink);
  }

  /** Closes every sink once, after finish(); the store sink's last flush happens here. */
  async closeSinks(): Promise<void> {
    for (const sink of this.o.sinks) await sink.close?.();
  }

  /**
   * Starts interval 0 at `startClock` (wall time `startedAt`), and the timer that closes
   * intervals even when no request completes.
   */
  begin(startClock: number, startedAt: number): void {
    this.o.startClock = startClock;
    this.o.startedAt = startedAt;
    this.intervalEnd = startClock + this.intervalMs;
    this.cpuAt = process.cpuUsage();
    if (this.o.mergeParts) return; // intervals close when the workers' parts arrive
    this.lag.enable();
    this.stalls.start();
    this.lastTickAt = startClock;
    this.timer = setInterval(() => this.tick(), this.tickEveryMs);
    this.timer.unref();
  }

  tick(): void {
    const now = this.o.clock();
    // The tick's own lateness catches a blocked event loop that the delay histogram can miss
    // (its sample may land after the interval closed).
    if (this.lastTickAt !== undefined) this.tickLate = Math.max(this.tickLate, now - this.lastTickAt - this.tickEveryMs);
    this.lastTickAt = now;
    if (now >= this.intervalEnd) this.rotate(now);
  }

  /** A response (or transport failure) finished; latencies in µs, or -1 when there was no response. */
  response(step: number, cls: OutcomeClass, latencyUs: number, serviceLatencyUs: number, bytes: number, at?: number): void {
    const now = at ?? this.o.clock();
    if (now >= this.intervalEnd) this.rotate(now);
    this.counts[cls]++;
    this.bytes += bytes;
    const stats = this.steps[step];
    if (stats) stats.counts[cls]++;
    const stepLatency = this.steps.length > 1 ? stats : undefined;
    if (latencyUs >= 0) {
      const max = defaults.recorder.maxLatencyUs;
      const clamped = latencyUs < 1 ? 1 : latencyUs > max ? max : latencyUs;
      this.latency.recordValue(clamped);
      stepLatency?.latency.recordValue(clamped);
      if (this.serviceLatency !== this.latency) {
        this.serviceLatency.recordValue(serviceLatencyUs < 1 ? 1 : serviceLatencyUs > max ? max : serviceLatencyUs);
      }
    }
  }

  /** Per-step figures; with one step its latency is the run's, recorded once on the hot path. */
  stepSummaries(): StepSummary[] {
    return this.steps.map((s) => s.summary(this.steps.length === 1 ? this.totals.latency : undefined));
  }

  failure(step: number, reason: string): void {
    this.steps[step]?.fail(reason);
  }

  skipped(step: number, reason: string): void {
    this.steps[step]?.skip(reason);
  }

  arrivalOffered(): void {
    this.offered++;
  }
  iterationStarted(): void {
    this.started++;
  }
  arrivalDropped(): void {
    this.dropped++;
  }
  /** How late (ms) an iteration started against its intended start (`dueAt`, clock ms). */
  scheduleLate(ms: number, dueAt: number): void {
    if (ms > this.scheduleLag) this.scheduleLag = ms;
    if (ms > 1) this.stalls.late(dueAt, dueAt + ms);
  }

  /** Closes the last (possibly partial) interval and stops the timer. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.o.mergeParts) {
      // Whatever parts arrived for the last intervals (a worker may end a moment early).
      for (const index of [...this.parts.keys()].sort((a, b) => a - b)) this.publishMerged(index);
      return;
    }
    if (this.timer) clearInterval(this.timer);
    this.stalls.stop();
    const now = this.o.clock();
    if (now >= this.intervalEnd) this.rotate(now);
    this.stalls.close();
    const partialMs = now - (this.intervalEnd - this.intervalMs);
    if (partialMs > 1 || this.hasData()) this.emit(Math.max(partialMs, 1));
    this.lag.disable();
  }

  private readonly parts = new Map<number, IntervalPart[]>();

  /** A worker's part of an interval; intervals are published in order once every part is in. */
  ingest(part: IntervalPart): void {
    const parts = this.parts.get(part.index) ?? [];
    parts.push(part);
    this.parts.set(part.index, parts);
    while ((this.parts.get(this.index)?.length ?? 0) >= this.o.mergeParts!) this.publishMerged(this.index);
  }

  /** Encodes an interval for the main thread (worker side). */
  static partOf(i: IntervalSnapshot): IntervalPart {
    return {
      index: i.index, durationMs: i.durationMs, counts: [...i.counts], offered: i.offered, started: i.started, dropped: i.dropped,
      bytes: i.bytes, latency: encodeHistogram(i.latency),
      ...(i.serviceLatency !== i.latency ? { serviceLatency: encodeHistogram(i.serviceLatency) } : {}),
      generatorLagMs: i.generatorLagMs, scheduleLagMs: i.scheduleLagMs, inFlight: i.inFlight, stalls: [...i.stalls],
    };
  }

  private publishMerged(index: number): void {
    const parts = this.parts.get(index) ?? [];
    this.parts.delete(index);
    let lag = 0;
    let scheduleLag = 0;
    let inFlight = 0;
    let durationMs = 0;
    for (const p of parts) {
      for (let c = 0; c < OUTCOME_COUNT; c++) this.counts[c] += p.counts[c];
      this.offered += p.offered;
      this.started += p.started;
      this.dropped += p.dropped;
      this.bytes += p.bytes;
      this.latency.add(decodeHistogram(p.latency));
      if (this.serviceLatency !== this.latency) this.serviceLatency.add(decodeHistogram(p.serviceLatency ?? p.latency));
      lag = Math.max(lag, p.generatorLagMs);
      scheduleLag = Math.max(scheduleLag, p.scheduleLagMs);
      inFlight += p.inFlight;
      durationMs = Math.max(durationMs, p.durationMs);
      this.mergedStalls.push(...(p.stalls ?? []));
    }
    this.scheduleLag = scheduleLag;
    this.index = index;
    this.intervalEnd = this.o.startClock + (index + 1) * this.intervalMs;
    this.emit(durationMs || this.intervalMs, { lagMs: lag, inFlight });
  }

  private hasData(): boolean {
    return this.counts.some((c) => c > 0) || this.offered > 0 || this.dropped > 0;
  }

  private cpuPercent(durationMs: number): number {
    const now = process.cpuUsage();
    const usedUs = now.user - this.cpuAt.user + now.system - this.cpuAt.system;
    this.cpuAt = now;
    return Math.round((usedUs / 1000 / durationMs) * 10000) / 100;
  }

  private rotate(now: number): void {
    while (now >= this.intervalEnd) {
      this.emit(this.intervalMs);
      this.intervalEnd += this.intervalMs;
    }
  }

  private emit(durationMs: number, merged?: { lagMs: number; inFlight: number }): void {
    const start = this.intervalEnd - this.intervalMs;
    const plan = this.o.plan(start - this.o.startClock + durationMs / 2);
    const own = merged ? { stalls: this.mergedStalls, worstMs: 0 } : this.stalls.take();
    this.mergedStalls = [];
    let requests = 0;
    let errors = 0;
    for (let c = 0; c < OUTCOME_COUNT; c++) {
      requests += this.counts[c];
      if (isError(c)) errors += this.counts[c];
    }
    const snapshot: IntervalSnapshot = {
      index: this.index,
      startedAt: this.o.startedAt + (start - this.o.startClock),
      durationMs,
      stage: plan.stage,
      level: plan.level,
      counts: this.counts.slice(),
      requests,
      errors,
      offered: this.offered,
      started: this.started,
      dropped: this.dropped,
      bytes: this.bytes,
      latency: this.latency,
      serviceLatency: this.serviceLatency,
      generatorLagMs: merged ? merged.lagMs : Math.max(lagBeyondResolutionMs(this.lag.max), Math.round(this.tickLate * 100) / 100, own.worstMs),
      stalls: own.stalls,
      scheduleLagMs: Math.round(this.scheduleLag * 100) / 100,
      generatorCpuPct: this.cpuPercent(durationMs),
      inFlight: merged ? merged.inFlight : this.o.inFlight(),
    };
    this.totals.add(snapshot);
    for (const sink of this.o.sinks) sink.onInterval(snapshot);
    this.index++;
    this.counts.fill(0);
    this.offered = this.started = this.dropped = this.bytes = this.scheduleLag = 0;
    this.latency.reset();
    if (this.serviceLatency !== this.latency) this.serviceLatency.reset();
    this.lag.reset();
    this.tickLate = 0;
  }
}

const LAG_RESOLUTION_MS = 10;
/** The delay histogram measures whole timer periods (ns); the lag is what exceeds the period. */
function lagBeyondResolutionMs(maxNs: number): number {
  return Math.max(0, Math.round((maxNs / 1e6 - LAG_RESOLUTION_MS) * 100) / 100);
}
