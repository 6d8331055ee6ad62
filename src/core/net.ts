/** What every request strain sends says about its sender. */
export const USER_AGENT = 'strain/0.1';

/** A URL's host as sockets want it: an IPv6 literal without its brackets ("[::1]" -> "::1"). */
export function socketHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** localhost, ::1 or 127.x.y.z: traffic that never leaves this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
