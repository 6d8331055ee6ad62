import type { FeederMode, Kind, LoadModel } from '../core/profile';
import type { UserLlm, UserLlmBlock } from '../llm/spec';

/** The profile as the user writes it (after YAML/JSON parsing and schema validation). */
export interface UserLoad {
  model?: LoadModel;
  vus?: number;
  rate?: number;
  rampUp?: string;
  duration?: string;
  rampDown?: string;
  start?: number;
  step?: number;
  stepDuration?: string;
  max?: number;
  baseline?: number;
  peak?: number;
  baselineDuration?: string;
  spikeDuration?: string;
  recoveryDuration?: string;
  maxInFlight?: number;
  connections?: number;
  gracefulStop?: string;
  warmup?: string;
  workers?: number;
  arrivals?: { process?: 'even' | 'poisson' | 'gamma'; burstiness?: number; seed?: number };
}

interface UserRequest {
  method?: string;
  path?: string;
  url?: string;
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  body?: string;
  json?: unknown;
  timeout?: string;
}

type UserCapture = string | { json: string } | { header: string } | { regex: string; group?: number };

export interface UserStep {
  name?: string;
  /** One of request (plain HTTP) or llm (an OpenAI-compatible completion, streamed). */
  request?: UserRequest;
  llm?: UserLlm;
  think?: string | { exponential: string };
  capture?: Record<string, UserCapture>;
  expect?: { status?: number | number[]; body?: string; json?: Record<string, unknown> };
}

interface UserScenario {
  name: string;
  weight?: number;
  steps: UserStep[];
}

interface UserThresholdObject {
  condition: string;
  abortOnFail?: boolean;
  delayAbortEval?: string;
}

export interface UserProfile {
  name: string;
  description?: string;
  kind: Kind;
  target: string;
  load: UserLoad;
  http?: { timeout?: string; headers?: Record<string, string>; insecure?: boolean; ca?: string };
  setup?: UserStep[];
  scenario?: UserStep[];
  scenarios?: UserScenario[];
  data?: { file: string; mode?: FeederMode };
  thresholds?: Record<string, string | UserThresholdObject>;
  monitor?: UserMonitor;
  llm?: UserLlmBlock;
}

export interface UserMonitor {
  pid?: number;
  port?: number;
  match?: string;
  url?: string;
  /** A cgroup to sample (alone: its oldest process is the target too). */
  cgroup?: string;
  /** A container id: its main process is the target, its cgroup is sampled. */
  container?: string;
  interval?: string;
}
