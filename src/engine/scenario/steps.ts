import { JSONPath } from 'jsonpath-plus';
import type { Dispatcher } from 'undici';
import type { Capture, Expect, ResolvedScenario, ResolvedStep, ThinkTime } from '../../core/profile';
import type { HttpTransport } from '../../http/transport';
import type { PreparedRequest } from '../../http/types';
import type { ResolvedLlm } from '../../core/llm';
import { compileJson, compileTemplate, type Template, type TemplateContext } from '../../core/template';

/** A step compiled once: templates parsed, and a ready request when nothing varies. */
export interface PreparedStep {
  /** Index across all steps of the profile (setup first), for per-step metrics. */
  index: number;
  name: string;
  method: Dispatcher.HttpMethod;
  /** Absolute URL template, or undefined for a path on the target. */
  url: Template | undefined;
  path: Template;
  query: [string, Template][];
  headers: [string, Template][];
  body: Template | undefined;
  json: ReturnType<typeof compileJson> | undefined;
  timeoutMs: number;
  think: ThinkTime;
  captures: Capture[];
  expect: Expect | undefined;
  /** The response body must be read (captures or checks look at it). */
  needsBody: boolean;
  /** Set when the request never varies and nothing inspects the response: the fast path. */
  fixed: PreparedRequest | undefined;
  /** An llm: step: streamed and measured (engine/llm-step.ts). */
  llm: ResolvedLlm | undefined;
}

export interface PreparedScenario {
  name: string;
  /** Upper bound of this scenario's share in [0, 1), for a weighted pick. */
  cumulative: number;
  steps: PreparedStep[];
}

function prepareStep(transport: HttpTransport, s: ResolvedStep, index: number): PreparedStep {
  const url = s.url ? compileTemplate(s.url) : undefined;
  const path = compileTemplate(s.path);
  const query = (s.query ?? []).map(([k, v]) => [k, compileTemplate(v)] as [string, Template]);
  const headers = Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), compileTemplate(v)] as [string, Template]);
  const body = s.body !== undefined ? compileTemplate(s.body) : undefined;
  const json = s.json !== undefined ? compileJson(s.json) : undefined;
  const captures = s.capture ?? [];
  const needsBody = captures.some((c) => c.from !== 'header') || s.expect?.body !== undefined || s.expect?.json !== undefined;
  const constant =
    !url &&
    path.constant !== undefined &&
    query.every(([, t]) => t.constant !== undefined) &&
    headers.every(([, t]) => t.constant !== undefined) &&
    (body?.constant !== undefined || !body) &&
    (!json || json.constant);
  const fixed =
    constant && captures.length === 0 && !s.expect && !s.llm
      ? transport.prepare(
          s.method,
          withQuery(
            path.constant!,
            query.map(([k, t]) => [k, t.constant!]),
          ),
          Object.fromEntries(headers.map(([k, t]) => [k, t.constant!])),
          json ? JSON.stringify(s.json) : body?.constant,
          s.timeoutMs,
        )
      : undefined;
  return {
    index,
    name: s.name,
    method: s.method as Dispatcher.HttpMethod,
    url,
    path,
    query,
    headers,
    body,
    json,
    timeoutMs: s.timeoutMs,
    think: s.think,
    captures,
    expect: s.expect,
    needsBody,
    fixed,
    llm: s.llm,
  };
}

function withQuery(path: string, query: readonly [string, string][]): string {
  if (query.length === 0) return path;
  const qs = new URLSearchParams(query).toString();
  return `${path}${path.includes('?') ? '&' : '?'}${qs}`;
}

/** Compiles setup and scenarios; step indexes run across both (setup first). */
export function prepareScenarios(transport: HttpTransport, setup: readonly ResolvedStep[], scenarios: readonly ResolvedScenario[]) {
  let index = 0;
  const preparedSetup = setup.map((s) => prepareStep(transport, s, index++));
  const total = scenarios.reduce((sum, sc) => sum + sc.weight, 0);
  let cumulative = 0;
  const preparedScenarios: PreparedScenario[] = scenarios.map((sc) => {
    cumulative += sc.weight / total;
    return { name: sc.name, cumulative, steps: sc.steps.map((s) => prepareStep(transport, s, index++)) };
  });
  return { setup: preparedSetup, scenarios: preparedScenarios, stepNames: stepNamesOf(setup, scenarios) };
}

