import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { printable } from '../util/format';
import { protocolVersion, type AgentLine, type Assignment, type ControlLine, type JoinRequest, keepAliveMs } from './wire';

/** One agent as the coordinator knows it. */
export interface AgentState {
  id: string;
  index: number;
  name: string;
  /** Highest message sequence number taken (later resends of it are acknowledged, not re-taken). */
  seq: number;
  lastSeenAt: number;
  /** The control stream currently open to it, if any. */
  control: ServerResponse | undefined;
  lost: boolean;
  finished: boolean;
}

export interface HubOptions<ToAgent, FromAgent, Overrides> {
  token: string | undefined;
  agents: number;
  /** The assignment for a newly joined agent (its profile and overrides). */
  assignment: (index: number) => Omit<Assignment<Overrides>, 'agentId' | 'index' | 'of' | 'lossTimeoutMs'>;
  onJoin: (agent: AgentState) => void;
  onMessage: (agent: AgentState, message: FromAgent) => void;
  /** No message and no control stream from a running agent for this long: it is lost. */
  lossTimeoutMs: number;
  onLost: (agent: AgentState, why: string) => void;
  clock?: () => number;
  /** Type witness only. */
  _?: ToAgent;
}

const maxBodyBytes = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBodyBytes) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * The coordinator's side of the network: agents join, get their segment, hold a control
 * stream open, and post their messages in numbered batches. Everything about the run itself
 * (what the messages mean) belongs to the caller.
 */
export class AgentHub<ToAgent, FromAgent, Overrides> {
  private readonly server: Server;
  private readonly byId = new Map<string, AgentState>();
  private readonly controlLog: ControlLine<ToAgent>[][] = [];
  private readonly expectedAuth: Buffer | undefined;
  private readonly clock: () => number;
  private lossTimer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly o: HubOptions<ToAgent, FromAgent, Overrides>) {
    this.expectedAuth = o.token ? Buffer.from(`Bearer ${o.token}`) : undefined;
    this.clock = o.clock ?? Date.now;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => {
        if (!res.headersSent) send(res, 400, { error: err.message });
        else res.destroy();
      });
    });
    // A control stream lives as long as the run.
    this.server.requestTimeout = 0;
    this.server.keepAliveTimeout = 60_000;
  }

  agents(): AgentState[] {
    return [...this.byId.values()].sort((a, b) => a.index - b.index);
  }

  listen(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const a = this.server.address() as AddressInfo;
        resolve(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
      });
    });
  }

  /** From now on an agent that falls silent is lost (before, agents may still be joining). */
  watchForLoss(): void {
    this.running = true;
    this.lossTimer ??= setInterval(() => this.checkLoss(), 500);
    this.lossTimer.unref();
  }

  send(index: number, message: ToAgent): void {
    const log = (this.controlLog[index] ??= []);
    const line: ControlLine<ToAgent> = { cseq: log.length + 1, message };
    log.push(line);
    const agent = this.agents().find((a) => a.index === index);
    agent?.control?.write(`${JSON.stringify(line)}\n`);
  }

  broadcast(message: ToAgent): void {
    for (const agent of this.agents()) if (!agent.lost) this.send(agent.index, message);
  }

  /** The agent sent its last figures: it is no longer watched for loss (its stream closes with it). */
  markFinished(agent: AgentState): void {
    agent.finished = true;
  }

  async close(): Promise<void> {
    clearInterval(this.lossTimer);
    for (const a of this.byId.values()) a.control?.end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private checkLoss(): void {
    if (!this.running) return;
    const now = this.clock();
    for (const a of this.byId.values()) {
      if (a.lost || a.finished || now - a.lastSeenAt < this.o.lossTimeoutMs) continue;
      a.lost = true;
      a.control?.destroy();
      this.o.onLost(a, `no word from it for ${Math.round((now - a.lastSeenAt) / 1000)} s`);
    }
  }

  private authorized(req: IncomingMessage): boolean {
    if (!this.expectedAuth) return true;
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === this.expectedAuth.length && timingSafeEqual(given, this.expectedAuth);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.authorized(req)) {
      res.setHeader('www-authenticate', 'Bearer');
      return send(res, 401, { error: 'missing or wrong token' });
    }
    const url = new URL(req.url ?? '/', 'http://coordinator');
    if (req.method === 'GET' && url.pathname === '/v1/time') return send(res, 200, { clock: this.clock() });
    if (req.method === 'POST' && url.pathname === '/v1/join') return this.join(JSON.parse(await readBody(req)) as JoinRequest, res);
    const m = /^\/v1\/agents\/([0-9a-f]+)\/(control|messages)$/.exec(url.pathname);
    const agent = m ? this.byId.get(m[1]) : undefined;
    if (!m || !agent) return send(res, 404, { error: `no such agent or path: ${url.pathname}` });
    if (agent.lost) return send(res, 410, { error: 'this agent was declared lost; the run goes on without it' });
    agent.lastSeenAt = this.clock();
    if (m[2] === 'control' && req.method === 'GET') return this.openControl(agent, Number(url.searchParams.get('after') ?? 0), res);
    if (m[2] === 'messages' && req.method === 'POST') return this.takeMessages(agent, await readBody(req), res);
    send(res, 405, { error: `${req.method} not allowed on ${url.pathname}` });
  }

  private join(request: JoinRequest, res: ServerResponse): void {
    if (request.version !== protocolVersion) {
      return send(res, 409, { error: `agent speaks protocol ${request.version}, this coordinator ${protocolVersion}: use the same strain version` });
    }
    const taken = new Set(this.agents().map((a) => a.index));
    if (taken.size >= this.o.agents) return send(res, 409, { error: `all ${this.o.agents} agent places are taken` });
    const wanted = request.index;
    const index =
      wanted !== undefined && Number.isInteger(wanted) && wanted >= 0 && wanted < this.o.agents && !taken.has(wanted)
        ? wanted
        : [...Array(this.o.agents).keys()].find((i) => !taken.has(i))!;
    const agent: AgentState = {
      id: randomBytes(8).toString('hex'),
      index,
      name: typeof request.name === 'string' && printable(request.name) ? printable(request.name).slice(0, 100) : `agent-${index}`,
      seq: 0,
      lastSeenAt: this.clock(),
      control: undefined,
      lost: false,
      finished: false,
    };
    this.byId.set(agent.id, agent);
    const assignment: Assignment<Overrides> = { agentId: agent.id, index, of: this.o.agents, lossTimeoutMs: this.o.lossTimeoutMs, ...this.o.assignment(index) };
    send(res, 200, assignment);
    this.o.onJoin(agent);
  }

  private openControl(agent: AgentState, after: number, res: ServerResponse): void {
    agent.control?.destroy();
    agent.control = res;
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    for (const line of this.controlLog[agent.index] ?? []) if (line.cseq > after) res.write(`${JSON.stringify(line)}\n`);
    const keepAlive = setInterval(() => res.write(':\n'), keepAliveMs);
    res.on('close', () => {
      clearInterval(keepAlive);
      if (agent.control === res) agent.control = undefined;
    });
  }

  private takeMessages(agent: AgentState, body: string, res: ServerResponse): void {
    const lines = JSON.parse(body) as AgentLine<FromAgent>[];
    for (const line of lines) {
      if (line.seq !== agent.seq + 1) continue; // a resend of something taken, or a gap the agent will fill
      agent.seq = line.seq;
      this.o.onMessage(agent, line.message);
    }
    send(res, 200, { ack: agent.seq });
  }
}
