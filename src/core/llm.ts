/**
 * Shared terms of llm: steps (docs/llm.md): what a step asks for, one request's figures, the
 * per-interval figures (HDR histograms and counts, stored and merged like latency) and the
 * summary block. The parsing and measuring live in src/llm; everything here is data.
 */
import { defaults } from '../defaults';
import { addHistogram, decodeHistogram, encodeHistogram, latencyStatsMs, newLatencyHistogram, type Histogram } from './histogram';

/** Why an answer to an LLM request is not a good one; counted by class, never a crash. */
export type LlmBadClass = 'not-sse' | 'no-done' | 'error-event' | 'bad-json' | 'rate-limited' | 'http-error' | 'no-content' | 'transport';
const LLM_BAD_CLASSES: readonly LlmBadClass[] = ['not-sse', 'no-done', 'error-event', 'bad-json', 'rate-limited', 'http-error', 'no-content', 'transport'];

/** A count drawn per request: fixed, uniform between two whole numbers, or normal (rounded, at least 1). */
export type Count = { kind: 'fixed'; n: number } | { kind: 'uniform'; min: number; max: number } | { kind: 'normal'; mean: number; stddev: number };

export interface ResolvedLlm {
  api: 'chat' | 'completions';
  stream: boolean;
  /** max_tokens drawn per request when it varies (else it is in the body template). */
  maxTokens: Count | undefined;
  /** A synthetic prompt of this many tokens, drawn per request. */
  syntheticPrompt: Count | undefined;
}

/**
 * One request's figures, defined as vLLM's serving benchmark and NVIDIA's AIPerf define them
 * (docs/llm.md): TTFT from the first chunk carrying content (empty chunks, such as a role-only
 * first chunk, are ignored, as AIPerf does); ITL every gap between consecutive content chunks;
 * E2E the last data event minus the start; TPOT (E2E - TTFT) / (output tokens - 1), which is
 * AIPerf's "inter token latency".
 */
export interface LlmRequestMetrics {
  ttftMs: number;
  /** Undefined with fewer than two output tokens (vLLM leaves TPOT out then too). */
  tpotMs: number | undefined;
  e2eMs: number;
  itlMs: number[];
  inputTokens: number;
  outputTokens: number;
  /** Counted by the tokenizer because the server sent no usage. */
  tokensCounted: boolean;
  streamed: boolean;
}

/** Service-level objectives for goodput (vLLM's --goodput): every one given must be met. */
export interface LlmSlo {
  ttftMs?: number;
  tpotMs?: number;
  e2eMs?: number;
}

/** vLLM's rule: a request is good when TTFT, TPOT and E2E are each within their SLO (<=). */
export function meetsSlo(m: LlmRequestMetrics, slo: LlmSlo): boolean {
  if (slo.ttftMs !== undefined && m.ttftMs > slo.ttftMs) return false;
  if (slo.tpotMs !== undefined && (m.tpotMs ?? 0) > slo.tpotMs) return false;
  if (slo.e2eMs !== undefined && m.e2eMs > slo.e2eMs) return false;
  return true;
}

/** One interval's LLM figures: HDR histograms (µs) like latency, and counts. */
export interface LlmFigures {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Requests that met every SLO in llm.slo (all of them when there is none). */
  good: number;
  /** Answered as one JSON body although a stream was asked for (TTFT = E2E). */
  nonStreamed: number;
  /** Token counts that came from the tokenizer because the server sent no usage. */
  tokensCounted: number;
  bad: Record<LlmBadClass, number>;
  ttft: Histogram;
  tpot: Histogram;
  itl: Histogram;
  e2e: Histogram;
}

/** As stored (intervals.llm_json) and as sent from a worker thread: histograms encoded. */
export interface LlmFiguresJson {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  good: number;
  nonStreamed: number;
  tokensCounted: number;
  bad: Partial<Record<LlmBadClass, number>>;
  ttft: string | null;
  tpot: string | null;
  itl: string | null;
  e2e: string | null;
}

const HISTOGRAMS = ['ttft', 'tpot', 'itl', 'e2e'] as const;

function noBad(): Record<LlmBadClass, number> {
  return Object.fromEntries(LLM_BAD_CLASSES.map((c) => [c, 0])) as Record<LlmBadClass, number>;
}

export function emptyFigures(bits: 32 | 64 = 32): LlmFigures {
  return {
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    good: 0,
    nonStreamed: 0,
    tokensCounted: 0,
    bad: noBad(),
    ttft: newLatencyHistogram(bits),
    tpot: newLatencyHistogram(bits),
    itl: newLatencyHistogram(bits),
    e2e: newLatencyHistogram(bits),
  };
}

const toUs = (ms: number): number => {
  const us = ms * 1000;
  return us < 1 ? 1 : us > defaults.recorder.maxLatencyUs ? defaults.recorder.maxLatencyUs : us;
};

export function recordRequest(f: LlmFigures, m: LlmRequestMetrics, good: boolean): void {
  f.requests++;
  f.inputTokens += m.inputTokens;
  f.outputTokens += m.outputTokens;
  if (good) f.good++;
  if (!m.streamed) f.nonStreamed++;
  if (m.tokensCounted) f.tokensCounted++;
  f.ttft.recordValue(toUs(m.ttftMs));
  if (m.tpotMs !== undefined) f.tpot.recordValue(toUs(m.tpotMs));
  for (const gap of m.itlMs) f.itl.recordValue(toUs(gap));
  f.e2e.recordValue(toUs(m.e2eMs));
}

