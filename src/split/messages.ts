import type { ResolvedProfile } from '../core/profile';
import { encodeHistogram } from '../core/histogram';
import type { IntervalSnapshot } from '../core/interval';
import type { LoopDelay, Stall } from '../core/stalls';
import { encodeFigures, type LlmFiguresJson } from '../core/llm';
import type { StepPart } from '../recorder/steps';
import type { StopReason, WarmupResult } from '../engine/types';

/**
 * Every message of a split run, in one place: what crosses between the main thread and its
 * worker threads (a coordinator and its agents reuse IntervalPart and StepPart). Plain data
 * that structured clone or JSON carries as is; histograms travel encoded.
 */

/**
 * One source's share of an interval (a worker thread's, or an agent's), as it crosses to
 * whoever merges: counts and encoded histograms, so they add up exactly (split/merger).
 */
export interface IntervalPart {
  index: number;
  durationMs: number;
  counts: number[];
  offered: number;
  started: number;
  dropped: number;
  bytes: number;
  latency: string;
  /** Absent when service latency is the same histogram (closed model). */
  serviceLatency?: string;
  generatorLagMs: number;
  scheduleLagMs: number;
  inFlight: number;
  stalls?: Stall[];
  /** llm: steps' figures, histograms encoded. */
  llm?: LlmFiguresJson;
}

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
  | { type: 'done'; interrupted: number; steps: StepPart[]; loopDelayMs?: LoopDelay }
  /** Cumulative per-step figures with each interval, when there are several steps (live dashboard). */
  | { type: 'steps'; steps: StepPart[] }
  | { type: 'failed'; message: string };

/** Main → worker. */
export type ToWorker =
  /** `at`: the coordinator's wall clock (ms) at which agents start together; threads start at once. */
  { type: 'go'; at?: number } | { type: 'stop'; detail: string } | { type: 'pause'; paused: boolean } | { type: 'factor'; factor: number };

export interface WorkerData {
  profile: ResolvedProfile;
  shard: { index: number; of: number };
  env: NodeJS.ProcessEnv;
}

/** An interval as a part, for whoever merges (worker side). */
export function encodeInterval(i: IntervalSnapshot): IntervalPart {
  return {
    index: i.index,
    durationMs: i.durationMs,
    counts: [...i.counts],
    offered: i.offered,
    started: i.started,
    dropped: i.dropped,
    bytes: i.bytes,
    latency: encodeHistogram(i.latency),
    ...(i.serviceLatency !== i.latency ? { serviceLatency: encodeHistogram(i.serviceLatency) } : {}),
    generatorLagMs: i.generatorLagMs,
    scheduleLagMs: i.scheduleLagMs,
    inFlight: i.inFlight,
    stalls: [...i.stalls],
    ...(i.llm ? { llm: encodeFigures(i.llm) } : {}),
  };
}

/** A warm-up as a part (worker side). */
export function encodeWarmup(w: WarmupResult): WarmupPart {
  return {
    durationMs: w.durationMs,
    minimumMs: w.minimumMs,
    settled: w.settled,
    lagMs: w.lagMs,
    level: w.level,
    connections: w.connections,
    counts: [...w.totals.counts],
    latency: encodeHistogram(w.totals.latency),
    durationOfIntervalsMs: w.totals.durationMs,
  };
}
