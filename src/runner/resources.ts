import { containerCgroup, noContainer } from '../../monitor/container';
import { Monitor } from '../../monitor/monitor';
import { RemoteMonitor } from '../../monitor/remote';
import type { MonitorEvent } from '../core/samples';
import { summarizeResources } from '../analysis/resources';
import type { ResourceSummary } from '../core/summary';
import { CannotRunError } from '../errors';
import type { MonitorPlan } from '../core/profile';
import type { Db } from '../store/db';
import { MonitorStore } from '../store/monitor';
import { redactText, redactUrl } from '../util/secrets';

/** The run's view of its monitor, local or remote: started before the load, stopped after. */
export interface RunMonitor {
  id: number;
  stop(): Promise<void>;
  summarize(since: number, until: number): ResourceSummary;
}

export async function startRunMonitor(plan: MonitorPlan, db: Db, env: NodeJS.ProcessEnv, onEvent?: (e: MonitorEvent) => void): Promise<RunMonitor> {
  const store = new MonitorStore(db);
  const summarize = (id: number) => (since: number, until: number) =>
    summarizeResources(
      id,
      store.resourceSamples(id, since, until),
      store.events(id, since, until),
      store.resourceSamples(id, since, until, 'monitor'),
      store.gpuSamples(id, since, until),
      store.cgroupSamples(id, since, until),
    );
  if (plan.kind === 'remote') {
    const remote = new RemoteMonitor(plan.url, store, env.STRAIN_MONITOR_TOKEN, plan.intervalMs, Date.now());
    await remote.check().catch((err: Error) => {
      throw new CannotRunError('STRAIN_MONITOR_UNREACHABLE', `cannot attach to monitor ${redactUrl(plan.url)}: ${redactText(err.message)}`);
    });
    remote.start();
    return { id: remote.id, stop: () => remote.stop(), summarize: summarize(remote.id) };
  }
  let { selector, cgroup } = plan;
  if (plan.container !== undefined) {
    const found = containerCgroup(plan.container);
    if (!found) throw new CannotRunError('STRAIN_MONITOR_CONTAINER', noContainer(plan.container));
    selector = { kind: 'cgroup', path: found.path };
    cgroup = found.path;
  }
  let monitor: Monitor;
  try {
    monitor = new Monitor({ selector, cgroup, intervalMs: plan.intervalMs, store, onEvent });
  } catch (err) {
    throw new CannotRunError('STRAIN_MONITOR_CGROUP', `cannot start the monitor: ${(err as Error).message}`);
  }
  monitor.start();
  return {
    id: monitor.id,
    stop: async () => {
      monitor.tick(); // one last sample at the end of the window
      monitor.stop();
    },
    summarize: summarize(monitor.id),
  };
}
