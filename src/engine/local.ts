import type { ResolvedProfile, Stage } from '../core/profile';
import { planAt, warmupLevel } from '../core/plan';
import { HttpTransport } from '../http/transport';
import { Recorder } from '../recorder/recorder';
import { sleepLong } from '../util/timers';
import type { DriverHost, LoadDriver } from './driver';
import type { WarmupResult } from './types';
import type { Executor, ExecutorContext } from './executor';
import { executors } from './executors';
import type { IterationContext } from './iteration';
import { DataFeeder } from './scenario/feeder';
import { prepareScenarios } from './scenario/steps';
import { SettleWatch, settleLimits } from './settle';
import { countTokens } from '../llm/tokens';

/** The open model pre-opens at most this many connections; more open as the load needs them. */
const OPEN_MODEL_PREOPEN = 100;
/** The warm-up's intervals: short, so its settling is judged (and strain's per-interval work rehearsed) often. */
const WARMUP_SLICE_MS = 250;
/** How long warm-up iterations still in flight may take before the clock starts anyway. */
const WARMUP_DRAIN_MS = 2000;

/** The load on this thread: one transport, one executor for the profile's model, the scenario runner. */
class LocalDriver implements LoadDriver {
  readonly recorder: Recorder;
  private readonly transport: HttpTransport;
  private readonly executor: Executor;
  private readonly context: ExecutorContext;
  private readonly stepNames: { name: string; scenario: string }[];

  constructor(private readonly host: DriverHost) {
    const { profile } = host;
    this.transport = new HttpTransport({ target: profile.target, connections: profile.connections, tls: profile.tls });
    const prepared = prepareScenarios(this.transport, profile.setup, profile.scenarios);
    this.stepNames = prepared.stepNames;
    const shard = host.shard ?? { index: 0, of: 1 };
    const feeder = profile.data ? new DataFeeder(profile.data.file, profile.data.mode, host.random, shard) : undefined;
    this.recorder = host.newRecorder(prepared.stepNames, () => this.executor.inFlight());
    const iteration: IterationContext = {
      transport: this.transport,
      setup: prepared.setup,
      scenarios: prepared.scenarios,
      sink: this.recorder,
      clock: host.clock,
      random: host.random,
      env: host.env,
      feeder,
      onFeederExhausted: () => host.stop('stopped', feeder!.describeExhausted()),
      isStopping: () => host.isStopping(),
      isRecording: () => host.isRecording(),
    };
    this.context = {
      iteration,
      recorder: this.recorder,
      stages: profile.stages,
      plan: (ms) => planAt(profile.stages, ms),
      clock: host.clock,
      t0: host.clock(),
      maxInFlight: profile.maxInFlight,
      ...(profile.arrivals ? { arrivals: profile.arrivals } : {}),
      users: [],
      shard,
    };
    this.executor = executors[profile.model](this.context);
  }

  async prepare(): Promise<WarmupResult | undefined> {
    preloadLazyModules(this.host.profile);
    const connections = await this.openConnections();
    const warmup = this.host.profile.warmupMs > 0 && !this.host.isStopping() ? await this.warmUp(connections) : undefined;
    await this.host.beforeClock?.(warmup);
    return warmup;
  }

  begin(t0: number, startedAt: number): void {
    this.context.t0 = t0;
    this.recorder.begin(t0, startedAt);
  }

  start(): void {
    this.executor.start();
  }

  startDue(): void {
    this.executor.startDue();
  }

  stop(): void {
    this.executor.stop();
  }

  async drain(): Promise<number> {
    this.executor.stop();
    const deadline = this.host.clock() + this.host.profile.gracefulStopMs;
    while (this.executor.inFlight() > 0 && this.host.clock() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.executor.inFlight();
  }

  async close(): Promise<void> {
    await this.transport.destroy().catch(() => undefined);
  }

  inFlight(): number {
    return this.executor.inFlight();
  }

  describeLevel(): string {
    return this.executor.describeLevel();
  }

  setPaused(paused: boolean): void {
    this.executor.setPaused(paused);
  }

  setFactor(factor: number): void {
    this.executor.setFactor(factor);
  }

  /** Opens the target's connections before the clock: VUs in the closed model, a share of maxInFlight in the open one. */
  private openConnections(): Promise<number> {
    const { profile } = this.host;
    const wanted = profile.model === 'closed' ? profile.connections : Math.min(profile.connections, OPEN_MODEL_PREOPEN);
    return Promise.race([this.transport.warm(wanted), this.host.stopRequested.then(() => 0)]);
  }

  /**
   * Runs the load at its starting level for warmupMs into a recorder of its own, so the
   * generator's JIT warm-up (and the target's) is shown but never mixed into the results.
   * In-flight iterations drain before the clock starts; closed-model VUs keep their users.
   */
  private async warmUp(connections: number): Promise<WarmupResult> {
    const { profile, clock, now } = this.host;
    const level = warmupLevel(profile.stages, profile.model);
    const limits = settleLimits(profile.warmupMs);
    const settle = new SettleWatch(limits);
    const stages: Stage[] = [{ name: 'warm-up', durationMs: limits.maxMs, from: level, to: level }];
    const t0 = clock();
    const recorder = new Recorder({
      intervalMs: WARMUP_SLICE_MS,
      steps: this.stepNames,
      clock,
      startClock: t0,
      startedAt: now(),
      plan: (ms) => planAt(stages, ms),
      separateServiceLatency: profile.model === 'open',
      inFlight: () => executor.inFlight(),
      sinks: [settle, ...this.host.rehearsal],
      ...(profile.llm ? { llm: profile.llm } : {}),
    });
    const executor = executors[profile.model]({
      ...this.context,
      iteration: { ...this.context.iteration, sink: recorder },
      recorder,
      stages,
      plan: (ms) => planAt(stages, ms),
      t0,
    });
    this.host.emit('warmup', { at: now(), durationMs: profile.warmupMs, level });
    recorder.begin(t0, now());
    executor.start();
    await Promise.race([settle.settled, sleepLong(limits.maxMs), this.host.stopRequested]);
    executor.stop();
    const drainUntil = clock() + Math.min(profile.gracefulStopMs, WARMUP_DRAIN_MS);
    while (executor.inFlight() > 0 && clock() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 5));
    recorder.finish();
    return {
      durationMs: Math.round(clock() - t0),
      minimumMs: limits.minMs,
      settled: settle.isSettled,
      lagMs: settle.recentLagMs,
      level,
      connections,
      totals: recorder.totals,
    };
  }
}

/** The default driver: the load runs on this thread. */
export const localDriver = (host: DriverHost): LoadDriver => new LocalDriver(host);

/**
 * Modules loaded on first use (the cookie jar's, 20-70 ms; the LLM tokenizer, 150 ms or more)
 * are loaded before the clock: on first use mid-run their require() blocked the generator's
 * event loop, and a profile with setup steps or data has no warm-up to load them in.
 */
function preloadLazyModules(profile: ResolvedProfile): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('tough-cookie');
  const steps = [...profile.setup, ...profile.scenarios.flatMap((s) => s.steps)];
  if (steps.some((s) => s.llm)) countTokens('warm');
}
