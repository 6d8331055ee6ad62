/**
 * Every default strain applies lives here, so a reader can see in one place
 * what a profile or command means when it leaves something out.
 */
export const defaults = {
  db: 'data/strain.db',
  model: 'closed' as const,
  http: {
    timeout: '10s',
    method: 'GET' as const,
    path: '/',
    /** Open model: arrivals beyond this many iterations in flight are counted as dropped. */
    maxInFlight: 1000,
    /** How long in-flight requests may finish after the last stage before they are cut off. */
    gracefulStop: '5s',
    /**
     * Load before the clock starts (the generator's JIT and the target warm up), shown apart.
     * Profiles with setup steps or a data file default to none: their logins and rows belong
     * to the results.
     */
    warmup: '1s',
    preflightTimeoutMs: 3000,
  },
  kinds: {
    load: { rampUp: '0s', rampDown: '0s' },
    soak: { rampUpFraction: 0.1, rampUpMax: '5m', rampDown: '0s' },
    stress: { stepDuration: '30s' },
    spike: { baselineDuration: '30s', spikeDuration: '10s', recoveryDuration: '60s' },
  },
  thresholds: { delayAbortEval: '5s' },
  recorder: {
    intervalMs: 1000,
    /** Latency is recorded in microseconds; values above an hour are clamped. */
    maxLatencyUs: 3_600_000_000,
  },
  progress: { everyMs: 5000 },
  scheduler: {
    pidfile: 'data/scheduler.pid',
    log: 'data/scheduler.log',
    startTimeoutMs: 10_000,
    /** Long enough for a job in progress to stop gracefully and be stored. */
    stopTimeoutMs: 30_000,
  },
  monitor: {
    interval: '1s',
    listen: '127.0.0.1:9930',
    pidfile: 'data/monitor.pid',
    log: 'data/monitor.log',
    startTimeoutMs: 10_000,
    stopTimeoutMs: 10_000,
  },
} as const;
