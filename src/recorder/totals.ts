import { OUTCOME_COUNT, isError } from '../core/outcome';
import { addHistogram, newLatencyHistogram, type Histogram } from '../core/histogram';
import type { IntervalSnapshot } from '../core/interval';
import type { Stall } from '../core/stalls';
import { addFigures, emptyFigures, type LlmFigures } from '../core/llm';

/** Whole-run aggregates built by adding interval histograms: exact, never averaged percentiles. */
export class RunTotals {
  readonly counts = new Array<number>(OUTCOME_COUNT).fill(0);
  readonly latency: Histogram = newLatencyHistogram(64);
  readonly serviceLatency: Histogram = newLatencyHistogram(64);
  requests = 0;
  errors = 0;
  offered = 0;
  started = 0;
  dropped = 0;
  bytes = 0;
  durationMs = 0;
  intervals = 0;
  maxGeneratorLagMs = 0;
  /** The generator's stalls, in order (the first MAX_STALLS; stallCount counts them all). */
  readonly stalls: Stall[] = [];
  stallCount = 0;

  /** llm: steps' whole-run figures (created with the first interval that carries them). */
  llm: LlmFigures | undefined;

  add(
    i: Pick<IntervalSnapshot, 'counts' | 'offered' | 'started' | 'dropped' | 'bytes' | 'durationMs' | 'latency' | 'serviceLatency' | 'generatorLagMs' | 'llm'> & {
      stalls?: readonly Stall[];
    },
  ): void {
    for (let c = 0; c < OUTCOME_COUNT; c++) {
      this.counts[c] += i.counts[c];
      this.requests += i.counts[c];
      if (isError(c)) this.errors += i.counts[c];
    }
    this.offered += i.offered;
    this.started += i.started;
    this.dropped += i.dropped;
    this.bytes += i.bytes;
    this.durationMs += i.durationMs;
    this.intervals++;
    this.maxGeneratorLagMs = Math.max(this.maxGeneratorLagMs, i.generatorLagMs);
    for (const stall of i.stalls ?? []) if (this.stallCount++ < MAX_STALLS) this.stalls.push(stall);
    addHistogram(this.latency, i.latency);
    addHistogram(this.serviceLatency, i.serviceLatency);
    if (i.llm) addFigures((this.llm ??= emptyFigures(64)), i.llm);
  }
}

/** Stalls kept one by one; a run that stalls more often than this is saturated anyway. */
export const MAX_STALLS = 200;
