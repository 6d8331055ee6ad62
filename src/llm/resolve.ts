import { parseDuration } from '../util/duration';
import type { LlmSlo } from '../core/llm';
import { parseCount, type Count, type ResolvedLlm, type UserLlm, type UserLlmBlock } from './spec';

/** What the generic step resolver needs back for an `llm:` step. */
export interface LlmStepParts {
  name: string;
  path: string;
  headers: Record<string, string>;
  json: Record<string, unknown>;
  timeoutMs: number | undefined;
  llm: ResolvedLlm;
}

const PATHS = { chat: '/v1/chat/completions', completions: '/v1/completions' } as const;

function count(value: UserLlm['maxTokens'], where: string, problems: string[]): Count | undefined {
  if (value === undefined) return undefined;
  const c = parseCount(value);
  if (typeof c === 'string') {
    problems.push(`${where}: ${c}`);
    return undefined;
  }
  return c;
}

/**
 * An `llm:` step becomes a POST of an OpenAI-compatible body: streamed by default with
 * stream_options.include_usage (vLLM's benchmark asks the same), so token counts come from the
 * server's usage when it sends it.
 */
export function resolveLlmStep(l: UserLlm, path: string, problems: string[]): LlmStepParts {
  const api = l.api ?? 'chat';
  const stream = l.stream ?? true;
  const where = `${path}.llm`;
  if (l.prompt !== undefined && l.messages !== undefined) problems.push(`${where}: give prompt or messages, not both`);
  if (l.prompt === undefined && l.messages === undefined) problems.push(`${where}.prompt: is required (text, { tokens: N } for a synthetic prompt, or messages: for chat)`);
  if (api === 'completions' && l.messages !== undefined) problems.push(`${where}.messages: is for api chat; api completions takes prompt`);
  const synthetic = typeof l.prompt === 'object' ? count(l.prompt.tokens, `${where}.prompt.tokens`, problems) : undefined;
  const maxTokens = count(l.maxTokens, `${where}.maxTokens`, problems);
  const reserved = ['model', 'messages', 'prompt', 'stream', 'stream_options', 'max_tokens'];
  for (const key of Object.keys(l.body ?? {})) {
    if (reserved.includes(key))
      problems.push(`${where}.body.${key}: is set by the llm step itself (use ${key === 'max_tokens' ? 'maxTokens' : key === 'stream_options' ? 'stream' : key})`);
  }
  const promptText = typeof l.prompt === 'string' ? l.prompt : '';
  const json: Record<string, unknown> = { model: l.model };
  if (api === 'chat') json.messages = l.messages ?? [{ role: 'user', content: promptText }];
  else json.prompt = promptText;
  if (maxTokens?.kind === 'fixed') json.max_tokens = maxTokens.n;
  json.stream = stream;
  if (stream) json.stream_options = { include_usage: true };
  Object.assign(json, l.body ?? {});
  const timeoutMs = l.timeout !== undefined ? parseDuration(l.timeout) : undefined;
  return {
    name: `${api} ${l.model}`,
    path: l.path ?? PATHS[api],
    headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', ...(l.headers ?? {}) },
    json,
    timeoutMs,
    llm: { api, stream, maxTokens: maxTokens?.kind === 'fixed' ? undefined : maxTokens, syntheticPrompt: synthetic },
  };
}

export function resolveSlo(block: UserLlmBlock | undefined, problems: string[]): LlmSlo | undefined {
  const slo = block?.slo;
  if (!slo) return undefined;
  const out: LlmSlo = {};
  for (const [key, field] of [
    ['ttft', 'ttftMs'],
    ['tpot', 'tpotMs'],
    ['e2e', 'e2eMs'],
  ] as const) {
    const text = slo[key];
    if (text === undefined) continue;
    const ms = parseDuration(text);
    if (ms === undefined) problems.push(`llm.slo.${key}: "${text}" is not a duration (use e.g. 500ms or 2s)`);
    else out[field] = ms;
  }
  return out;
}
