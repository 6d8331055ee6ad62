import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseKeyed } from '../monitor/cgroup';
import { openDb } from '../src/store/db';
import { MonitorStore } from '../src/store/monitor';
import { RunStore } from '../src/store/runs';
import { cgroupSkipReason, makeGroup, skipOrFail, type TestGroup } from './helpers/cgroups';
import { strain, tempDir, writeProfile } from './helpers/cli';
import { exited, firstLine, sleep, spawnNode, spawnStrain, waitFor } from './helpers/processes';
import { unusedPort } from './helpers/servers';

const MB = 1048576;
const reason = cgroupSkipReason();

/**
 * A real target: an HTTP server (when port is given) that, on SIGUSR2, burns CPU for burnMs
 * and then allocates stepMB every everyMs until capMB, touching the pages so they are charged.
 */
function target(o: { port?: number; burnMs?: number; stepMB: number; everyMs: number; capMB: number }) {
  return spawnNode(`
    const keep = []; let total = 0;
    ${o.port ? `require('http').createServer((q, s) => s.end('ok')).listen(${o.port}, '127.0.0.1', () => console.log('ready'));` : `console.log('ready'); setInterval(() => {}, 1000);`}
    process.on('SIGUSR2', () => {
      const until = Date.now() + ${o.burnMs ?? 0}; let x = 0; while (Date.now() < until) x++;
      const t = setInterval(() => {
        if (total >= ${o.capMB}) { console.log('grown'); return clearInterval(t); }
        keep.push(Buffer.alloc(${o.stepMB} << 20, 1)); total += ${o.stepMB};
      }, ${o.everyMs});
    });
    setTimeout(() => process.exit(0), 30000);`);
}

/** Usage as the monitor reads it: v2 cpu.stat when the group has it, else v1 cpuacct. */
function cpuUsageUsec(g: TestGroup): number {
  if (g.dir('v2') && existsSync(join(g.dir('v2')!, 'cpu.stat'))) return parseKeyed(g.read('v2', 'cpu.stat')).usage_usec;
  return Math.round(Number(g.read('cpuacct', 'cpuacct.usage')) / 1000);
}

function memoryFile(g: TestGroup): { current: number; limitFile: (v: number) => void } {
  if (g.dir('memory')) {
    return {
      current: Number(g.read('memory', 'memory.usage_in_bytes')),
      limitFile: (v) => {
        g.write('memory', 'memory.limit_in_bytes', String(v));
        if (existsSync(join(g.dir('memory')!, 'memory.memsw.limit_in_bytes'))) g.write('memory', 'memory.memsw.limit_in_bytes', String(v));
      },
    };
  }
  return {
    current: Number(g.read('v2', 'memory.current')),
    limitFile: (v) => {
      g.write('v2', 'memory.max', String(v));
      if (existsSync(join(g.dir('v2')!, 'memory.swap.max'))) g.write('v2', 'memory.swap.max', '0');
    },
  };
}

function setQuota(g: TestGroup, cores: number): void {
  if (g.dir('cpu')) {
    g.write('cpu', 'cpu.cfs_period_us', '100000');
    g.write('cpu', 'cpu.cfs_quota_us', String(Math.round(cores * 100000)));
  } else g.write('v2', 'cpu.max', `${Math.round(cores * 100000)} 100000`);
}

test('strain monitor --container: memory and CPU figures match the cgroup files; quota and limit shown', async (t) => {
  if (skipOrFail(t, reason)) return;
  const hex = 'c0ffee' + Math.random().toString(16).slice(2, 10).padEnd(8, '0');
  const g = makeGroup(`docker-${hex}.scope`);
  const child = target({ burnMs: 1200, stepMB: 8, everyMs: 50, capMB: 40 });
  const db = join(tempDir(), 'cg.db');
  let monitor: ReturnType<typeof spawnStrain> | undefined;
  try {
    await firstLine(child, /ready/);
    g.add(child.pid!);
    memoryFile(g).limitFile(256 * MB);
    setQuota(g, 0.5);
    monitor = spawnStrain(['monitor', '--container', hex, '--db', db, '--interval', '250ms', '--listen', '127.0.0.1:0']);
    const api = /API on (\S+)/.exec(await firstLine(monitor, /API on/))![1];
    const grown = firstLine(child, /grown/, 30_000);
    child.kill('SIGUSR2');
    await grown; // 1.2 s of CPU, then 40 MB
    await sleep(1000); // idle: a few samples of a still group
    const metrics = await (await fetch(`${api}/metrics`)).text();
    monitor.kill('SIGTERM');
    assert.equal(await exited(monitor), 0, monitor.err);
    const fileUsage = cpuUsageUsec(g);
    const fileMem = memoryFile(g).current;

    const store = new MonitorStore(openDb(db));
    const samples = store.cgroupSamples(1, 0);
    const events = store.events(1, 0);
    const targetPids = new Set(store.resourceSamples(1, 0).map((s) => s.pid));
    store.db.close();
    assert.deepEqual([...targetPids], [child.pid], "the container's process is the target");
    assert.ok(samples.length >= 8, `${samples.length} cgroup samples`);
    assert.ok(samples.every((s) => s.path === g.path));
    assert.ok(
      events.some((e) => e.kind === 'source-started' && e.message.includes(g.path)),
      JSON.stringify(events),
    );
    const last = samples[samples.length - 1];
    assert.equal(last.memLimitBytes, 256 * MB);
    assert.equal(last.quotaCores, 0.5);
    // Idle at the end: the stored figures are the files' (memory within 5%, CPU within 0.2 s).
    assert.ok(Math.abs(last.memBytes! - fileMem) < fileMem * 0.05, `stored ${last.memBytes} vs file ${fileMem}`);
    assert.ok(last.memBytes! > 40 * MB, `40 MB allocated after joining: ${last.memBytes! / MB} MB`);
    assert.ok(last.cpuUsageUsec! <= fileUsage && fileUsage - last.cpuUsageUsec! < 200_000, `stored ${last.cpuUsageUsec} vs file ${fileUsage}`);
    // CPU of one core from the usage deltas, and the same as a share of the half-core quota.
    for (let i = 1; i < samples.length; i++) {
      const expected = ((samples[i].cpuUsageUsec! - samples[i - 1].cpuUsageUsec!) / 1e6 / ((samples[i].at - samples[i - 1].at) / 1000)) * 100;
      assert.ok(Math.abs(samples[i].cpuPct! - expected) < 0.05, `cpu ${samples[i].cpuPct} vs ${expected}`);
      assert.ok(Math.abs(samples[i].quotaPct! - samples[i].cpuPct! / 0.5) < 0.05);
    }
    assert.ok(
      samples.some((s) => s.cpuPct! > 10),
      'the busy loop shows',
    );
    assert.ok(
      samples.every((s) => s.cpuPct! < 65),
      'held to the half-core quota',
    );
    assert.match(metrics, new RegExp(`strain_cgroup_memory_limit_bytes\\{cgroup="${g.path.replace(/[.]/g, '\\.')}"\\} ${256 * MB}`));
    assert.doesNotMatch(metrics, /strain_gpu_/);
  } finally {
    if (monitor?.exitCode === null) monitor.kill('SIGKILL');
    child.kill('SIGKILL');
    await exited(child);
    g.remove();
  }
});

