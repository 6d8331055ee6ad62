import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DriverHost } from '../engine/driver';
import type { Shard } from '../engine/executor';
import type { FromWorker, ToWorker, WorkerData } from './messages';
import { ShardFleet, shareLimits } from './shard-fleet';

/** Time past the graceful stop for worker threads to send their last figures. */
const WORKER_HANDOVER_MS = 3000;

/** The load split across worker threads of this process (`load.workers`). */
export class WorkerFleet extends ShardFleet {
  private readonly workers: Worker[] = [];

  constructor(
    host: DriverHost,
    /** An agent's share of a distributed run: the threads split that share, not the whole load. */
    private readonly segment: Shard = { index: 0, of: 1 },
  ) {
    super(host, host.profile.workers, 'worker');
  }

  protected launch(): void {
    const of = this.shards;
    // A worker never splits again.
    const shared = { ...shareLimits(this.host.profile, of), workers: 1 };
    for (let index = 0; index < of; index++) {
      // Thread `index` of an agent's segment i of N takes the numbers ≡ i + N·index (mod N·of):
      // together the threads cover exactly the segment's numbers (i mod N), each once.
      const shard = { index: this.segment.index + this.segment.of * index, of: this.segment.of * of };
      const data: WorkerData = { profile: shared, shard, env: { ...this.host.env } };
      const worker = new Worker(join(__dirname, 'worker-entry.js'), { workerData: data });
      worker.on('message', (m: FromWorker) => this.onMessage(index, m));
      worker.on('error', (err) => this.fail(`worker ${index + 1} failed: ${err.message}`));
      worker.on('exit', () => this.markDone(index));
      this.workers.push(worker);
    }
  }

  protected post(message: ToWorker): void {
    for (const w of this.workers) w.postMessage(message);
  }

  protected handoverMs(): number {
    return WORKER_HANDOVER_MS;
  }

  protected async release(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
