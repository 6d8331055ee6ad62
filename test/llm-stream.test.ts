import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countTokens } from '../src/llm/tokens';
import { requestMetrics } from '../src/llm/metrics';
import { meetsSlo } from '../src/core/llm';
import { drawCount, parseCount, syntheticPrompt } from '../src/llm/spec';
import { StreamReader } from '../src/llm/stream';

const chat = (content: string) => `data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}}}]}\n\n`;

/** Feeds pieces (text, arrival ms) to a reader and ends it. */
function read(pieces: [string, number][], contentType = 'text/event-stream', endAt = 1000, expectStream = true) {
  const r = new StreamReader(0);
  for (const [text, at] of pieces) r.feed(Buffer.from(text, 'utf8'), at);
  return r.end(endAt, expectStream, contentType);
}

test('SSE reader: data lines, comments, keep-alives, multi-line events, split pieces and [DONE]', () => {
  const cases: { name: string; pieces: [string, number][]; text: string; contentMs: number[]; done: boolean; bad?: string }[] = [
    {
      name: 'plain',
      pieces: [
        [chat('a'), 10],
        [chat('b'), 20],
        ['data: [DONE]\n\n', 21],
      ],
      text: 'ab',
      contentMs: [10, 20],
      done: true,
    },
    {
      name: 'comment and keep-alive',
      pieces: [
        [': ping\n\n', 5],
        [chat('a'), 10],
        [':\n\n', 15],
        ['data: [DONE]\n\n', 20],
      ],
      text: 'a',
      contentMs: [10],
      done: true,
    },
    {
      name: 'event split across reads',
      pieces: [
        ['data: {"choices":[{"delta":{"con', 10],
        ['tent":"xy"}}]}\n', 12],
        ['\n', 13],
        ['data: [DONE]\n\n', 20],
      ],
      text: 'xy',
      contentMs: [13],
      done: true,
    },
    {
      name: 'multi-line data joined by newline',
      pieces: [
        ['data: {"choices":[{"delta":\ndata: {"content":"m"}}]}\n\n', 10],
        ['data: [DONE]\n\n', 20],
      ],
      text: 'm',
      contentMs: [10],
      done: true,
    },
    {
      name: 'CRLF line ends',
      pieces: [
        [chat('a').replace(/\n/g, '\r\n'), 10],
        ['data: [DONE]\r\n\r\n', 20],
      ],
      text: 'a',
      contentMs: [10],
      done: true,
    },
    {
      name: 'role chunk with empty content is not content',
      pieces: [
        ['data: {"choices":[{"delta":{"role":"assistant","content":""}}]}\n\n', 3],
        [chat('a'), 10],
        ['data: [DONE]\n\n', 20],
      ],
      text: 'a',
      contentMs: [10],
      done: true,
    },
    {
      name: 'two events in one read share its stamp',
      pieces: [
        [chat('a') + chat('b'), 10],
        ['data: [DONE]\n\n', 20],
      ],
      text: 'ab',
      contentMs: [10, 10],
      done: true,
    },
    {
      name: 'completions text',
      pieces: [
        ['data: {"choices":[{"text":"hi"}]}\n\n', 10],
        ['data: [DONE]\n\n', 20],
      ],
      text: 'hi',
      contentMs: [10],
      done: true,
    },
    { name: 'no [DONE]', pieces: [[chat('a'), 10]], text: 'a', contentMs: [10], done: false, bad: 'no-done' },
    {
      name: 'malformed JSON chunk',
      pieces: [
        ['data: {"choices":[\n\n', 10],
        ['data: [DONE]\n\n', 20],
      ],
      text: '',
      contentMs: [],
      done: true,
      bad: 'bad-json',
    },
    {
      name: 'error event',
      pieces: [
        [chat('a'), 10],
        ['event: error\ndata: {"message":"overloaded"}\n\n', 12],
      ],
      text: 'a',
      contentMs: [10],
      done: false,
      bad: 'error-event',
    },
    {
      name: 'error object mid-stream',
      pieces: [
        [chat('a'), 10],
        ['data: {"error":{"message":"out of memory"}}\n\n', 12],
        ['data: [DONE]\n\n', 20],
      ],
      text: 'a',
      contentMs: [10],
      done: true,
      bad: 'error-event',
    },
  ];
  for (const c of cases) {
    const t = read(c.pieces);
    assert.equal(t.text, c.text, c.name);
    assert.deepEqual(t.contentMs, c.contentMs, c.name);
    assert.equal(t.done, c.done, c.name);
    assert.equal(t.bad, c.bad, c.name);
  }
});

