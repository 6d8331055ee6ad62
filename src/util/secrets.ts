/**
 * Secrets never reach the store or any output. They are found by key name wherever they
 * appear (header names, query parameters, JSON and form fields), so a secret written
 * literally in a profile is caught as surely as one from {{env.X}}; URLs lose their userinfo.
 */
const SECRET_KEY = new RegExp(
  [
    'passw',
    '^pass$',
    'passwd',
    'pwd',
    'secret',
    'token',
    'api[-_. ]?key',
    'access[-_. ]?key',
    'private[-_. ]?key',
    'authori[sz]ation',
    '^(x-)?auth$',
    'cookie',
    'session',
    '^sid$',
    'credential',
    'signature',
    '^sig$',
  ].join('|'),
  'i',
);

export const REDACTED = '[redacted]';

export function isSecretKey(name: string): boolean {
  return SECRET_KEY.test(name);
}

function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, isSecretKey(k) ? REDACTED : v]));
}

/** A query string or form body (a=1&b=2) with the values of secret keys replaced; the rest kept as written. */
function redactForm(text: string): string {
  return text
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let key = pair.slice(0, eq);
      try {
        key = decodeURIComponent(key.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: judge the key as written
      }
      return isSecretKey(key) ? `${pair.slice(0, eq + 1)}${encodeURIComponent(REDACTED)}` : pair;
    })
    .join('&');
}

/** A JSON value with every secret-named field's value replaced, at any depth. */
function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretKey(k) ? REDACTED : redactJson(v)]));
  }
  return value;
}

/** A request body as text: JSON or a form, redacted by field name; anything else as it is. */
function redactBody(body: string): string {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(redactJson(JSON.parse(body)));
    } catch {
      return body;
    }
  }
  return /^[^=&\s]+=/.test(trimmed) ? redactForm(body) : body;
}

/** A URL or a path: userinfo removed, secret query parameters replaced. */
export function redactUrl(url: string): string {
  let out = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
  const q = out.indexOf('?');
  if (q >= 0) {
    const hash = out.indexOf('#', q);
    const end = hash < 0 ? out.length : hash;
    out = `${out.slice(0, q + 1)}${redactForm(out.slice(q + 1, end))}${out.slice(end)}`;
  }
  return out;
}

/** Any URLs inside free text (an error message, a reason): userinfo removed, secret parameters replaced. */
export function redactText(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (u) => redactUrl(u));
}

/**
 * A copy of a plan fit to store: wherever a request can carry a secret (headers, query pairs,
 * JSON and text bodies, URLs and paths), secret-named values are replaced. Other keys are
 * left alone, so the stored plan still drives the dashboard and reports.
 */
export function redactPlan<T>(plan: T): T {
  const walk = (value: unknown, key?: string): unknown => {
    if (key === 'json') return redactJson(value);
    if (key === 'body' && typeof value === 'string') return redactBody(value);
    if (key === 'query' && Array.isArray(value)) {
      return value.map((pair) => (Array.isArray(pair) && isSecretKey(String(pair[0])) ? [pair[0], REDACTED] : pair));
    }
    if (key === 'query' && value && typeof value === 'object') return redactJson(value);
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value && typeof value === 'object') {
      if (key === 'headers') return redactHeaders(value as Record<string, string>);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    }
    if (typeof value === 'string' && (key === 'target' || key === 'url' || ((key === 'path' || key === 'name') && /^(\/|[A-Z]+ \/)/.test(value)))) {
      return redactUrl(value); // a request path, or a step named after one ("GET /cb?token=...")
    }
    return value;
  };
  return walk(plan) as T;
}
