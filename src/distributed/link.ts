import { request, type IncomingMessage } from 'node:http';
import { protocolVersion, type AgentLine, type Assignment, type ControlLine, type JoinRequest, type MessagesReply } from './wire';

/** The coordinator said no (wrong token, wrong version, no place left): not worth retrying. */
export class RefusedError extends Error {}

interface Reply {
  status: number;
  body: string;
}

/** Messages held while the coordinator cannot be reached; past this an agent gives up. */
const maxBuffered = 100_000;
const retryMs = 500;
/** A coordinator silent this long past its own loss timeout has given this agent up (or died): stop. */
const giveUpMarginMs = 2_000;
/** The coordinator writes a keep-alive every 2 s: a control stream quiet this long is dead (a frozen coordinator). */
const controlIdleMs = 10_000;

function call(url: URL, method: string, token: string | undefined, body?: string, timeoutMs = 10_000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        timeout: timeoutMs,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.host} in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function refusal(reply: Reply): string {
  try {
    return (JSON.parse(reply.body) as { error?: string }).error ?? reply.body;
  } catch {
    return reply.body.slice(0, 200);
  }
}

/** The join reply, if it is one (a URL that is not a coordinator answers something else). */
function parseAssignment<Overrides>(body: string): Assignment<Overrides> | undefined {
  try {
    const a = JSON.parse(body) as Partial<Assignment<Overrides>> | null;
    if (!a || typeof a.agentId !== 'string' || !/^[0-9a-f]+$/.test(a.agentId) || !Number.isInteger(a.index) || !Number.isInteger(a.of)) return undefined;
    if (typeof a.profile !== 'object' || a.profile === null || (a.lossTimeoutMs !== undefined && typeof a.lossTimeoutMs !== 'number')) return undefined;
    return a as Assignment<Overrides>;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The agent's side of the network. Messages are numbered and kept until the coordinator
 * acknowledges them, so a network break delays them but loses none; the control stream
 * reconnects and asks for what it missed.
 */
export class CoordinatorLink<ToAgent, FromAgent, Overrides> {
  private agentId = '';
  private nextSeq = 1;
  private readonly pending: AgentLine<FromAgent>[] = [];
  private flushing: Promise<void> | undefined;
  private lastCseq = 0;
  private closed = false;
  private control: IncomingMessage | undefined;
  /** Set when the link has been failing; cleared when it works again. */
  private breakSince: number | undefined;
  /** How long a break may last before the agent gives the coordinator up (from the assignment). */
  private giveUpMs = 10_000 + giveUpMarginMs;
  /** Why the link gave the coordinator up, once it has. */
  private goneWhy: string | undefined;
  private onGone: (why: string) => void = () => undefined;

  constructor(
    private readonly base: URL,
    private readonly token: string | undefined,
    private readonly onBreak: (message: string) => void = () => undefined,
  ) {}

  /** Joins, retrying while the coordinator is not up yet (a pod that starts first), until the deadline. */
  async join(name: string, index: number | undefined, deadlineMs: number): Promise<Assignment<Overrides>> {
    const body: JoinRequest = { version: protocolVersion, name, ...(index !== undefined ? { index } : {}) };
    const giveUpAt = Date.now() + deadlineMs;
    for (;;) {
      try {
        const reply = await call(new URL('/v1/join', this.base), 'POST', this.token, JSON.stringify(body));
        if (reply.status === 200) {
          const assignment = parseAssignment<Overrides>(reply.body);
          if (!assignment) throw new RefusedError(`${this.base.origin} answered POST /v1/join with something that is not an assignment: is it a strain coordinator?`);
          this.agentId = assignment.agentId;
          if (assignment.lossTimeoutMs !== undefined) this.giveUpMs = assignment.lossTimeoutMs + giveUpMarginMs;
          return assignment;
        }
        throw new RefusedError(`the coordinator refused this agent (HTTP ${reply.status}): ${refusal(reply)}`);
      } catch (err) {
        if (err instanceof RefusedError || Date.now() > giveUpAt) throw err;
        await sleep(retryMs);
      }
    }
  }

  /** The coordinator's clock minus ours, from the exchange with the shortest round trip. */
  async clockOffset(samples = 5): Promise<{ offsetMs: number; rttMs: number }> {
    let best = { offsetMs: 0, rttMs: Infinity };
    for (let i = 0; i < samples; i++) {
      const t0 = Date.now();
      const reply = await call(new URL('/v1/time', this.base), 'GET', this.token);
      const t1 = Date.now();
      const { clock } = JSON.parse(reply.body) as { clock: number };
      if (t1 - t0 < best.rttMs) best = { offsetMs: clock - (t0 + t1) / 2, rttMs: t1 - t0 };
    }
    return best;
  }

  /** Keeps the control stream open (reconnecting after a break) and hands each message over once. */
  listen(onMessage: (message: ToAgent) => void, onGone: (why: string) => void): void {
    this.onGone = onGone;
    const open = () => {
      if (this.closed) return;
      const url = new URL(`/v1/agents/${this.agentId}/control?after=${this.lastCseq}`, this.base);
      const req = request(url, { timeout: controlIdleMs, headers: this.token ? { authorization: `Bearer ${this.token}` } : {} }, (res) => {
        if (res.statusCode === 410 || res.statusCode === 401 || res.statusCode === 404) {
          res.resume();
          this.giveUp(`the coordinator dropped this agent (HTTP ${res.statusCode})`);
          return;
        }
        this.control = res;
        this.healed();
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const text = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (!text || text.startsWith(':')) continue; // keep-alive comment
            const line = JSON.parse(text) as ControlLine<ToAgent>;
            if (line.cseq <= this.lastCseq) continue;
            this.lastCseq = line.cseq;
            onMessage(line.message);
          }
        });
        res.on('close', () => reconnect('the control stream closed'));
        res.on('error', () => undefined);
      });
      req.on('timeout', () => req.destroy(new Error(`the control stream was silent for ${controlIdleMs / 1000} s`)));
      req.on('error', (err) => reconnect(err.message));
      req.end();
    };
    const reconnect = (why: string) => {
      this.control = undefined;
      if (this.closed) return;
      this.broke(why);
      setTimeout(open, retryMs).unref();
    };
    open();
  }

  /** Queues a message for the coordinator; it is sent at once and resent until acknowledged. */
  send(message: FromAgent): void {
    if (this.pending.length >= maxBuffered) throw new Error(`the coordinator has been unreachable for ${maxBuffered} messages`);
    this.pending.push({ seq: this.nextSeq++, message });
    this.flushing ??= this.flush()
      .catch(() => undefined)
      .finally(() => (this.flushing = undefined)); // a refusal shows as gone()
  }

  /** Resolves when everything queued has been acknowledged, or rejects at the deadline. */
  async drain(deadlineMs: number): Promise<void> {
    const giveUpAt = Date.now() + deadlineMs;
    while (this.pending.length > 0) {
      if (this.goneWhy) throw new Error(`${this.pending.length} messages could not reach the coordinator: ${this.goneWhy}`);
      if (Date.now() > giveUpAt) throw new Error(`${this.pending.length} messages could not reach the coordinator`);
      this.flushing ??= this.flush()
        .catch(() => undefined)
        .finally(() => (this.flushing = undefined)); // a refusal shows as gone()
      await this.flushing;
    }
  }

  close(): void {
    this.closed = true;
    this.control?.destroy();
  }

  /** Why the agent gave the coordinator up (dropped by it, or unreachable past its loss timeout); undefined while the link holds. */
  gone(): string | undefined {
    return this.goneWhy;
  }

  private giveUp(why: string): void {
    if (this.goneWhy) return;
    this.goneWhy = why;
    this.close();
    this.onGone(why);
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0 && !this.closed) {
      const batch = this.pending.slice(0, 500);
      try {
        const reply = await call(new URL(`/v1/agents/${this.agentId}/messages`, this.base), 'POST', this.token, JSON.stringify(batch));
        if (reply.status === 410) throw new RefusedError(refusal(reply));
        if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${refusal(reply)}`);
        const { ack } = JSON.parse(reply.body) as MessagesReply;
        while (this.pending.length > 0 && this.pending[0].seq <= ack) this.pending.shift();
        this.healed();
      } catch (err) {
        if (err instanceof RefusedError) {
          this.giveUp(err.message);
          throw err;
        }
        this.broke((err as Error).message);
        await sleep(retryMs);
      }
    }
  }

  private broke(why: string): void {
    if (this.breakSince !== undefined) {
      // Past the coordinator's loss timeout it has declared this agent lost, or it is gone: waiting longer helps nobody.
      if (Date.now() - this.breakSince > this.giveUpMs) this.giveUp(`no answer from the coordinator for ${Math.round((Date.now() - this.breakSince) / 1000)} s (${why})`);
      return;
    }
    this.breakSince = Date.now();
    this.onBreak(`lost the coordinator (${why}); holding messages and retrying`);
  }

  private healed(): void {
    if (this.breakSince === undefined) return;
    this.onBreak(`coordinator reachable again after ${Date.now() - this.breakSince} ms; resending held messages`);
    this.breakSince = undefined;
  }
}
