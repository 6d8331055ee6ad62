/** The resolved plan: what the engine and everything after it see, every default applied. */
import type { LlmSlo, ResolvedLlm } from './llm';

export type Kind = 'load' | 'stress' | 'spike' | 'soak';
export type LoadModel = 'open' | 'closed';

/** How a run gets the target's resource samples. */
export type MonitorPlan =
  | {
      kind: 'local';
      selector: { kind: 'pid'; pid: number } | { kind: 'port'; port: number } | { kind: 'match'; pattern: string } | { kind: 'cgroup'; path: string };
      intervalMs: number;
      cgroup?: string;
      /** Resolved to its cgroup when the monitor starts. */
      container?: string;
    }
  | { kind: 'remote'; url: string; intervalMs: number };

/** Think time between steps, already parsed. */
export type ThinkTime = { kind: 'none' } | { kind: 'fixed'; ms: number } | { kind: 'uniform'; minMs: number; maxMs: number } | { kind: 'exponential'; meanMs: number };

/** Open-model arrival process: even spacing, Poisson, or gamma with a burstiness (vLLM's). */
export interface Arrivals {
  process: 'even' | 'poisson' | 'gamma';
  /** Gamma shape: 1 = Poisson, below 1 burstier, above 1 more even. */
  burstiness: number;
  seed: number;
}

export type FeederMode = 'sequential' | 'random' | 'unique';

export type Capture =
  { name: string; from: 'json'; path: string } | { name: string; from: 'header'; header: string } | { name: string; from: 'regex'; regex: string; group: number };

export interface Expect {
  status?: number[];
  body?: string;
  json?: Record<string, unknown>;
}

export interface ResolvedScenario {
  name: string;
  weight: number;
  steps: ResolvedStep[];
}

/** A linear segment of the load plan: the level goes from `from` to `to` over the stage. */
export interface Stage {
  name: string;
  durationMs: number;
  from: number;
  to: number;
}

export interface ResolvedStep {
  name: string;
  method: string;
  /** Path on the target, or an absolute URL; may hold {{templates}}. */
  path: string;
  url?: string;
  query?: [string, string][];
  headers: Record<string, string>;
  body: string | undefined;
  /** A JSON body whose string leaves may hold templates (rendered, then serialised). */
  json?: unknown;
  timeoutMs: number;
  think: ThinkTime;
  capture?: Capture[];
  expect?: Expect;
  /** An llm: step: streamed and measured as TTFT, ITL, TPOT, E2E and tokens. */
  llm?: ResolvedLlm;
}

export type ThresholdMetric =
  | 'latency.min'
  | 'latency.mean'
  | 'latency.p50'
  | 'latency.p90'
  | 'latency.p95'
  | 'latency.p99'
  | 'latency.p999'
  | 'latency.max'
  | 'errors.rate'
  | 'dropped.rate'
  | 'throughput'
  | LlmThresholdMetric;
type LlmThresholdMetric = `${'ttft' | 'tpot' | 'itl' | 'e2e'}.${'p50' | 'p90' | 'p95' | 'p99' | 'max' | 'mean'}` | 'tokens.rate' | 'goodput.rate' | 'goodput.fraction';
export type Comparator = '<' | '<=' | '>' | '>=';

/** Gates on findings: the capacity a stress run found, a spike's recovery time, a soak's leak. */
export type GateName = 'capacity' | 'recovery' | 'leak';

export type Gate =
  /** value: a load level in the model's unit (VUs or arrivals/s). */
  | { name: 'capacity'; condition: string; op: Comparator; value: number }
  /** value: ms. */
  | { name: 'recovery'; condition: string; op: Comparator; value: number }
  /** warn: reported without failing the run. */
  | { name: 'leak'; condition: 'fail' | 'warn' };

export interface Threshold {
  name: ThresholdMetric;
  /** The condition as written, for reports. */
  condition: string;
  op: Comparator;
  /** In the metric's base unit: ms for latency, 0..1 for error and dropped rates, per second for throughput. */
  value: number;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
}

/** What the engine and everything after it see: no defaults left to apply. */
export interface ResolvedProfile {
  name: string;
  description: string;
  kind: Kind;
  target: string;
  model: LoadModel;
  stages: Stage[];
  totalDurationMs: number;
  maxInFlight: number;
  connections: number;
  gracefulStopMs: number;
  /** Load run before the clock starts, recorded apart (0: none). */
  warmupMs: number;
  /** Worker threads generating the load (1: the main thread does). */
  workers: number;
  /** Open model: how arrivals are spaced (absent: evenly). */
  arrivals?: Arrivals;
  setup: ResolvedStep[];
  scenarios: ResolvedScenario[];
  /** Absolute path of the CSV feeder, if any. */
  data?: { file: string; mode: FeederMode };
  thresholds: Threshold[];
  /** Gates on findings written in `thresholds` (absent in runs stored before gates existed). */
  gates?: Gate[];
  monitor?: MonitorPlan;
  /** Present when a step is an llm: step; slo (if given) decides goodput. */
  llm?: { slo: LlmSlo | undefined };
  /** HTTPS trust: skip verification (staging only), or extra CA certificates from an absolute PEM path. */
  tls?: TlsOptions;
}

export interface TlsOptions {
  insecure: boolean;
  caFile?: string;
}
