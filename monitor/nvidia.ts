import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { GpuSample } from '../src/core/samples';

/**
 * nvidia-smi's CSV (`--format=csv,noheader,nounits`): one line per GPU or per compute app,
 * ", " between fields, "[N/A]" or "[Not Supported]" where the driver has no figure. Parsers
 * are pure; units are stripped in case a driver prints them anyway.
 */

const GPU_FIELDS = ['index', 'uuid', 'utilization.gpu', 'memory.used', 'memory.total', 'power.draw', 'temperature.gpu'] as const;
const APP_FIELDS = ['timestamp', 'gpu_uuid', 'pid', 'used_memory'] as const;

/** One GPU line of `nvidia-smi --query-gpu`: a GPU sample before its time and the target's share are known. */
export type GpuReading = Omit<GpuSample, 'at' | 'targetMemMB'>;

export interface AppReading {
  timestamp: string;
  gpuUuid: string;
  pid: number;
  usedMB: number | null;
}

/** "37", "71.30", "1024 MiB", "[N/A]", "[Not Supported]", "N/A" → a number or null. */
export function csvNumber(field: string | undefined): number | null {
  const m = /^(-?\d+(?:\.\d+)?)(?:\s*(?:%|MiB|W|C))?$/.exec((field ?? '').trim());
  return m ? Number(m[1]) : null;
}

const fields = (line: string) => line.split(',').map((f) => f.trim());

/** One --query-gpu line (fields in GPU_FIELDS order), or undefined for a line that is not one. */
export function parseGpuLine(line: string): GpuReading | undefined {
  const f = fields(line);
  const index = csvNumber(f[0]);
  if (f.length < GPU_FIELDS.length || index === null) return undefined;
  return { index, uuid: f[1], utilPct: csvNumber(f[2]), memUsedMB: csvNumber(f[3]), memTotalMB: csvNumber(f[4]), powerW: csvNumber(f[5]), tempC: csvNumber(f[6]) };
}

/** One --query-compute-apps line (fields in APP_FIELDS order). */
export function parseAppLine(line: string): AppReading | undefined {
  const f = fields(line);
  const pid = csvNumber(f[2]);
  if (f.length < APP_FIELDS.length || pid === null) return undefined;
  return { timestamp: f[0], gpuUuid: f[1], pid, usedMB: csvNumber(f[3]) };
}

/** Arguments for a GPU or apps query; with loopMs, nvidia-smi keeps printing every loopMs. */
export function queryArgs(kind: 'gpu' | 'apps', loopMs?: number): string[] {
  const query = kind === 'gpu' ? `--query-gpu=${GPU_FIELDS.join(',')}` : `--query-compute-apps=${APP_FIELDS.join(',')}`;
  return [query, '--format=csv,noheader,nounits', ...(loopMs ? ['-lms', String(loopMs)] : [])];
}

/** The nvidia-smi on PATH, found without running it (absent: no GPU source, nothing GPU-related). */
export function findNvidiaSmi(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, process.platform === 'win32' ? 'nvidia-smi.exe' : 'nvidia-smi');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}
