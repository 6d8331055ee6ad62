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
  /** The server broke HTTP (not HTTP, conflicting lengths, bad chunking): known at once, not at the deadline. */
  protocol: 9,
} as const;
export type OutcomeClass = (typeof Outcome)[keyof typeof Outcome];
export const OUTCOME_COUNT = 10;
export const OUTCOME_NAMES = ['2xx', '3xx', '4xx', '5xx', 'timeout', 'refused', 'reset', 'other', 'check', 'protocol'] as const;

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

const PROTOCOL_CODES = new Set(['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_INFO', 'HPE_INVALID_CONSTANT']);

type ErrorLike = { code?: string; message?: string; name?: string; cause?: { code?: string; message?: string } } | undefined;

/** Transport failures: undici wraps socket errors, so the cause's code is checked too. */
export function classifyError(err: unknown): OutcomeClass {
  const e = err as ErrorLike;
  const codes = [e?.code, e?.cause?.code];
  if (codes.some((c) => c !== undefined && TIMEOUT_CODES.has(c))) return Outcome.timeout;
  if (codes.includes('ECONNREFUSED')) return Outcome.refused;
  if (codes.some((c) => c !== undefined && RESET_CODES.has(c))) return Outcome.reset;
  // llhttp's parse errors (HPE_*) and undici's framing checks: the server broke HTTP.
  if (e?.name === 'HTTPParserError' || codes.some((c) => c !== undefined && (c.startsWith('HPE_') || PROTOCOL_CODES.has(c)))) return Outcome.protocol;
  return Outcome.other;
}

/** TLS failures by OpenSSL / Node code: named as such in a failure reason. */
const TLS_CODE = /CERT|SELF_SIGNED|ERR_TLS|ERR_SSL|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME|ALTNAME/;

/** A transport error as a failure reason: its message, its code, and its cause's ("TLS: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)"). */
export function errorReason(err: unknown): string {
  const e = err as ErrorLike;
  const parts = [e?.message, e?.cause?.message].filter((m): m is string => !!m && m.length > 0);
  const code = e?.cause?.code ?? e?.code;
  const text = [...new Set(parts)].join(': ') || String(err);
  const tls = code !== undefined && TLS_CODE.test(code);
  return `${tls ? 'TLS: ' : ''}${text}${code && !text.includes(code) ? ` (${code})` : ''}`;
}
