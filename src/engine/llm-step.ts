import { performance } from 'node:perf_hooks';
import type { LlmBadClass } from '../core/llm';
import { Outcome, type OutcomeClass } from '../core/outcome';
import type { TemplateContext } from '../core/template';
import type { HttpTransport } from '../http/transport';
import type { ChunkObserver, ResponseHeaders } from '../http/types';
import { requestMetrics } from '../llm/metrics';
import { drawCount, syntheticPrompt } from '../llm/spec';
import { StreamReader } from '../llm/stream';
import type { PreparedStep } from './scenario/steps';

/** What an llm: step reports to (the Recorder). */
export interface LlmSink {
  llmResponse(step: number, metrics: ReturnType<typeof requestMetrics>, bad: LlmBadClass | undefined, at?: number): void;
  failure(step: number, reason: string): void;
}

type Body = Record<string, unknown> & { messages?: { role?: unknown; content?: unknown }[]; prompt?: unknown };

/** Renders the body of one llm: request: templates, then max_tokens and a synthetic prompt drawn. */
export function llmBody(step: PreparedStep, ctx: TemplateContext, random: () => number): { body: string; promptText: string } {
  const llm = step.llm!;
  const body = step.json!.render(ctx) as Body;
  if (llm.maxTokens) body.max_tokens = drawCount(llm.maxTokens, random);
  if (llm.syntheticPrompt) {
    const text = syntheticPrompt(drawCount(llm.syntheticPrompt, random), random);
    if (llm.api === 'chat') body.messages = [{ role: 'user', content: text }];
    else body.prompt = text;
  }
  const promptText = Array.isArray(body.messages)
    ? body.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n')
    : typeof body.prompt === 'string'
      ? body.prompt
      : '';
  return { body: JSON.stringify(body), promptText };
}

function header(headers: ResponseHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Sends one llm: request and reads its answer as it streams: each piece of the body is stamped
 * where its bytes were read (transport), the events parsed as they come (StreamReader), and the
 * request's TTFT, ITL, TPOT, E2E and tokens recorded when it ends. A bad answer (not an event
 * stream, no [DONE], an error event, malformed JSON, 429) is counted by class and reported as
 * a failed check, never thrown. `done` gets the outcome to record as the step's response.
 */
export function sendLlm(
  transport: HttpTransport,
  step: PreparedStep,
  request: { path: string; headers: Record<string, string>; body: string; promptText: string },
  origin: string | undefined,
  startMs: number,
  sink: LlmSink,
  recording: () => boolean,
  done: (cls: OutcomeClass, status: number, bytes: number, endMs: number) => void,
): void {
  const llm = step.llm!;
  const reader = new StreamReader(startMs);
  let lastAt = startMs;
  // The transport stamps each piece where its bytes were read; the reader parses it at once.
  const onChunk: ChunkObserver = (bytes, at) => {
    lastAt = at;
    reader.feed(bytes, at);
  };
  const req = { method: 'POST' as const, path: request.path, headers: request.headers, body: request.body, timeoutMs: step.timeoutMs };
  transport.send(
    req,
    (cls, status, bytes, headers) => {
      const endMs = Math.max(lastAt, performance.now());
      const bad = (kind: LlmBadClass, reason: string) => {
        if (!recording()) return;
        sink.llmResponse(step.index, undefined, kind, endMs);
        sink.failure(step.index, reason);
      };
      if (cls === Outcome.s2xx) {
        const t = reader.end(lastAt, llm.stream, header(headers, 'content-type'));
        const metrics = t.bad ? undefined : requestMetrics(t, { text: request.promptText });
        if (t.bad) bad(t.bad, t.badDetail ?? t.bad);
        else if (!metrics) bad('no-content', 'answer carried no content');
        else if (recording()) {
          sink.llmResponse(step.index, metrics, undefined, endMs);
          if (llm.stream && !metrics.streamed) sink.failure(step.index, 'server ignored stream: true (measured as non-streamed: TTFT = E2E)');
        }
        return done(t.bad || !metrics ? Outcome.check : cls, status, bytes, endMs);
      }
      const retryAfter = header(headers, 'retry-after');
      if (status === 429) bad('rate-limited', `429 rate limited${retryAfter !== undefined ? ` (retry-after: ${retryAfter})` : ''}`);
      else if (status > 0) bad('http-error', `HTTP ${status}`);
      else bad('transport', 'no answer (connection failed, reset or timed out)');
      done(cls, status, bytes, endMs);
    },
    'headers',
    origin,
    onChunk,
  );
}
