import { OUTCOME_COUNT } from '../core/outcome';
import { decodeHistogram, newLatencyHistogram } from '../core/histogram';
import type { MergedInterval } from '../core/interval';
import type { IntervalPart } from './messages';
import { addFigures, decodeFigures, emptyFigures } from '../core/llm';

export interface MergerOptions {
  /** How many sources send a part per interval (worker threads, agents), numbered 0..sources-1. */
  sources: number;
  /** Receives each merged interval, in index order (Recorder.publish, typically). */
  publish: (merged: MergedInterval) => void;
}

/**
 * Adds the parts of each interval from several sources into one, by histogram addition (never
 * by averaging percentiles), and publishes the intervals in order. It knows nothing about how
 * parts travel: worker threads post them, a coordinator may receive them over the network.
 *
 * An interval is published once every live source has sent its part. A source that is gone
 * (lose()) is no longer waited for; each merged interval says how many sources it holds.
 * Parts may arrive out of order and for intervals ahead of the next one to publish.
 */
export class IntervalMerger {
  private readonly pending = new Map<number, Map<number, IntervalPart>>();
  private readonly lost = new Set<number>();
  private next = 0;

  constructor(private readonly o: MergerOptions) {}

  /** A source's part of an interval. A second part from the same source for one interval replaces the first. */
  add(source: number, part: IntervalPart): void {
    if (part.index < this.next) return; // that interval was published without it (the source was lost, or at flush)
    let parts = this.pending.get(part.index);
    if (!parts) this.pending.set(part.index, (parts = new Map()));
    parts.set(source, part);
    this.publishReady();
  }

  /** A source is gone (its thread died, its agent stopped answering): stop waiting for it. */
  lose(source: number): void {
    this.lost.add(source);
    this.publishReady();
  }

  /** How many sources are still expected. */
  liveSources(): number {
    return this.o.sources - this.lost.size;
  }

  /** The end of the run: publishes whatever arrived, in order (a source may end a moment early). */
  flush(): void {
    for (const index of [...this.pending.keys()].sort((a, b) => a - b)) this.publishIndex(index);
  }

  private publishReady(): void {
    for (;;) {
      const parts = this.pending.get(this.next);
      if (!parts || !this.complete(parts)) return;
      this.publishIndex(this.next);
    }
  }

  private complete(parts: Map<number, IntervalPart>): boolean {
    for (let s = 0; s < this.o.sources; s++) if (!this.lost.has(s) && !parts.has(s)) return false;
    return true;
  }

  private publishIndex(index: number): void {
    const parts = [...(this.pending.get(index)?.values() ?? [])];
    this.pending.delete(index);
    this.next = index + 1;
    if (parts.length > 0) this.o.publish(mergeParts(index, parts));
  }
}

/** Adds parts of one interval: counts summed, histograms added, lags the worst, in-flight summed. */
export function mergeParts(index: number, parts: readonly IntervalPart[]): MergedInterval {
  const counts = new Array<number>(OUTCOME_COUNT).fill(0);
  const latency = newLatencyHistogram(64);
  const separate = parts.some((p) => p.serviceLatency !== undefined);
  const serviceLatency = separate ? newLatencyHistogram(64) : undefined;
  const merged: MergedInterval = {
    index,
    durationMs: 0,
    counts,
    offered: 0,
    started: 0,
    dropped: 0,
    bytes: 0,
    latency,
    serviceLatency,
    generatorLagMs: 0,
    scheduleLagMs: 0,
    inFlight: 0,
    stalls: [],
    sources: parts.length,
  };
  for (const p of parts) {
    for (let c = 0; c < OUTCOME_COUNT; c++) counts[c] += p.counts[c];
    merged.offered += p.offered;
    merged.started += p.started;
    merged.dropped += p.dropped;
    merged.bytes += p.bytes;
    const own = decodeHistogram(p.latency);
    latency.add(own);
    serviceLatency?.add(p.serviceLatency === undefined ? own : decodeHistogram(p.serviceLatency));
    merged.generatorLagMs = Math.max(merged.generatorLagMs, p.generatorLagMs);
    merged.scheduleLagMs = Math.max(merged.scheduleLagMs, p.scheduleLagMs);
    merged.inFlight += p.inFlight;
    merged.durationMs = Math.max(merged.durationMs, p.durationMs);
    merged.stalls.push(...(p.stalls ?? []));
    if (p.llm) addFigures((merged.llm ??= emptyFigures(64)), decodeFigures(p.llm));
  }
  return merged;
}
