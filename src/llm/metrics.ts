import type { LlmRequestMetrics } from '../core/llm';
import type { StreamTimings } from './stream';
import { countTokens } from './tokens';

/** What the run knows about the request's prompt when the server reports no usage. */
export interface PromptInfo {
  text: string;
}

export function requestMetrics(t: StreamTimings, prompt: PromptInfo | undefined): LlmRequestMetrics | undefined {
  if (t.contentMs.length === 0 || t.lastEventMs === undefined) return undefined;
  const first = t.contentMs[0];
  const ttftMs = first - t.startMs;
  const e2eMs = Math.max(t.lastEventMs, t.contentMs[t.contentMs.length - 1]) - t.startMs;
  const itlMs: number[] = [];
  for (let i = 1; i < t.contentMs.length; i++) itlMs.push(t.contentMs[i] - t.contentMs[i - 1]);
  const counted = t.usage === undefined;
  const outputTokens = t.usage ? t.usage.completionTokens : countTokens(t.text);
  const inputTokens = t.usage && t.usage.promptTokens > 0 ? t.usage.promptTokens : prompt ? countTokens(prompt.text) : 0;
  const tpotMs = outputTokens > 1 ? (e2eMs - ttftMs) / (outputTokens - 1) : undefined;
  return { ttftMs, tpotMs, e2eMs, itlMs, inputTokens, outputTokens, tokensCounted: counted, streamed: t.streamed };
}