async function runAgainst(port: number, monitorSpec: string, seconds: number, dir = tempDir()) {
  const profile = writeProfile(
    dir,
    'p.yaml',
    [
      'name: cgroup',
      'kind: load',
      `target: http://127.0.0.1:${port}`,
      `load: { model: open, rate: 20, duration: ${seconds}s }`,
      'scenario: [{ request: { path: /, timeout: 1s } }]',
    ].join('\n'),
  );
  const r = await strain(['run', profile, '--db', join(dir, 'r.db'), '--json', '--no-tui', '--monitor', monitorSpec]);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as {
    resources: { cgroup?: { path: string; memLimitMB: number | null; memMaxMB: number; oomKills: number } };
    findings: { kind: string; verdict: string; summary: string; minutesToLimit?: number }[];
  };
}

test("--monitor cgroup:PATH: memory nearing the group's limit is an OOM risk", async (t) => {
  if (skipOrFail(t, reason)) return;
  const g = makeGroup('strain-near');
  const port = await unusedPort();
  const child = target({ port, stepMB: 6, everyMs: 250, capMB: 150 });
  try {
    await firstLine(child, /ready/);
    g.add(child.pid!);
    memoryFile(g).limitFile(160 * MB);
    child.kill('SIGUSR2');
    const s = await runAgainst(port, `cgroup:${g.path}`, 6);
    assert.equal(s.resources.cgroup?.path, g.path, JSON.stringify(s.resources));
    assert.equal(s.resources.cgroup?.memLimitMB, 160);
    const f = s.findings.find((x) => x.kind === 'cgroup-memory');
    assert.equal(f?.verdict, 'near-limit', JSON.stringify(s.findings));
    assert.match(f!.summary, /OOM risk: cgroup .* memory peaked at [\d.]+ MB, \d+% of its 160 MB limit/);
  } finally {
    child.kill('SIGKILL');
    await exited(child);
    g.remove();
  }
});

test('a --port target inside a limited cgroup: the limit is reported, and its OOM kill is an event and an oom-kill finding', async (t) => {
  if (skipOrFail(t, reason)) return;
  const g = makeGroup('strain-oom');
  const port = await unusedPort();
  const child = target({ port, stepMB: 16, everyMs: 150, capMB: 4096 });
  try {
    await firstLine(child, /ready/);
    g.add(child.pid!);
    memoryFile(g).limitFile(96 * MB);
    const killed = exited(child);
    const dir = tempDir();
    const running = runAgainst(port, `port:${port}`, 5, dir);
    // Grow only once the run's clock runs (its first measured second is stored), so the kill is in its window.
    await waitFor(
      () => {
        try {
          const runs = new RunStore(openDb(join(dir, 'r.db')));
          const run = runs.getRun('latest');
          const measured = run ? runs.intervalsWithoutHistograms(run.id).length > 0 : false;
          runs.db.close();
          return measured;
        } catch {
          return false; // not created yet
        }
      },
      20_000,
      "the run's first measured second",
    );
    child.kill('SIGUSR2');
    const s = await running;
    await killed;
    assert.equal(child.signalCode, 'SIGKILL', 'the kernel killed the target');
    const f = s.findings.find((x) => x.kind === 'cgroup-memory');
    assert.equal(f?.verdict, 'oom-kill', JSON.stringify(s.findings));
    assert.match(f!.summary, /OOM kill in cgroup .*: 1 process killed at the memory limit/);
    assert.equal(s.resources.cgroup?.oomKills, 1);
    assert.equal(s.resources.cgroup?.path, g.path, "found from the target's own cgroup, and still sampled after the kill");
    assert.equal(s.resources.cgroup?.memLimitMB, 96);
  } finally {
    child.kill('SIGKILL');
    await exited(child);
    g.remove();
  }
});
