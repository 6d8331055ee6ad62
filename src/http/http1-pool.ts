import { performance } from 'node:perf_hooks';
import { Outcome } from '../core/outcome';
import { Connection, type Job } from './http1-connection';
import { InvalidRequest, parseHead, serializeRequest, type HeadFacts } from './wire';
import type { ChunkObserver, Completion, Keep, OriginPool, PreparedRequest } from './types';

/** Methods safe to send again when a reused connection turns out to be closed already. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
/** Deadlines are checked on a coarse timer, not one timer per request. */
const DEADLINE_TICK_MS = 25;

/** Up to `connections` keep-alive connections to one host:port, with a FIFO of waiting requests. */
export class Http1Pool implements OriginPool {
  private readonly connections = new Set<Connection>();
  private readonly idle: Connection[] = [];
  private pending: (Job | undefined)[] = [];
  private pendingHead = 0;
  private timer: NodeJS.Timeout | undefined;
  private destroyed = false;
  readonly hostHeader: string;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly limit: number,
    hostHeader?: string,
  ) {
    this.hostHeader = hostHeader ?? (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
  }

  private lastHead = '';
  private lastFacts: HeadFacts | string | undefined;

  /**
   * Parses a response head, reusing the last result when the head is byte-for-byte the same
   * (a load test mostly gets the same response; the Date header changes once a second).
   * Only heads read for their facts are shared: their header object holds set-cookie at most
   * and is never written to.
   */
  head(text: string, allHeaders: boolean): HeadFacts | string {
    if (allHeaders) return parseHead(text, true);
    if (text === this.lastHead && this.lastFacts !== undefined) return this.lastFacts;
    const facts = parseHead(text, false);
    this.lastHead = text;
    this.lastFacts = facts;
    return facts;
  }

  /** Opens every connection ahead of the run, so connecting is not measured as latency. */
  async warm(count = this.limit): Promise<number> {
    const opening: Promise<boolean>[] = [];
    for (let i = this.connections.size; i < Math.min(count, this.limit); i++) {
      const c = this.open();
      opening.push(
        new Promise((resolve) => {
          c.socket.once('connect', () => resolve(true));
          c.socket.once('close', () => resolve(false));
        }),
      );
    }
    const opened = (await Promise.all(opening)).filter(Boolean).length;
    for (const c of this.connections) if (c.connected && !c.job && !this.idle.includes(c)) this.release(c);
    return opened;
  }

  send(req: PreparedRequest, done: Completion, keep: Keep, onChunk?: ChunkObserver): void {
    let wire = req.wire;
    if (!wire) {
      try {
        wire = serializeRequest(req, this.hostHeader);
      } catch (err) {
        if (!(err instanceof InvalidRequest)) throw err;
        done(Outcome.other, 0, 0, undefined, undefined, `request not sent: ${err.message}`);
        return;
      }
      if (req.reusable) req.wire = wire;
    }
    req.closeAfter ??= /close/i.test(req.headers.connection ?? '');
    const closeAfter = req.closeAfter;
    this.enqueue({
      wire,
      isHead: req.method === 'HEAD',
      idempotent: IDEMPOTENT.has(req.method),
      closeAfter,
      timeoutMs: req.timeoutMs,
      deadline: 0,
      done,
      keepBody: keep === 'body',
      keepHeaders: keep !== 'status',
      retried: false,
      onChunk,
    });
  }

  enqueue(job: Job): void {
    if (this.destroyed) {
      job.done(Outcome.other, 0, 0, undefined, undefined, 'cut off: the run was ending');
      return;
    }
    if (!job.retried) job.deadline = performance.now() + job.timeoutMs;
    this.timer ??= setInterval(() => this.checkDeadlines(), DEADLINE_TICK_MS).unref();
    const free = this.idle.pop();
    if (free) return free.start(job);
    if (this.connections.size < this.limit) return this.open().start(job); // written once connected; net queues it
    this.pending.push(job);
  }

  private open(): Connection {
    const c = new Connection(this, this.host, this.port);
    this.connections.add(c);
    return c;
  }

  /** A connection finished an exchange and stays open: it takes the oldest waiting request. */
  release(c: Connection): void {
    const job = this.takePending();
    if (job) c.start(job);
    else this.idle.push(c);
  }

  /** The oldest waiting request still waiting (timed-out ones leave holes). */
  private takePending(): Job | undefined {
    while (this.pendingHead < this.pending.length) {
      const job = this.pending[this.pendingHead];
      this.pending[this.pendingHead++] = undefined;
      if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
        this.pending = this.pending.slice(this.pendingHead); // a long backlog: drop the spent prefix
        this.pendingHead = 0;
      }
      if (job) return job;
    }
    if (this.pendingHead > 0) {
      this.pending = [];
      this.pendingHead = 0;
    }
    return undefined;
  }

  /** A connection closed: waiting requests get a fresh one. */
  forget(c: Connection): void {
    this.connections.delete(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    while (!this.destroyed && this.connections.size < this.limit) {
      const job = this.takePending();
      if (!job) break;
      this.open().start(job);
    }
  }

  private checkDeadlines(): void {
    const now = performance.now();
    for (const c of this.connections) c.checkDeadline(now);
    // Requests still waiting for a connection time out too.
    for (let i = this.pendingHead; i < this.pending.length; i++) {
      const job = this.pending[i];
      if (job && now > job.deadline) {
        this.pending[i] = undefined;
        job.done(Outcome.timeout, 0, 0, undefined, undefined, `waited ${job.timeoutMs}ms for a free connection (all ${this.limit} busy)`);
      }
    }
  }

  /** Cuts off every connection; requests in flight or waiting end as "other". */
  destroy(): void {
    this.destroyed = true;
    if (this.timer) clearInterval(this.timer);
    const waiting = this.pending.slice(this.pendingHead).filter((j): j is Job => j !== undefined);
    this.pending = [];
    this.pendingHead = 0;
    for (const c of [...this.connections]) c.close();
    for (const job of waiting) job.done(Outcome.other, 0, 0, undefined, undefined, 'cut off: the run was ending');
  }
}
