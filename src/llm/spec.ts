/** The `llm:` step and the profile's `llm:` block, as written; counts drawn per request. */
import type { Count } from '../core/llm';

export type { Count, ResolvedLlm } from '../core/llm';

/** A number, a uniform range "128..512", or a normal distribution { mean, stddev }. */
export type UserCount = number | string | { mean: number; stddev: number };

export interface UserLlm {
  api?: 'chat' | 'completions';
  model: string;
  prompt?: string | { tokens: UserCount };
  messages?: { role: string; content: string }[];
  maxTokens?: UserCount;
  path?: string;
  stream?: boolean;
  headers?: Record<string, string>;
  /** Extra body fields sent as they are (temperature, ignore_eos, ...). */
  body?: Record<string, unknown>;
  timeout?: string;
}

export interface UserLlmBlock {
  slo?: { ttft?: string; tpot?: string; e2e?: string };
}

export function parseCount(value: UserCount): Count | string {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 ? { kind: 'fixed', n: value } : 'must be a whole number of 1 or more';
  if (typeof value === 'string') {
    const m = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(value);
    if (!m) return `"${value}" is not a count; use a number (64), a range ("32..256") or { mean: 128, stddev: 32 }`;
    const min = Number(m[1]);
    const max = Number(m[2]);
    if (min < 1 || max < min) return `"${value}": the range must go from 1 or more up to a higher number`;
    return min === max ? { kind: 'fixed', n: min } : { kind: 'uniform', min, max };
  }
  if (!(value.mean >= 1) || !(value.stddev >= 0)) return 'needs mean >= 1 and stddev >= 0';
  return { kind: 'normal', mean: value.mean, stddev: value.stddev };
}

export function drawCount(c: Count, random: () => number): number {
  switch (c.kind) {
    case 'fixed':
      return c.n;
    case 'uniform':
      return c.min + Math.floor(random() * (c.max - c.min + 1));
    case 'normal': {
      // Box-Muller; rounded and kept at 1 or more.
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return Math.max(1, Math.round(c.mean + z * c.stddev));
    }
  }
}

/** Each is one token in o200k_base (and cl100k) with its leading space, so N words are N tokens. */
const WORDS = [
  ' the',
  ' of',
  ' and',
  ' to',
  ' in',
  ' is',
  ' it',
  ' that',
  ' for',
  ' on',
  ' with',
  ' as',
  ' was',
  ' at',
  ' by',
  ' this',
  ' from',
  ' or',
  ' have',
  ' an',
  ' they',
  ' which',
  ' one',
  ' you',
  ' were',
  ' all',
  ' we',
  ' when',
  ' there',
  ' can',
  ' more',
  ' out',
];

/** A prompt of exactly `tokens` BPE tokens (o200k_base), its words drawn at random. */
export function syntheticPrompt(tokens: number, random: () => number): string {
  let text = '';
  for (let i = 0; i < tokens; i++) text += WORDS[Math.floor(random() * WORDS.length)];
  return text;
}
