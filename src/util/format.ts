/** Number and latency formatting shared by the CLI, the dashboard and the reports. */

/** en-US grouping, fixed decimals; a missing value shows as a dash. */
export const num = (n: number | null | undefined, digits = 0): string =>
  n === null || n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function ms(x: number): string {
  if (x >= 1000) return `${num(x / 1000, 2)}s`;
  if (x >= 100) return `${num(x, 0)}ms`;
  if (x >= 10) return `${num(x, 1)}ms`;
  return `${num(x, 2)}ms`;
}

/** A load level in its model's unit: VUs (closed model) or arrivals per second (open model), at most one decimal. */
export function levelText(model: string, level: number): string {
  const n = level.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return model === 'open' ? `${n}/s` : `${n} VUs`;
}

export const pct = (fraction: number) => `${num(fraction * 100, 2)}%`;

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Text from a profile, a target or a server, made safe for a terminal line: tab and line
 * breaks become spaces; other control characters (ESC, BEL, NUL, DEL, C1) and bidirectional
 * overrides are removed, so a name can neither drive the terminal nor break a table row.
 */
export function printable(text: unknown): string {
  return (
    String(text)
      .replace(/[\t\n\r]/g, ' ')
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, '')
  );
}
