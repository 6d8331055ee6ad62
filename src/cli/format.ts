import { runFailures, type RunSummary } from '../core/summary';
import type { LlmPercentiles, LlmSummary } from '../core/llm';
import { levelText, ms, num, pct, printable } from '../util/format';
import { actualText, resultWord } from '../verdict/verdict';

export { levelText, ms, num, pct };

/** "missing {{token}} 749, missing {{sid}} 3", most frequent first. */
function skippedText(byReason: Record<string, number>): string {
  return Object.entries(byReason)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([reason, n]) => `${reason} ${num(n)}`)
    .join(', ');
}

const pcts = (p: LlmPercentiles) => `p50 ${ms(p.p50)}  p90 ${ms(p.p90)}  p95 ${ms(p.p95)}  p99 ${ms(p.p99)}  max ${ms(p.max)}  mean ${ms(p.mean)}`;

/** The llm block: vLLM's and AIPerf's figures (docs/llm.md). */
function formatLlm(l: LlmSummary): string[] {
  const lines = [
    `  llm      ${num(l.requests)} requests (${num(l.requestsPerSec, 2)}/s)   tokens in ${num(l.inputTokens)} out ${num(l.outputTokens)}   output ${num(l.outputTokensPerSec, 1)} tok/s   total ${num(l.totalTokensPerSec, 1)} tok/s   per user ${num(l.outputTokensPerSecPerUser, 1)} tok/s`,
    `    ttft   ${pcts(l.ttftMs)}`,
    `    tpot   ${pcts(l.tpotMs)}`,
    `    itl    ${pcts(l.itlMs)}`,
    `    e2e    ${pcts(l.e2eMs)}`,
  ];
  if (l.goodput) lines.push(`    goodput ${num(l.goodput.requestsPerSec, 2)}/s (${pct(l.goodput.fraction)} of requests met every SLO)`);
  const bad = Object.entries(l.bad);
  if (bad.length > 0) lines.push(`    bad answers  ${bad.map(([k, n]) => `${k} ${num(n ?? 0)}`).join('  ')}`);
  if (l.nonStreamed > 0) lines.push(`    ${num(l.nonStreamed)} answers were not streamed (server ignored stream: true): measured as TTFT = E2E`);
  if (l.tokensCounted > 0) lines.push(`    ${num(l.tokensCounted)} answers had no usage: their tokens were counted with the o200k_base tokenizer`);
  return lines;
}

