import { correlationDefaults, judge, lagScan } from '../../src/analysis/correlation';
import { seededRandom } from '../../src/core/random';

/**
 * Synthetic series with known truth for the correlation analysis: x is a driver (a resource),
 * y is p99, one value per one-second bin. Shared by the test suite and `npm run bench -- correlation`.
 */
export interface Case {
  name: string;
  truth: 'none' | 'follows' | 'moves against';
  /** The lag (bins) the response really has. */
  lag?: number;
  make: (seed: number, n: number) => { x: number[]; y: number[] };
}

function gauss(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function ar1(n: number, phi: number, sd: number, g: () => number): number[] {
  const out = [g() * sd];
  for (let t = 1; t < n; t++) out.push(phi * out[t - 1] + g() * sd * Math.sqrt(1 - phi * phi));
  return out;
}

/** On/off bursts switching at random (mean 4 s on, 12 s off). */
function bursts(n: number, random: () => number): number[] {
  const out: number[] = [];
  let on = random() < 0.25;
  for (let t = 0; t < n; t++) {
    out.push(on ? 1 : 0);
    if (random() < (on ? 0.25 : 0.08)) on = !on;
  }
  return out;
}

/** Latency noise: multiplicative and skewed, as per-second p99s are. */
const jitter = (g: () => number, sd: number) => Math.exp(g() * sd);

/**
 * A per-second p99 on a busy machine: skewed, and one second in five hit by something else
 * (a GC, another process) and 2-10 times higher, as the real run shows.
 */
const p99Noise = (g: () => number, r: () => number) => jitter(g, 0.3) * (r() < 0.2 ? 2 + 8 * r() : 1);

const shift = (xs: readonly number[], lag: number) => xs.map((_, t) => xs[Math.max(0, t - lag)]);

export const cases: readonly Case[] = [
  {
    name: 'periodic bursts (10 s of every 30 s)',
    truth: 'follows',
    lag: 0,
    make: (seed, n) => {
      const r = seededRandom(seed);
      const g = gauss(r);
      const phase = Math.floor(r() * 30);
      const on = Array.from({ length: n }, (_, t) => ((t + phase) % 30 < 10 ? 1 : 0));
      return { x: on.map((b) => 5 + 65 * b + 4 * g()), y: on.map((b) => (2 + 9 * b) * p99Noise(g, r)) };
    },
  },
  {
    name: 'random bursts',
    truth: 'follows',
    lag: 0,
    make: (seed, n) => {
      const r = seededRandom(seed);
      const g = gauss(r);
      const on = bursts(n, r);
      return { x: on.map((b) => 5 + 60 * b + 5 * g()), y: on.map((b) => (2 + 6 * b) * p99Noise(g, r)) };
    },
  },
  {
    name: 'response 3 s after random bursts',
    truth: 'follows',
    lag: 3,
    make: (seed, n) => {
      const r = seededRandom(seed);
      const g = gauss(r);
      const on = bursts(n, r);
      return { x: on.map((b) => 5 + 60 * b + 5 * g()), y: shift(on, 3).map((b) => (2 + 6 * b) * p99Noise(g, r)) };
    },
  },
  {
    name: 'weak effect in noise (level r about 0.3)',
    truth: 'follows',
    lag: 0,
    make: (seed, n) => {
      const g = gauss(seededRandom(seed));
      const x = ar1(n, 0.6, 10, g).map((v) => 50 + v);
      return { x, y: x.map((v) => 10 + 0.035 * v + g()) };
    },
  },
  {
    name: 'latency up while CPU drops (blocked on I/O)',
    truth: 'moves against',
    lag: 0,
    make: (seed, n) => {
      const r = seededRandom(seed);
      const g = gauss(r);
      const on = bursts(n, r);
      return { x: on.map((b) => 60 - 45 * b + 5 * g()), y: on.map((b) => (2 + 6 * b) * p99Noise(g, r)) };
    },
  },
  {
    name: 'null: two independent trends (random walks with drift)',
    truth: 'none',
    make: (seed, n) => {
      const g = gauss(seededRandom(seed));
      const walk = (drift: number) => {
        let v = 0;
        return Array.from({ length: n }, () => (v += drift + g()));
      };
      // p99 wanders multiplicatively and stays positive, as latency does (a walk below zero
      // would be a series no latency looks like).
      return { x: walk(1).map((v) => 50 + v), y: walk(0.3).map((v) => 5 * Math.exp(v / 30)) };
    },
  },
  {
    name: 'null: white noise',
    truth: 'none',
    make: (seed, n) => {
      const r = seededRandom(seed);
      const g = gauss(r);
      return { x: Array.from({ length: n }, () => 50 + 10 * g()), y: Array.from({ length: n }, () => 5 * p99Noise(g, r)) };
    },
  },
  {
    name: 'null: common trend, independent noise',
    truth: 'none',
    make: (seed, n) => {
      const g = gauss(seededRandom(seed));
      // Straight, levelling off, or S-shaped: slow on the scale of the run.
      const shape = [(f: number) => f, (f: number) => Math.sqrt(f + 0.1), (f: number) => 1 / (1 + Math.exp(-(f - 0.5) * 12))][seed % 3];
      const trend = Array.from({ length: n }, (_, t) => 60 * shape(t / n));
      return { x: trend.map((v) => 20 + v + 3 * g()), y: trend.map((v) => (3 + 0.1 * v) * jitter(g, 0.2)) };
    },
  },
  {
    name: 'null: independent AR(1) series (phi 0.9)',
    truth: 'none',
    make: (seed, n) => {
      const g = gauss(seededRandom(seed));
      return { x: ar1(n, 0.9, 10, g).map((v) => 50 + v), y: ar1(n, 0.9, 1, g).map((v) => 5 + v) };
    },
  },
  {
    name: 'null: RSS climbing in steps, flat latency',
    truth: 'none',
    make: (seed, n) => {
      const r = seededRandom(seed);
      const g = gauss(r);
      let rss = 80;
      return { x: Array.from({ length: n }, () => (rss += r() < 0.08 ? 2 + 3 * r() : 0.01 * g())), y: Array.from({ length: n }, () => 3 * p99Noise(g, r)) };
    },
  },
  {
    name: 'null: latency spikes, independent CPU bursts',
    truth: 'none',
    make: (seed, n) => {
      const r = seededRandom(seed);
      const g = gauss(r);
      const on = bursts(n, r);
      return { x: on.map((b) => 5 + 60 * b + 5 * g()), y: Array.from({ length: n }, () => (r() < 0.05 ? 40 : 3) * jitter(g, 0.3)) };
    },
  },
];

export interface CaseRate {
  name: string;
  truth: Case['truth'];
  runs: number;
  /** Runs with a finding of the true kind (for nulls: any finding, a false alarm). */
  hits: number;
  /** Of the hits, those at the true lag (positives only). */
  atLag: number;
  /** Findings of the wrong direction. */
  wrongSide: number;
}

/**
 * The analyzer's own scan and decision rule over `seeds` seeds of each case. A real (non-null)
 * case is judged as one of the four drivers a run without GPU or cgroup has (the analyzer's
 * correction); a null as if it were the only driver, which bounds the family-wise rate of that
 * many null drivers.
 */
export function caseRates(seeds: number, n: number, firstSeed = 1, only: readonly Case[] = cases): CaseRate[] {
  return only.map((c) => {
    const rate: CaseRate = { name: c.name, truth: c.truth, runs: seeds, hits: 0, atLag: 0, wrongSide: 0 };
    for (let s = firstSeed; s < firstSeed + seeds; s++) {
      const { x, y } = c.make(s, n);
      const j = judge(lagScan(y, x, correlationDefaults), c.truth === 'none' ? 1 : 4, correlationDefaults);
      if (!j.side) continue;
      if (c.truth === 'none' || j.side === c.truth) {
        rate.hits++;
        if (j.point.lag === c.lag) rate.atLag++;
      } else rate.wrongSide++;
    }
    return rate;
  });
}

export function formatRates(rates: readonly CaseRate[], n: number): string[] {
  const pct = (k: number, of: number) => `${((100 * k) / of).toFixed(1)}%`.padStart(6);
  return [
    `${n} one-second bins, ${rates[0]?.runs ?? 0} seeds each:`,
    ...rates.map((r) =>
      r.truth === 'none'
        ? `  false alarms ${pct(r.hits, r.runs)}   ${r.name}`
        : `  detected     ${pct(r.hits, r.runs)}   ${r.name} (at the true lag ${pct(r.atLag, r.runs)}, wrong direction ${pct(r.wrongSide, r.runs)})`,
    ),
  ];
}
