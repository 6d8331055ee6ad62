import type { CgroupSample, GpuSample, HostSample, ResourceSample } from '../src/core/samples';

/** What /metrics shows: the latest sample of each kind. */
export interface LatestSamples {
  target?: ResourceSample;
  host?: HostSample;
  self?: ResourceSample;
  gpus?: readonly GpuSample[];
  cgroup?: CgroupSample;
}

const MB = 1048576;
const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** OpenMetrics text for the latest samples (gauges, plus the monitor's own cost). */
export function openMetrics({ target, host, self, gpus = [], cgroup }: LatestSamples): string {
  const lines: string[] = [];
  const declared = new Set<string>();
  // A metric family is declared once, then one line per labelled series (one per GPU).
  const gauge = (name: string, help: string, unit: string | undefined, value: number | null | undefined, labels = '') => {
    if (value === null || value === undefined) return;
    if (!declared.has(name)) {
      declared.add(name);
      lines.push(`# TYPE ${name} gauge`, `# HELP ${name} ${help}`);
      if (unit) lines.push(`# UNIT ${name} ${unit}`);
    }
    lines.push(`${name}${labels} ${value}`);
  };
  if (target) {
    const l = `{pid="${target.pid}"}`;
    gauge('strain_target_cpu_percent', 'Target process CPU use (100 = one core).', 'percent', target.cpuPct, l);
    gauge('strain_target_resident_memory_bytes', 'Target process resident set size.', 'bytes', target.rssBytes, l);
    gauge('strain_target_virtual_memory_bytes', 'Target process virtual size.', 'bytes', target.vsizeBytes, l);
    gauge('strain_target_threads', 'Target process threads.', undefined, target.threads, l);
    gauge('strain_target_open_fds', 'Target process open file descriptors.', undefined, target.fds, l);
    gauge('strain_target_read_bytes', 'Target process bytes read from storage (cumulative).', 'bytes', target.readBytes, l);
    gauge('strain_target_write_bytes', 'Target process bytes written to storage (cumulative).', 'bytes', target.writeBytes, l);
  }
  if (host) {
    gauge('strain_host_cpu_percent', 'Host CPU busy across all cores.', 'percent', host.cpuPct);
    gauge('strain_host_memory_used_bytes', 'Host memory in use (total minus available).', 'bytes', host.memUsedBytes);
    gauge('strain_host_memory_available_bytes', 'Host memory available.', 'bytes', host.memAvailableBytes);
    gauge('strain_host_load1', 'Host load average over 1 minute.', undefined, host.load1);
  }
  for (const g of gpus) {
    const l = `{gpu="${g.index}",uuid="${label(g.uuid)}"}`;
    gauge('strain_gpu_utilization_percent', 'GPU utilisation (nvidia-smi utilization.gpu).', 'percent', g.utilPct, l);
    gauge('strain_gpu_memory_used_bytes', 'GPU memory in use.', 'bytes', g.memUsedMB === null ? null : g.memUsedMB * MB, l);
    gauge('strain_gpu_memory_total_bytes', 'GPU memory in total.', 'bytes', g.memTotalMB === null ? null : g.memTotalMB * MB, l);
    gauge('strain_gpu_power_watts', 'GPU power draw.', 'watts', g.powerW, l);
    gauge('strain_gpu_temperature_celsius', 'GPU temperature.', 'celsius', g.tempC, l);
    gauge('strain_target_gpu_memory_bytes', 'GPU memory held by the target and its children on this GPU.', 'bytes', g.targetMemMB === null ? null : g.targetMemMB * MB, l);
  }
  if (cgroup) {
    const l = `{cgroup="${label(cgroup.path)}"}`;
    gauge('strain_cgroup_cpu_percent', 'cgroup CPU use (100 = one core).', 'percent', cgroup.cpuPct, l);
    gauge('strain_cgroup_cpu_quota_percent', 'cgroup CPU use as a share of its quota.', 'percent', cgroup.quotaPct, l);
    gauge('strain_cgroup_memory_bytes', 'cgroup memory in use (memory.current or memory.usage_in_bytes).', 'bytes', cgroup.memBytes, l);
    gauge('strain_cgroup_memory_limit_bytes', 'cgroup memory limit (absent when unlimited).', 'bytes', cgroup.memLimitBytes, l);
    gauge('strain_cgroup_oom_kills', 'OOM kills in the cgroup since it was created.', undefined, cgroup.oomKills, l);
  }
  if (self) gauge('strain_monitor_cpu_percent', "The monitor process's own CPU use.", 'percent', self.cpuPct);
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}