/** The human summary printed at the end of a run. */
export function formatSummary(s: RunSummary): string {
  const l = s.latencyMs;
  const lines = [
    `run ${s.runId} ${s.verdict ?? s.status.toUpperCase()}`,
    `  ${s.profile} (${s.kind}, ${s.model} model) against ${s.target}`,
    `  duration ${num(s.durationS, 1)}s   requests ${num(s.requests)} (${num(s.throughput, 1)}/s)   errors ${num(s.errors)} (${pct(s.errorRate)})` +
      (s.model === 'open' ? `   dropped ${num(s.dropped)} of ${num(s.offered)}${s.dropped > 0 ? ` (${pct(s.dropped / s.offered)})` : ''}` : ''),
    `  latency  min ${ms(l.min)}  p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p95 ${ms(l.p95)}  p99 ${ms(l.p99)}  p99.9 ${ms(l.p999)}  max ${ms(l.max)}`,
  ];
  if (s.skipped > 0) lines.push(`  skipped  ${num(s.skipped)} steps not sent, not counted as requests: ${skippedText(s.skippedByReason)}`);
  if (s.warmup) {
    const w = s.warmup;
    const how = w.settled ? `settled; at least ${num(w.minimumS, 1)}s` : `did not settle: lag up to ${ms(w.lagMs)} in its last second`;
    lines.push(
      `  warm-up  ${num(w.durationS, 1)}s (${how}) at ${levelText(s.model, w.level)}: ${num(w.requests)} requests, p99 ${ms(w.latencyMs.p99)}, ${num(w.errors)} errors (before the clock; not in the figures above)`,
    );
  }
  if (s.llm) lines.push(...formatLlm(s.llm));
  if (s.agents && s.agents.length > 0) {
    lines.push(`  agents   ${s.agents.length}, merged into one run`);
    for (const a of s.agents) {
      const detail = a.detail ? `: ${printable(a.detail)}` : '';
      lines.push(
        `    ${a.index + 1} ${printable(a.name)}  ${num(a.requests)} requests  ${num(a.errors)} errors  ${a.seconds} s  clock ${a.clockOffsetMs} ms  ${a.status}${detail}`,
      );
    }
  }
  const st = s.generator.stalls;
  if (st) {
    const share =
      st.ownP99Ms === null || st.p99WithoutStalledSecondsMs === null
        ? 'every second had one'
        : `${ms(st.ownP99Ms)} of the p99 is strain's own lateness (p99 ${ms(st.p99WithoutStalledSecondsMs)} without those seconds)`;
    lines.push(
      `  strain   stalled ${num(st.count)} time${st.count === 1 ? '' : 's'} (longest ${ms(st.longestMs)}, in ${st.seconds.length} s): ${share}; ` +
        `in those seconds p99 ${ms(st.inStalledSeconds.p99Ms)} from the intended start vs ${ms(st.inStalledSeconds.serviceP99Ms)} service time`,
    );
  }
  const sf = s.storeFault;
  if (sf) {
    lines.push(
      `  store    NOT STORED COMPLETELY: ${sf.error}; ${num(sf.storedSeconds)} seconds stored, ${num(sf.unstoredSeconds)} only in this summary (${num(sf.failedWrites)} failed writes)`,
    );
  }
  const errorClasses = Object.entries(s.errorsByClass).filter(([, n]) => n > 0);
  if (errorClasses.length > 0) lines.push(`  errors by class  ${errorClasses.map(([k, n]) => `${k} ${num(n)}`).join('  ')}`);
  const failures = runFailures(s.steps);
  if (failures.length > 0) {
    lines.push('  failures');
    for (const f of failures) lines.push(`    x${num(f.count)}  ${f.reason}`);
  }
  const r = s.resources;
  if (r.samples > 0) {
    lines.push(
      `  target   cpu mean ${num(r.cpuMeanPct ?? 0, 1)}% max ${num(r.cpuMaxPct ?? 0, 1)}%   rss ${num(r.rssStartMB ?? 0, 1)} → ${num(r.rssEndMB ?? 0, 1)} MB (max ${num(r.rssMaxMB ?? 0, 1)})   ${r.samples} samples, pid ${r.pids.join(', ')}${r.restarts ? `, ${r.restarts} restarts` : ''}`,
    );
    if (r.gpu) {
      const g = r.gpu;
      lines.push(
        `  gpu      ${g.devices} device${g.devices > 1 ? 's' : ''}   util mean ${num(g.utilMeanPct ?? 0, 1)}% max ${num(g.utilMaxPct ?? 0, 1)}%   memory max ${num(g.memUsedMaxMB ?? 0)} of ${num(g.memTotalMB ?? 0)} MB   power mean ${num(g.powerMeanW ?? 0, 1)} W   target max ${num(g.targetMemMaxMB ?? 0)} MB`,
      );
    }
    if (r.cgroup) {
      const c = r.cgroup;
      const quota = c.quotaCores ? ` (${num(c.quotaMeanPct ?? 0, 1)}% of ${num(c.quotaCores, 2)} cores quota, max ${num(c.quotaMaxPct ?? 0, 1)}%)` : '';
      const limit = c.memLimitMB === null ? ' (no limit)' : ` of ${num(c.memLimitMB)} MB limit`;
      lines.push(
        `  cgroup   ${c.path}   cpu mean ${num(c.cpuMeanPct ?? 0, 1)}%${quota}   memory max ${num(c.memMaxMB ?? 0, 1)} MB${limit}${c.oomKills ? `   ${c.oomKills} OOM kill${c.oomKills > 1 ? 's' : ''}` : ''}`,
      );
    }
  }
  if (s.thresholds.length > 0) {
    lines.push(`  thresholds${s.thresholdsJudgedOn ? `, judged ${s.thresholdsJudgedOn}` : ''}`);
    for (const t of s.thresholds) lines.push(`    ${resultWord(t).padEnd(4)}  ${t.name} ${t.condition}  (actual ${actualText(t)})`);
  }
  if (s.steps && s.steps.length > 1) {
    lines.push('  steps');
    for (const st of s.steps) {
      const why = st.failures.length
        ? `  (${st.failures
            .slice(0, 2)
            .map((f) => `${f.reason} x${f.count}`)
            .join('; ')})`
        : '';
      const skipped = st.skipped ? `, ${num(st.skipped)} skipped` : '';
      lines.push(`    ${st.name}: ${num(st.requests)} requests, ${num(st.errors)} errors${skipped}, p95 ${ms(st.latencyMs.p95)}${why}`);
    }
  }
  if (s.findings.length > 0) {
    lines.push('  findings');
    for (const f of s.findings) lines.push(`    ${f.kind} [${f.verdict}]: ${f.summary}`);
  }
  if (s.interrupted > 0) lines.push(`  ${s.interrupted} iterations were still running at the end and were cut off`);
  if (s.stopReason !== 'completed') lines.push(`  stopped early: ${s.stopReason}`);
  return lines.map(printable).join('\n'); // names and reasons come from profiles and servers
}