export function hasFigures(f: LlmFigures): boolean {
  return f.requests > 0 || LLM_BAD_CLASSES.some((c) => f.bad[c] > 0);
}

/** Adds `from` into `into`: counts summed, histograms added (never percentiles averaged). */
export function addFigures(into: LlmFigures, from: LlmFigures): void {
  into.requests += from.requests;
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.good += from.good;
  into.nonStreamed += from.nonStreamed;
  into.tokensCounted += from.tokensCounted;
  for (const c of LLM_BAD_CLASSES) into.bad[c] += from.bad[c];
  for (const h of HISTOGRAMS) addHistogram(into[h], from[h]);
}

export function resetFigures(f: LlmFigures): void {
  f.requests = f.inputTokens = f.outputTokens = f.good = f.nonStreamed = f.tokensCounted = 0;
  for (const c of LLM_BAD_CLASSES) f.bad[c] = 0;
  for (const h of HISTOGRAMS) f[h].reset();
}

export function encodeFigures(f: LlmFigures): LlmFiguresJson {
  const bad: Partial<Record<LlmBadClass, number>> = {};
  for (const c of LLM_BAD_CLASSES) if (f.bad[c] > 0) bad[c] = f.bad[c];
  const enc = (h: Histogram) => (h.totalCount > 0 ? encodeHistogram(h) : null);
  return {
    requests: f.requests,
    inputTokens: f.inputTokens,
    outputTokens: f.outputTokens,
    good: f.good,
    nonStreamed: f.nonStreamed,
    tokensCounted: f.tokensCounted,
    bad,
    ttft: enc(f.ttft),
    tpot: enc(f.tpot),
    itl: enc(f.itl),
    e2e: enc(f.e2e),
  };
}

export function decodeFigures(j: LlmFiguresJson): LlmFigures {
  const f = emptyFigures(64);
  f.requests = j.requests;
  f.inputTokens = j.inputTokens;
  f.outputTokens = j.outputTokens;
  f.good = j.good;
  f.nonStreamed = j.nonStreamed;
  f.tokensCounted = j.tokensCounted;
  for (const c of LLM_BAD_CLASSES) f.bad[c] = j.bad[c] ?? 0;
  for (const h of HISTOGRAMS) {
    const text = j[h];
    if (text) addHistogram(f[h], decodeHistogram(text));
  }
  return f;
}

export interface LlmPercentiles {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** The summary's `llm` block (keys in README and docs/llm.md). */
export interface LlmSummary {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  ttftMs: LlmPercentiles;
  tpotMs: LlmPercentiles;
  itlMs: LlmPercentiles;
  e2eMs: LlmPercentiles;
  requestsPerSec: number;
  outputTokensPerSec: number;
  totalTokensPerSec: number;
  /** AIPerf's output token throughput per user: 1000 / mean TPOT. */
  outputTokensPerSecPerUser: number;
  goodput?: { requestsPerSec: number; fraction: number };
  /** Answers that were not good LLM answers, by class. */
  bad: Partial<Record<LlmBadClass, number>>;
  nonStreamed: number;
  tokensCounted: number;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

function pct(h: Histogram): LlmPercentiles {
  const s = latencyStatsMs(h);
  return { p50: s.p50, p90: s.p90, p95: s.p95, p99: s.p99, max: s.max, mean: s.mean };
}

export function llmSummary(f: LlmFigures, durationMs: number, withGoodput: boolean): LlmSummary {
  const perSec = (n: number) => (durationMs > 0 ? r3((n * 1000) / durationMs) : 0);
  const tpot = pct(f.tpot);
  const bad: Partial<Record<LlmBadClass, number>> = {};
  for (const c of LLM_BAD_CLASSES) if (f.bad[c] > 0) bad[c] = f.bad[c];
  const attempted = f.requests + LLM_BAD_CLASSES.reduce((s, c) => s + f.bad[c], 0);
  return {
    requests: f.requests,
    inputTokens: f.inputTokens,
    outputTokens: f.outputTokens,
    ttftMs: pct(f.ttft),
    tpotMs: tpot,
    itlMs: pct(f.itl),
    e2eMs: pct(f.e2e),
    requestsPerSec: perSec(f.requests),
    outputTokensPerSec: perSec(f.outputTokens),
    totalTokensPerSec: perSec(f.inputTokens + f.outputTokens),
    outputTokensPerSecPerUser: tpot.mean > 0 ? r3(1000 / tpot.mean) : 0,
    ...(withGoodput ? { goodput: { requestsPerSec: perSec(f.good), fraction: attempted > 0 ? r3(f.good / attempted) : 0 } } : {}),
    bad,
    nonStreamed: f.nonStreamed,
    tokensCounted: f.tokensCounted,
  };
}

/** Whole figures from stored interval rows (llm_json), or undefined when none carry any. */
export function mergeLlm(rows: readonly { llm_json?: string | null }[]): LlmFigures | undefined {
  let out: LlmFigures | undefined;
  for (const r of rows) {
    if (!r.llm_json) continue;
    addFigures((out ??= emptyFigures(64)), decodeFigures(JSON.parse(r.llm_json) as LlmFiguresJson));
  }
  return out;
}

/** One llm: step's whole-run figures in the summary's steps[].llm. */
export type StepLlmSummary = Pick<LlmSummary, 'requests' | 'inputTokens' | 'outputTokens' | 'ttftMs' | 'tpotMs' | 'itlMs' | 'e2eMs' | 'bad'>;
