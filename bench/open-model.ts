import { join } from 'node:path';
import { run, STRAIN, tempDir, writeFile, pinned, sleep, ROOT } from './util';
import { startBenchTarget } from './targets';
import { existsSync } from 'node:fs';

export interface OpenResult {
  tool: string;
  rate: number;
  achieved: number;
  p99Ms: number;
  /** strain only: its own verdict that the generator was the limit. */
  saturated?: boolean;
  dropped?: number;
}

const HEY = ['/usr/bin/hey', '/usr/local/bin/hey'].find((p) => existsSync(p));

/**
 * Open model at fixed rates: strain (latency from intended start) against autocannon's rate
 * mode and hey's per-worker QPS, same target. Achieved rate and p99 side by side.
 */
export async function benchOpenModel(rates = [1000, 5000], seconds = 8, strainOnlyRates = [10_000, 20_000, 40_000, 80_000, 120_000, 160_000]): Promise<OpenResult[]> {
  const target = await startBenchTarget();
  const dir = tempDir();
  const out: OpenResult[] = [];
  try {
    for (const rate of rates) {
      out.push(await strainOpen(target.url, dir, rate, seconds));
      await sleep(500);
      const [c2, ...a2] = pinned(1, [process.execPath, join(ROOT, 'node_modules', 'autocannon', 'autocannon.js'), '-c', '50', '-d', String(seconds), '-R', String(rate), '-j', target.url]);
      const j = JSON.parse((await run(c2, a2)).stdout);
      out.push({ tool: 'autocannon -R', rate, achieved: j.requests.total / j.duration, p99Ms: j.latency.p99 });
      await sleep(500);
      if (HEY) {
        const [c3, ...a3] = pinned(1, [HEY, '-z', `${seconds}s`, '-c', '50', '-q', String(rate / 50), target.url]);
        const text = (await run(c3, a3)).stdout;
        out.push({ tool: 'hey -q', rate, achieved: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0), p99Ms: Number(/99%% in ([\d.]+) secs/.exec(text)?.[1] ?? /99% in ([\d.]+) secs/.exec(text)?.[1] ?? NaN) * 1000 });
        await sleep(500);
      }
    }
    // Above the rates the peers are compared at: where strain's own limit lies, and whether it says so.
    for (const rate of strainOnlyRates) {
      out.push(await strainOpen(target.url, dir, rate, seconds));
      await sleep(500);
    }
  } finally {
    target.stop();
  }
  return out;
}

async function strainOpen(targetUrl: string, dir: string, rate: number, seconds: number): Promise<OpenResult> {
  const profile = writeFile(dir, `open-${rate}.yaml`, [
    'name: bench-open', 'kind: load', `target: ${targetUrl}`, `load: { model: open, rate: ${rate}, duration: ${seconds}s }`, 'scenario: [{ request: { path: / } }]',
  ].join('\n'));
  const [cmd, ...args] = pinned(1, [process.execPath, STRAIN, 'run', profile, '--no-tui', '--json', '--no-monitor', '--db', join(dir, 'o.db')]);
  const s = JSON.parse((await run(cmd, args)).stdout);
  return { tool: 'strain', rate, achieved: s.throughput, p99Ms: s.latencyMs.p99, saturated: s.generator.saturated, dropped: s.dropped };
}
