// Every reference case of ../shared/spec/scheduler.md (except PodTopologySpread: issue 4) through
// `kubescale schedule --explain -o json`, with both engines: the normalized score per node.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { mkNode, mkPod, type CompactNode, type CompactPod } from './scheduler-helpers.js';

const BIN = new URL('../../bin/kubescale.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'kubescale-spec-'));

interface SpecCase {
  name: string;
  nodes: CompactNode[];
  /** Already running (bound) pods. */
  running?: CompactPod[];
  pod: CompactPod;
  config?: Record<string, unknown>;
  plugin: string;
  /** Expected normalized score per node, in node order. */
  want: number[];
}

const twoNodes: CompactNode[] = [{ name: 'node1', alloc: { cpu: '4000m', memory: '10000', pods: '110' } }, { name: 'node2', alloc: { cpu: '6000m', memory: '10000', pods: '110' } }];
const fitConfig = (args: Record<string, unknown>) => ({
  apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration',
  profiles: [{ schedulerName: 'default-scheduler', pluginConfig: [{ name: 'NodeResourcesFit', args }] }],
});

const CASES: SpecCase[] = [
  {
    name: 'LeastAllocated', nodes: twoNodes, plugin: 'NodeResourcesFit', want: [37, 50],
    pod: { name: 'p', containers: [{ requests: { cpu: '1000m', memory: '2000' } }, { requests: { cpu: '2000m', memory: '3000' } }] },
  },
  {
    name: 'LeastAllocated, weights memory 2, cpu 1', nodes: twoNodes, plugin: 'NodeResourcesFit', want: [41, 50],
    pod: { name: 'p', containers: [{ requests: { cpu: '3000m', memory: '5000' } }] },
    config: fitConfig({ scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 2 }] } }),
  },
  {
    name: 'MostAllocated', nodes: twoNodes, plugin: 'NodeResourcesFit', want: [62, 50],
    pod: { name: 'p', containers: [{ requests: { cpu: '3000m', memory: '5000' } }] },
    config: fitConfig({ scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] } }),
  },
  {
    name: 'MostAllocated with non-zero defaults',
    nodes: [{ name: 'node1', alloc: { cpu: '250m', memory: '1000Mi', pods: '110' } }, { name: 'node2', alloc: { cpu: '250m', memory: '1000Mi', pods: '110' } }],
    running: [{ name: 'r1', nodeName: 'node1', containers: [{}] }, { name: 'r2', nodeName: 'node1', containers: [{}] }],
    pod: { name: 'p', containers: [{}] }, plugin: 'NodeResourcesFit', want: [80, 30],
    config: fitConfig({ scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] } }),
  },
  {
    name: 'RequestedToCapacityRatio {0:10, 100:0}', nodes: twoNodes, plugin: 'NodeResourcesFit', want: [38, 50],
    pod: { name: 'p', containers: [{ requests: { cpu: '3000m', memory: '5000' } }] },
    config: fitConfig({ scoringStrategy: { type: 'RequestedToCapacityRatio', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }], requestedToCapacityRatio: { shape: [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }] } } }),
  },
  {
    name: 'BalancedAllocation', nodes: twoNodes, plugin: 'NodeResourcesBalancedAllocation', want: [87, 100],
    pod: { name: 'p', containers: [{ requests: { cpu: '3000m', memory: '5000' } }] },
  },
  {
    name: 'TaintToleration: 0, 1, 2 untolerated PreferNoSchedule taints',
    nodes: [
      { name: 'node1', alloc: { cpu: '4', memory: '8Gi', pods: '110' }, taints: [{ key: 'foo', value: 'bar', effect: 'PreferNoSchedule' }] },
      { name: 'node2', alloc: { cpu: '4', memory: '8Gi', pods: '110' }, taints: [{ key: 'foo', value: 'bar', effect: 'PreferNoSchedule' }, { key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }] },
      { name: 'node3', alloc: { cpu: '4', memory: '8Gi', pods: '110' }, taints: [{ key: 'foo', value: 'bar', effect: 'PreferNoSchedule' }, { key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }, { key: 'disk-type', value: 'ssd', effect: 'PreferNoSchedule' }] },
    ],
    pod: { name: 'p', containers: [{}], tolerations: [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }] },
    plugin: 'TaintToleration', want: [100, 50, 0],
  },
  {
    name: 'ImageLocality: images of 40 MiB and 250 MiB',
    nodes: [
      { name: 'node1', alloc: { cpu: '4', memory: '8Gi', pods: '110' }, images: [{ names: ['gcr.io/40:latest'], sizeBytes: 40 * 2 ** 20 }, { names: ['gcr.io/300:latest'], sizeBytes: 300 * 2 ** 20 }, { names: ['gcr.io/2000:latest'], sizeBytes: 2000 * 2 ** 20 }] },
      { name: 'node2', alloc: { cpu: '4', memory: '8Gi', pods: '110' }, images: [{ names: ['gcr.io/250:latest'], sizeBytes: 250 * 2 ** 20 }, { names: ['gcr.io/10:latest'], sizeBytes: 10 * 2 ** 20 }] },
    ],
    pod: { name: 'p', containers: [{ image: 'gcr.io/40' }, { image: 'gcr.io/250' }] },
    plugin: 'ImageLocality', want: [0, 5],
  },
];

function writeCase(c: SpecCase, i: number): string {
  const docs: unknown[] = [...c.nodes.map(mkNode), ...(c.running ?? []).map((p, j) => mkPod(p, j)), mkPod(c.pod, 99)];
  if (c.config) docs.push(c.config);
  const file = join(dir, `case-${i}.yaml`);
  writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
  return file;
}

for (const [i, c] of CASES.entries()) {
  for (const engine of ['fast', 'reference']) {
    test(`spec case through the CLI (${engine}): ${c.name}`, () => {
      const file = writeCase(c, i);
      const r = spawnSync(process.execPath, [BIN, 'schedule', file, '--explain', '-o', 'json', '--engine', engine], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { explain: { pod: string; nodes: { node: string; scores?: Record<string, { normalized: number }> }[] }[] };
      const ex = out.explain.find((e) => e.pod === `default/${c.pod.name}`)!;
      const got = c.nodes.map((n) => ex.nodes.find((x) => x.node === n.name)!.scores![c.plugin]!.normalized);
      assert.deepEqual(got, c.want);
    });
  }
}
