import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import type { LlmBadClass } from '../core/llm';

/** Token usage as an OpenAI-compatible server reports it. */
interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/** What one streamed answer looked like, with the times (ms, the run clock) its chunks arrived. */
export interface StreamTimings {
  /** When the request was sent (or, in the open model, was due). */
  startMs: number;
  /** Arrival time of every chunk carrying content, in order. */
  contentMs: number[];
  /** Arrival time of the last data event (content, usage or otherwise) before [DONE]. */
  lastEventMs: number | undefined;
  text: string;
  usage: Usage | undefined;
  done: boolean;
  /** The first problem seen, if any. */
  bad: LlmBadClass | undefined;
  badDetail: string | undefined;
  /** The answer was a plain JSON body: the server ignored stream: true (or stream was false). */
  streamed: boolean;
}

function usageOf(value: unknown): Usage | undefined {
  const u = value as { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined;
  if (!u || typeof u.completion_tokens !== 'number') return undefined;
  return { promptTokens: typeof u.prompt_tokens === 'number' ? u.prompt_tokens : 0, completionTokens: u.completion_tokens };
}

/** The text a chunk (or a whole non-streamed answer) carries: chat delta or message content, or completion text. */
function contentOf(choice: Record<string, unknown> | undefined): string {
  if (!choice) return '';
  const delta = (choice.delta ?? choice.message) as { content?: unknown; reasoning_content?: unknown } | undefined;
  if (delta) {
    const c = typeof delta.content === 'string' ? delta.content : '';
    const r = typeof delta.reasoning_content === 'string' ? delta.reasoning_content : '';
    return c + r;
  }
  return typeof choice.text === 'string' ? choice.text : '';
}

/**
 * Reads one answer from an OpenAI-compatible server as its bytes arrive. Each feed() is
 * stamped with the time those bytes were read (STYLE 20): TTFT and ITL come from these
 * stamps, never from a buffered body. Server-sent events are parsed by eventsource-parser
 * (data: lines, multi-line events, comments and keep-alives).
 */
export class StreamReader {
  readonly t: StreamTimings;
  private readonly decoder = new StringDecoder('utf8');
  private parser: EventSourceParser | undefined;
  private plain: string[] | undefined;
  private at = 0;
  private events = 0;
  /** The start of the body, to name what came instead of an event stream. */
  private head = '';

  constructor(startMs: number) {
    this.t = { startMs, contentMs: [], lastEventMs: undefined, text: '', usage: undefined, done: false, bad: undefined, badDetail: undefined, streamed: true };
  }

  /**
   * A piece of the body. The transport's chunk seam carries no head, so the kind of answer is
   * told by its first character: a JSON body ({ or [) is read whole (a non-streamed answer),
   * anything else is parsed as server-sent events; end() checks the content-type.
   */
  feed(bytes: Buffer, at: number): void {
    this.at = at;
    const text = this.decoder.write(bytes);
    if (!this.parser && !this.plain) {
      this.head += text;
      const first = /\S/.exec(this.head.replace(/^\uFEFF/, ''))?.[0];
      if (first === undefined) return;
      const pending = this.head;
      if (first === '{' || first === '[') {
        this.plain = [pending];
        this.t.streamed = false;
      } else {
        this.parser = createParser({ onEvent: (e) => this.onEvent(e), onError: () => this.mark('bad-json', 'malformed event stream') });
        this.parser.feed(pending);
      }
      return;
    }
    if (this.plain) this.plain.push(text);
    else this.parser!.feed(text);
  }

  /**
   * The body ended (`at`: when). A streamed answer must have ended with [DONE]; a plain one is
   * parsed whole: a chat.completion measured as non-streamed (TTFT = E2E), else not-sse.
   */
  end(at: number, expectStream: boolean, contentType?: string): StreamTimings {
    const rest = this.decoder.end();
    if (!this.parser && !this.plain) {
      this.mark(expectStream ? 'not-sse' : 'bad-json', `empty answer${this.head ? ` (${this.head.length} blank characters)` : ''}`);
      return this.t;
    }
    if (this.parser) {
      if (rest) this.parser.feed(rest);
      // Not an event stream (HTML, plain text) unless it carried events anyway.
      if (this.events === 0) {
        this.mark('not-sse', `answer is not an event stream${contentType ? ` (${contentType})` : ''}: ${this.head.slice(0, 80).replace(/\s+/g, ' ')}`);
      } else if (!this.t.done) this.mark('no-done', 'stream ended without [DONE]');
      return this.t;
    }
    const body = this.plain!.join('') + rest;
    let parsed: { choices?: Record<string, unknown>[]; usage?: unknown; error?: unknown } | undefined;
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      parsed = undefined;
    }
    if (!parsed || !Array.isArray(parsed.choices)) {
      this.mark(expectStream ? 'not-sse' : 'bad-json', `answer is not ${expectStream ? 'an event stream' : 'a completion'}: ${body.slice(0, 80).replace(/\s+/g, ' ')}`);
      return this.t;
    }
    this.t.text = contentOf(parsed.choices[0]);
    this.t.usage = usageOf(parsed.usage);
    this.t.lastEventMs = at;
    if (this.t.text !== '') this.t.contentMs.push(at);
    this.t.done = true;
    return this.t;
  }

  private mark(bad: LlmBadClass, detail: string): void {
    if (this.t.bad === undefined) {
      this.t.bad = bad;
      this.t.badDetail = detail;
    }
  }

  private onEvent(e: EventSourceMessage): void {
    this.events++;
    const data = e.data;
    if (data === '[DONE]') {
      this.t.done = true;
      return;
    }
    if (e.event === 'error') return this.mark('error-event', `error event: ${data.slice(0, 120)}`);
    let chunk: { choices?: Record<string, unknown>[]; usage?: unknown; error?: { message?: unknown } | unknown };
    try {
      chunk = JSON.parse(data) as typeof chunk;
    } catch {
      return this.mark('bad-json', `malformed JSON chunk: ${data.slice(0, 80)}`);
    }
    if (chunk === null || typeof chunk !== 'object') return this.mark('bad-json', `malformed JSON chunk: ${data.slice(0, 80)}`);
    this.t.lastEventMs = this.at;
    if (chunk.error !== undefined) {
      const msg = (chunk.error as { message?: unknown } | null)?.message;
      return this.mark('error-event', `error event: ${typeof msg === 'string' ? msg : JSON.stringify(chunk.error).slice(0, 120)}`);
    }
    const text = Array.isArray(chunk.choices) ? contentOf(chunk.choices[0]) : '';
    if (text !== '') {
      this.t.contentMs.push(this.at);
      this.t.text += text;
    }
    const usage = usageOf(chunk.usage);
    if (usage) this.t.usage = usage;
  }
}
