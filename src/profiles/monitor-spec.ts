import { defaults } from '../defaults';
import { parseDuration } from '../util/duration';
import type { MonitorPlan } from '../core/profile';
import type { UserMonitor } from './types';

/** A profile's monitor section → the plan, or a problem naming what is accepted. */
export function monitorPlanFrom(m: UserMonitor, path = 'monitor'): MonitorPlan | string {
  const intervalMs = parseDuration(m.interval ?? defaults.monitor.interval)!;
  const given = (['pid', 'port', 'match', 'url'] as const).filter((k) => m[k] !== undefined);
  if (given.length !== 1) return `${path}: give exactly one of pid, port, match or url (got ${given.length ? given.join(', ') : 'none'})`;
  if (intervalMs < 100) return `${path}.interval: must be at least 100ms`;
  if (m.url !== undefined) return { kind: 'remote', url: m.url.replace(/\/+$/, ''), intervalMs };
  if (m.pid !== undefined) return { kind: 'local', selector: { kind: 'pid', pid: m.pid }, intervalMs };
  if (m.port !== undefined) return { kind: 'local', selector: { kind: 'port', port: m.port }, intervalMs };
  try {
    new RegExp(m.match!);
  } catch (err) {
    return `${path}.match: not a valid regular expression: ${(err as Error).message}`;
  }
  return { kind: 'local', selector: { kind: 'match', pattern: m.match! }, intervalMs };
}

/** --monitor SPEC: port:3000, pid:1234, match:REGEX, or the URL of a running monitor's API. */
export function parseMonitorSpec(spec: string): UserMonitor | undefined {
  if (/^https?:\/\//.test(spec)) return { url: spec };
  const m = /^(pid|port|match):(.+)$/.exec(spec);
  if (!m) return undefined;
  if (m[1] === 'match') return { match: m[2] };
  const n = Number(m[2]);
  if (!Number.isInteger(n) || n < 1) return undefined;
  return m[1] === 'pid' ? { pid: n } : { port: n };
}
