/** Header names whose values are secrets and never stored or reported. */
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token)$/i;
export const REDACTED = '[redacted]';

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SECRET_HEADERS.test(k) ? REDACTED : v]));
}

/** A URL with its password (if any) replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = 'redacted';
    return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return url;
  }
}

/**
 * A copy of a plan fit to store: secret header values and URL passwords replaced, recursively,
 * wherever a `headers` object or a `target`/`url` string appears.
 */
export function redactPlan<T>(plan: T): T {
  const walk = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value && typeof value === 'object') {
      if (key === 'headers') return redactHeaders(value as Record<string, string>);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    }
    if (typeof value === 'string' && (key === 'target' || key === 'url')) return redactUrl(value);
    return value;
  };
  return walk(plan) as T;
}
