import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerData } from './messages';
import { runShard } from './shard-runner';

/** One worker thread of a split run: its shard of the load, over the thread's port. */
const data = workerData as WorkerData;
const port = parentPort!;

void runShard(data, {
  post: (m: FromWorker) => port.postMessage(m),
  onMessage: (handler: (m: ToWorker) => void) => port.on('message', handler),
}).then(() => port.close());
