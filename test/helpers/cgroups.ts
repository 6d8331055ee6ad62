import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupMounts, type CgroupMounts } from '../../monitor/cgroup';

/**
 * Real cgroups made for a test (needs root and a cgroup mount): one group of the same path in
 * every hierarchy that has memory, cpu or cpuacct (v1) and in the v2 mount. Removed at the end
 * after its processes are gone (kill them by pid first).
 */
export interface TestGroup {
  path: string;
  mounts: CgroupMounts;
  /** The directory of a v1 controller or of v2 ('v2'), when that hierarchy exists. */
  dir(controller: 'memory' | 'cpu' | 'cpuacct' | 'v2'): string | undefined;
  read(controller: 'memory' | 'cpu' | 'cpuacct' | 'v2', file: string): string;
  write(controller: 'memory' | 'cpu' | 'cpuacct' | 'v2', file: string, value: string): void;
  add(pid: number): void;
  remove(): void;
}

/** Why cgroup tests cannot run here, or undefined when they can. */
export function cgroupSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'cgroups are Linux only';
  if (process.getuid?.() !== 0) return 'creating cgroups needs root';
  const m = cgroupMounts();
  if (!m.v1.memory && !m.v2) return 'no cgroup mount under /proc/self/mountinfo';
  try {
    const probe = makeGroup('strain-probe');
    probe.remove();
  } catch (err) {
    return `cannot create a cgroup: ${(err as Error).message}`;
  }
  return undefined;
}

/** In CI on a machine that can, cgroup tests must run: STRAIN_REQUIRE_CGROUPS=1 turns a skip into a failure. */
export function skipOrFail(t: { skip(msg: string): void }, reason: string | undefined): boolean {
  if (!reason) return false;
  if (process.env.STRAIN_REQUIRE_CGROUPS === '1') throw new Error(`STRAIN_REQUIRE_CGROUPS=1 but ${reason}`);
  t.skip(reason);
  return true;
}

export function makeGroup(name: string): TestGroup {
  const mounts = cgroupMounts();
  const path = `/${name}-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  const dirs: Record<string, string> = {};
  for (const c of ['memory', 'cpu', 'cpuacct'] as const) if (mounts.v1[c]) dirs[c] = join(mounts.v1[c].mount, path);
  // v2 only when it is the memory hierarchy or there is no v1 one (hybrid: v2 holds no controllers here).
  if (mounts.v2) dirs.v2 = join(mounts.v2.mount, path);
  const made: string[] = [];
  try {
    for (const dir of Object.values(dirs)) {
      mkdirSync(dir, { recursive: true });
      made.push(dir);
    }
    // v2: enable memory and cpu for the child where the parent offers them.
    if (dirs.v2 && !mounts.v1.memory) {
      const parent = join(dirs.v2, '..');
      const offered = readFileSync(join(parent, 'cgroup.controllers'), 'utf8')
        .split(/\s+/)
        .filter((c) => c === 'memory' || c === 'cpu' || c === 'io');
      if (offered.length) writeFileSync(join(parent, 'cgroup.subtree_control'), offered.map((c) => `+${c}`).join(' '));
    }
  } catch (err) {
    for (const dir of made.reverse()) rmdirSync(dir);
    throw err;
  }
  const file = (c: string, f: string) => {
    if (!dirs[c]) throw new Error(`no ${c} hierarchy`);
    return join(dirs[c], f);
  };
  return {
    path,
    mounts,
    dir: (c) => dirs[c],
    read: (c, f) => readFileSync(file(c, f), 'utf8'),
    write: (c, f, v) => writeFileSync(file(c, f), v),
    add: (pid) => {
      for (const dir of Object.values(dirs)) writeFileSync(join(dir, 'cgroup.procs'), String(pid));
    },
    remove: () => {
      for (const dir of Object.values(dirs)) {
        for (let i = 0; i < 50 && existsSync(dir); i++) {
          try {
            rmdirSync(dir);
          } catch {
            const until = Date.now() + 100; // a killed process leaves the group a moment later
            while (Date.now() < until);
          }
        }
      }
    },
  };
}
