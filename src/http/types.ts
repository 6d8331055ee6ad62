import type { Dispatcher } from 'undici';
import type { OutcomeClass } from '../core/outcome';

/** A request ready to send: everything that does not change per request is computed once. */
export interface PreparedRequest {
  method: Dispatcher.HttpMethod;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
  /** Sent unchanged every time (a fixed step): its bytes are built once and kept in `wire`. */
  reusable?: boolean;
  wire?: Buffer;
  /** The request asks for connection: close (worked out once for a reusable request). */
  closeAfter?: boolean;
}

/** How much of a response the caller reads: set-cookie only, every header, or headers and body. */
export type Keep = 'status' | 'headers' | 'body';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/**
 * Called once per request with its class, status (0 when none), body bytes, headers and (if
 * kept) body. With keep 'status' the headers carry set-cookie only (or are undefined).
 * `reason` comes with errors only: why, in words (the status and the body's first bytes, the
 * TLS error, the parse error, what timed out), kept as the class's sample.
 */
export type Completion = (cls: OutcomeClass, status: number, bytes: number, headers: ResponseHeaders | undefined, body: string | undefined, reason?: string) => void;

/** How much of an error response's body a failure reason quotes. */
export const ERROR_SAMPLE_BYTES = 120;

/** An error status as a failure reason: the status and the first bytes of its body. */
export function statusReason(status: number, bodyStart: string): string {
  const text = bodyStart.trim();
  return `HTTP ${status}${text ? `: ${JSON.stringify(text.length >= ERROR_SAMPLE_BYTES ? `${text}...` : text)}` : ''}`;
}

/** Bodies kept for checks and captures are capped: a load generator must not buffer downloads. */
export const MAX_KEPT_BODY = 1 << 20;

/**
 * The seam for streamed responses: called with each piece of body as it is read from the
 * socket, stamped with performance.now() at arrival (measure where the bytes arrive). The
 * buffer is only valid during the call (socket read buffers are reused): copy what you keep.
 */
export type ChunkObserver = (chunk: Buffer, atMs: number) => void;

/** What the transport needs from a connection pool to one origin (HTTP/1.1 or undici). */
export interface OriginPool {
  send(req: PreparedRequest, done: Completion, keep: Keep, onChunk?: ChunkObserver): void;
  warm(count: number): Promise<number>;
  destroy(): Promise<void> | void;
}
