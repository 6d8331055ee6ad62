import { USER_AGENT } from '../core/net';
import type { ThinkTime } from '../core/profile';
import { Outcome, type OutcomeClass } from '../core/outcome';
import type { DataFeeder } from './scenario/feeder';
import { inspectResponse, pickScenario, renderRequest, type PreparedScenario, type PreparedStep } from './scenario/steps';
import { MissingValue, type TemplateContext } from '../core/template';
import type { HttpTransport } from '../http/transport';
import type { ResponseHeaders } from '../http/types';
import { longTimeout } from '../util/timers';
import type { CookieJar } from 'tough-cookie';
import { llmBody, sendLlm, type LlmSink } from './llm-step';

/** What an iteration reports to; the Recorder implements it. */
interface OutcomeSink {
  /** `at` is when it ended (the run clock), when the caller already read it. */
  response(step: number, cls: OutcomeClass, latencyUs: number, serviceLatencyUs: number, bytes: number, at?: number): void;
  /** Why a step failed a check or a capture. */
  failure(step: number, reason: string): void;
  /** A step that could not be sent (a template names a value the user lacks: "missing {{token}}"). */
  skipped(step: number, reason: string): void;
  /** Why a request ended in an error class (status and body start, TLS or parse error); the first per class is kept. */
  sample(step: number, cls: OutcomeClass, reason: string): void;
  /** An llm: step's figures, or why its answer was bad (engine/llm-step.ts). */
  llmResponse: LlmSink['llmResponse'];
}

export interface IterationContext {
  transport: HttpTransport;
  setup: readonly PreparedStep[];
  scenarios: readonly PreparedScenario[];
  sink: OutcomeSink;
  clock: () => number;
  random: () => number;
  env: NodeJS.ProcessEnv;
  feeder: DataFeeder | undefined;
  /** A unique feeder ran out: the run should end. */
  onFeederExhausted: () => void;
  /** Set once the run is stopping: no new steps start. */
  isStopping: () => boolean;
  /** Outcomes are recorded only while this returns true (false after the graceful-stop cut-off). */
  isRecording: () => boolean;
}

/** One virtual user's state: its variables, cookies and progress. */
export class User {
  readonly vars: Record<string, string> = {};
  jar: CookieJar | undefined;
  iteration = 0;
  setupDone = false;
  private readonly template: TemplateContext;

  constructor(
    readonly vu: number,
    env: NodeJS.ProcessEnv,
    random: () => number,
  ) {
    this.template = { vu, iteration: 0, vars: this.vars, row: undefined, env, random };
  }

  context(row: Record<string, string> | undefined): TemplateContext {
    this.template.iteration = this.iteration;
    this.template.row = row;
    return this.template;
  }
}

function thinkMs(think: ThinkTime, random: () => number): number {
  switch (think.kind) {
    case 'none':
      return 0;
    case 'fixed':
      return think.ms;
    case 'uniform':
      return think.minMs + random() * (think.maxMs - think.minMs);
    case 'exponential':
      return -Math.log(1 - random()) * think.meanMs;
  }
}

function storeCookies(user: User, headers: ResponseHeaders | undefined, href: string): void {
  const set = headers?.['set-cookie'];
  if (!set) return;
  // tough-cookie loads with the first cookie a run sees, not at every start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  user.jar ??= new (require('tough-cookie') as typeof import('tough-cookie')).CookieJar();
  for (const cookie of Array.isArray(set) ? set : [set]) user.jar.setCookieSync(cookie, href, { ignoreError: true });
}

/**
 * Runs one iteration for a user: its setup first if it has not run yet, then one scenario
 * picked by weight. The first request's latency counts from `intendedStart` (the open model's
 * schedule), so time spent waiting to start is not hidden; later steps count from their send.
 * `done` says whether a connection was refused (callers back off).
 */
