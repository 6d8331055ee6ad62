import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from '../engine/engine';
import { encodeInterval, encodeWarmup, type FromWorker, type ToWorker, type WorkerData } from './messages';

/**
 * One worker thread of a split run: a whole engine on its shard of the load. It reports
 * ready after connecting and warming up, starts its clock on 'go', sends every closed
 * interval to the main thread, and its step figures at the end.
 */
const data = workerData as WorkerData;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

let go: () => void = () => undefined;
const started = new Promise<void>((resolve) => (go = resolve));
let stoppedByMain = false;

const engine = new Engine(data.profile, {
  env: data.env,
  shard: data.shard,
  sinks: [{
    onInterval: (i) => {
      post({ type: 'interval', part: encodeInterval(i) });
      post({ type: 'inflight', count: engine.inFlight() });
      if (engine.recorder.steps.length > 1) post({ type: 'steps', steps: engine.recorder.steps.map((s) => s.export()) });
    },
  }],
  // What the interval sink above does, done on the warm-up's intervals so it runs compiled later.
  rehearsal: [{ onInterval: (i) => void encodeInterval(i) }],
  beforeClock: async (warmup) => {
    post({ type: 'ready', ...(warmup ? { warmup: encodeWarmup(warmup) } : {}) });
    await started;
  },
});

// A stop that starts here (a unique data file ran out, say) stops every worker.
engine.on('stopping', (s: { reason: 'aborted' | 'threshold' | 'stopped'; detail: string }) => {
  if (!stoppedByMain) post({ type: 'stopping', reason: s.reason, detail: s.detail });
});

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'go':
      go();
      break;
    case 'stop':
      stoppedByMain = true;
      go(); // a stop during the warm-up must not leave the worker waiting
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

engine.run().then(
  (result) => {
    post({ type: 'done', interrupted: result.interrupted, steps: engine.recorder.steps.map((s) => s.export()), loopDelayMs: engine.loopDelayMs() });
    port.close();
  },
  (err: Error) => {
    post({ type: 'failed', message: err.message });
    port.close();
  },
);
