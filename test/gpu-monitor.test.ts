import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { csvNumber, parseAppLine, parseGpuLine, queryArgs } from '../monitor/nvidia';
import { openDb } from '../src/store/db';
import { MonitorStore } from '../src/store/monitor';
import { ROOT, STRAIN, strain, tempDir, writeProfile } from './helpers/cli';
import { demoTarget, exited, firstLine, sleep, spawnNode, spawnStrain, waitFor } from './helpers/processes';
import { Tmux } from './helpers/tmux';

/** The stand-in nvidia-smi first on PATH (a real one, if present, is shadowed for the test). */
const FAKE_PATH = `${join(ROOT, 'test', 'fixtures', 'bin')}${delimiter}${process.env.PATH}`;
/** PATH without any nvidia-smi: the stand-in's folder left out, and no real one expected on CI. */
const NO_GPU_PATH = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((d) => !d.includes('fixtures'))
  .join(delimiter);

test('nvidia-smi CSV: spaces after commas, [N/A], [Not Supported], MiB', () => {
  assert.deepEqual(parseGpuLine('0, GPU-3b6a1c2e-0000, 63, 3200, 23028, 142.57, 61'), {
    index: 0,
    uuid: 'GPU-3b6a1c2e-0000',
    utilPct: 63,
    memUsedMB: 3200,
    memTotalMB: 23028,
    powerW: 142.57,
    tempC: 61,
  });
  const na = parseGpuLine('1, GPU-9f0e, [N/A], 3 MiB, 23028 MiB, [Not Supported], [N/A]')!;
  assert.deepEqual([na.utilPct, na.memUsedMB, na.memTotalMB, na.powerW, na.tempC], [null, 3, 23028, null, null]);
  assert.equal(parseGpuLine('index, uuid, utilization.gpu [%], memory.used [MiB], memory.total [MiB], power.draw [W], temperature.gpu'), undefined, 'a header is not a GPU');
  assert.deepEqual(parseAppLine('2026/11/29 00:53:18.603, GPU-3b6a, 2394, 1000 MiB'), { timestamp: '2026/11/29 00:53:18.603', gpuUuid: 'GPU-3b6a', pid: 2394, usedMB: 1000 });
  assert.equal(parseAppLine('No running processes found'), undefined);
  assert.equal(csvNumber('N/A'), null);
  assert.deepEqual(queryArgs('apps', 1000), ['--query-compute-apps=timestamp,gpu_uuid,pid,used_memory', '--format=csv,noheader,nounits', '-lms', '1000']);
});

test("with nvidia-smi on PATH: resources.gpu, a leak finding on the target's GPU memory, GPU panels in the report", async () => {
  const target = await demoTarget();
  const dir = tempDir();
  try {
    const env = { PATH: FAKE_PATH, FAKE_GPU_APP_PID: String(target.child.pid), FAKE_GPU_APP_MB: '1000', FAKE_GPU_APP_MB_PER_S: '40', FAKE_GPU_T0: String(Date.now()) };
    const profile = writeProfile(
      dir,
      'p.yaml',
      [
        'name: gpu',
        'kind: load',
        `target: ${target.url}`,
        'load: { model: open, rate: 50, duration: 8s }',
        'scenario: [{ request: { path: / } }]',
        `monitor: { port: ${target.port}, interval: 100ms }`,
      ].join('\n'),
    );
    const r = await strain(['run', profile, '--db', join(dir, 'r.db'), '--json', '--no-tui'], { env });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    const gpu = s.resources.gpu;
    assert.equal(gpu.devices, 2);
    // GPU 0 at 63%, GPU 1 at 0%: the mean over devices is 31.5
    assert.equal(gpu.utilMeanPct, 31.5);
    assert.equal(gpu.utilMaxPct, 63);
    assert.equal(gpu.memTotalMB, 2 * 23028);
    assert.equal(gpu.powerMeanW, 142.57, 'GPU 1 answers [N/A]: only GPU 0 counts');
    assert.ok(gpu.targetMemMaxMB > 1000 + 40 * 5, JSON.stringify(gpu));
    assert.ok(gpu.memUsedMaxMB >= 2200 + gpu.targetMemMaxMB, JSON.stringify(gpu));
    const leak = s.findings.find((f: { kind: string; resource?: string }) => f.kind === 'leak' && f.resource === 'gpu-memory');
    assert.equal(leak?.verdict, 'leak', JSON.stringify(s.findings));
    assert.match(leak.summary, /^target GPU memory grows [\d.]+ MB\/h/);
    assert.ok(leak.slopeMBPerHour > 40 * 3600 * 0.8 && leak.slopeMBPerHour < 40 * 3600 * 1.2, leak.summary);
    const rss = s.findings.find((f: { kind: string; resource?: string }) => f.kind === 'leak' && f.resource === 'rss');
    assert.notEqual(rss?.verdict, 'leak', 'the process RSS is its own finding');

    const html = await strain(['report', String(s.runId), '--db', join(dir, 'r.db'), '--format', 'html', '--out', join(dir, 'r.html')]);
    assert.equal(html.code, 0, html.stderr);
    const page = readFileSync(join(dir, 'r.html'), 'utf8');
    assert.match(page, /GPU utilisation \(%\)/);
    assert.match(page, /GPU: 2 devices, utilisation mean 31\.5%/);
  } finally {
    await target.stop();
  }
});

