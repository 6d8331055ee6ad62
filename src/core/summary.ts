import type { LlmSummary, StepLlmSummary } from './llm';
import type { LoopDelay, StallReport } from './stalls';
import type { Finding } from './finding';
import type { LatencyStatsMs } from './histogram';
import type { ThresholdResult } from './thresholds';

/** crashed: the run's process died; the summary holds what was stored (store/recover). */
export type SummaryStatus = 'passed' | 'failed' | 'aborted' | 'crashed';

/** The run summary: the JSON printed by --json and stored with the run (keys in README). */
export interface RunSummary {
  runId: number;
  profile: string;
  kind: string;
  model: string;
  target: string;
  status: SummaryStatus;
  /** The run's one verdict in one line, as the summary, the dashboard and every report state it. */
  verdict: string;
  stopReason: string;
  startedAt: string;
  endedAt: string;
  durationS: number;
  requests: number;
  errors: number;
  errorRate: number;
  throughput: number;
  offered: number;
  dropped: number;
  /** Steps that could not be sent (a capture failed earlier): neither requests nor errors. */
  skipped: number;
  skippedByReason: Record<string, number>;
  interrupted: number;
  latencyMs: LatencyStatsMs;
  /** Open model: latency from the actual send, without queueing behind the schedule. */
  serviceLatencyMs?: LatencyStatsMs;
  errorsByClass: Record<string, number>;
  statusClasses: Record<string, number>;
  /** Thresholds, then gates on findings (capacity, recovery, leak). */
  thresholds: ThresholdResult[];
  /** The part of the run the metric thresholds were judged on, when not all of it (stress). */
  thresholdsJudgedOn?: string;
  findings: Finding[];
  resources: ResourceSummary;
  /** Per step: latency, outcomes and why checks or captures failed. */
  steps: StepSummary[];
  /** saturated: strain itself was the limit for a while (see the generator-saturated finding). */
  generator: GeneratorSummary;
  /** Load before the clock started: shown for honesty, never part of the figures above. */
  warmup?: WarmupSummary;
  /** llm: steps: TTFT, TPOT, ITL, E2E, tokens and goodput (docs/llm.md). */
  llm?: LlmSummary;
  /** Present when writes to the store failed: what could not be stored (the run then exits 3). */
  storeFault?: StoreFault;
  /** A distributed run (`strain coordinate`): what each agent generated. */
  agents?: AgentSummary[];
}

export interface StoreFault {
  /** The first failure, one line (e.g. "database or disk is full (SQLITE_FULL)"). */
  error: string;
  failedWrites: number;
  storedSeconds: number;
  /** Measured seconds that are not in the store: the summary's figures still include them. */
  unstoredSeconds: number;
}

/** One agent of a distributed run, as the summary lists it. */
export interface AgentSummary {
  index: number;
  name: string;
  requests: number;
  errors: number;
  /** Seconds this agent's figures were merged into. */
  seconds: number;
  /** Its clock minus the coordinator's, as measured when it joined (ms). */
  clockOffsetMs: number;
  status: 'finished' | 'lost' | 'failed';
  detail?: string;
}

export interface GeneratorSummary {
  maxLagMs: number;
  saturated: boolean;
  workers: number;
  /** The event loop's delay over the run (a 10 ms probe timer's lateness), one generator thread. */
  loopDelayMs?: LoopDelay;
  /** Times strain's own event loop stalled (5 ms or more) and what that did to the p99. */
  stalls?: StallReport;
}

export interface WarmupSummary {
  durationS: number;
  /** The profile's warmup: it ran at least this long, then until the generator settled (bounded). */
  minimumS: number;
  settled: boolean;
  /** The worst generator or schedule lag in its last second, ms. */
  lagMs: number;
  level: number;
  connections: number;
  requests: number;
  errors: number;
  latencyMs: LatencyStatsMs;
}

export interface StepSummary {
  name: string;
  scenario: string;
  requests: number;
  errors: number;
  errorsByClass: Record<string, number>;
  latencyMs: LatencyStatsMs;
  /**
   * Why requests failed, most frequent first: checks and captures by reason, and one
   * sample per error class ("5xx: HTTP 503: \"db down\"", "timeout: no response within 2000ms",
   * "other: TLS: self-signed certificate") with that class's count.
   */
  failures: { reason: string; count: number }[];
  /** Times the step could not be sent (not requests, not errors), and why. */
  skipped: number;
  skipReasons: { reason: string; count: number }[];
  /** An llm: step's TTFT, TPOT, ITL, E2E, tokens and bad answers. */
  llm?: StepLlmSummary;
}

/** GPUs over the run: utilisation averaged over devices, memory and power summed across them. */
export interface GpuSummary {
  devices: number;
  utilMeanPct: number | null;
  utilMaxPct: number | null;
  memUsedMaxMB: number | null;
  memTotalMB: number | null;
  powerMeanW: number | null;
  /** The most GPU memory the target and its children held at once, all devices together. */
  targetMemMaxMB: number | null;
}

/** The cgroup the monitor sampled: its CPU (of one core and of its quota), memory and OOM kills. */
export interface CgroupSummary {
  path: string;
  samples: number;
  cpuMeanPct: number | null;
  cpuMaxPct: number | null;
  quotaCores: number | null;
  quotaMeanPct: number | null;
  quotaMaxPct: number | null;
  memMaxMB: number | null;
  memLimitMB: number | null;
  oomKills: number;
}

/** The run's failure reasons across its steps, most frequent first (a reason shared by steps is added up). */
export function runFailures(steps: readonly StepSummary[] | undefined, max = 5): { reason: string; count: number }[] {
  const merged = new Map<string, number>();
  for (const st of steps ?? []) for (const f of st.failures) merged.set(f.reason, (merged.get(f.reason) ?? 0) + f.count);
  return [...merged.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, max)
    .map(([reason, count]) => ({ reason, count }));
}

export interface ResourceSummary {
  monitorId: number | null;
  samples: number;
  pids: number[];
  restarts: number;
  cpuMeanPct: number | null;
  cpuMaxPct: number | null;
  rssStartMB: number | null;
  rssEndMB: number | null;
  rssMaxMB: number | null;
  /** What the monitor itself cost, so its overhead is visible next to the target's figures. */
  monitorCpuMeanPct: number | null;
  /** Present only when nvidia-smi answered during the run. */
  gpu?: GpuSummary;
  /** Present only when a cgroup was sampled (named, or the target's own with a limit). */
  cgroup?: CgroupSummary;
}
