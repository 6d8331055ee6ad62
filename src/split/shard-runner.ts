import type { Shard } from '../engine/executor';
import type { ResolvedProfile } from '../core/profile';
import { encodeInterval, encodeWarmup, type FromWorker, type ToWorker } from './messages';
import { createEngine } from '.';

/** How a shard talks to whoever merges: a worker thread's port, or an agent's network link. */
export interface ShardChannel {
  post(message: FromWorker): void;
  onMessage(handler: (message: ToWorker) => void): void;
}

export interface ShardJob {
  profile: ResolvedProfile;
  /** This shard's share of the load (index of `of`). */
  shard: Shard;
  env: NodeJS.ProcessEnv;
}

/**
 * One shard of a split run: a whole engine on its share of the load. It reports ready after
 * connecting and warming up, starts its clock on 'go', sends every closed interval, and its
 * step figures at the end. A worker thread runs it over its port; an agent over the network,
 * where the shard may split again over the agent's own worker threads.
 */
export async function runShard(job: ShardJob, channel: ShardChannel): Promise<'done' | 'failed'> {
  const { post } = channel;
  let go: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (go = resolve));
  let stoppedByMain = false;

  const engine = createEngine(job.profile, {
    env: job.env,
    ...(job.profile.workers > 1 ? { segment: job.shard } : { shard: job.shard }),
    sinks: [
      {
        onInterval: (i) => {
          post({ type: 'interval', part: encodeInterval(i) });
          if (engine.recorder.steps.length > 1) post({ type: 'steps', steps: engine.recorder.steps.map((s) => s.export()) });
          post({ type: 'inflight', count: engine.inFlight() });
        },
      },
    ],
    // What the interval sink above does, done on the warm-up's intervals so it runs compiled later.
    rehearsal: [{ onInterval: (i) => void encodeInterval(i) }],
    beforeClock: async (warmup) => {
      post({ type: 'ready', ...(warmup ? { warmup: encodeWarmup(warmup) } : {}) });
      await started;
    },
  });

  // A stop that starts here (a unique data file ran out, say) stops every shard.
  engine.on('stopping', (s: { reason: 'aborted' | 'threshold' | 'stopped'; detail: string }) => {
    if (!stoppedByMain) post({ type: 'stopping', reason: s.reason, detail: s.detail });
  });

  channel.onMessage((m) => {
    switch (m.type) {
      case 'go':
        go();
        break;
      case 'stop':
        stoppedByMain = true;
        go(); // a stop during the warm-up must not leave the shard waiting
        engine.stop('stopped', m.detail);
        break;
      case 'pause':
        engine.setPaused(m.paused);
        break;
      case 'factor':
        engine.setFactor(m.factor);
        break;
    }
  });

  try {
    const result = await engine.run();
    post({ type: 'done', interrupted: result.interrupted, steps: engine.recorder.steps.map((s) => s.export()), loopDelayMs: engine.loopDelayMs() });
    return 'done';
  } catch (err) {
    post({ type: 'failed', message: (err as Error).message });
    return 'failed';
  }
}