test("the monitor follows GPU memory of the target's children, serves GPU gauges, and says so when nvidia-smi fails", async () => {
  const parent = spawnNode(`
    const c = require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    console.log('child ' + c.pid); setTimeout(() => process.exit(0), 60000);`);
  const childPid = Number(/child (\d+)/.exec(await firstLine(parent, /child/))![1]);
  const dir = tempDir();
  const env = { PATH: FAKE_PATH, FAKE_GPU_APP_PID: String(childPid), FAKE_GPU_T0: String(Date.now()) };
  const monitor = spawnStrain(['monitor', '--pid', String(parent.pid), '--db', join(dir, 'm.db'), '--interval', '200ms', '--listen', '127.0.0.1:0', '--gpu', 'spawn'], env);
  const failing = spawnStrain(['monitor', '--pid', String(parent.pid), '--db', join(dir, 'f.db'), '--interval', '200ms', '--listen', 'none'], { ...env, FAKE_GPU_FAIL: '1' });
  try {
    const [apiLine] = await Promise.all([firstLine(monitor, /API on/), firstLine(failing, /strain monitor/)]);
    const api = /API on (\S+)/.exec(apiLine)![1];
    // A process per sample is slow to give its first answer on a loaded machine: wait for it.
    let metrics = '';
    for (const deadline = Date.now() + 20_000; !/strain_target_gpu_memory_bytes\{gpu="0"/.test(metrics) && Date.now() < deadline; await sleep(250)) {
      metrics = await (await fetch(`${api}/metrics`)).text();
    }
    await sleep(1000); // and a few more samples, so the series can be seen to grow
    await waitFor(() => /source-failed/.test(failing.err), 20_000, 'the failing nvidia-smi to be reported');
    assert.match(metrics, /strain_gpu_utilization_percent\{gpu="0",uuid="GPU-3b6a1c2e-0000-4000-8000-000000000000"\} 63/);
    assert.match(metrics, /strain_gpu_power_watts\{gpu="0",[^}]*\} 142\.57/);
    assert.doesNotMatch(metrics, /strain_gpu_power_watts\{gpu="1"/, '[N/A] is left out, not written as 0');
    assert.match(metrics, /strain_target_gpu_memory_bytes\{gpu="0",[^}]*\} [1-9]\d+/);
  } finally {
    monitor.kill('SIGTERM');
    failing.kill('SIGTERM');
    await exited(monitor);
    await exited(failing);
    parent.kill('SIGKILL');
    process.kill(childPid, 'SIGKILL');
  }
  const m = new MonitorStore(openDb(join(dir, 'm.db')));
  const gpus = m.gpuSamples(1, 0);
  m.db.close();
  assert.ok(gpus.filter((g) => g.index === 0).every((g, i, all) => i === 0 || g.targetMemMB! >= all[i - 1].targetMemMB!));
  assert.ok(
    gpus.some((g) => g.index === 0 && g.targetMemMB! >= 1000),
    "the child's memory counts as the target's",
  );
  const f = new MonitorStore(openDb(join(dir, 'f.db')));
  assert.equal(f.gpuSamples(1, 0).length, 0);
  const failed = f.events(1, 0).find((e) => e.kind === 'source-failed');
  f.db.close();
  assert.match(failed?.message ?? '', /nvidia-smi: .*query failed|reader exited/);
});

test('without nvidia-smi: nothing GPU-related in the summary, the findings, the store or the events', async () => {
  const target = await demoTarget();
  const dir = tempDir();
  try {
    const profile = writeProfile(
      dir,
      'p.yaml',
      [
        'name: nogpu',
        'kind: load',
        `target: ${target.url}`,
        'load: { model: open, rate: 20, duration: 2s }',
        'scenario: [{ request: { path: / } }]',
        `monitor: { pid: ${target.child.pid}, interval: 200ms }`,
      ].join('\n'),
    );
    const r = await strain(['run', profile, '--db', join(dir, 'r.db'), '--json', '--no-tui'], { env: { PATH: NO_GPU_PATH } });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.ok(s.resources.samples > 5);
    assert.equal('gpu' in s.resources, false);
    assert.equal(
      s.findings.some((f: { resource?: string }) => f.resource === 'gpu-memory'),
      false,
    );
    const store = new MonitorStore(openDb(join(dir, 'r.db')));
    assert.equal(store.gpuSamples(s.resources.monitorId, 0).length, 0);
    assert.equal(
      store.events(s.resources.monitorId, 0).some((e) => /gpu|nvidia/i.test(e.message)),
      false,
    );
    store.db.close();
  } finally {
    await target.stop();
  }
});

test('the dashboard gets a GPU panel once GPU samples arrive', async () => {
  assert.ok(Tmux.available(), 'tmux is required (.ci/run installs it)');
  const target = await demoTarget();
  const dir = tempDir();
  const profile = writeProfile(
    dir,
    'p.yaml',
    [
      'name: gpu-tui',
      'kind: load',
      `target: ${target.url}`,
      'load: { model: open, rate: 20, duration: 15s }',
      'scenario: [{ request: { path: / } }]',
      `monitor: { port: ${target.port}, interval: 500ms }`,
    ].join('\n'),
  );
  const tmux = new Tmux();
  try {
    tmux.start(`cd ${ROOT} && PATH='${FAKE_PATH}' FAKE_GPU_APP_PID=${target.child.pid} ${process.execPath} ${STRAIN} run ${profile} --db ${join(dir, 'r.db')}; sleep 30`, 160, 40); // wide enough for the GPU panel's whole label
    const screen = await tmux.waitFor(/GPU \(%\) 32%, target 1,[\d,]+ MB/, 30_000);
    assert.match(screen, /target CPU \(%\) \d/, 'the other panels stay');
    assert.match(screen, /target RSS \(MB\) \d/);
    await tmux.waitFor(/\[PASSED\]/, 30_000);
    tmux.keys('q'); // the finished dashboard waits for a key, then the plain summary is printed
    await tmux.waitFor(/gpu {6}2 devices {3}util mean 31\.5% max 63\.0%/, 15_000);
  } finally {
    tmux.close();
    await target.stop();
  }
});
