import { runIteration, User } from './iteration';
import type { Executor, ExecutorContext } from './executor';

/** After a refused connection a VU waits this long, so a dead target is not a busy loop. */
const BACKOFF_AFTER_REFUSED_MS = 100;
const ADJUST_EVERY_MS = 100;

/**
 * Closed model: N virtual users, each looping the scenario. The number of VUs follows the
 * plan; VUs above the planned count retire at the end of their current iteration.
 */
export class ClosedExecutor implements Executor {
  private readonly running: boolean[] = [];
  private runningCount = 0;
  private targetVus = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private paused = false;
  private factor = 1;
  private parked: (() => void)[] = [];

  constructor(private readonly ctx: ExecutorContext) {}

  start(): void {
    this.adjust();
    this.timer = setInterval(() => this.adjust(), ADJUST_EVERY_MS);
  }

  startDue(): void {}

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.setPaused(false); // parked VUs wake, see the stop and retire
  }

  inFlight(): number {
    return this.runningCount - this.parked.length;
  }

  describeLevel(): string {
    return `${this.runningCount} VUs${this.paused ? ' (paused)' : ''}`;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) {
      const waiting = this.parked;
      this.parked = [];
      for (const resume of waiting) resume();
    }
  }

  setFactor(factor: number): void {
    this.factor = factor;
    this.adjust();
  }

  private adjust(): void {
    if (this.stopped) return;
    this.targetVus = Math.round(this.ctx.plan(this.ctx.clock() - this.ctx.t0).level * this.factor);
    // Under worker threads each runs the VU ids of its shard, so the total is exact at every level.
    const { index, of } = this.ctx.shard;
    for (let id = index; id < this.targetVus; id += of) if (!this.running[id]) this.spawn(id);
  }

  private spawn(id: number): void {
    this.running[id] = true;
    this.runningCount++;
    // A VU keeps its user (cookies, captured values) across iterations; {{vu}} counts from 1.
    const user = (this.ctx.users[id] ??= new User(id + 1, this.ctx.iteration.env, this.ctx.iteration.random));
    const loop = (): void => {
      if (this.stopped || id >= this.targetVus) {
        this.running[id] = false;
        this.runningCount--;
        return;
      }
      if (this.paused) {
        this.parked.push(loop);
        return;
      }
      this.ctx.recorder.iterationStarted();
      // An iteration that sends nothing (every step failed a template) ends synchronously;
      // the next one then waits a tick so a VU can never recurse or starve the event loop.
      let synchronous = true;
      runIteration(this.ctx.iteration, user, this.ctx.clock(), (refused) => {
        if (refused && !this.stopped) setTimeout(loop, BACKOFF_AFTER_REFUSED_MS);
        else if (synchronous) setImmediate(loop);
        else loop();
      });
      synchronous = false;
    };
    loop();
  }
}
