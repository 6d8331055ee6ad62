import { benchGenerators } from './generator';
import { benchLlmHold, benchLlmRate } from './llm';
import { benchMemory } from './memory';
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
    const results = await benchOpenModel();
    const line = (r: (typeof results)[number]) => `  ${r.tool.padEnd(14)} rate ${fmt(r.rate).padStart(6)}/s  achieved ${fmt(r.achieved).padStart(6)}/s (${((r.achieved / r.rate) * 100).toFixed(1)}%)  p99 ${r.p99Ms.toFixed(2)} ms` +
      (r.saturated === undefined ? '' : `  ${r.saturated ? 'generator-saturated' : 'not saturated'}, dropped ${fmt(r.dropped ?? 0)}`);
    const ratios = [...new Set(results.map((r) => r.rate))].flatMap((rate) => {
      const s = results.find((r) => r.rate === rate && r.tool === 'strain');
      const h = results.find((r) => r.rate === rate && r.tool === 'hey -q');
      return s && h ? [`  at ${fmt(rate)}/s strain p99 / hey p99 = ${(s.p99Ms / h.p99Ms).toFixed(2)} (target <= 2)`] : [];
    });
    const held = results.filter((r) => r.tool === 'strain' && r.achieved >= 0.99 * r.rate && !r.saturated).map((r) => r.rate);
    return ['open model, fixed rates, same target:', ...results.map(line), ...ratios,
      `  strain held >= 99% of the intended rate without saturating up to ${held.length ? fmt(Math.max(...held)) : 'none'}/s of those tried`].join('\n');
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
      const err = (x: number, truth: number) => `${(x - truth >= 0 ? '+' : '')}${(x - truth).toFixed(2)} ms`;
      lines.push(`  ${fmt(n).padStart(6)} streams: held ${fmt(h.held)} in flight; TTFT p50 ${h.ttftP50Ms.toFixed(2)} (${err(h.ttftP50Ms, h.truthTtftMs)}) p99 ${h.ttftP99Ms.toFixed(2)} ms; ` +
        `TPOT p50 ${h.tpotP50Ms.toFixed(3)} (${err(h.tpotP50Ms, h.truthTpotMs)}) p99 ${h.tpotP99Ms.toFixed(3)} ms; ITL p99 ${h.itlP99Ms.toFixed(2)} ms; strain CPU ${h.generatorCpuPct}%; bad ${h.bad}`);
    }
    lines.push('  (truth: TTFT 100 ms, TPOT 100 ms; the error includes the demo target\'s own timer lateness)');
    return lines.join('\n');
  },
  monitor: async () => {
    // MONITOR_SECONDS=N shortens each of the four measurements for a quick look (default 60).
    return formatMonitorCost(await benchMonitorCost(Number(process.env.MONITOR_SECONDS ?? 60)));
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
