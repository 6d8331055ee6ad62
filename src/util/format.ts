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
