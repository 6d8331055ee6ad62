import { benchMonitorCost } from './monitor-cost';
import { benchTuiCost } from './tui-cost';

/** `npm run bench [-- name...]`: each bench prints its figures and ratios side by side. */
const benches: Record<string, () => Promise<string>> = {
  monitor: async () => {
    const r = await benchMonitorCost(60);
    return `monitor at 1 Hz: ${r.cpuPctOfOneCore}% of one core over ${r.seconds.toFixed(0)} s (target < 1%)`;
  },
  tui: async () => {
    const r = await benchTuiCost();
    return [
      `dashboard cost: ${r.tui.throughput.toFixed(0)} req/s with the TUI vs ${r.plain.throughput.toFixed(0)} req/s with --no-tui`,
      `(throughput ratio ${(r.tui.throughput / r.plain.throughput).toFixed(3)}, target >= 0.95;`,
      `requests per generator CPU-second ${r.tui.perCpuSecond.toFixed(0)} vs ${r.plain.perCpuSecond.toFixed(0)}, ratio ${(r.tui.perCpuSecond / r.plain.perCpuSecond).toFixed(3)})`,
    ].join(' ');
  },
};

async function main(): Promise<void> {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(benches);
  for (const name of names) {
    const bench = benches[name];
    if (!bench) {
      console.error(`unknown bench ${name}; have: ${Object.keys(benches).join(', ')}`);
      process.exit(2);
    }
    console.log(`[${name}] ${await bench()}`);
  }
}

void main();
