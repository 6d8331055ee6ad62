import { defaults } from '../defaults';
import { StrainError } from '../errors';
import { loadProfileDocument } from '../profiles/load';
import { checkReachable } from '../runner/preflight';
import { runShard } from '../split/shard-runner';
import { shareLimits } from '../split/shard-fleet';
import { CoordinatorLink, RefusedError } from './link';
import type { AgentOverrides, FromAgent, ToAgent } from './wire';

export interface AgentOptions {
  coordinator: URL;
  token: string | undefined;
  name: string;
  /** The pod's completion index under an Indexed Job (JOB_COMPLETION_INDEX). */
  index: number | undefined;
  env: NodeJS.ProcessEnv;
  /** How long to keep trying to join a coordinator that is not up yet. */
  joinWaitMs: number;
  log: (line: string) => void;
  /** Aborted by SIGINT/SIGTERM (a pod being deleted): the agent stops its load and hands over its last figures. */
  signal?: AbortSignal;
}

export type AgentResult = { outcome: 'done' } | { outcome: 'interrupted' } | { outcome: 'refused' | 'failed'; message: string };

/** How long an agent keeps resending its last figures to a coordinator it cannot reach. */
const finalDrainMs = 60_000;

/**
 * `strain agent`: joins a coordinator, resolves the profile it is sent in its own environment
 * (secrets stay here), runs its segment of the load through the same shard runner as a worker
 * thread (and its own worker threads, when the profile asks), and streams its figures back.
 */
export async function runAgent(o: AgentOptions): Promise<AgentResult> {
  const link = new CoordinatorLink<ToAgent, FromAgent, AgentOverrides>(o.coordinator, o.token, o.log);
  try {
    return await joinAndRun(link, o);
  } catch (err) {
    if (err instanceof RefusedError) return { outcome: 'refused', message: err.message };
    return { outcome: 'failed', message: (err as Error).message };
  } finally {
    link.close();
  }
}

async function joinAndRun(link: CoordinatorLink<ToAgent, FromAgent, AgentOverrides>, o: AgentOptions): Promise<AgentResult> {
  const a = await link.join(o.name, o.index, o.joinWaitMs);
  if (o.signal?.aborted) return { outcome: 'interrupted' };
  const clock = await link.clockOffset();
  o.log(`joined ${o.coordinator.origin} as agent ${a.index + 1} of ${a.of}; clock offset ${Math.round(clock.offsetMs)} ms (round trip ${clock.rttMs} ms)`);
  link.send({ type: 'clock', offsetMs: clock.offsetMs, rttMs: clock.rttMs });
  let profile;
  try {
    profile = loadProfileDocument(a.profile.document, a.profile.label, a.profile.dir, a.overrides, o.env);
    await checkReachable(profile.target, defaults.http.preflightTimeoutMs);
  } catch (err) {
    const message = err instanceof StrainError ? [err.message, ...err.details].join('; ') : (err as Error).message;
    link.send({ type: 'failed', message });
    await link.drain(10_000).catch(() => undefined);
    return { outcome: 'failed', message };
  }
  let deliver: (m: ToAgent) => void = () => undefined;
  const run = runShard(
    { profile: shareLimits(profile, a.of), shard: { index: a.index, of: a.of }, env: o.env },
    { post: (m) => link.send(m), onMessage: (handler) => (deliver = handler) },
  );
  link.listen(
    (m) => {
      // Every agent starts at the coordinator's instant, read on its own clock.
      if (m.type === 'go' && m.at !== undefined) setTimeout(() => deliver(m), Math.max(0, m.at - clock.offsetMs - Date.now()));
      else {
        if (m.type === 'stop') o.log(`the coordinator stopped this agent: ${m.detail}`);
        deliver(m);
      }
    },
    (why) => deliver({ type: 'stop', detail: why }),
  );
  // Stopped here, not by the coordinator: the engine stops gracefully and its last figures still go out.
  const onAbort = () => deliver({ type: 'stop', detail: `agent stopped by ${String(o.signal?.reason ?? 'a signal')}` });
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const outcome = await run;
  o.signal?.removeEventListener('abort', onAbort);
  await link.drain(finalDrainMs);
  // Its figures did not all reach the coordinator, or it was dropped: this agent's part did not count.
  const gone = link.gone();
  if (gone) return { outcome: 'failed', message: `lost the coordinator: ${gone}` };
  if (outcome !== 'done') return { outcome: 'failed', message: 'the engine failed (see the coordinator)' };
  return { outcome: o.signal?.aborted ? 'interrupted' : 'done' };
}
