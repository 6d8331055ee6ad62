import { ArrivalSchedule } from './arrivals';
import { arrivalGaps } from '../core/random';
import { runIteration, User } from './iteration';
import type { Executor, ExecutorContext } from './executor';
import { MAX_TIMER_MS } from '../util/timers';

/**
 * Arrivals handled (started, dropped or left to another worker) in one go before the event
 * loop gets a turn. Drops count too: at rate 1e12 against a full maxInFlight the loop only
 * dropped, never yielded, and two SIGINTs went unheard.
 */
const MAX_ARRIVALS_PER_TICK = 500;

/**
 * Open model: iterations start on a schedule of intended start times, independent of
 * how fast the target answers. Latency counts from the intended start (no coordinated
 * omission). An arrival that finds maxInFlight iterations running is counted as dropped.
 */
export class OpenExecutor implements Executor {
  private readonly schedule: ArrivalSchedule;
  private nextAt: number | undefined;
  private running = 0;
  private stopped = false;
  private paused = false;
  private arrivals = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly finished = (): void => {
    this.running--;
  };

  constructor(private readonly ctx: ExecutorContext) {
    const a = ctx.arrivals;
    this.schedule = new ArrivalSchedule(ctx.stages, a && a.process !== 'even' ? arrivalGaps(a.process === 'poisson' ? 1 : a.burstiness, a.seed) : undefined);
  }

  start(): void {
    this.nextAt = this.schedule.next();
    this.tick();
  }

  startDue(): void {
    if (!this.stopped && !this.paused) this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
  }

  inFlight(): number {
    return this.running;
  }

  describeLevel(): string {
    const level = this.ctx.plan(this.ctx.clock() - this.ctx.t0).level * this.schedule.factor;
    return `${Math.round(level)}/s${this.paused ? ' (paused)' : ''}`;
  }

  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) {
      if (this.timer) clearTimeout(this.timer);
      if (this.immediate) clearImmediate(this.immediate);
      return;
    }
    // Arrivals owed during the pause are not sent in a burst on resume.
    this.schedule.skipTo(this.ctx.clock() - this.ctx.t0);
    this.nextAt = this.schedule.next();
    this.tick();
  }

  setFactor(factor: number): void {
    this.schedule.factor = factor;
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    if (this.stopped || this.paused) return;
    const { clock, t0, recorder, maxInFlight } = this.ctx;
    const now = clock();
    const { index, of } = this.ctx.shard;
    let handledNow = 0;
    while (this.nextAt !== undefined && t0 + this.nextAt <= now) {
      if (handledNow++ >= MAX_ARRIVALS_PER_TICK) {
        // Far behind: yield so responses and timers run; the rest start late, and that lateness
        // is recorded (schedule lag, latency from the intended start), never hidden.
        this.immediate = setImmediate(this.tick);
        return;
      }
      // Under worker threads each takes every of-th arrival of the one schedule: interleaved, exact.
      if (this.arrivals++ % of !== index) {
        this.nextAt = this.schedule.next();
        continue;
      }
      recorder.arrivalOffered();
      if (this.running >= maxInFlight) {
        recorder.arrivalDropped();
      } else {
        this.running++;
        recorder.iterationStarted();
        recorder.scheduleLate(now - (t0 + this.nextAt), t0 + this.nextAt);
        // Every arrival is a new user: its own cookies and variables, its setup first.
        const user = new User(this.arrivals, this.ctx.iteration.env, this.ctx.iteration.random);
        runIteration(this.ctx.iteration, user, t0 + this.nextAt, this.finished);
      }
      this.nextAt = this.schedule.next();
    }
    if (this.nextAt === undefined) return;
    const wait = t0 + this.nextAt - clock();
    // Sleep, never poll: setImmediate polling held a whole core at any rate over 1,000/s (and
    // would then be flagged as saturation). An arrival may start up to a timer tick (~1 ms) late;
    // latency counts from its intended time, so that is shown, not hidden.
    this.timer = setTimeout(this.tick, Math.min(MAX_TIMER_MS, Math.max(1, wait)));
  };
}
