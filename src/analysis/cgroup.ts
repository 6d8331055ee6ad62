import type { CgroupSample, MonitorEvent } from '../core/samples';
import { round } from '../util/format';
import { theilSen } from './stats';
import type { Finding } from '../core/finding';

const MB = 1048576;

interface CgroupMemoryOptions {
  /** Peak at or above this share of the limit is an OOM risk whatever the trend. */
  nearFraction: number;
  /** Above this share, still growing and due at the limit within `soonHours`, it is one too. */
  watchFraction: number;
  soonHours: number;
}

const cgroupMemoryDefaults: CgroupMemoryOptions = { nearFraction: 0.9, watchFraction: 0.75, soonHours: 1 };

const minutes = (hours: number) => (hours * 60 < 1 ? `${Math.round(hours * 3600)} s` : hours < 2 ? `${round(hours * 60, 1)} min` : `${round(hours, 1)} h`);

/**
 * The cgroup's memory against its limit: `oom-kill` when the kernel killed a process in the
 * group during the run, `near-limit` when memory came close (with the time to reach the limit
 * at the slope of the run's second half), `ok` otherwise. Undefined without a limit or kills.
 */
export function analyzeCgroupMemory(samples: readonly CgroupSample[], events: readonly MonitorEvent[], o = cgroupMemoryDefaults): Finding | undefined {
  const withMem = samples.filter((s) => s.memBytes !== null);
  const oomEvents = events.filter((e) => e.kind === 'oom-kill');
  // The source turns each rise of the group's counter into an event carrying the count.
  const kills = oomEvents.reduce((n, e) => n + Number((e.data as { kills?: number } | undefined)?.kills ?? 1), 0);
  const limit = withMem.find((s) => s.memLimitBytes !== null)?.memLimitBytes ?? null;
  if (limit === null && kills === 0) return undefined;
  const path = samples[0]?.path ?? '?';
  const peak = withMem.length ? Math.max(...withMem.map((s) => s.memBytes!)) : 0;
  const last = withMem[withMem.length - 1];
  const half = withMem.slice(Math.floor(withMem.length / 2));
  const t0 = withMem[0]?.at ?? 0;
  const slopeMBPerHour =
    half.length >= 3
      ? theilSen(
          half.map((s) => (s.at - t0) / 3_600_000),
          half.map((s) => s.memBytes! / MB),
        ).slope
      : 0;
  const hoursToLimit = limit !== null && last && slopeMBPerHour > 0 ? Math.max(0, (limit - last.memBytes!) / MB / slopeMBPerHour) : null;
  const detail = {
    kind: 'cgroup-memory' as const,
    path,
    samples: withMem.length,
    peakMB: round(peak / MB, 1),
    limitMB: limit === null ? null : round(limit / MB, 1),
    peakOfLimitPct: limit ? round((peak / limit) * 100, 1) : null,
    slopeMBPerHour: round(slopeMBPerHour, 1),
    minutesToLimit: hoursToLimit === null ? null : round(hoursToLimit * 60, 1),
    oomKills: kills,
    oomAt: oomEvents.map((e) => e.at),
  };
  const limitText = limit === null ? '' : ` of its ${round(limit / MB, 0)} MB limit`;
  if (kills > 0) {
    return {
      ...detail,
      verdict: 'oom-kill',
      summary: `OOM kill in cgroup ${path}: ${kills} process${kills > 1 ? 'es' : ''} killed at the memory limit during the run (peak ${round(peak / MB, 1)} MB${limitText})`,
    };
  }
  const share = peak / limit!;
  const due = hoursToLimit === null ? '' : `; at ${round(slopeMBPerHour, 1)} MB/h it reaches the limit in ${minutes(hoursToLimit)}`;
  if (share >= o.nearFraction || (share >= o.watchFraction && hoursToLimit !== null && hoursToLimit <= o.soonHours)) {
    return { ...detail, verdict: 'near-limit', summary: `OOM risk: cgroup ${path} memory peaked at ${round(peak / MB, 1)} MB, ${round(share * 100, 0)}%${limitText}${due}` };
  }
  return { ...detail, verdict: 'ok', summary: `cgroup ${path} memory peaked at ${round(peak / MB, 1)} MB, ${round(share * 100, 0)}%${limitText}${due}` };
}