export function runIteration(ctx: IterationContext, user: User, intendedStart: number, done: (refused: boolean) => void): void {
  let row: Record<string, string> | undefined;
  if (ctx.feeder) {
    row = ctx.feeder.take();
    if (!row) {
      ctx.onFeederExhausted();
      done(false);
      return;
    }
  }
  const steps = user.setupDone ? pickScenario(ctx.scenarios, ctx.random).steps : [...ctx.setup, ...pickScenario(ctx.scenarios, ctx.random).steps];
  user.setupDone = true;
  user.iteration++;
  const template = user.context(row);
  let stepIndex = 0;
  let origin = intendedStart;

  const next = (): void => {
    if (stepIndex >= steps.length || ctx.isStopping()) {
      done(false);
      return;
    }
    const step = steps[stepIndex++];
    const afterStep = () => {
      const pause = thinkMs(step.think, ctx.random);
      if (pause === 0 && stepIndex >= steps.length) {
        done(false); // the iteration's last step: no clock read for a next step
        return;
      }
      if (pause > 0 && !ctx.isStopping()) {
        longTimeout(() => {
          origin = ctx.clock();
          next();
        }, pause);
      } else {
        origin = ctx.clock();
        next();
      }
    };
    const measuredFrom = origin;
    const sentAt = ctx.clock();
    const record = (cls: OutcomeClass, status: number, bytes: number, reason: string | undefined) => {
      if (!ctx.isRecording()) return;
      const end = ctx.clock();
      // A timeout took at least the timeout: leaving it out would let a hung target pass latency thresholds.
      const has = status > 0 || cls === Outcome.timeout;
      ctx.sink.response(step.index, cls, has ? (end - measuredFrom) * 1000 : -1, has ? (end - sentAt) * 1000 : -1, bytes, end);
      if (reason !== undefined) ctx.sink.sample(step.index, cls, reason);
    };

    if (step.fixed && !user.jar) {
      // Fast path: nothing varies and nothing inspects the response.
      ctx.transport.send(step.fixed, (cls, status, bytes, headers, _body, reason) => {
        record(cls, status, bytes, reason);
        if (headers?.['set-cookie']) storeCookies(user, headers, ctx.transport.origin + step.fixed!.path);
        if (cls === Outcome.refused || cls === Outcome.reset) return done(cls === Outcome.refused);
        afterStep();
      });
      return;
    }

    let rendered;
    let llm: ReturnType<typeof llmBody> | undefined;
    try {
      rendered = renderRequest(step, template, ctx.transport.origin, ctx.transport.basePath);
      if (step.llm) llm = llmBody(step, template, ctx.random);
    } catch (err) {
      if (!(err instanceof MissingValue)) throw err;
      // The request cannot be made (a capture failed earlier): nothing was sent, so it is no
      // request; it is counted apart as skipped, with the reason.
      if (ctx.isRecording()) ctx.sink.skipped(step.index, err.message);
      afterStep();
      return;
    }
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...rendered.headers };
    if (user.jar) {
      const cookies = user.jar.getCookieStringSync(rendered.href);
      if (cookies) headers.cookie = headers.cookie ? `${headers.cookie}; ${cookies}` : cookies;
    }
    if (llm) {
      sendLlm(ctx.transport, step, { path: rendered.path, headers, ...llm }, rendered.origin, measuredFrom, ctx.sink, ctx.isRecording, (cls, status, bytes, endMs) => {
        const has = status > 0 || cls === Outcome.timeout;
        if (ctx.isRecording()) ctx.sink.response(step.index, cls, has ? (endMs - measuredFrom) * 1000 : -1, has ? (endMs - sentAt) * 1000 : -1, bytes, endMs);
        if (cls === Outcome.refused || cls === Outcome.reset) return done(cls === Outcome.refused);
        afterStep();
      });
      return;
    }
    const request = { method: step.method, path: rendered.path, headers, body: rendered.body, timeoutMs: step.timeoutMs };
    ctx.transport.send(
      request,
      (cls, status, bytes, responseHeaders, body, reason) => {
        storeCookies(user, responseHeaders, rendered.href);
        let outcome = cls;
        if ((cls === Outcome.s2xx || cls === Outcome.s3xx) && (step.expect || step.captures.length > 0)) {
          const reason = inspectResponse(step, status, responseHeaders ?? {}, body ?? '', user.vars);
          if (reason) {
            outcome = Outcome.check;
            if (ctx.isRecording()) ctx.sink.failure(step.index, reason);
          }
        } else if (step.expect?.status && status > 0 && !step.expect.status.includes(status) && ctx.isRecording()) {
          ctx.sink.failure(step.index, `expected status ${step.expect.status.join(' or ')}, got ${status}`);
        }
        record(outcome, status, bytes, outcome === cls ? reason : undefined);
        if (cls === Outcome.refused || cls === Outcome.reset) return done(cls === Outcome.refused);
        afterStep();
      },
      step.needsBody ? 'body' : 'headers',
      rendered.origin,
    );
  };
  next();
}
