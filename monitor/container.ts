import { execFileSync } from 'node:child_process';
import { cgroupMounts, cgroupOfPid } from './cgroup';
import { listPids, readProc } from './proc';

/** The pid a container engine reports for a container (docker, then podman), or undefined. */
function enginePid(id: string): number | undefined {
  for (const engine of ['docker', 'podman']) {
    try {
      const out = execFileSync(engine, ['inspect', '--format', '{{.State.Pid}}', id], { timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] });
      const pid = Number(String(out).trim());
      if (Number.isInteger(pid) && pid > 0) return pid;
    } catch {
      // engine missing, daemon down, or no such container: try the next way
    }
  }
  return undefined;
}

/** Does a cgroup path name this container (docker, podman, containerd and CRI-O spellings)? */
export function cgroupNamesContainer(path: string, id: string): boolean {
  return path.split('/').some((seg) => new RegExp(`^(?:docker-|libpod-|cri-containerd-|crio-)?${id.replace(/[^0-9a-f]/gi, '')}`, 'i').test(seg));
}

/**
 * A container's main pid: from the engine when it answers, else the oldest process whose
 * cgroup path names the container (works without the engine's CLI or socket).
 */
function containerPid(id: string): number | undefined {
  if (!/^[0-9a-f]{4,64}$/i.test(id)) return enginePid(id); // a name: only the engine knows it
  const fromEngine = enginePid(id);
  if (fromEngine) return fromEngine;
  let best: { pid: number; start: number } | undefined;
  for (const pid of listPids()) {
    const cg = readProc(`/proc/${pid}/cgroup`);
    if (!cg || !cg.split('\n').some((l) => cgroupNamesContainer(l.slice(l.indexOf(':', l.indexOf(':') + 1) + 1), id))) continue;
    const stat = readProc(`/proc/${pid}/stat`);
    const start = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) : Infinity;
    if (!best || start < best.start) best = { pid, start };
  }
  return best?.pid;
}

/** A container's cgroup path (as /proc/PID/cgroup names it) and main pid, or undefined. */
export function containerCgroup(id: string): { pid: number; path: string } | undefined {
  const pid = containerPid(id);
  const dirs = pid === undefined ? undefined : cgroupOfPid(pid, cgroupMounts());
  return pid !== undefined && dirs ? { pid, path: dirs.path } : undefined;
}

export const noContainer = (id: string) => `no running container ${id}: docker/podman inspect did not answer and no process's cgroup names it`;
