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
  /**
   * Event-loop or arrival-schedule lag beyond which a second measured strain, not the target.
   * One idea, two strictnesses, kept side by side: the generator-saturated finding warns early;
   * the breaking point only declines to blame the target when the lag is unmistakable, so a
   * busy machine cannot hide a real break.
   */
  generatorLag: { saturatedMs: 50, breakExemptMs: 100 },
  progress: { everyMs: 5000 },
  store: {
    /** Seconds kept in memory while the store refuses writes (about 15 MB), retried each second. */
    maxPendingIntervals: 3600,
    /** What a run writes per hour at full detail (measured: the 30-minute memory bench); free space is checked against it. */
    bytesPerHour: 11 * 1024 * 1024,
  },
  /**
   * Upper bounds `validate` (and every run) enforces, README "Limits". Past them a run
   * exhausts memory or the event loop before it can be stopped, or a profile takes minutes
   * to parse: 10,000,000 VUs reached 1.9 GB in 28 s, 500 workers 5.6 GB.
   */
  limits: {
    profileBytes: 1024 * 1024,
    /** YAML alias expansions (the yaml library's maxAliasCount): an alias bomb stops here. */
    yamlAliases: 100,
    descriptionChars: 10_000,
    vus: 100_000,
    /** Iterations started per second (open model); one generator thread tops out near 120,000. */
    rate: 1_000_000,
    /** maxInFlight and connections. */
    inFlight: 100_000,
    workers: 64,
    stressSteps: 10_000,
    /** The whole plan (and the warm-up); timers longer than Node's 24.8-day maximum are split. */
    durationMs: 90 * 86_400_000,
  },
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
  coordinator: {
    /** Where `strain coordinate` takes agents (loopback unless a token is set). */
    port: 7300,
    /** How long it waits for every agent to join and warm up before giving up (exit 3). */
    wait: '60s',
    /** A running agent silent this long is lost (it sends a figure every second). */
    lossTimeoutMs: 10_000,
    /** At most this many agents (their merge is one histogram addition per agent and second). */
    maxAgents: 1000,
    /** How long an agent keeps trying to join a coordinator that is not up yet. */
    joinWait: '2m',
  },
} as const;
