/**
 * Key names whose values are secrets, wherever they appear: header names, query parameters,
 * JSON and form fields. Matched on the name, so a secret written literally in a profile is
 * caught as surely as one from {{env.X}}.
 */
const SECRET_KEY = new RegExp([
  'passw', '^pass$', 'passwd', 'pwd', 'secret', 'token', 'api[-_. ]?key', 'access[-_. ]?key', 'private[-_. ]?key',
  'authori[sz]ation', '^(x-)?auth$', 'cookie', 'session', '^sid$', 'credential', 'signature', '^sig$', 'otp$', 'pin$',
].join('|'), 'i');

export const REDACTED = '[redacted]';

export function isSecretKey(name: string): boolean {
  return SECRET_KEY.test(name);
}
