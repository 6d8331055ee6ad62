import { defaults } from '../defaults';
import { planAt } from '../core/plan';
import type { ResolvedProfile } from '../core/profile';
import { addHistogram, latencyStatsMs, newLatencyHistogram } from '../core/histogram';
import type { IntervalSink, IntervalSnapshot } from '../core/interval';
import { formatDuration } from '../util/duration';
import { levelText, ms, num, pct } from './format';
import { printable } from '../util/format';

/** What the printer reads from the engine at print time. */
export interface LevelControls {
  /** The level's nudge factor (1 = as planned). */
  factor(): number;
  paused(): boolean;
  /** Worker threads generating the load (shown when more than one). */
  workers: number;
}

/** Plain progress lines every few seconds, at each stage change and at an early stop, for non-TTY output and --no-tui. */
export class ProgressPrinter implements IntervalSink {
  private readonly window = newLatencyHistogram(64);
  private requests = 0;
  private errors = 0;
  private dropped = 0;
  private windowMs = 0;
  private lastPrint = 0;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly profile: ResolvedProfile,
    private readonly controls: LevelControls,
    private readonly everyMs: number = defaults.progress.everyMs,
  ) {}

  private clock(elapsedMs: number): string {
    return `[${formatDuration(elapsedMs).padStart(6)} / ${formatDuration(this.profile.totalDurationMs)}]`;
  }

  /** Stage name and level read from the plan at one instant, so they always belong together. */
  private stageAndLevel(elapsedMs: number): string {
    const p = planAt(this.profile.stages, elapsedMs);
    const factor = this.controls.factor();
    const nudged = factor !== 1 ? ` (×${num(factor, 1)} of plan)` : '';
    const workers = this.controls.workers > 1 ? ` on ${this.controls.workers} workers` : '';
    const paused = this.controls.paused() ? ' (paused)' : '';
    return `${this.profile.stages[p.stage]?.name ?? ''} ${levelText(this.profile.model, Math.round(p.level * factor))}${nudged}${workers}${paused}`;
  }

  /** A stage began (elapsedMs from the run's start). */
  onStage(index: number, elapsedMs: number): void {
    const stage = this.profile.stages[index];
    if (!stage) return;
    this.out.write(
      `${this.clock(elapsedMs)} stage ${index + 1}/${this.profile.stages.length}: ${stage.name} ${levelText(this.profile.model, stage.from === stage.to ? stage.to : stage.from)}${stage.from !== stage.to ? ` → ${levelText(this.profile.model, stage.to)}` : ''}\n`,
    );
  }

  /** The run is ending before its plan: say why, once. */
  onStopping(elapsedMs: number, reason: string, detail: string): void {
    this.out.write(`${this.clock(elapsedMs)} stopping early: ${detail || reason}\n`);
  }

  onInterval(i: IntervalSnapshot): void {
    addHistogram(this.window, i.latency);
    this.requests += i.requests;
    this.errors += i.errors;
    this.dropped += i.dropped;
    this.windowMs += i.durationMs;
    const elapsed = i.index * 1000 + i.durationMs;
    if (elapsed - this.lastPrint < this.everyMs) return;
    this.lastPrint = elapsed;
    const l = latencyStatsMs(this.window);
    const rate = this.windowMs > 0 ? (this.requests * 1000) / this.windowMs : 0;
    const errRate = this.requests > 0 ? this.errors / this.requests : 0;
    // The interval's own stage: the figures on this line were measured in it.
    const at = Math.max(0, elapsed - 1);
    this.out.write(
      printable(
        `${this.clock(elapsed)} ${this.stageAndLevel(at)}  ` +
          `${num(rate)} req/s  p50 ${ms(l.p50)}  p95 ${ms(l.p95)}  p99 ${ms(l.p99)}  errors ${pct(errRate)}` +
          `${this.profile.model === 'open' ? `  dropped ${num(this.dropped)}` : ''}  in flight ${i.inFlight}`,
      ) + '\n',
    );
    this.window.reset();
    this.requests = this.errors = this.dropped = this.windowMs = 0;
  }
}
