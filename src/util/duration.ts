/** Durations are written like 500ms, 30s, 2m, 8h, 1d or combined (1h30m). */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)/g;
const WHOLE = new RegExp(DURATION_PATTERN);

/** Parses a duration into milliseconds; returns undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!WHOLE.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(PART)) total += Number(match[1]) * UNIT_MS[match[2]];
  return total;
}

/** Like parseDuration but throws a message naming what is accepted. */
export function requireDuration(text: string, what: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`${what}: "${text}" is not a duration (use e.g. 500ms, 30s, 2m, 8h)`);
  return ms;
}

/** Short human form: 1h2m, 3m20s, 4.5s, 250ms. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  return h > 0 ? `${h}h${m ? `${m}m` : ''}` : `${m}m${s ? `${s}s` : ''}`;
}
