/** How a request ended. Numeric so the hot path indexes counter arrays instead of maps. */
export const Outcome = {
  s2xx: 0,
  s3xx: 1,
  s4xx: 2,
  s5xx: 3,
  timeout: 4,
  refused: 5,
  reset: 6,
  other: 7,
  /** The response came, but a check or capture on it failed. */
  check: 8,
} as const;
export type OutcomeClass = (typeof Outcome)[keyof typeof Outcome];
export const OUTCOME_COUNT = 9;
export const OUTCOME_NAMES = ['2xx', '3xx', '4xx', '5xx', 'timeout', 'refused', 'reset', 'other', 'check'] as const;

/** 2xx and 3xx are successes; everything else counts as an error. */
export function isError(cls: number): boolean {
  return cls >= Outcome.s4xx;
}

export function classifyStatus(status: number): OutcomeClass {
  if (status >= 500) return Outcome.s5xx;
  if (status >= 400) return Outcome.s4xx;
  if (status >= 300) return Outcome.s3xx;
  if (status >= 200) return Outcome.s2xx;
  return Outcome.other;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

/** Transport failures: undici wraps socket errors, so the cause's code is checked too. */
export function classifyError(err: unknown): OutcomeClass {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  const codes = [e?.code, e?.cause?.code];
  if (codes.some((c) => c !== undefined && TIMEOUT_CODES.has(c))) return Outcome.timeout;
  if (codes.includes('ECONNREFUSED')) return Outcome.refused;
  if (codes.some((c) => c !== undefined && RESET_CODES.has(c))) return Outcome.reset;
  return Outcome.other;
}
