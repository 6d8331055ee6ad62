import type { Finding } from '../core/finding';
import type { ThresholdResult } from '../core/thresholds';

/** Everything the dashboard shows at one instant; built from the store, drawn by views. */
export interface DashboardSnapshot {
  runId: number;
  profile: string;
  kind: string;
  model: 'open' | 'closed';
  target: string;
  status: string;
  /** live: this process runs it (q stops it); watch: another process does (q only stops watching). */
  mode: 'live' | 'watch';
  /** The stored one-line verdict once the run has ended. */
  verdict?: string;
  elapsedMs: number;
  totalMs: number;
  stageName: string;
  stageIndex: number;
  stageCount: number;
  plannedLevel: number;
  paused: boolean;
  /** The warm-up is running: the clock (and the figures) have not started yet. */
  warmingUp: boolean;
  factor: number;
  /** Per-second series, oldest first, at most the last `window` seconds. */
  t: number[];
  p50: number[];
  p95: number[];
  p99: number[];
  rps: number[];
  errorPct: number[];
  level: number[];
  cpuT: number[];
  cpuPct: number[];
  rssMB: number[];
  latest: { p50: number; p95: number; p99: number; rps: number; errorRate: number; cpuPct: number | null; rssMB: number | null; inFlight: number; dropped: number };
  totals: { requests: number; errors: number; dropped: number };
  p99ThresholdMs: number | undefined;
  thresholds: ThresholdResult[];
  log: string[];
  findings: Finding[];
  /** When the monitor samples GPUs: mean utilisation over devices and the target's GPU memory, per sample. */
  gpu?: { t: number[]; utilPct: number[]; targetMB: number[] };
  /** When the monitor samples a cgroup: its latest memory and limit. */
  cgroup?: { memMB: number | null; limitMB: number | null };
  /**
   * llm: steps, per second: TTFT and TPOT percentiles (ms), output tokens/s and the share of
   * requests meeting every SLO (%); the SLOs when given. The LLM view replaces latency,
   * throughput and load with these.
   */
  llm?: {
    ttftP50: number[];
    ttftP95: number[];
    ttftP99: number[];
    tpotP50: number[];
    tpotP99: number[];
    tokensPerSec: number[];
    goodPct: number[];
    sloTtftMs?: number;
    sloTpotMs?: number;
  };
  /** Per step (name, requests, errors, p95), when the scenario has more than one. */
  steps: { name: string; requests: number; errors: number; p95Ms: number }[];
}
