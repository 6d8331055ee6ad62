import type { MonitorStore } from '../src/store/monitor';
import { redactText, redactUrl } from '../src/util/secrets';
import type { CgroupSample, GpuSample, HostSample, MonitorEvent, ResourceSample } from '../src/core/samples';

interface SamplesResponse {
  monitorId: number;
  target: ResourceSample[];
  host: HostSample[];
  /** Absent from monitors older than the GPU and cgroup sources. */
  gpu?: GpuSample[];
  cgroup?: CgroupSample[];
  events: MonitorEvent[];
}

/**
 * Attaches a run to a monitor running elsewhere (next to the target): polls its
 * /samples API and copies what it returns into the run's own store under a session
 * whose origin is that URL, so everything downstream reads samples one way.
 */
export class RemoteMonitor {
  readonly id: number;
  private since: number;
  private timer: NodeJS.Timeout | undefined;
  lastError: string | undefined;
  /** The URL as stored and printed: without userinfo or secret query parameters. */
  private readonly shown: string;

  constructor(
    private readonly url: string,
    private readonly store: MonitorStore,
    private readonly token: string | undefined,
    intervalMs: number,
    startedAt: number,
  ) {
    this.since = startedAt;
    this.shown = redactUrl(url);
    this.id = store.createMonitor({ startedAt, selector: `remote ${this.shown}`, intervalMs, origin: this.shown });
  }

  /** Checks the monitor answers before the run starts. */
  async check(): Promise<void> {
    const res = await fetch(`${this.url}/health`, { headers: this.headers(), signal: AbortSignal.timeout(3000) });
    if (res.status === 401) throw new Error(`monitor ${this.shown} refused the token (401); set STRAIN_MONITOR_TOKEN`);
    if (!res.ok) throw new Error(`monitor ${this.shown}/health answered ${res.status}`);
  }

  start(everyMs = 2000): void {
    this.timer = setInterval(() => void this.poll(), everyMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.poll();
  }

  private headers(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  async poll(): Promise<void> {
    try {
      const res = await fetch(`${this.url}/samples?since=${this.since}`, { headers: this.headers(), signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`answered ${res.status}`);
      const body = (await res.json()) as SamplesResponse;
      const batch = { resources: body.target, hosts: body.host, gpus: body.gpu ?? [], cgroups: body.cgroup ?? [], events: body.events };
      const times = Object.values(batch).flatMap((rows: { at: number }[]) => rows.map((r) => r.at));
      if (times.length === 0) return;
      const latest = Math.max(...times);
      this.store.addBatch(this.id, batch);
      this.since = latest + 1;
      this.lastError = undefined;
    } catch (err) {
      this.lastError = `monitor ${this.shown}: ${redactText((err as Error).message)}`;
    }
  }
}
