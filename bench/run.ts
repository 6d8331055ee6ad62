import { benchCorrelation } from './correlation';
import { benchGenerators } from './generator';
import { benchLlmHold, benchLlmRate } from './llm';
import { benchMemory } from './memory';
import { benchMergeCost } from './merge';
import { benchMonitorCost, formatMonitorCost } from './monitor-cost';
import { benchOpenModel } from './open-model';
import { benchTuiCost } from './tui-cost';

/** `npm run bench [-- name...]`: each bench prints its figures and ratios side by side. */
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const benches: Record<string, () => Promise<string>> = {
  generator: async () => {
    const { target, results } = await benchGenerators();
    const by = Object.fromEntries(results.map((r) => [r.tool, r]));
    const lines = [`closed model, 50 connections, against ${target}, medians of 3 alternating rounds:`];
    for (const r of results) lines.push(`  ${r.tool.padEnd(11)} ${fmt(r.rps).padStart(8)} req/s   ${fmt(r.perCpuSecond).padStart(8)} req per generator CPU-second`);
    const ratio = (a: string, b: string) => (by[a] && by[b] ? `${(by[a].perCpuSecond / by[b].perCpuSecond).toFixed(2)} (req/s ${(by[a].rps / by[b].rps).toFixed(2)})` : 'n/a');
    lines.push(`  strain/autocannon per CPU-second ${ratio('strain', 'autocannon')}  (target >= 1.5)`);
    lines.push(`  strain/wrk per CPU-second ${ratio('strain', 'wrk')}`);
    return lines.join('\n');
  },
  open: async () => {
    // BENCH_SECONDS, BENCH_ROUNDS and BENCH_RATES shorten it for a check; the figures are judged on the defaults.
    const rates = process.env.BENCH_RATES ? process.env.BENCH_RATES.split(',').map(Number) : undefined;
    const b = await benchOpenModel(rates, Number(process.env.BENCH_SECONDS ?? 10), Number(process.env.BENCH_ROUNDS ?? 2));
    const ms = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : `${x.toFixed(2)} ms`);
    const lines = [`open model against ${b.target}, generators on CPU 1, ${b.seconds} s runs, medians of ${b.rounds} alternating rounds; p99 over the whole run:`];
    lines.push(
      `  ${'rate'.padStart(8)}  ${'tool'.padEnd(18)} ${'achieved'.padStart(9)}  ${'p99'.padStart(10)}  ${'service p99'.padStart(11)}  ${'loop delay p99 / max'.padStart(20)}  ${'stalls (longest)'.padStart(18)}  warm-up`,
    );
    for (const r of b.results) {
      const delay = r.loopDelayMs ? `${ms(r.loopDelayMs.p99)} / ${ms(r.loopDelayMs.max)}` : '-';
      const stalls = r.stalls === undefined ? '-' : `${fmt(r.stalls)} (${ms(r.longestStallMs)})`;
      lines.push(
        `  ${`${fmt(r.rate)}/s`.padStart(8)}  ${r.tool.padEnd(18)} ${`${fmt(r.achieved)}/s`.padStart(9)}  ${ms(r.p99Ms).padStart(10)}  ${ms(r.serviceP99Ms).padStart(11)}  ${delay.padStart(20)}  ${stalls.padStart(18)}  ` +
          `${r.warmupS === undefined ? '-' : `${r.warmupS.toFixed(1)} s`}${r.saturated ? '  generator-saturated' : ''}`,
      );
    }
    for (const rate of [...new Set(b.results.map((r) => r.rate))]) {
      const hey = b.results.find((r) => r.rate === rate && r.tool === 'hey -q');
      if (!hey) continue;
      const ratio = (tool: string) => {
        const s = b.results.find((r) => r.rate === rate && r.tool === tool);
        return s ? (s.p99Ms / hey.p99Ms).toFixed(2) : 'n/a';
      };
      lines.push(`  at ${fmt(rate)}/s strain p99 / hey p99 = ${ratio('strain')}, with the dashboard ${ratio('strain, dashboard')} (target <= 2)`);
    }
    const by = Object.fromEntries(b.perCpu.map((r) => [r.tool, r]));
    lines.push(
      `closed model, 50 connections, flat out, same target and rounds: requests per generator CPU-second ` +
        b.perCpu.map((r) => `${r.tool} ${fmt(r.perCpuSecond)} (${fmt(r.rps)} req/s)`).join(', ') +
        (by.strain && by.wrk ? `; strain/wrk ${(by.strain.perCpuSecond / by.wrk.perCpuSecond).toFixed(2)}` : ''),
    );
    return lines.join('\n');
  },
  memory: async () => {
    // MINUTES=N shortens it for a quick look; the target is judged on the full 30 minutes.
    const minutes = Number(process.env.MINUTES ?? 30);
    const r = await benchMemory(minutes, (l) => console.log(l));
    const mb = (b: number) => (b / 1e6).toFixed(2);
    return [
      `generator at full rate for ${r.minutes} min against ${r.target}: ${fmt(r.requests)} requests (${fmt(r.throughput)}/s)`,
      `  RSS of strain: ${r.rssWarmMB} MB at 60 s, ${r.rssEndMB} MB at the end, at most ${r.rssMaxAfterWarmMB} MB after the first minute (end/warm ${(r.rssEndMB / r.rssWarmMB).toFixed(3)})`,
      `  database: ${mb(r.dbBytes)} MB with its WAL, ${mb(r.dbBytesPerHour)} MB per hour of run; growth after the first minute ${mb(r.dbGrowthPerHour)} MB per hour (target < 50); ${mb(r.dbBytesPerMillionRequests)} MB per million requests`,
    ].join('\n');
  },
  llm: async () => {
    // SECONDS=N and STREAMS=1000,2000 shorten it for a quick look.
    const seconds = Number(process.env.SECONDS ?? 10);
    const rate = await benchLlmRate(64, seconds);
    const lines = [
      `llm streams (demo target --llm on CPU 0, strain on CPU 1), ${seconds} s each:`,
      `  ${fmt(rate.events)} stream events (content chunks) in ${rate.cpuSeconds.toFixed(2)} generator CPU-s: ${fmt(rate.eventsPerCpuSecond)} events per generator CPU-second (${rate.streams} streams, 1 ms per token)`,
    ];
    for (const n of (process.env.STREAMS ?? '1000,2000,4000').split(',').map(Number)) {
      const h = await benchLlmHold(n, seconds);
      const err = (x: number, truth: number) => `${x - truth >= 0 ? '+' : ''}${(x - truth).toFixed(2)} ms`;
      lines.push(
        `  ${fmt(n).padStart(6)} streams: held ${fmt(h.held)} in flight; TTFT p50 ${h.ttftP50Ms.toFixed(2)} (${err(h.ttftP50Ms, h.truthTtftMs)}) p99 ${h.ttftP99Ms.toFixed(2)} ms; ` +
          `TPOT p50 ${h.tpotP50Ms.toFixed(3)} (${err(h.tpotP50Ms, h.truthTpotMs)}) p99 ${h.tpotP99Ms.toFixed(3)} ms; ITL p99 ${h.itlP99Ms.toFixed(2)} ms; strain CPU ${h.generatorCpuPct}%; bad ${h.bad}`,
      );
    }
    lines.push("  (truth: TTFT 100 ms, TPOT 100 ms; the error includes the demo target's own timer lateness)");
    return lines.join('\n');
  },
  monitor: async () => {
    // MONITOR_SECONDS=N shortens each of the four measurements for a quick look (default 60).
    return formatMonitorCost(await benchMonitorCost(Number(process.env.MONITOR_SECONDS ?? 60)));
  },
  merge: async () => {
    const rows = benchMergeCost();
    return [
      'coordinator merge cost: one part per agent per second (counts + 2 encoded histograms of 5,000 requests), JSON-parsed and added:',
      ...rows.map(
        (r) =>
          `  ${fmt(r.agents).padStart(5)} agents: ${r.msPerSecond.toFixed(2).padStart(8)} ms CPU per merged second (${r.usPerPart.toFixed(0)} us per part, ${(r.coreShare * 100).toFixed(1)}% of a core), ${fmt(r.bytesPerPart)} bytes per part`,
      ),
    ].join('\n');
  },
  correlation: async () => `correlation analysis, synthetic cases with known truth:\n${benchCorrelation()}`,
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
