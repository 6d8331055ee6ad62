import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { defaults } from '../defaults';
import { OUTCOME_COUNT, isError, type OutcomeClass } from '../core/outcome';
import type { PlanPoint } from '../core/plan';
import { newLatencyHistogram, type Histogram } from '../core/histogram';
import { RunTotals } from './totals';
import { StepStats } from './steps';
import type { StepSummary } from '../core/summary';
import type { IntervalSink, IntervalSnapshot, MergedInterval } from '../core/interval';
import { StallWatch } from './stalls';
import { addFigures, emptyFigures, hasFigures, meetsSlo, recordRequest, resetFigures, type LlmBadClass, type LlmFigures, type LlmRequestMetrics, type LlmSlo } from '../core/llm';

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
  /** The profile has llm: steps: their figures are kept per interval, with the SLO for goodput. */
  llm?: { slo: LlmSlo | undefined };
}

/**
 * Folds per-request outcomes into the current interval and hands each closed interval
 * to the sinks. Nothing per request is kept, so memory does not grow with run length.
 *
 * Two ways in, one way out: requests measured on this thread (begin, response, finish), or
 * intervals measured elsewhere and merged (align, publish: worker threads, agents). Either
 * way the sinks and the totals see the same IntervalSnapshot.
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
  private readonly llm: LlmFigures | undefined;
  /** Stalls of this thread's event loop, with their times (none when the intervals are published). */
  readonly stalls: StallWatch;

  /** Per-step totals for the whole run (latency and outcomes by step name). */
  readonly steps: StepStats[];

  constructor(private readonly o: RecorderOptions) {
    this.steps = (o.steps ?? []).map((s) => new StepStats(s.name, s.scenario));
    this.intervalMs = o.intervalMs ?? defaults.recorder.intervalMs;
    this.tickEveryMs = Math.min(250, this.intervalMs);
    this.intervalEnd = o.startClock + this.intervalMs;
    this.serviceLatency = o.separateServiceLatency ? newLatencyHistogram() : this.latency;
    this.lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    this.llm = o.llm ? emptyFigures() : undefined;
    this.stalls = new StallWatch(o.clock, (at) => this.o.startedAt + (at - this.o.startClock));
  }

  addSink(sink: IntervalSink): void {
    this.o.sinks.push(sink);
  }

  /** Closes every sink once, after finish(); the store sink's last flush happens here. */
  async closeSinks(): Promise<void> {
    for (const sink of this.o.sinks) await sink.close?.();
  }

  /** Interval 0 starts at `startClock` (wall time `startedAt`); nothing is measured here. */
  align(startClock: number, startedAt: number): void {
    this.o.startClock = startClock;
    this.o.startedAt = startedAt;
    this.intervalEnd = startClock + this.intervalMs;
    this.cpuAt = process.cpuUsage();
  }

  /**
   * Starts interval 0 at `startClock` (wall time `startedAt`), measuring on this thread: the
   * timer that closes intervals even when no request completes, the event-loop watches.
   */
  begin(startClock: number, startedAt: number): void {
    this.align(startClock, startedAt);
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

  /**
   * An llm: step's answer: its figures when it was a good one, else why not. Called just
   * before response() for the same request (which rotates the interval if due).
   */
  llmResponse(step: number, metrics: LlmRequestMetrics | undefined, bad: LlmBadClass | undefined, at?: number): void {
    if (!this.llm) return;
    const now = at ?? this.o.clock();
    if (now >= this.intervalEnd) this.rotate(now);
    const good = metrics !== undefined && (this.o.llm?.slo ? meetsSlo(metrics, this.o.llm.slo) : true);
    if (bad) this.llm.bad[bad]++;
    else if (metrics) recordRequest(this.llm, metrics, good);
    this.steps[step]?.llmAnswer(metrics, bad, good);
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

  sample(step: number, cls: OutcomeClass, reason: string): void {
    this.steps[step]?.sample(cls, reason);
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

  /** Closes the last (possibly partial) interval and stops the timer (after begin(); else nothing to close). */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.timer) return; // published intervals: the publisher closed the last one
    clearInterval(this.timer);
    this.stalls.stop();
    const now = this.o.clock();
    if (now >= this.intervalEnd) this.rotate(now);
    this.stalls.close();
    const partialMs = now - (this.intervalEnd - this.intervalMs);
    if (partialMs > 1 || this.hasData()) this.emit(Math.max(partialMs, 1));
    this.lag.disable();
  }

  /**
   * An interval measured elsewhere and merged (see split/merger): published as if recorded
   * here, in index order; the planned stage and level are this recorder's.
   */
  publish(m: MergedInterval): void {
    for (let c = 0; c < OUTCOME_COUNT; c++) this.counts[c] += m.counts[c];
    this.offered += m.offered;
    this.started += m.started;
    this.dropped += m.dropped;
    this.bytes += m.bytes;
    this.latency.add(m.latency);
    if (this.serviceLatency !== this.latency) this.serviceLatency.add(m.serviceLatency ?? m.latency);
    if (this.llm && m.llm) addFigures(this.llm, m.llm);
    this.scheduleLag = m.scheduleLagMs;
    this.index = m.index;
    this.intervalEnd = this.o.startClock + (m.index + 1) * this.intervalMs;
    this.emit(m.durationMs || this.intervalMs, m);
  }

  private hasData(): boolean {
    return this.counts.some((c) => c > 0) || this.offered > 0 || this.dropped > 0 || (this.llm !== undefined && hasFigures(this.llm));
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

  private emit(durationMs: number, merged?: MergedInterval): void {
    const start = this.intervalEnd - this.intervalMs;
    const plan = this.o.plan(start - this.o.startClock + durationMs / 2);
    const own = merged ? { stalls: merged.stalls, worstMs: 0 } : this.stalls.take();
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
      generatorLagMs: merged ? merged.generatorLagMs : Math.max(lagBeyondResolutionMs(this.lag.max), Math.round(this.tickLate * 100) / 100, own.worstMs),
      stalls: own.stalls,
      scheduleLagMs: Math.round(this.scheduleLag * 100) / 100,
      generatorCpuPct: this.cpuPercent(durationMs),
      inFlight: merged ? merged.inFlight : this.o.inFlight(),
      ...(this.llm ? { llm: this.llm } : {}),
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
    if (this.llm) resetFigures(this.llm);
  }
}

const LAG_RESOLUTION_MS = 10;
/** The delay histogram measures whole timer periods (ns); the lag is what exceeds the period. */
function lagBeyondResolutionMs(maxNs: number): number {
  return Math.max(0, Math.round((maxNs / 1e6 - LAG_RESOLUTION_MS) * 100) / 100);
}
