import type { StepSummary } from '../core/summary';
import { OUTCOME_COUNT, OUTCOME_NAMES, isError } from '../core/outcome';
import { decodeHistogram, encodeHistogram, latencyStatsMs, newLatencyHistogram } from '../core/histogram';
import { redactText } from '../util/secrets';
import {
  addFigures,
  decodeFigures,
  emptyFigures,
  encodeFigures,
  llmSummary,
  recordRequest,
  type LlmBadClass,
  type LlmFigures,
  type LlmFiguresJson,
  type LlmRequestMetrics,
  type StepLlmSummary,
} from '../core/llm';

/** A sample reason is a diagnosis, not a body dump. */
const MAX_SAMPLE_CHARS = 300;

const MAX_REASONS = 20;

/** A step's figures as a worker thread hands them over at the end of a run. */
export interface StepPart {
  counts: number[];
  latency: string;
  reasons: [string, number][];
  skips?: [string, number][];
  /** The first reason seen per outcome class (undefined for none). */
  samples: (string | null)[];
  /** An llm: step's figures, histograms encoded. */
  llm?: LlmFiguresJson;
}

/** Whole-run figures of one step: a histogram, outcome counts and failure reasons. */
export class StepStats {
  readonly counts = new Array<number>(OUTCOME_COUNT).fill(0);
  readonly latency = newLatencyHistogram(64);
  private readonly reasons = new Map<string, number>();
  private readonly skips = new Map<string, number>();
  /** One sample reason per error class, the first seen: cheap on the hot path, enough to diagnose. */
  private readonly samples: (string | null)[] = new Array<string | null>(OUTCOME_COUNT).fill(null);

  /** An llm: step's whole-run figures (created with its first answer). */
  llm: LlmFigures | undefined;

  constructor(
    readonly name: string,
    readonly scenario: string,
  ) {}

  /** An llm: step's answer: its figures, or the class of a bad one. */
  llmAnswer(metrics: LlmRequestMetrics | undefined, bad: LlmBadClass | undefined, good: boolean): void {
    this.llm ??= emptyFigures(64);
    if (bad) this.llm.bad[bad]++;
    else if (metrics) recordRequest(this.llm, metrics, good);
  }

  fail(reason: string, count = 1): void {
    if (this.reasons.has(reason) || this.reasons.size < MAX_REASONS) this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + count);
  }

  skip(reason: string, count = 1): void {
    if (this.skips.has(reason) || this.skips.size < MAX_REASONS) this.skips.set(reason, (this.skips.get(reason) ?? 0) + count);
    else this.skips.set('other reasons', (this.skips.get('other reasons') ?? 0) + count);
  }

  sample(cls: number, reason: string): void {
    if (this.samples[cls] !== null) return;
    const text = redactText(reason); // a server's error text may echo a URL with credentials
    this.samples[cls] = text.length > MAX_SAMPLE_CHARS ? `${text.slice(0, MAX_SAMPLE_CHARS)}...` : text;
  }

  export(): StepPart {
    return {
      counts: [...this.counts],
      latency: encodeHistogram(this.latency),
      reasons: [...this.reasons.entries()],
      skips: [...this.skips.entries()],
      samples: [...this.samples],
      ...(this.llm ? { llm: encodeFigures(this.llm) } : {}),
    };
  }

  /** Adds a worker's figures: counts and reasons summed, histograms added. */
  merge(part: StepPart): void {
    part.counts.forEach((n, cls) => (this.counts[cls] += n));
    this.latency.add(decodeHistogram(part.latency));
    for (const [reason, count] of part.reasons) this.fail(reason, count);
    for (const [reason, count] of part.skips ?? []) this.skip(reason, count);
    part.samples.forEach((reason, cls) => reason !== null && this.sample(cls, reason));
    if (part.llm) addFigures((this.llm ??= emptyFigures(64)), decodeFigures(part.llm));
  }

  /** Each error class with a sample, as a failure: "5xx: HTTP 503: \"db down\"" and the class's count. */
  private sampled(): [string, number][] {
    const out: [string, number][] = [];
    this.samples.forEach((reason, cls) => {
      if (reason !== null && this.counts[cls] > 0) out.push([`${OUTCOME_NAMES[cls]}: ${reason}`, this.counts[cls]]);
    });
    return out;
  }

  /** `latency` replaces this step's own histogram when the caller holds the same figures. */
  summary(latency = this.latency): StepSummary {
    const errorsByClass: Record<string, number> = {};
    let requests = 0;
    let errors = 0;
    this.counts.forEach((n, cls) => {
      requests += n;
      if (isError(cls)) {
        errors += n;
        if (n > 0) errorsByClass[OUTCOME_NAMES[cls]] = n;
      }
    });
    return {
      name: this.name,
      scenario: this.scenario,
      requests,
      errors,
      errorsByClass,
      latencyMs: latencyStatsMs(latency),
      failures: [...this.reasons.entries(), ...this.sampled()].sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count })),
      skipped: [...this.skips.values()].reduce((a, b) => a + b, 0),
      skipReasons: [...this.skips.entries()].sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count })),
      ...(this.llm ? { llm: stepLlm(this.llm) } : {}),
    };
  }
}

/** A step's llm figures: counts and percentiles (rates are the run's, in the summary's llm block). */
function stepLlm(f: LlmFigures): StepLlmSummary {
  const l = llmSummary(f, 0, false);
  return { requests: l.requests, inputTokens: l.inputTokens, outputTokens: l.outputTokens, ttftMs: l.ttftMs, tpotMs: l.tpotMs, itlMs: l.itlMs, e2eMs: l.e2eMs, bad: l.bad };
}