test('SSE reader: a multi-byte character split between reads is decoded whole', () => {
  const bytes = Buffer.from(chat('é€') + 'data: [DONE]\n\n', 'utf8');
  const cut = bytes.indexOf(0xe2) + 1; // inside the 3-byte euro sign
  const r = new StreamReader(0);
  r.feed(bytes.subarray(0, cut), 10);
  r.feed(bytes.subarray(cut), 11);
  assert.equal(r.end(12, true, 'text/event-stream; charset=utf-8').text, 'é€');
});

test('a plain JSON answer to a streamed request is measured as non-streamed (TTFT = E2E); anything else is not-sse', () => {
  const body = JSON.stringify({ choices: [{ message: { role: 'assistant', content: ' the of' } }], usage: { prompt_tokens: 5, completion_tokens: 2 } });
  const t = read([[body, 40]], 'application/json', 50);
  assert.equal(t.streamed, false);
  assert.equal(t.bad, undefined);
  const m = requestMetrics(t, undefined)!;
  assert.equal(m.ttftMs, m.e2eMs);
  assert.equal(m.outputTokens, 2);
  assert.equal(m.streamed, false);
  assert.equal(read([['<html>busy</html>', 40]], 'text/html', 50).bad, 'not-sse');
  assert.equal(read([['', 40]], 'text/event-stream', 50).bad, 'not-sse', 'an empty answer');
  assert.equal(read([['{"detail":"nope"}', 40]], 'application/json', 50).bad, 'not-sse', 'JSON without choices');
});

test('metrics follow vLLM and AIPerf: TTFT first content, ITL every gap, E2E last event, TPOT (E2E - TTFT) / (n - 1)', () => {
  const t = read([
    ['data: {"choices":[{"delta":{"role":"assistant","content":""}}]}\n\n', 5],
    [chat('a'), 100],
    [chat('b'), 110],
    [chat('c'), 130],
    ['data: {"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":4}}\n\n', 140],
    ['data: [DONE]\n\n', 141],
  ]);
  const m = requestMetrics(t, { text: 'ignored: usage was sent' })!;
  assert.equal(m.ttftMs, 100);
  assert.deepEqual(m.itlMs, [10, 20]);
  assert.equal(m.e2eMs, 140);
  assert.equal(m.outputTokens, 4);
  assert.equal(m.inputTokens, 7);
  assert.equal(m.tpotMs, (140 - 100) / 3);
  assert.equal(m.tokensCounted, false);
  assert.equal(meetsSlo(m, { ttftMs: 100, tpotMs: 14 }), true);
  assert.equal(meetsSlo(m, { ttftMs: 99 }), false);
  assert.equal(meetsSlo(m, { tpotMs: 13 }), false);
  assert.equal(meetsSlo(m, { e2eMs: 139 }), false);
});

test('without usage, tokens are counted with a BPE tokenizer (not characters / 4)', () => {
  const t = read([
    [chat(' the'), 10],
    [chat(' of'), 20],
    [chat(' and'), 30],
    ['data: [DONE]\n\n', 31],
  ]);
  const m = requestMetrics(t, { text: 'Summarise the following text please' })!;
  assert.equal(m.outputTokens, 3);
  assert.equal(m.inputTokens, countTokens('Summarise the following text please'));
  assert.equal(m.tokensCounted, true);
  assert.notEqual(countTokens('internationalisation'), Math.round('internationalisation'.length / 4));
});

