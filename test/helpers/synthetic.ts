import { encodeHistogram, newLatencyHistogram } from '../../src/core/histogram';
import type { ResolvedProfile } from '../../src/core/profile';
import type { Db } from '../../src/store/db';
import { MonitorStore } from '../../src/store/monitor';
import { RunStore } from '../../src/store/runs';
import { type IntervalRow } from '../../src/core/interval';
import { intervalRow } from './interval-row';

/**
 * Writes a long run straight into a store: one interval a second with a real histogram every
 * `histEvery` seconds, and one monitor sample a second with a slow RSS climb.
 */
export function synthesizeRun(db: Db, hours: number, options: { name?: string; p50Ms?: number; histEvery?: number } = {}): number {
  const seconds = Math.round(hours * 3600);
  const startedAt = Date.UTC(2026, 10, 1, 1, 0, 0);
  const plan: ResolvedProfile = {
    name: options.name ?? 'overnight-soak',
    description: '',
    kind: 'soak',
    target: 'http://127.0.0.1:3000',
    model: 'open',
    stages: [
      { name: 'ramp-up', durationMs: 300_000, from: 0, to: 100 },
      { name: 'hold', durationMs: seconds * 1000 - 300_000, from: 100, to: 100 },
    ],
    totalDurationMs: seconds * 1000,
    maxInFlight: 1000,
    connections: 1000,
    gracefulStopMs: 5000,
    warmupMs: 0,
    workers: 1,
    setup: [],
    scenarios: [{ name: 'default', weight: 1, steps: [{ name: 'GET /', method: 'GET', path: '/', headers: {}, body: undefined, timeoutMs: 10_000, think: { kind: 'none' } }] }],
    thresholds: [{ name: 'latency.p95', condition: '< 50ms', op: '<', value: 50, abortOnFail: false, delayAbortEvalMs: 5000 }],
  };
  const runs = new RunStore(db);
  const monitors = new MonitorStore(db);
  const runId = runs.createRun({ profileName: plan.name, kind: plan.kind, model: plan.model, target: plan.target, startedAt, plan });
  const monitorId = monitors.createMonitor({ startedAt, selector: 'port 3000', intervalMs: 1000, origin: 'local' });
  runs.setMonitor(runId, monitorId);
  const p50 = options.p50Ms ?? 2;
  const h = newLatencyHistogram();
  for (let i = 0; i < 100; i++) h.recordValue(Math.round((p50 + (i % 10) * 0.3) * 1000));
  const hist = encodeHistogram(h);
  const rows: IntervalRow[] = [];
  const samples = [];
  for (let t = 0; t < seconds; t++) {
    const wave = Math.sin(t / 600);
    rows.push(
      intervalRow({
        run_id: runId,
        t,
        started_at: startedAt + t * 1000,
        stage: t < 300 ? 0 : 1,
        level: Math.min(100, t / 3),
        errors: t % 997 === 0 ? 1 : 0,
        c5xx: t % 997 === 0 ? 1 : 0,
        bytes: 1200,
        in_flight: 1,
        p50_ms: p50 + wave * 0.2,
        p90_ms: p50 * 1.8,
        p95_ms: p50 * 2 + wave,
        p99_ms: p50 * 3 + (t % 3600 === 1800 ? 200 : wave * 2),
        max_ms: p50 * 5,
        mean_ms: p50 * 1.1,
        generator_cpu_pct: 30,
        hist: t % (options.histEvery ?? 1) === 0 ? hist : null,
      }),
    );
    samples.push({
      at: startedAt + t * 1000 + 500,
      pid: 4242,
      source: 'target' as const,
      cpuPct: 40 + wave * 10,
      cpuUserPct: 30,
      cpuSystemPct: 10,
      rssBytes: Math.round((120 + (t / 3600) * 2 + (t % 30) * 0.5) * 1048576),
      vsizeBytes: 0,
      threads: 8,
      fds: 40,
      readBytes: 0,
      writeBytes: 0,
      readBps: 0,
      writeBps: 0,
      voluntaryCtx: 0,
      involuntaryCtx: 0,
    });
    if (rows.length === 10_000) {
      runs.addIntervals(rows.splice(0));
      monitors.addBatch(monitorId, { resources: samples.splice(0) });
    }
  }
  runs.addIntervals(rows);
  monitors.addBatch(monitorId, { resources: samples });
  runs.finishRun(runId, 'passed', startedAt + seconds * 1000, null);
  return runId;
}
