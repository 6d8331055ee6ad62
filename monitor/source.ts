import type { SampleBatch } from '../src/core/samples';

/** What a source knows of the monitor's state when it is asked for samples. */
export interface SourceContext {
  at: number;
  /** The target process being followed, if one is found right now. */
  targetPid: number | undefined;
}

/**
 * One kind of figures (a process from /proc, a cgroup, GPUs, systeminformation) behind one
 * interface: each tick the monitor asks every source and writes what they return as one batch.
 */
export interface SampleSource {
  readonly name: string;
  sample(ctx: SourceContext): Partial<SampleBatch>;
  /** Releases what the source holds (a child process, timers). */
  close?(): void;
}
