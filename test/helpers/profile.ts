import type { ResolvedProfile, ResolvedStep, Stage } from '../../src/core/profile';
import { Engine } from '../../src/engine/engine';
import type { EngineResult } from '../../src/engine/types';
import type { IntervalSnapshot } from '../../src/core/interval';

export function step(path = '/', extra: Partial<ResolvedStep> = {}): ResolvedStep {
  return { name: `GET ${path}`, method: 'GET', path, headers: {}, body: undefined, timeoutMs: 5000, think: { kind: 'none' }, ...extra };
}

/** A resolved profile for engine tests: one constant stage unless stages are given. */
export function profile(target: string, o: Partial<ResolvedProfile> & { level?: number; durationMs?: number; steps?: ResolvedStep[] } = {}): ResolvedProfile {
  const stages: Stage[] = o.stages ?? [{ name: 'hold', durationMs: o.durationMs ?? 2000, from: o.level ?? 5, to: o.level ?? 5 }];
  return {
    name: 'test',
    description: '',
    kind: 'load',
    target,
    model: 'closed',
    maxInFlight: 1000,
    connections: Math.max(1, o.level ?? 5),
    gracefulStopMs: 2000,
    warmupMs: 0,
    workers: 1,
    setup: [],
    scenarios: [{ name: 'default', weight: 1, steps: [step()] }],
    thresholds: [],
    ...o,
    ...(o.steps ? { scenarios: [{ name: 'default', weight: 1, steps: o.steps }] } : {}),
    stages,
    totalDurationMs: stages.reduce((s, x) => s + x.durationMs, 0),
  };
}

/** Runs the engine and returns the result with every interval (histograms summarized). */
export async function runEngine(p: ResolvedProfile): Promise<{ engine: Engine; result: EngineResult; intervals: Omit<IntervalSnapshot, 'latency' | 'serviceLatency'>[] }> {
  const intervals: Omit<IntervalSnapshot, 'latency' | 'serviceLatency'>[] = [];
  const engine = new Engine(p, {
    sinks: [{ onInterval: ({ latency: _l, serviceLatency: _s, ...rest }) => intervals.push(rest) }],
  });
  const result = await engine.run();
  return { engine, result, intervals };
}
