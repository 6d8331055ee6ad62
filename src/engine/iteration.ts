import type { ResolvedStep, ThinkTime } from '../profiles/types';
import { Outcome, type OutcomeClass } from './outcome';
import type { HttpTransport, PreparedRequest } from './transport';

/** What an iteration reports to; the Recorder implements it. */
export interface OutcomeSink {
  response(cls: OutcomeClass, latencyUs: number, serviceLatencyUs: number, bytes: number): void;
}

export interface IterationContext {
  transport: HttpTransport;
  steps: readonly PreparedStep[];
  sink: OutcomeSink;
  clock: () => number;
  random: () => number;
  /** Set once the run is stopping: no new steps start, late outcomes are not recorded. */
  isStopping: () => boolean;
  /** Outcomes are recorded only while this returns true (false after the graceful-stop cut-off). */
  isRecording: () => boolean;
}

export interface PreparedStep {
  name: string;
  request: PreparedRequest;
  think: ThinkTime;
}

export function prepareSteps(transport: HttpTransport, steps: readonly ResolvedStep[]): PreparedStep[] {
  return steps.map((s) => ({
    name: s.name,
    request: transport.prepare(s.method, s.path, s.headers, s.body, s.timeoutMs),
    think: s.think,
  }));
}

export function thinkMs(think: ThinkTime, random: () => number): number {
  switch (think.kind) {
    case 'none': return 0;
    case 'fixed': return think.ms;
    case 'uniform': return think.minMs + random() * (think.maxMs - think.minMs);
  }
}

/**
 * Runs the scenario's steps once, in order. The first step's latency is measured from
 * `intendedStart` (the open model's schedule) so a stalled target cannot hide time the
 * iteration spent waiting; later steps are measured from their own send.
 * `done` receives whether the iteration hit a connection failure (callers back off).
 */
export function runIteration(ctx: IterationContext, intendedStart: number, done: (connectionFailed: boolean) => void): void {
  let stepIndex = 0;
  let origin = intendedStart;
  const next = (): void => {
    if (stepIndex >= ctx.steps.length || ctx.isStopping()) {
      done(false);
      return;
    }
    const step = ctx.steps[stepIndex++];
    const sentAt = ctx.clock();
    const measuredFrom = origin;
    ctx.transport.send(step.request, (cls, status, bytes) => {
      const end = ctx.clock();
      if (ctx.isRecording()) {
        const hasResponse = status > 0;
        ctx.sink.response(cls, hasResponse ? (end - measuredFrom) * 1000 : -1, hasResponse ? (end - sentAt) * 1000 : -1, bytes);
      }
      if (cls === Outcome.refused || cls === Outcome.reset) {
        done(cls === Outcome.refused);
        return;
      }
      const pause = thinkMs(step.think, ctx.random);
      if (pause > 0 && !ctx.isStopping()) {
        setTimeout(() => {
          origin = ctx.clock();
          next();
        }, pause);
      } else {
        origin = ctx.clock();
        next();
      }
    });
  };
  next();
}
