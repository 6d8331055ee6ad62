import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseAppLine, parseGpuLine, queryArgs, type AppReading, type GpuReading } from './nvidia';
import { readProc } from './proc';
import type { SampleSource, SourceContext } from './source';
import type { GpuSample, MonitorEvent, SampleBatch } from '../src/core/samples';

/**
 * 'loop': two long-lived `nvidia-smi ... -lms N` readers (GPUs, compute apps) whose lines are
 * read as they come; 'spawn': both queries run as new processes every tick. The loop is the
 * default: NVML starts once instead of twice a second (bench: `npm run bench -- monitor`).
 */
export type GpuMode = 'loop' | 'spawn';

/** Is pid the target itself or one of its descendants (walks parents through /proc)? */
function inTargetTree(pid: number, target: number, procRoot = '/proc'): boolean {
  let p = pid;
  for (let depth = 0; depth < 64 && p > 1; depth++) {
    if (p === target) return true;
    const stat = readProc(`${procRoot}/${p}/stat`);
    if (!stat) return false;
    p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return false;
}

/** Samples every NVIDIA GPU through nvidia-smi, and the GPU memory the target's process tree holds. */
export class GpuSource implements SampleSource {
  readonly name = 'gpu';
  private readonly gpus = new Map<number, { reading: GpuReading; at: number }>();
  /** Compute apps: rows of the newest timestamp, of the one before, and when the last row came. */
  private apps = { stamp: '', latest: [] as AppReading[], previous: [] as AppReading[], lastAt: 0 };
  private readonly children: ChildProcess[] = [];
  private inFlight = 0;
  private readonly events: MonitorEvent[] = [];
  private failed = false;
  private announced = false;
  private closed = false;

  constructor(
    private readonly bin: string,
    private readonly intervalMs: number,
    readonly mode: GpuMode = 'loop',
    private readonly now: () => number = Date.now,
    private readonly procRoot = '/proc',
  ) {
    if (mode === 'loop') {
      this.children.push(this.reader('gpu'), this.reader('apps'));
    } else {
      this.poll();
    }
  }

  sample(ctx: SourceContext): Partial<SampleBatch> {
    if (this.mode === 'spawn') this.poll();
    const events = this.events.splice(0);
    const stale = ctx.at - (3 * this.intervalMs + 1000);
    const fresh = [...this.gpus.values()].filter((g) => g.at >= stale).map((g) => g.reading);
    if (fresh.length === 0) return { events };
    if (!this.announced) {
      this.announced = true;
      events.push({
        at: ctx.at,
        kind: 'source-started',
        message: `sampling ${fresh.length} GPU${fresh.length > 1 ? 's' : ''} with ${this.bin} (${this.mode === 'loop' ? 'long-lived -lms reader' : 'one process per sample'})`,
        data: { source: 'gpu', devices: fresh.length },
      });
    }
    const apps = this.currentApps(ctx.at);
    const gpus: GpuSample[] = fresh
      .sort((a, b) => a.index - b.index)
      .map((g) => ({
        at: ctx.at,
        ...g,
        targetMemMB:
          ctx.targetPid === undefined
            ? null
            : apps.filter((a) => a.gpuUuid === g.uuid && inTargetTree(a.pid, ctx.targetPid!, this.procRoot)).reduce((sum, a) => sum + (a.usedMB ?? 0), 0),
      }));
    return { gpus, events };
  }

  close(): void {
    this.closed = true;
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGTERM');
  }

  /** The newest complete round of compute apps; none when nvidia-smi has printed none lately. */
  private currentApps(at: number): AppReading[] {
    if (this.mode === 'spawn') return this.apps.latest;
    if (at - this.apps.lastAt > 2.5 * this.intervalMs + 500) return [];
    // A round's lines come in one burst: within 100 ms of the last line it may still be arriving.
    return at - this.apps.lastAt < 100 ? this.apps.previous : this.apps.latest;
  }

  private onGpu(line: string): void {
    const g = parseGpuLine(line);
    if (g) this.gpus.set(g.index, { reading: g, at: this.now() });
  }

  private onApp(line: string): void {
    const a = parseAppLine(line);
    if (!a) return;
    if (a.timestamp !== this.apps.stamp) this.apps = { stamp: a.timestamp, latest: [], previous: this.apps.latest, lastAt: 0 };
    this.apps.latest.push(a);
    this.apps.lastAt = this.now();
  }

  private fail(what: string): void {
    if (this.failed) return;
    this.failed = true;
    this.events.push({ at: this.now(), kind: 'source-failed', message: `nvidia-smi: ${what}; no GPU figures from here on`, data: { source: 'gpu' } });
  }

  private reader(kind: 'gpu' | 'apps'): ChildProcess {
    const child = spawn(this.bin, queryArgs(kind, this.intervalMs), { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.on('error', (e) => this.fail(e.message));
    child.on('exit', (code, signal) => {
      if (!this.closed) this.fail(`${kind} reader exited (${signal ?? `code ${code}`})${err ? `: ${err.trim().split('\n')[0]}` : ''}`);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => (kind === 'gpu' ? this.onGpu(line) : this.onApp(line)));
    return child;
  }

  /** Spawn mode: both queries as new processes unless the last ones are still running. */
  private poll(): void {
    if (this.inFlight > 0 || this.failed) return;
    for (const kind of ['gpu', 'apps'] as const) {
      this.inFlight++;
      execFile(this.bin, queryArgs(kind), { timeout: Math.max(this.intervalMs * 2, 2000) }, (error, stdout, stderr) => {
        this.inFlight--;
        if (error) return this.fail(`${kind} query failed: ${String(stderr).trim().split('\n')[0] || error.message}`);
        const lines = String(stdout).split('\n');
        if (kind === 'gpu') for (const line of lines) this.onGpu(line);
        else this.apps = { stamp: '', latest: lines.map(parseAppLine).filter((a): a is AppReading => !!a), previous: [], lastAt: this.now() };
      });
    }
  }
}
