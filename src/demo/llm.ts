import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * The demo target's OpenAI-compatible mode: /v1/chat/completions and /v1/completions, streamed
 * (server-sent events, like vLLM) or not, with known timing so strain's LLM figures can be
 * checked against the truth: a request waits for one of `slots` generation slots (FIFO, at most
 * `queue` waiting, then 429 with retry-after), its first token comes `ttftMs` after it got a
 * slot, then one token every `tpotMs`. Each content chunk is exactly one token.
 */
export interface LlmKnobs {
  /** Time from getting a slot to the first token (prefill). */
  ttftMs: number;
  /** Time between tokens (decode). */
  tpotMs: number;
  /** Concurrent generations; 0 = unlimited. */
  slots: number;
  /** Requests waiting for a slot beyond this are answered 429 at once. */
  queue: number;
  /** Tokens generated when the request gives no max_tokens; a request's max_tokens is honoured. */
  outputTokens: number;
}

export const defaultLlmKnobs: LlmKnobs = { ttftMs: 50, tpotMs: 10, slots: 0, queue: Infinity, outputTokens: 64 };

/** Each is one token in the o200k and cl100k vocabularies, with its leading space. */
const WORDS = [' the', ' of', ' and', ' to', ' in', ' is', ' it', ' that', ' for', ' on', ' with', ' as', ' was', ' at', ' by', ' this'];

interface Generation {
  res: ServerResponse;
  chat: boolean;
  stream: boolean;
  usageInStream: boolean;
  promptTokens: number;
  tokens: number;
  id: string;
  model: string;
}

/** Prompt tokens as the demo counts them: whitespace-separated words (documented as such). */
function demoPromptTokens(body: Record<string, unknown>): number {
  const text = Array.isArray(body.messages)
    ? (body.messages as { content?: unknown }[]).map((m) => (typeof m.content === 'string' ? m.content : '')).join(' ')
    : typeof body.prompt === 'string'
      ? body.prompt
      : '';
  const words = text.split(/\s+/).filter(Boolean).length;
  return words;
}

export function createLlmHandler(knobs: LlmKnobs) {
  let busy = 0;
  const waiting: Generation[] = [];
  let seq = 0;

  const release = (): void => {
    busy--;
    let next = waiting.shift();
    while (next && next.res.destroyed) next = waiting.shift(); // its client gave up while queued
    if (next) {
      busy++;
      generate(next);
    }
  };

  function generate(g: Generation): void {
    const start = performance.now();
    const created = Math.floor(Date.now() / 1000);
    const object = g.chat ? 'chat.completion.chunk' : 'text_completion';
    const chunk = (i: number, text: string, finish: string | null) => {
      const choice = g.chat
        ? { index: 0, delta: i < 0 ? { role: 'assistant', content: '' } : { content: text }, finish_reason: finish }
        : { index: 0, text, finish_reason: finish };
      return `data: ${JSON.stringify({ id: g.id, object, created, model: g.model, choices: [choice] })}\n\n`;
    };
    const usage = { prompt_tokens: g.promptTokens, completion_tokens: g.tokens, total_tokens: g.promptTokens + g.tokens };
    let sent = 0;
    let text = '';
    let closed = false;
    g.res.once('close', () => {
      if (!closed) {
        closed = true;
        release();
      }
    });
    if (g.stream) {
      g.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      if (g.chat) g.res.write(chunk(-1, '', null)); // vLLM's role chunk: empty content, not a token
    }
    const step = (): void => {
      if (closed) return;
      const word = WORDS[sent % WORDS.length];
      sent++;
      text += word;
      const last = sent >= g.tokens;
      if (g.stream) g.res.write(chunk(sent, word, last ? 'length' : null));
      if (!last) {
        // Scheduled on absolute times so per-token timers do not drift.
        setTimeout(step, Math.max(0, start + knobs.ttftMs + sent * knobs.tpotMs - performance.now()));
        return;
      }
      closed = true;
      release();
      if (g.stream) {
        if (g.usageInStream) g.res.write(`data: ${JSON.stringify({ id: g.id, object, created, model: g.model, choices: [], usage })}\n\n`);
        g.res.end('data: [DONE]\n\n');
      } else {
        const choice = g.chat ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'length' } : { index: 0, text, finish_reason: 'length' };
        const body = JSON.stringify({ id: g.id, object: g.chat ? 'chat.completion' : 'text_completion', created, model: g.model, choices: [choice], usage });
        g.res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        g.res.end(body);
      }
    };
    if (g.tokens <= 0) {
      g.tokens = 0;
      closed = true;
      release();
      if (g.stream)
        g.res.end(g.usageInStream ? `data: ${JSON.stringify({ id: g.id, object, created, model: g.model, choices: [], usage })}\n\ndata: [DONE]\n\n` : 'data: [DONE]\n\n');
      else g.res.end(JSON.stringify({ id: g.id, choices: [], usage }));
      return;
    }
    setTimeout(step, knobs.ttftMs);
  }

  function fail(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
    const body = JSON.stringify({ error: { message, type: status === 429 ? 'rate_limit' : 'invalid_request_error', code: status } });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  return function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const chat = req.url === '/v1/chat/completions';
    if (!chat && req.url !== '/v1/completions') {
      if (req.url === '/v1/models') {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'demo', object: 'model' }] }));
        return true;
      }
      return false;
    }
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
      } catch {
        return fail(res, 400, 'body is not JSON');
      }
      if (chat ? !Array.isArray(body.messages) : typeof body.prompt !== 'string') return fail(res, 400, chat ? 'messages is required' : 'prompt is required');
      const max = Number(body.max_tokens ?? body.max_completion_tokens ?? knobs.outputTokens);
      const options = body.stream_options as { include_usage?: boolean } | undefined;
      const g: Generation = {
        res,
        chat,
        stream: body.stream === true,
        usageInStream: options?.include_usage === true,
        promptTokens: demoPromptTokens(body),
        tokens: Number.isFinite(max) ? Math.max(0, Math.floor(max)) : knobs.outputTokens,
        id: `cmpl-${++seq}`,
        model: typeof body.model === 'string' ? body.model : 'demo',
      };
      if (knobs.slots <= 0 || busy < knobs.slots) {
        busy++;
        return generate(g);
      }
      if (waiting.length >= knobs.queue) return fail(res, 429, 'all generation slots are busy', { 'retry-after': '1' });
      waiting.push(g);
    });
    return true;
  };
}
