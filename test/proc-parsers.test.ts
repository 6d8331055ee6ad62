import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDiskstats, parseHostCpu, parseMeminfo, parseNetDev, parseProcIo, parseProcStat, parseProcStatus } from '../monitor/proc';
import { listeningInodes } from '../monitor/select';

test('/proc/PID/stat with spaces and parentheses in the command name', () => {
  const text = '4242 (my (weird) app) S 1 4242 4242 0 -1 4194560 500 0 0 0 1234 567 0 0 20 0 9 0 987654 1000000 2000 18446744073709551615';
  assert.deepEqual(parseProcStat(text), { pid: 4242, comm: 'my (weird) app', utime: 1234, stime: 567, starttime: 987654 });
});

test('/proc/PID/status and io', () => {
  const status = 'Name:\tnode\nVmSize:\t  11000 kB\nVmRSS:\t   2048 kB\nThreads:\t7\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n';
  assert.deepEqual(parseProcStatus(status), { rssBytes: 2048 * 1024, vsizeBytes: 11000 * 1024, threads: 7, voluntaryCtx: 12, involuntaryCtx: 3 });
  assert.deepEqual(parseProcIo('rchar: 10\nwchar: 20\nread_bytes: 4096\nwrite_bytes: 8192\n'), { readBytes: 4096, writeBytes: 8192 });
});

test('host cpu, memory, network and disks', () => {
  assert.deepEqual(parseHostCpu('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3\n'), { busy: 150, total: 1000 });
  assert.deepEqual(parseMeminfo('MemTotal: 1000 kB\nMemFree: 10 kB\nMemAvailable: 400 kB\n'), { totalBytes: 1024000, availableBytes: 409600 });
  const net = 'Inter-| Receive\n face |bytes\n    lo: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n  eth0: 50 1 0 0 0 0 0 0 70 1 0 0 0 0 0 0\n';
  assert.deepEqual(parseNetDev(net), { rxBytes: 150, txBytes: 170 });
  const disks = ' 254 0 vda 10 0 8 0 20 0 16 0 0 0 0\n 254 1 vda1 10 0 8 0 20 0 16 0 0 0 0\n 7 0 loop0 5 0 100 0 0 0 0 0 0 0 0\n';
  assert.deepEqual(parseDiskstats(disks, new Set(['vda'])), { readBytes: 8 * 512, writeBytes: 16 * 512 });
});

test('listening sockets on a port from /proc/net/tcp', () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 11111 1',
    '   1: 0100007F:0BB8 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 22222 1',
    '   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 33333 1',
  ].join('\n');
  assert.deepEqual([...listeningInodes(3000, [table])], ['11111']);
  assert.deepEqual([...listeningInodes(8080, [table])], ['33333']);
  assert.deepEqual([...listeningInodes(9999, [table])], []);
});
