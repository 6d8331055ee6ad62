import type { LlmKnobs } from './llm';

/** Behaviours of the demo target that make strain's analysis demonstrable. */
export interface DemoKnobs {
  /** Serve an OpenAI-compatible LLM API (streamed tokens with known timing) on /v1/... */
  llm?: LlmKnobs;
  /** Retain this many KB per request forever (a leak). */
  leakKb: number;
  /** Allocate and drop this many KB per request (GC sawtooth, no leak). */
  garbageKb: number;
  /** Keep this many KB per request in a cache of cacheEntries slots (fills, then plateaus). */
  cacheKb: number;
  cacheEntries: number;
  /** FIFO server: at most this many requests per second are served; 0 = unlimited. */
  capacity: number;
  /** With capacity: requests waiting beyond this get 503 at once. */
  queue: number;
  /** Fixed extra time per response. */
  serviceMs: number;
  /** Hold every response for stallMs once every stallEveryMs. */
  stallMs: number;
  stallEveryMs: number;
  /** Fraction 0..1 of requests answered 500. */
  errorRate: number;
}

export const noKnobs: DemoKnobs = {
  leakKb: 0,
  garbageKb: 0,
  cacheKb: 0,
  cacheEntries: 0,
  capacity: 0,
  queue: Infinity,
  serviceMs: 0,
  stallMs: 0,
  stallEveryMs: 0,
  errorRate: 0,
};

/** When the response to a request arriving at `now` may be sent (ms since server start). */
export function stallReleaseAt(now: number, knobs: Pick<DemoKnobs, 'stallMs' | 'stallEveryMs'>): number {
  if (knobs.stallMs <= 0 || knobs.stallEveryMs <= 0) return now;
  const windowStart = Math.floor(now / knobs.stallEveryMs) * knobs.stallEveryMs;
  // The first window starts one period in, so a run does not begin inside a stall.
  if (windowStart === 0) return now;
  const release = windowStart + knobs.stallMs;
  return now < release ? release : now;
}
