import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCondition } from '../src/thresholds/parse';
import { formatDuration, parseDuration } from '../src/util/duration';

test('durations', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('8h'), 28_800_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1.5s'), 1500);
  for (const bad of ['', '10', 'ms', '10x', '-5s', '1 h', '5s ms']) assert.equal(parseDuration(bad), undefined, bad);
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(250), '250ms');
});

test('threshold conditions convert to base units', () => {
  assert.deepEqual(parseCondition('latency.p95', '< 200ms'), { op: '<', value: 200 });
  assert.deepEqual(parseCondition('latency.p99', '<=1.5s'), { op: '<=', value: 1500 });
  assert.deepEqual(parseCondition('latency.max', '< 900us'), { op: '<', value: 0.9 });
  assert.deepEqual(parseCondition('errors.rate', '< 1%'), { op: '<', value: 0.01 });
  assert.deepEqual(parseCondition('errors.rate', '< 0.05'), { op: '<', value: 0.05 });
  assert.deepEqual(parseCondition('throughput', '> 100/s'), { op: '>', value: 100 });
  assert.match(parseCondition('latency.p95', '< 200') as string, /unit "none" does not fit latency.p95/);
  assert.match(parseCondition('throughput', '> 5ms') as string, /use a rate like/);
  assert.match(parseCondition('errors.rate', 'about 1%') as string, /must be a percentage/);
});
