/**
 * Seeded random numbers for arrival processes: a run with a seed draws the same schedule
 * every time (and every worker thread of a split run draws the one schedule).
 */

/** mulberry32: small, fast, and good enough for arrival gaps and permutation tests (not for secrets). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) by Marsaglia and Tsang; shape < 1 boosted by U^(1/shape). */
function gammaSample(shape: number, random: () => number): number {
  if (shape < 1) return gammaSample(shape + 1, random) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Gaps between arrivals in units of the mean gap (mean 1), as vLLM's benchmark_serving draws
 * them: gamma with shape = burstiness and scale 1 / burstiness; burstiness 1 is Poisson
 * (exponential gaps), below 1 burstier, above 1 more even.
 */
export function arrivalGaps(burstiness: number, seed: number): () => number {
  const random = seededRandom(seed);
  if (burstiness === 1) return () => -Math.log(1 - random());
  return () => gammaSample(burstiness, random) / burstiness;
}
