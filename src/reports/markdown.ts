import { num, printable } from '../util/format';
import { runFailures } from '../core/summary';
import type { ReportData } from './data';
import { escapeMarkdown as cell } from './escape';
import { actualText, resultWord } from '../verdict/verdict';
import { llmSummaryMarkdown } from './llm';

/** Inside a code span escapes and entities do not apply: only control characters and backticks must go (pipes for tables). */
const code = (text: unknown) => `\`${printable(text).replace(/`/g, "'").replace(/\|/g, '\\|')}\``;

/** Markdown for a pull request or a CI job summary. */
export function renderMarkdown(data: ReportData): string {
  const s = data.summary;
  const status = (s?.status ?? data.run.status).toUpperCase();
  const lines = [`## strain: ${cell(data.plan.name)} — ${status}`, ''];
  if (s?.verdict) lines.push(`**${cell(s.verdict)}**`, '');
  lines.push(`Run ${data.run.id} · ${data.plan.kind} · ${data.plan.model} model · ${code(data.plan.target)} · ${new Date(data.run.started_at).toISOString()}`, '');
  if (s) {
    const l = s.latencyMs;
    lines.push('| requests | throughput | errors | p50 | p95 | p99 | max |', '|---:|---:|---:|---:|---:|---:|---:|');
    lines.push(
      `| ${num(s.requests)} | ${num(s.throughput, 1)}/s | ${num(s.errorRate * 100, 2)}% | ${num(l.p50, 2)} ms | ${num(l.p95, 2)} ms | ${num(l.p99, 2)} ms | ${num(l.max, 2)} ms |`,
      '',
    );
    if (s.llm) lines.push(...llmSummaryMarkdown(s.llm));
    if (s.skipped > 0)
      lines.push(
        `Skipped (not sent, not counted as requests): ${num(s.skipped)} steps: ${cell(
          Object.entries(s.skippedByReason)
            .map(([k, n]) => `${k} ${n}`)
            .join(', '),
        )}`,
        '',
      );
    if (s.thresholds.length) {
      if (s.thresholdsJudgedOn) lines.push(`Thresholds judged ${cell(s.thresholdsJudgedOn)}.`, '');
      lines.push('| threshold | condition | actual | result |', '|---|---|---:|---|');
      const icon = { pass: '✅ pass', FAIL: '❌ FAIL', WARN: '⚠️ WARN' };
      for (const t of s.thresholds) lines.push(`| ${cell(t.name)} | ${code(t.condition)} | ${cell(actualText(t))} | ${icon[resultWord(t)]} |`);
      lines.push('');
    }
    if (s.steps && s.steps.length > 1) {
      lines.push('| step | requests | errors | p95 | failures |', '|---|---:|---:|---:|---|');
      for (const st of s.steps)
        lines.push(
          `| ${cell(st.name)} | ${num(st.requests)} | ${num(st.errors)} | ${num(st.latencyMs.p95, 2)} ms | ${cell(
            st.failures
              .slice(0, 2)
              .map((f) => `${f.reason} (${f.count})`)
              .join('; '),
          )} |`,
        );
      lines.push('');
    }
    const failures = runFailures(s.steps);
    if (failures.length) {
      lines.push('**Failures**', '', ...failures.map((f) => `- ${num(f.count)} × ${cell(f.reason)}`), '');
    }
    if (s.resources.samples > 0) {
      const r = s.resources;
      lines.push(
        `Target: CPU mean ${num(r.cpuMeanPct, 1)}% (max ${num(r.cpuMaxPct, 1)}%), RSS ${num(r.rssStartMB, 1)} → ${num(r.rssEndMB, 1)} MB (max ${num(r.rssMaxMB, 1)}), ${r.samples} samples.`,
        '',
      );
    }
  }
  if (data.findings.length) {
    lines.push('**Findings**', '');
    for (const f of data.findings) lines.push(`- **${cell(f.kind)}** (${cell(f.verdict)}): ${cell(f.summary)}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
