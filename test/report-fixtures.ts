// Fixed results for the report tests: every section kind, a hostile name, samples and fits.
// Changing anything here changes test/data/report/report.golden.md.

import { RESULTS_SCHEMA, type Results, type RunResult } from '../src/report/schema.js';

export const HOSTILE = '<img src=x onerror=alert(1)> | *bold* & "q"';

function runResult(testCase: string, workload: string, params: Record<string, number>, avg: number, threshold: number | null, cluster?: RunResult['cluster']): RunResult {
  return {
    testCase,
    workload,
    params,
    engine: 'fast',
    workers: 1,
    seed: 1,
    metrics: {
      SchedulingThroughput: { Average: avg, Perc50: avg * 1.02, Perc90: avg * 1.2, Perc95: avg * 1.25, Perc99: avg * 1.4, unit: 'pods/s' },
      scheduled: params.measurePods ?? 0,
      unschedulable: 0,
      attempts: params.measurePods ?? 0,
      preemptions: 0,
      wallSeconds: (params.measurePods ?? 0) / avg,
      peakRssBytes: 512 * 1024 * 1024,
      totalWallSeconds: 9.5,
      simulatedSeconds: 1.5,
      samples: 40,
    },
    threshold,
    passed: threshold === null || avg >= threshold,
    labels: ['performance'],
    warnings: [],
    ...(cluster ? { cluster } : {}),
  };
}

export function fixedResults(): Results {
  return {
    schema: RESULTS_SCHEMA,
    version: 1,
    environment: {
      cpuModel: 'Intel(R) Xeon(R) Test CPU @ 2.20GHz',
      cores: 2,
      node: 'v20.20.2',
      os: 'linux 6.1.0 x64',
      gitCommit: '0123456789abcdef0123456789abcdef01234567',
      timestamp: '2025-06-01T12:00:00.000Z',
      baseline: { noopMedianNs: 1.234 },
      baselineSamples: { noopMedianNs: [1.2, 1.234, 1.3] },
    },
    command: 'bench',
    runs: [
      runResult('SchedulingBasic', '5000Nodes_10000Pods', { initNodes: 5000, initPods: 1000, measurePods: 10000 }, 1523.4, 680,
        { nodes: 5000, pods: 11000, boundPods: 11000, containers: 11000, maxPodsPerNode: 3, namespaces: 1, services: 0 }),
      runResult('LargeClusterNodes', '15000Nodes', { initNodes: 15000, initPods: 15000, measurePods: 30000 }, 402.25, null,
        { nodes: 15000, pods: 45000, boundPods: 45000, containers: 45000, maxPodsPerNode: 4, namespaces: 2, services: 0 }),
      runResult('SchedulingPodAntiAffinity', HOSTILE, { initNodes: 500, initPods: 100, measurePods: 200 }, 55.5, 60),
    ],
    bench: [
      {
        suite: 'micro',
        status: 'completed',
        quick: true,
        cases: [
          { name: 'filter-node-resources', params: { nodes: 5000 }, figures: { medianNs: 812.5, opsPerSec: 1_230_769, rmeRatio: 0.012 }, primary: 'medianNs', samples: { medianNs: [800, 812.5, 830] } },
          { name: HOSTILE, params: { nodes: 5000 }, figures: { medianNs: 40.25, opsPerSec: 24_844_720 } },
        ],
      },
      {
        suite: 'scale',
        status: 'completed',
        cases: [
          { name: 'nodes-1000', params: { nodes: 1000, pods: 2000 }, figures: { medianMs: 3.1, podsPerSec: 645_161 }, samples: { medianMs: [3, 3.1, 3.3] } },
          { name: 'nodes-4000', params: { nodes: 4000, pods: 8000 }, figures: { medianMs: 12.8, podsPerSec: 625_000 } },
        ],
        fits: [
          { name: 'filter+score cost vs nodes', x: 'nodes', y: 'medianMs', exponent: 1.0231, coefficient: 0.00289, r2: 0.9991,
            points: [{ x: 1000, y: 3.1 }, { x: 2000, y: 6.2 }, { x: 4000, y: 12.8 }] },
        ],
      },
      {
        suite: 'network',
        status: 'completed',
        cases: [
          { name: 'iptables-1k', params: { services: 1000, endpointsPerService: 15, mode: 'iptables' }, figures: { fullSyncMs: 31.5, partialSyncMs: 0.4, payloadBytes: 4_700_000, natRules: 47_005 } },
          { name: 'iptables-10k', params: { services: 10000, endpointsPerService: 15, mode: 'iptables' }, figures: { fullSyncMs: 291, partialSyncMs: 1.5, payloadBytes: 46_900_000, natRules: 470_005 } },
        ],
      },
      { suite: 'kernel', status: 'skipped', note: 'not root: real iptables-restore / nft apply needs CAP_NET_ADMIN', cases: [] },
      {
        suite: 'scheduling',
        status: 'interrupted',
        note: 'Ctrl-C: 1 of 3 workloads finished',
        cases: [
          { name: 'SchedulingBasic/500Nodes', params: { initNodes: 500, initPods: 500, measurePods: 1000 }, figures: { podsPerSec: 2100.75 },
            run: runResult('SchedulingBasic', '500Nodes', { initNodes: 500, initPods: 500, measurePods: 1000 }, 2100.75, null) },
        ],
      },
    ],
    compare: [
      {
        testCase: 'SchedulingBasic',
        workload: '500Nodes',
        params: { initNodes: 500, initPods: 500, measurePods: 1000 },
        profiles: [
          { profile: 'default-scheduler', figures: { throughputPodsPerSec: 2100.75, nodesUsedNodes: 500, cpuUtilP50Pct: 7.5, cpuUtilP90Pct: 10, unschedulablePods: 0 } },
          { profile: 'bin-packing', figures: { throughputPodsPerSec: 1890.5, nodesUsedNodes: 38, cpuUtilP50Pct: 97.5, cpuUtilP90Pct: 100, unschedulablePods: 0 } },
        ],
      },
    ],
    notes: ['fixture: figures are invented for the tests'],
  };
}
