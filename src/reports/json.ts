import type { ReportData } from './data';

/** The full run: summary, plan, intervals (without histogram blobs), samples, events, findings. */
export function renderJson(data: ReportData): string {
  return `${JSON.stringify(
    {
      run: { ...data.run, plan_json: undefined, summary_json: undefined, plan: undefined, summary: undefined },
      summary: data.summary ?? null,
      plan: data.plan,
      findings: data.findings,
      intervals: data.intervals.map(({ hist: _h, service_hist: _s, run_id: _r, ...rest }) => rest),
      resourceSamples: data.samples,
      ...(data.gpus.length ? { gpuSamples: data.gpus } : {}),
      ...(data.cgroups.length ? { cgroupSamples: data.cgroups } : {}),
      events: [...data.events, ...data.monitorEvents],
    },
    null,
    2,
  )}\n`;
}