test('synthetic prompts have exactly the asked number of tokens; counts parse and draw within range', () => {
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (const n of [1, 17, 256, 1000]) assert.equal(countTokens(syntheticPrompt(n, random)), n);
  assert.deepEqual(parseCount(64), { kind: 'fixed', n: 64 });
  assert.deepEqual(parseCount('32..256'), { kind: 'uniform', min: 32, max: 256 });
  assert.match(parseCount('lots') as string, /not a count/);
  assert.match(parseCount(0) as string, /whole number of 1 or more/);
  const u = parseCount('10..12');
  for (let i = 0; i < 200; i++) {
    const d = drawCount(u as Exclude<typeof u, string>, random);
    assert.ok(d >= 10 && d <= 12);
  }
  const normal = parseCount({ mean: 100, stddev: 10 });
  const draws = Array.from({ length: 2000 }, () => drawCount(normal as Exclude<typeof normal, string>, random));
  const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
  assert.ok(Math.abs(mean - 100) < 2, `mean ${mean}`);
});

test('open-model arrivals: gamma gaps with burstiness as vLLM draws them (mean 1, variance 1/burstiness), seeded, on the rate plan', async () => {
  const { arrivalGaps } = await import('../src/core/random');
  const { ArrivalSchedule } = await import('../src/engine/arrivals');
  for (const b of [0.25, 1, 4]) {
    const gap = arrivalGaps(b, 7);
    const xs = Array.from({ length: 40_000 }, gap);
    const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length;
    assert.ok(Math.abs(mean - 1) < 0.03, `burstiness ${b}: mean ${mean}`);
    assert.ok(Math.abs(variance - 1 / b) < 0.1 / b, `burstiness ${b}: variance ${variance}, expected ${1 / b}`);
  }
  const a = Array.from({ length: 5 }, arrivalGaps(0.5, 42));
  assert.deepEqual(Array.from({ length: 5 }, arrivalGaps(0.5, 42)), a, 'same seed, same gaps');
  assert.notDeepEqual(Array.from({ length: 5 }, arrivalGaps(0.5, 43)), a);
  const schedule = new ArrivalSchedule([{ name: 'hold', durationMs: 100_000, from: 50, to: 50 }], arrivalGaps(1, 3));
  let n = 0;
  while (schedule.next() !== undefined) n++;
  assert.ok(Math.abs(n - 5000) < 5000 * 0.05, `${n} Poisson arrivals at 50/s over 100 s`);
});

test('dashboard LLM view: TTFT, output tokens/s and TPOT replace latency, throughput and load; labels fit narrow widgets', async () => {
  const { ttftView, tokensView, tpotView } = await import('../src/tui/views');
  const s = {
    model: 'closed',
    t: [1, 2],
    level: [8, 8],
    plannedLevel: 8,
    status: 'running',
    llm: {
      ttftP50: [80, 82],
      ttftP95: [90, 95],
      ttftP99: [100, 120],
      tpotP50: [15, 15],
      tpotP99: [16, 17],
      tokensPerSec: [400, 420],
      goodPct: [100, 97.5],
      sloTtftMs: 500,
      sloTpotMs: 50,
    },
  } as unknown as import('../src/tui/snapshot').DashboardSnapshot;
  const plain = (label: string) => label.replace(/\{[^}]*\}/g, '');
  assert.match(plain(ttftView(s, 120).label), /TTFT \(ms\)[━ ]+p50 82\.0ms[━ ]+p95 95\.0ms[━ ]+p99 120ms +SLO 500ms/);
  assert.deepEqual(
    ttftView(s, 120).series.map((x) => x.title),
    ['p99', 'p95', 'p50'],
  );
  assert.match(plain(tokensView(s, 120).label), /output tokens\/s[━ ]+420 +goodput 97\.5%/);
  assert.match(plain(tpotView(s, 120).label), /TPOT \(ms\)[━ ]+p50 15\.0ms[━ ]+p99 17\.0ms +at 8 VUs/);
  for (const view of [ttftView, tokensView, tpotView]) {
    const label = view(s, 40).label;
    assert.ok(plain(label).length <= 40, `${plain(label)} fits 40 columns`);
    assert.equal((label.match(/\{/g) ?? []).length % 2, 0, `colour tags come in pairs: ${label}`);
  }
});
