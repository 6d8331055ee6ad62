import type { Finding } from '../core/finding';
import type { ReportData } from './data';
import { escapeXml as e } from './escape';
import type { ThresholdResult } from '../core/thresholds';
import { actualText } from '../verdict/verdict';

/**
 * Old runs (before gates on findings) have no gate rows: their failing findings fail here as
 * they always did. Newer runs fail exactly their failed thresholds and gates, as the exit code did.
 */
const FAILING: Record<string, string[]> = { leak: ['leak'], recovery: ['not-recovered'] };

function findingFails(f: Finding, thresholds: readonly ThresholdResult[], hasVerdict: boolean): boolean {
  if (hasVerdict) return false; // its gate row carries the failure
  return (FAILING[f.kind]?.includes(f.verdict) ?? false) && !thresholds.some((t) => t.name === f.kind);
}

/** JUnit XML: every threshold and every finding is a test case, so CI systems list them. */
export function renderJunit(data: ReportData): string {
  const s = data.summary;
  const cases: string[] = [];
  let failures = 0;
  for (const t of s?.thresholds ?? []) {
    const actual = `actual ${actualText(t)}${t.judgedOn ? `, judged ${t.judgedOn}` : ''}${t.warn ? ' (warn only)' : ''}`;
    const body = t.passed ? '' : `<failure message="${e(`${t.name} ${t.condition}: ${actual}`)}" type="threshold"/>`;
    if (!t.passed) failures++;
    cases.push(`    <testcase classname="strain.thresholds" name="${e(`${t.name} ${t.condition}`)}">${body}<system-out>${e(actual)}</system-out></testcase>`);
  }
  for (const f of data.findings) {
    const fails = findingFails(f, s?.thresholds ?? [], s?.verdict !== undefined);
    if (fails) failures++;
    const body = fails ? `<failure message="${e(f.summary)}" type="${e(f.kind)}"/>` : '';
    cases.push(`    <testcase classname="strain.findings" name="${e(`${f.kind}: ${f.verdict}`)}">${body}<system-out>${e(f.summary)}</system-out></testcase>`);
  }
  if (data.run.status === 'aborted') {
    failures++;
    cases.push(`    <testcase classname="strain.run" name="run completed"><failure message="${e(s?.stopReason ?? 'aborted')}" type="aborted"/></testcase>`);
  }
  const name = `strain ${data.plan.name} (run ${data.run.id})${s?.verdict ? `: ${s.verdict}` : ''}`;
  const time = s ? s.durationS : 0;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="strain" tests="${cases.length}" failures="${failures}" time="${time}">`,
    `  <testsuite name="${e(name)}" tests="${cases.length}" failures="${failures}" errors="0" time="${time}" timestamp="${e(new Date(data.run.started_at).toISOString())}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
