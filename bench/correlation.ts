import { caseRates, formatRates } from '../test/helpers/correlation-cases';

/**
 * The correlation analysis's validation cases over many seeds: detection on cases with a real
 * link, false alarms on nulls. Pure computation (no target, no network); SEEDS=N to change.
 */
export function benchCorrelation(seeds = Number(process.env.SEEDS ?? 2000)): string {
  const lines: string[] = [];
  for (const n of [60, 120, 600]) lines.push(...formatRates(caseRates(seeds, n, 100_000), n));
  return lines.join('\n');
}