/** Every step's name and scenario, indexed as the engine reports them (setup first). */
export function stepNamesOf(setup: readonly ResolvedStep[], scenarios: readonly ResolvedScenario[]): { name: string; scenario: string }[] {
  return [...setup.map((s) => ({ name: s.name, scenario: 'setup' })), ...scenarios.flatMap((sc) => sc.steps.map((s) => ({ name: s.name, scenario: sc.name })))];
}

export function pickScenario(scenarios: readonly PreparedScenario[], random: () => number): PreparedScenario {
  if (scenarios.length === 1) return scenarios[0];
  const r = random();
  return scenarios.find((sc) => r < sc.cumulative) ?? scenarios[scenarios.length - 1];
}

export interface RenderedRequest {
  origin: string | undefined;
  path: string;
  /** The full URL, for the cookie jar. */
  href: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Fills in a step's templates for one request; throws MissingValue when a value is absent. */
export function renderRequest(step: PreparedStep, ctx: TemplateContext, targetOrigin: string, basePath: string): RenderedRequest {
  const query = step.query.map(([k, t]) => [k, t.render(ctx)] as [string, string]);
  const headers: Record<string, string> = {};
  for (const [k, t] of step.headers) headers[k] = t.render(ctx);
  // An llm: step's body is rendered by engine/llm-step.ts (it draws max_tokens and prompts too).
  const body = step.llm ? undefined : step.json ? JSON.stringify(step.json.render(ctx)) : step.body?.render(ctx);
  if (step.url) {
    const u = new URL(withQuery(step.url.render(ctx), query));
    return { origin: u.origin, path: `${u.pathname}${u.search}`, href: u.href, headers, body };
  }
  const path = basePath + withQuery(step.path.render(ctx), query);
  return { origin: undefined, path, href: targetOrigin + path, headers, body };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function firstMatch(path: string, json: unknown): unknown {
  const found = JSONPath({ path, json: json as object, wrap: true }) as unknown[];
  return found.length > 0 ? found[0] : undefined;
}

/**
 * Checks a response against the step's expectations, then captures values into the user's
 * variables. Returns the first failure as a reason ("expected status 200, got 404"), or undefined.
 */
export function inspectResponse(
  step: PreparedStep,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  vars: Record<string, string>,
): string | undefined {
  let parsed: unknown;
  let parsedOk: boolean | undefined;
  const json = (): unknown => {
    if (parsedOk === undefined) {
      try {
        parsed = JSON.parse(body);
        parsedOk = true;
      } catch {
        parsedOk = false;
      }
    }
    return parsedOk ? parsed : undefined;
  };
  const e = step.expect;
  if (e?.status && !e.status.includes(status)) return `expected status ${e.status.join(' or ')}, got ${status}`;
  if (e?.body !== undefined && !body.includes(e.body)) return `body does not contain ${JSON.stringify(e.body)}`;
  if (e?.json) {
    if (json() === undefined) return 'body is not JSON';
    for (const [path, expected] of Object.entries(e.json)) {
      const actual = firstMatch(path, json());
      if (!same(actual, expected)) return `${path} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
    }
  }
  for (const c of step.captures) {
    let value: unknown;
    if (c.from === 'header') {
      const h = headers[c.header];
      value = Array.isArray(h) ? h[0] : h;
    } else if (c.from === 'json') {
      value = json() === undefined ? undefined : firstMatch(c.path, json());
    } else {
      value = new RegExp(c.regex).exec(body)?.[c.group];
    }
    if (value === undefined || value === null) {
      const where = c.from === 'json' ? c.path : c.from === 'header' ? `header ${c.header}` : `/${c.regex}/`;
      return `capture ${c.name}: no match for ${where}`;
    }
    vars[c.name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return undefined;
}
