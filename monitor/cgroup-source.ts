import { cgroupMounts, cgroupOfPid, CgroupSampler, locateCgroup, type CgroupDirs, type CgroupMounts } from './cgroup';
import type { SampleSource, SourceContext } from './source';
import type { MonitorEvent, SampleBatch } from '../src/core/samples';

const MB = 1048576;

function describe(dirs: CgroupDirs, s: CgroupSampler): string {
  const version = dirs.v2 && dirs.v1.memory ? 'v1 memory, v2 cpu' : dirs.v1.memory ? 'v1' : 'v2';
  const limit = s.limitBytes === null ? 'no memory limit' : `memory limit ${Math.round(s.limitBytes / MB)} MB`;
  return `cgroup ${dirs.path} (${version}, ${limit})`;
}

/** Is this a group worth reporting for a --port/--match target: not the root, and limited? */
function limited(dirs: CgroupDirs, s: CgroupSampler): boolean {
  return dirs.path !== '/' && (s.limitBytes !== null || s.reading.quotaCores !== null);
}

/**
 * Samples a cgroup: the one named (--cgroup, --container), or else the target's own when it
 * has a memory or CPU limit. Records an `oom-kill` event whenever the group's OOM-kill count rises.
 */
export class CgroupSource implements SampleSource {
  readonly name = 'cgroup';
  private readonly mounts: CgroupMounts;
  private sampler: CgroupSampler | undefined;
  private followedPid: number | undefined;
  private lastOom: number | null = null;

  /** Throws when a named cgroup cannot be found. */
  constructor(
    private readonly spec: string | undefined,
    at: number,
    procRoot = '/proc',
  ) {
    this.mounts = cgroupMounts(procRoot);
    if (spec !== undefined) {
      const dirs = locateCgroup(spec, this.mounts);
      if (!dirs)
        throw new Error(
          `no cgroup ${spec} under ${[this.mounts.v2?.mount, ...Object.values(this.mounts.v1).map((m) => m.mount)].filter(Boolean).join(', ') || '(no cgroup mounts)'}`,
        );
      this.sampler = new CgroupSampler(dirs, at);
      this.lastOom = this.sampler.reading.oomKills ?? null;
    }
  }

  get dirs(): CgroupDirs | undefined {
    return this.sampler?.dirs;
  }

  sample(ctx: SourceContext): Partial<SampleBatch> {
    const events: MonitorEvent[] = [];
    // A group found this tick gives its first sample next tick (CPU is a delta).
    if (this.spec === undefined && ctx.targetPid !== this.followedPid && this.follow(ctx, events)) return { events };
    if (!this.sampler) return { events };
    const s = this.sampler.sample(ctx.at);
    if (s.oomKills !== null && this.lastOom !== null && s.oomKills > this.lastOom) {
      const n = s.oomKills - this.lastOom;
      events.push({
        at: ctx.at,
        kind: 'oom-kill',
        message: `OOM kill in cgroup ${s.path}: ${n} process${n > 1 ? 'es' : ''} killed at the memory limit`,
        data: { path: s.path, kills: n, limitBytes: s.memLimitBytes },
      });
    }
    this.lastOom = s.oomKills;
    return { cgroups: [s], events };
  }

  started(at: number): MonitorEvent | undefined {
    return this.sampler
      ? { at, kind: 'source-started', message: `sampling ${describe(this.sampler.dirs, this.sampler)}`, data: { source: 'cgroup', path: this.sampler.dirs.path } }
      : undefined;
  }

  /**
   * A new target: sample its cgroup if that has a limit. While the target is missing the last
   * group stays sampled (a target the OOM killer took is gone before its kill is counted).
   */
  private follow(ctx: SourceContext, events: MonitorEvent[]): boolean {
    this.followedPid = ctx.targetPid;
    const dirs = ctx.targetPid === undefined ? undefined : cgroupOfPid(ctx.targetPid, this.mounts);
    if (!dirs) return false;
    if (this.sampler && this.sampler.dirs.path === dirs.path) return false;
    const sampler = new CgroupSampler(dirs, ctx.at);
    if (!limited(dirs, sampler)) {
      this.sampler = undefined; // the new process runs without a limit: nothing to report
      return false;
    }
    this.sampler = sampler;
    this.lastOom = sampler.reading.oomKills ?? null;
    events.push({
      at: ctx.at,
      kind: 'source-started',
      message: `target pid ${ctx.targetPid} is in ${describe(dirs, sampler)}; sampling it`,
      data: { source: 'cgroup', path: dirs.path },
    });
    return true;
  }
}
