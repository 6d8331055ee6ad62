import { CannotRunError } from '../errors';
import type { AgentSummary } from '../core/summary';
import type { DriverFactory } from '../engine/driver';
import type { FromWorker } from '../split/messages';
import { AgentHub, type AgentState } from './hub';
import { RemoteFleet, type AgentInfo } from './remote-fleet';
import type { AgentOverrides, FromAgent, ProfileSource, ToAgent } from './wire';

export interface CoordinatorOptions {
  profile: ProfileSource;
  overrides: AgentOverrides;
  agents: number;
  token: string | undefined;
  /** No word from a running agent for this long: it is lost. */
  lossTimeoutMs: number;
  log: (line: string) => void;
  /** An agent lost mid-run (the caller stores the event and applies the policy). */
  onLost: (agent: { index: number; name: string }, why: string) => void;
  /** From `second` on, `sources` of `of` agents' figures are in each merged second. */
  onSourcesChanged: (second: number, sources: number, of: number) => void;
}

/**
 * The coordinator's side of a distributed run: agents join and get their segment, warm up,
 * and report ready; then the run's engine drives them as a RemoteFleet. Everything the run
 * itself does (store, thresholds, abortOnFail, break-watch, dashboard) is `strain run`'s.
 */
export class Coordinator {
  private readonly hub: AgentHub<ToAgent, FromAgent, AgentOverrides>;
  private readonly info: AgentInfo[];
  private readonly early: { index: number; message: FromWorker }[] = [];
  private readonly ready = new Set<number>();
  private fleet: RemoteFleet | undefined;
  private failure: string | undefined;
  private onChange: () => void = () => undefined;

  constructor(private readonly o: CoordinatorOptions) {
    this.info = Array.from({ length: o.agents }, (_, i) => ({ name: `agent-${i}`, clockOffsetMs: 0 }));
    this.hub = new AgentHub({
      token: o.token,
      agents: o.agents,
      assignment: () => ({ profile: o.profile, overrides: o.overrides }),
      onJoin: (a) => {
        this.info[a.index].name = a.name;
        o.log(`agent ${a.index + 1} of ${o.agents} joined: ${a.name}`);
      },
      onMessage: (a, m) => this.take(a, m),
      lossTimeoutMs: o.lossTimeoutMs,
      onLost: (a, why) => {
        this.fleet?.lose(a.index, why);
        o.onLost(a, why);
      },
    });
  }

  listen(host: string, port: number): Promise<string> {
    return this.hub.listen(host, port);
  }

  private take(agent: AgentState, m: FromAgent): void {
    if (m.type === 'clock') {
      // Our clock minus the agent's as the agent measured it; the summary states the agent's minus ours.
      this.info[agent.index].clockOffsetMs = -m.offsetMs;
      if (Math.abs(m.offsetMs) > 1000)
        this.o.log(
          `agent ${agent.index + 1} (${agent.name}): its clock is ${Math.round(-m.offsetMs)} ms off this one's; it starts on the coordinator's instant anyway, but its timestamps in logs will disagree`,
        );
      return;
    }
    if (m.type === 'ready') this.ready.add(agent.index);
    if (m.type === 'done') this.hub.markFinished(agent);
    if (m.type === 'failed') this.failure ??= `agent ${agent.index + 1} (${agent.name}) could not run: ${m.message}`;
    if (this.fleet) this.fleet.take(agent.index, m);
    else this.early.push({ index: agent.index, message: m });
    this.onChange();
  }

  /** Waits until every agent has joined, connected and warmed up; exit 3 when one fails or they do not all come in time. */
  async gather(waitMs: number, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + waitMs;
    await new Promise<void>((resolve) => {
      const check = () => {
        if (this.failure || this.ready.size === this.o.agents || signal.aborted || Date.now() >= deadline) {
          clearTimeout(timer);
          signal.removeEventListener('abort', check);
          resolve();
        }
      };
      const timer = setTimeout(check, Math.max(0, deadline - Date.now()));
      signal.addEventListener('abort', check, { once: true });
      this.onChange = check;
      check();
    });
    this.onChange = () => undefined;
    if (this.failure) throw new CannotRunError('STRAIN_AGENT_FAILED', this.failure);
    if (signal.aborted) return;
    if (this.ready.size < this.o.agents) {
      const joined = this.hub.agents().length;
      throw new CannotRunError(
        'STRAIN_AGENTS_MISSING',
        `only ${joined} of ${this.o.agents} agents joined within ${Math.round(waitMs / 1000)}s${joined > this.ready.size ? ` (${joined - this.ready.size} joined but were not ready)` : ''}`,
      );
    }
  }

  /** The run's load: the agents, merged as one fleet; loss watching starts with the run. */
  driver(): DriverFactory {
    return (host) => {
      this.fleet = new RemoteFleet(
        host,
        {
          send: (index, message) => this.hub.send(index, message),
          live: () =>
            this.hub
              .agents()
              .filter((a) => !a.lost && !a.finished)
              .map((a) => a.index),
        },
        this.info,
        this.early.splice(0),
        this.o.onSourcesChanged,
      );
      this.hub.watchForLoss();
      return this.fleet;
    };
  }

  summaries(): AgentSummary[] {
    return this.fleet?.summaries() ?? [];
  }

  /** Tells every agent still running to stop (an abort, Ctrl-C, or a refusal before the start), then closes. */
  async close(detail: string): Promise<void> {
    this.hub.broadcast({ type: 'stop', detail });
    // Give the stop a moment to reach the agents before their streams close.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await this.hub.close();
  }
}
