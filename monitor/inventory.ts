import si from 'systeminformation';

/**
 * The host inventory, once per monitor session. systeminformation spawns helpers for some
 * of these, which is why it is used here and not for the 1 Hz samples.
 */
export async function hostInventory(timeoutMs = 5000): Promise<Record<string, unknown>> {
  const gather = async () => {
    const [cpu, mem, os] = await Promise.all([si.cpu(), si.mem(), si.osInfo()]);
    return {
      cpu: `${cpu.manufacturer} ${cpu.brand}`.trim(),
      cores: cpu.cores,
      physicalCores: cpu.physicalCores,
      memoryBytes: mem.total,
      os: `${os.distro} ${os.release}`.trim(),
      kernel: os.kernel,
      hostname: os.hostname,
    };
  };
  const timeout = new Promise<Record<string, unknown>>((resolve) => setTimeout(() => resolve({ note: 'inventory timed out' }), timeoutMs).unref());
  return Promise.race([gather().catch((err: Error) => ({ note: `inventory failed: ${err.message}` })), timeout]);
}
