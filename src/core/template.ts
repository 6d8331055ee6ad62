import { randomUUID } from 'node:crypto';

/** What templates can refer to while a user's iteration runs. */
export interface TemplateContext {
  vu: number;
  iteration: number;
  /** Captured values: this user's state. */
  vars: Record<string, string>;
  /** The feeder row of the current iteration. */
  row: Record<string, string> | undefined;
  env: NodeJS.ProcessEnv;
  random: () => number;
}

/** A template referred to a value this user does not have (yet). */
export class MissingValue extends Error {
  constructor(readonly variable: string) {
    super(`missing {{${variable}}}`);
  }
}

type Part = string | ((ctx: TemplateContext) => string);

export interface Template {
  /** The text when it has no {{...}} at all. */
  readonly constant: string | undefined;
  render(ctx: TemplateContext): string;
  /** env.NAME references, checked when the profile loads. */
  readonly envNames: string[];
  /** {{name}} references (captures or data columns), checked for a source when the profile loads. */
  readonly varNames: string[];
}

const EXPRESSION = /\{\{\s*([^}]*?)\s*\}\}/g;

function compileExpression(expr: string, envNames: string[], varNames: string[]): Part {
  if (expr === 'vu') return (c) => String(c.vu);
  if (expr === 'iteration') return (c) => String(c.iteration);
  if (expr === 'uuid') return () => randomUUID();
  const rand = /^randomInt\s+(-?\d+)\s+(-?\d+)$/.exec(expr);
  if (rand) {
    const [low, high] = [Number(rand[1]), Number(rand[2])];
    if (high < low) throw new Error(`{{${expr}}}: the range must go from low to high`);
    return (c) => String(low + Math.floor(c.random() * (high - low + 1)));
  }
  const env = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
  if (env) {
    envNames.push(env[1]);
    return (c) => {
      const value = c.env[env[1]];
      if (value === undefined) throw new MissingValue(`env.${env[1]}`);
      return value;
    };
  }
  if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(expr)) {
    varNames.push(expr);
    return (c) => {
      const value = c.vars[expr] ?? c.row?.[expr];
      if (value === undefined) throw new MissingValue(expr);
      return value;
    };
  }
  throw new Error(`{{${expr}}}: not a template (use {{name}}, {{env.NAME}}, {{vu}}, {{iteration}}, {{uuid}} or {{randomInt 1 100}})`);
}

/** Compiles "Bearer {{token}}" once; render() fills it in per request. Throws on bad syntax. */
export function compileTemplate(text: string): Template {
  const parts: Part[] = [];
  const envNames: string[] = [];
  const varNames: string[] = [];
  let last = 0;
  for (const match of text.matchAll(EXPRESSION)) {
    if (match.index! > last) parts.push(text.slice(last, match.index));
    parts.push(compileExpression(match[1], envNames, varNames));
    last = match.index! + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  const constant = parts.every((p) => typeof p === 'string') ? text : undefined;
  return {
    constant,
    envNames,
    varNames,
    render: constant !== undefined ? () => constant : (ctx) => parts.map((p) => (typeof p === 'string' ? p : p(ctx))).join(''),
  };
}

/** Renders every string leaf of a JSON value (for json bodies), leaving structure and types alone. */
export function compileJson(value: unknown): { constant: boolean; render(ctx: TemplateContext): unknown; envNames: string[]; varNames: string[] } {
  const envNames: string[] = [];
  const varNames: string[] = [];
  let constant = true;
  const build = (v: unknown): ((ctx: TemplateContext) => unknown) => {
    if (typeof v === 'string') {
      const t = compileTemplate(v);
      envNames.push(...t.envNames);
      varNames.push(...t.varNames);
      if (t.constant === undefined) constant = false;
      return t.render;
    }
    if (Array.isArray(v)) {
      const items = v.map(build);
      return (ctx) => items.map((f) => f(ctx));
    }
    if (v && typeof v === 'object') {
      const entries = Object.entries(v).map(([k, x]) => [k, build(x)] as const);
      return (ctx) => Object.fromEntries(entries.map(([k, f]) => [k, f(ctx)]));
    }
    return () => v;
  };
  const render = build(value);
  return { constant, render, envNames, varNames };
}
