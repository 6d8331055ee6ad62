import { defaults } from '../defaults';
import { parseDuration } from '../util/duration';
import type { MonitorPlan } from '../core/profile';
import type { UserMonitor } from './types';

/** A profile's monitor section → the plan, or a problem naming what is accepted. */
export function monitorPlanFrom(m: UserMonitor, path = 'monitor'): MonitorPlan | string {
  const intervalMs = parseDuration(m.interval ?? defaults.monitor.interval)!;
  const given = (['pid', 'port', 'match', 'url', 'container'] as const).filter((k) => m[k] !== undefined);
  if (given.length > 1 || (given.length === 0 && m.cgroup === undefined)) {
    return `${path}: give exactly one of pid, port, match, url or container, or cgroup alone (got ${given.length ? given.join(', ') : 'none'})`;
  }
  if (m.cgroup !== undefined && (m.url !== undefined || m.container !== undefined))
    return `${path}.cgroup: not with ${m.url ? 'url (the remote monitor chooses)' : 'container (its cgroup is sampled already)'}`;
  if (intervalMs < 100) return `${path}.interval: must be at least 100ms`;
  const cgroup = m.cgroup === undefined ? {} : { cgroup: m.cgroup };
  if (m.url !== undefined) return { kind: 'remote', url: m.url.replace(/\/+$/, ''), intervalMs };
  if (m.container !== undefined) return { kind: 'local', selector: { kind: 'cgroup', path: '' }, container: m.container, intervalMs };
  if (m.pid !== undefined) return { kind: 'local', selector: { kind: 'pid', pid: m.pid }, intervalMs, ...cgroup };
  if (m.port !== undefined) return { kind: 'local', selector: { kind: 'port', port: m.port }, intervalMs, ...cgroup };
  if (m.match === undefined) return { kind: 'local', selector: { kind: 'cgroup', path: m.cgroup! }, intervalMs, ...cgroup };
  try {
    new RegExp(m.match!);
  } catch (err) {
    return `${path}.match: not a valid regular expression: ${(err as Error).message}`;
  }
  return { kind: 'local', selector: { kind: 'match', pattern: m.match }, intervalMs, ...cgroup };
}

/** --monitor SPEC: port:3000, pid:1234, match:REGEX, cgroup:PATH, container:ID, or the URL of a running monitor's API. */
export function parseMonitorSpec(spec: string): UserMonitor | undefined {
  if (/^https?:\/\//.test(spec)) return { url: spec };
  const m = /^(pid|port|match|cgroup|container):(.+)$/.exec(spec);
  if (!m) return undefined;
  if (m[1] === 'match' || m[1] === 'cgroup' || m[1] === 'container') return { [m[1]]: m[2] };
  const n = Number(m[2]);
  if (!Number.isInteger(n) || n < 1) return undefined;
  return m[1] === 'pid' ? { pid: n } : { port: n };
}
