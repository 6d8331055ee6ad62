/** A time the generator's event loop could not run what was due: strain's own lateness. */
export interface Stall {
  /** Wall-clock epoch ms when it began (the due time of the first thing it held up). */
  at: number;
  /** How long, ms: from that due time until the late work finally ran. */
  ms: number;
}

/** The generator's event-loop delay over a run (a 10 ms probe timer's lateness), ms. */
export interface LoopDelay {
  p99: number;
  max: number;
}

/** The event kind a generator stall is stored as (data: the Stall). */
export const STALL_EVENT = 'generator-stall';

/** What a run's stalls did to its figures (the summary's generator.stalls). */
export interface StallReport {
  count: number;
  longestMs: number;
  totalMs: number;
  /** Seconds (interval numbers) a stall overlapped. */
  seconds: number[];
  /** The run's p99 from the intended start, with and without those seconds. */
  p99Ms: number;
  /** Null when every second had a stall. */
  p99WithoutStalledSecondsMs: number | null;
  /** How much of the run's p99 is strain's own lateness: p99Ms minus p99WithoutStalledSecondsMs. */
  ownP99Ms: number | null;
  /** In the stalled seconds: p99 from the intended start vs from the actual send. */
  inStalledSeconds: { p99Ms: number; serviceP99Ms: number };
}
