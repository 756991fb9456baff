// Metric maths: upstream's percentile index (util.go: sorted[ceil(len*X/100) - 1]), per-window rates
// (first sample skipped, trailing partial window dropped), Average = pods / wall seconds, the combined
// workload metrics and the perf-dash DataItems document.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PhaseCollector, percentile, perfDashItems, summarizeThroughput, windowRates, workloadMetrics } from '../src/runner/metrics.js';

test('percentile is sorted[ceil(len*X/100) - 1]', () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(ten, 50), 5); // ceil(5) - 1 = 4
  assert.equal(percentile(ten, 90), 9); // ceil(9) - 1 = 8
  assert.equal(percentile(ten, 95), 10); // ceil(9.5) - 1 = 9
  assert.equal(percentile(ten, 99), 10); // ceil(9.9) - 1 = 9
  const three = [10, 20, 30];
  assert.equal(percentile(three, 50), 20); // ceil(1.5) - 1 = 1
  assert.equal(percentile(three, 90), 30); // ceil(2.7) - 1 = 2
  assert.equal(percentile([7], 50), 7);
  assert.equal(percentile([7], 99), 7);
  // 200 samples: P99 = sorted[197], not a nearest-rank on 0-based indices (198) or an interpolation.
  const many = Array.from({ length: 200 }, (_, i) => i);
  assert.equal(percentile(many, 99), 197);
  assert.equal(percentile(many, 50), 99);
  assert.equal(percentile([], 50), 0);
});

test('window rates: 100 ms windows from the phase start, first skipped, partial last dropped', () => {
  // Phase 0..450 ms: complete windows [0,100) [100,200) [200,300) [300,400); [400,450) is partial.
  const times = [5, 10, 150, 160, 170, 250, 310, 320, 330, 340, 420, 430];
  // counts per window: 2, 3, 1, 4 (+2 partial) -> skip the first -> 3, 1, 4 pods per 0.1 s
  assert.deepEqual(windowRates(times, 0, 450), [30, 10, 40]);
  // Offsets: same binds shifted by the phase start.
  assert.deepEqual(windowRates(times.map((t) => t + 1000), 1000, 1450), [30, 10, 40]);
  // One-second windows (scale-guidance's sampling): 0..2500 -> windows [0,1000) [1000,2000), first skipped.
  assert.deepEqual(windowRates([1, 2, 1001, 1002, 1003, 2001], 0, 2500, 1000), [3]);
  assert.deepEqual(windowRates([1, 2], 0, 99), []);
});

test('summary: Average is pods over wall seconds, percentiles from the window rates', () => {
  const s = summarizeThroughput(12, 0.45, [30, 10, 40]);
  assert.equal(s.Average, 12 / 0.45);
  assert.equal(s.Perc50, 30); // sorted 10,30,40: ceil(1.5)-1 = 1
  assert.equal(s.Perc90, 40);
  assert.equal(s.Perc95, 40);
  assert.equal(s.Perc99, 40);
  assert.equal(s.unit, 'pods/s');
  // Too short for any sample: every percentile is the average.
  const short = summarizeThroughput(10, 0.002, []);
  assert.equal(short.Average, 5000);
  assert.deepEqual([short.Perc50, short.Perc90, short.Perc95, short.Perc99], [5000, 5000, 5000, 5000]);
  assert.equal(summarizeThroughput(0, 0, []).Average, 0);
});

test('workload metrics combine phases and counter deltas', () => {
  const c0 = { attempts: 100, scheduled: 90, unschedulable: 10, preemptions: 1 };
  const p = new PhaseCollector('[0].workloadTemplate[2]', 1000, c0);
  p.binds.push(1005, 1010, 1150, 1160, 1170, 1250, 1310, 1320, 1330, 1340, 1420, 1430);
  p.finish(1450, { attempts: 115, scheduled: 102, unschedulable: 13, preemptions: 3 }, 2);
  const m = workloadMetrics([p], { totalWallSeconds: 3, simulatedSeconds: 0.5 });
  assert.equal(m.scheduled, 12);
  assert.equal(m.unschedulable, 2);
  assert.equal(m.attempts, 15);
  assert.equal(m.preemptions, 2);
  assert.ok(Math.abs(m.wallSeconds - 0.45) < 1e-12);
  assert.ok(Math.abs(m.SchedulingThroughput.Average - 12 / 0.45) < 1e-9);
  assert.deepEqual([m.SchedulingThroughput.Perc50, m.SchedulingThroughput.Perc99], [30, 40]);
  assert.equal(m.samples, 3);
  assert.ok(m.peakRssBytes > 1024 * 1024, 'peak RSS is reported in bytes');
  assert.equal(m.totalWallSeconds, 3);
  // No measured phase: zeros, not NaN.
  const none = workloadMetrics([], { totalWallSeconds: 1, simulatedSeconds: 0 });
  assert.equal(none.SchedulingThroughput.Average, 0);
  assert.equal(none.wallSeconds, 0);
});

test('perf-dash DataItems: version v1, one SchedulingThroughput item per result', () => {
  const p = new PhaseCollector('x', 0, { attempts: 0, scheduled: 0, unschedulable: 0, preemptions: 0 });
  p.binds.push(10, 120, 130);
  p.finish(300, { attempts: 3, scheduled: 3, unschedulable: 0, preemptions: 0 }, 0);
  const metrics = workloadMetrics([p], { totalWallSeconds: 1, simulatedSeconds: 1 });
  const doc = perfDashItems([{ testCase: 'SchedulingBasic', workload: '5000Nodes_10000Pods', metrics, engine: 'fast' }]);
  assert.deepEqual(doc, {
    version: 'v1',
    dataItems: [{
      data: { Average: 3 / 0.3, Perc50: 0, Perc90: 20, Perc95: 20, Perc99: 20 },
      unit: 'pods/s',
      labels: { Name: 'SchedulingBasic/5000Nodes_10000Pods', Metric: 'SchedulingThroughput', engine: 'fast' },
    }],
  });
});
