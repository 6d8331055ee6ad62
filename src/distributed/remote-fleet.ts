import { isError, OUTCOME_COUNT } from '../core/outcome';
import type { MergedInterval } from '../core/interval';
import type { AgentSummary } from '../core/summary';
import type { DriverHost } from '../engine/driver';
import type { FromWorker, IntervalPart, ToWorker } from '../split/messages';
import { ShardFleet } from '../split/shard-fleet';

/** What the fleet needs from the network side (the coordinator's agent hub). */
export interface AgentChannel {
  send(index: number, message: ToWorker): void;
  /** Agents still taking part (not lost, not finished). */
  live(): number[];
}

export interface AgentInfo {
  name: string;
  clockOffsetMs: number;
}

/** Time past the graceful stop for agents to send their last figures over the network. */
const AGENT_HANDOVER_MS = 10_000;
/** Agents start together this long after the coordinator's clock, so every 'go' arrives first. */
const START_MARGIN_MS = 300;

interface AgentTally {
  requests: number;
  errors: number;
  seconds: number;
  status: AgentSummary['status'];
  detail?: string;
}

/**
 * A split run whose shards are agents on other machines: the worker-thread split carried over
 * a network. Messages come from the hub (take()), control goes out through the channel; the
 * merger is the same as for threads. An agent lost mid-run is no longer waited for.
 */
export class RemoteFleet extends ShardFleet {
  private readonly tallies: AgentTally[];
  private lastSources: number;

  constructor(
    host: DriverHost,
    private readonly channel: AgentChannel,
    private readonly info: AgentInfo[],
    /** Messages that arrived before the run began (agents get ready while the run row is made). */
    early: { index: number; message: FromWorker }[],
    private readonly onSourcesChanged: (second: number, sources: number, of: number) => void,
  ) {
    super(host, info.length, 'agent');
    this.lastSources = info.length;
    this.tallies = info.map(() => ({ requests: 0, errors: 0, seconds: 0, status: 'finished' as const }));
    for (const { index, message } of early) this.onMessage(index, message);
  }

  /** A message from agent `index`, from the hub. */
  take(index: number, message: FromWorker): void {
    if (message.type === 'failed') {
      this.tallies[index].status = 'failed';
      this.tallies[index].detail = message.message;
    }
    this.onMessage(index, message);
  }

  /** The hub declared agent `index` lost: the run goes on without it (or stops, by policy). */
  lose(index: number, why: string): void {
    this.tallies[index].status = 'lost';
    this.tallies[index].detail = why;
    this.markDone(index);
  }

  /** Agents are already running; they joined and warmed up before the run began. */
  protected launch(): void {}

  protected post(message: ToWorker): void {
    const go: ToWorker = message.type === 'go' ? { type: 'go', at: Date.now() + START_MARGIN_MS } : message;
    for (const index of this.channel.live()) this.channel.send(index, go);
  }

  protected handoverMs(): number {
    return AGENT_HANDOVER_MS + START_MARGIN_MS;
  }

  protected async release(): Promise<void> {}

  protected override takePart(index: number, part: IntervalPart): void {
    const tally = this.tallies[index];
    for (let c = 0; c < OUTCOME_COUNT; c++) {
      tally.requests += part.counts[c];
      if (isError(c)) tally.errors += part.counts[c];
    }
    tally.seconds++;
    super.takePart(index, part);
  }

  protected override publish(merged: MergedInterval): void {
    if (merged.sources !== this.lastSources) this.onSourcesChanged(merged.index, merged.sources, this.shards);
    this.lastSources = merged.sources;
    super.publish(merged);
  }

  summaries(): AgentSummary[] {
    return this.tallies.map((t, index) => ({
      index,
      name: this.info[index].name,
      requests: t.requests,
      errors: t.errors,
      seconds: t.seconds,
      clockOffsetMs: Math.round(this.info[index].clockOffsetMs),
      status: t.status,
      ...(t.detail ? { detail: t.detail } : {}),
    }));
  }
}
