import type { HostSample, ResourceSample } from '../src/core/samples';

/** OpenMetrics text for the latest samples (gauges, plus the monitor's own cost). */
export function openMetrics(target: ResourceSample | undefined, host: HostSample | undefined, self: ResourceSample | undefined): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, unit: string | undefined, value: number | null | undefined, labels = '') => {
    if (value === null || value === undefined) return;
    lines.push(`# TYPE ${name} gauge`, `# HELP ${name} ${help}`);
    if (unit) lines.push(`# UNIT ${name} ${unit}`);
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
  if (self) gauge('strain_monitor_cpu_percent', 'The monitor process\'s own CPU use.', 'percent', self.cpuPct);
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}
