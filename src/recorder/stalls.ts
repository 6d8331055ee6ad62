import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { LoopDelay, Stall } from '../core/stalls';

/** Lateness at or beyond this is a stall (timers and the open model's sleeps are ~1 ms late at most). */
const STALL_MS = 5;
/** The probe timer's period: a stall is seen within this much of its start. */
const PROBE_MS = 10;

/**
 * Watches the event loop for stalls: a 10 ms probe timer, and anything else that knows when
 * it was due (an open-model arrival), report how late they ran. Overlapping lateness is one
 * stall from the earliest due time to the latest run time; it closes when something runs on
 * time again. Also keeps the run's event-loop delay histogram (probe lateness, µs).
 */
export class StallWatch {
  private timer: NodeJS.Timeout | undefined;
  private dueAt = 0;
  private openFrom: number | undefined;
  private openTo = 0;
  private closed: Stall[] = [];
  private worst = 0;
  readonly delay: RecordableHistogram = createHistogram();

  constructor(
    private readonly clock: () => number,
    /** Epoch ms of a clock() reading. */
    private readonly epochOf: (clockMs: number) => number,
  ) {}

  start(): void {
    this.stop();
    this.dueAt = this.clock() + PROBE_MS;
    this.timer = setTimeout(this.probe, PROBE_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly probe = (): void => {
    const now = this.clock();
    const late = Math.max(0, now - this.dueAt);
    this.delay.record(Math.max(1, Math.round(late * 1000)));
    if (late > this.worst) this.worst = late;
    this.late(this.dueAt, now);
    this.dueAt = now + PROBE_MS;
    this.timer = setTimeout(this.probe, PROBE_MS);
    this.timer.unref();
  };

  /** Something due at `dueAt` (clock ms) ran at `now`. Cheap: called per late arrival. */
  late(dueAt: number, now: number): void {
    const late = now - dueAt;
    if (late >= STALL_MS) {
      if (this.openFrom === undefined || dueAt > this.openTo) {
        this.close();
        this.openFrom = dueAt;
      } else if (dueAt < this.openFrom) {
        this.openFrom = dueAt;
      }
      if (now > this.openTo) this.openTo = now;
    } else if (this.openFrom !== undefined && now > this.openTo) {
      this.close(); // on time again after the stall
    }
  }

  /** Stalls that ended since the last call, and the probe's worst lateness (ms); both restart. */
  take(): { stalls: Stall[]; worstMs: number } {
    const out = { stalls: this.closed, worstMs: Math.round(this.worst * 100) / 100 };
    this.closed = [];
    this.worst = 0;
    return out;
  }

  /** p99 and max of the probe's lateness over the run, ms; none when it never ran. */
  delaySummary(): LoopDelay | undefined {
    if (this.delay.count === 0) return undefined;
    return { p99: Math.round(this.delay.percentile(99) / 10) / 100, max: Math.round(this.delay.max / 10) / 100 };
  }

  /** Ends a stall still in progress (at the end of the run). */
  close(): void {
    if (this.openFrom === undefined) return;
    const ms = this.openTo - this.openFrom;
    if (ms >= STALL_MS) this.closed.push({ at: Math.round(this.epochOf(this.openFrom)), ms: Math.round(ms * 10) / 10 });
    this.openFrom = undefined;
  }
}
