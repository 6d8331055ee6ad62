import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBlkioBytes, parseCpuMax, parseIoStat, parseKeyed, parseMemLimit, parseMountinfo, parseProcCgroup } from '../monitor/cgroup';
import { cgroupNamesContainer } from '../monitor/container';
import { analyzeCgroupMemory } from '../src/analysis/cgroup';
import { summarizeCgroup, summarizeGpu } from '../src/analysis/resources';
import type { CgroupSample, GpuSample } from '../src/core/samples';

const MB = 1048576;

test('cgroup files: mountinfo (hybrid), /proc/PID/cgroup, cpu.max, limits, io.stat, blkio, keyed files', () => {
  const m = parseMountinfo(
    [
      '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
      '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
      '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
      '36 31 0:33 /docker/abc /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct',
      '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
    ].join('\n'),
  );
  assert.deepEqual(m.v2, { root: '/', mount: '/sys/fs/cgroup/unified' });
  assert.equal(m.v1.memory.mount, '/sys/fs/cgroup/memory');
  assert.equal(m.v1.cpu.mount, '/sys/fs/cgroup/cpu', 'the first mount of a controller wins');
  assert.deepEqual(m.v1.cpuacct, { root: '/docker/abc', mount: '/sys/fs/cgroup/cpu,cpuacct' });
  assert.deepEqual(parseProcCgroup('12:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n0::/system.slice/x.service\n'), {
    v2: '/system.slice/x.service',
    v1: { cpu: '/docker/abc', cpuacct: '/docker/abc', memory: '/docker/abc' },
  });
  assert.equal(parseCpuMax('max 100000\n'), null);
  assert.equal(parseCpuMax('150000 100000\n'), 1.5);
  assert.equal(parseMemLimit('max\n'), null);
  assert.equal(parseMemLimit('9223372036854771712\n'), null, 'v1 "no limit"');
  assert.equal(parseMemLimit('268435456\n'), 256 * MB);
  assert.deepEqual(parseIoStat('8:0 rbytes=4096 wbytes=8192 rios=1 wios=2\n259:0 rbytes=1 wbytes=2 rios=0 wios=0\n'), { readBytes: 4097, writeBytes: 8194 });
  assert.deepEqual(parseBlkioBytes('8:0 Read 100\n8:0 Write 50\n8:0 Sync 150\n8:0 Total 150\nTotal 150\n'), { readBytes: 100, writeBytes: 50 });
  assert.equal(parseKeyed('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n').oom_kill, 3);
  assert.equal(parseKeyed('usage_usec 98903101\nuser_usec 74260221\n').usage_usec, 98903101);
  assert.ok(cgroupNamesContainer('/system.slice/docker-0123abcd4567.scope', '0123abcd'));
  assert.ok(cgroupNamesContainer('/docker/0123abcd4567', '0123abcd4567'));
  assert.ok(!cgroupNamesContainer('/docker/ffff', '0123'));
});

function series(n: number, mb: (i: number) => number, limitMB: number | null, extra: Partial<CgroupSample> = {}): CgroupSample[] {
  return Array.from({ length: n }, (_, i) => ({
    at: 1_000_000 + i * 1000,
    path: '/app',
    cpuUsageUsec: i * 1000,
    cpuPct: 10,
    quotaCores: null,
    quotaPct: null,
    memBytes: mb(i) * MB,
    memLimitBytes: limitMB === null ? null : limitMB * MB,
    oomKills: 0,
    ioReadBps: null,
    ioWriteBps: null,
    ...extra,
  }));
}

test('cgroup memory: near the limit, growing toward it, far from it, OOM-killed, no limit', () => {
  const near = analyzeCgroupMemory(
    series(60, () => 470, 512),
    [],
  );
  assert.equal(near?.verdict, 'near-limit');
  assert.match(near!.summary, /OOM risk: cgroup \/app memory peaked at 470 MB, 92% of its 512 MB limit/);
  // 400 -> 459 MB at 1 MB/s: 78% of 512 MB, due at the limit in under a minute
  const growing = analyzeCgroupMemory(
    series(60, (i) => 400 + i, 512),
    [],
  );
  assert.equal(growing?.verdict, 'near-limit', growing?.summary);
  assert.ok((growing!.minutesToLimit as number) < 1.1, growing!.summary);
  assert.match(growing!.summary, /reaches the limit in \d+ s/);
  const far = analyzeCgroupMemory(
    series(60, () => 100, 512),
    [],
  );
  assert.equal(far?.verdict, 'ok');
  const killed = analyzeCgroupMemory(
    series(10, () => 500, 512),
    [{ at: 1_005_000, kind: 'oom-kill', message: 'x', data: { kills: 2 } }],
  );
  assert.equal(killed?.verdict, 'oom-kill');
  assert.match(killed!.summary, /2 processes killed/);
  assert.equal(
    analyzeCgroupMemory(
      series(10, () => 500, null),
      [],
    ),
    undefined,
    'no limit and no kill: nothing to say',
  );
  const summary = summarizeCgroup(
    series(4, (i) => 100 + i, 512, { quotaCores: 0.5, quotaPct: 20 }),
    [{ at: 1, kind: 'oom-kill', message: 'x', data: { kills: 1 } }],
  );
  assert.deepEqual(summary, {
    path: '/app',
    samples: 4,
    cpuMeanPct: 10,
    cpuMaxPct: 10,
    quotaCores: 0.5,
    quotaMeanPct: 20,
    quotaMaxPct: 20,
    memMaxMB: 103,
    memLimitMB: 512,
    oomKills: 1,
  });
});

test('GPU summary: utilisation over devices, memory and power summed, [N/A] left out', () => {
  const g = (at: number, index: number, util: number | null, used: number, power: number | null, target: number): GpuSample => ({
    at,
    index,
    uuid: `GPU-${index}`,
    utilPct: util,
    memUsedMB: used,
    memTotalMB: 1000,
    powerW: power,
    tempC: null,
    targetMemMB: target,
  });
  assert.deepEqual(summarizeGpu([g(1, 0, 80, 500, 100, 300), g(1, 1, null, 10, null, 0), g(2, 0, 40, 600, 120, 400), g(2, 1, 20, 20, null, 50)]), {
    devices: 2,
    utilMeanPct: 46.67,
    utilMaxPct: 80,
    memUsedMaxMB: 620,
    memTotalMB: 2000,
    powerMeanW: 110,
    targetMemMaxMB: 450,
  });
  assert.equal(summarizeGpu([]), undefined);
});
