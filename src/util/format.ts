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

export const pct = (fraction: number) => `${num(fraction * 100, 2)}%`;

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
