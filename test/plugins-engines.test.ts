// Custom plugins run the same in both engines: the examples (GpuBinPack vectorised score, RackSpread
// per-node filter) and the other two forms (vectorised filter, per-node score with reverse
// normalisation) place every pod identically, with identical FitErrors and --explain records; bad
// plugin answers abort with a RunFailure naming plugin and pod.

import test from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { RunFailure } from '../src/k8s/errors.js';
import { emptyClusterObjects, type ClusterObjects } from '../src/k8s/types.js';
import { API_VERSION, parseSchedulerConfig, type SchedulerConfig } from '../src/scheduler/config.js';
import { FastEngine } from '../src/scheduler/fast/engine.js';
import { ReferenceEngine } from '../src/scheduler/reference/scheduler.js';
import { loadPlugins } from '../src/scheduler/plugins/load.js';
import type { CustomPlugins } from '../src/scheduler/plugins/api.js';
import type { ScheduleResult } from '../src/scheduler/types.js';
import { mkNode, mkPod } from './scheduler-helpers.js';

process.chdir(fileURLToPath(new URL('../../', import.meta.url)));

const GPU = 'nvidia.com/gpu';
const RACK = 'example.com/rack';

function cluster(): ClusterObjects {
  const c = emptyClusterObjects();
  const racks = ['r1', 'r1', 'r2', 'r2'];
  racks.forEach((r, i) => c.nodes.push(mkNode({ name: `cpu-${i + 1}`, alloc: { cpu: '8', memory: '32Gi' }, labels: { [RACK]: r, ...(i === 3 ? { tier: 'cold' } : {}) } })));
  ['r1', 'r2', 'r3'].forEach((r, i) => c.nodes.push(mkNode({ name: `gpu-${i + 1}`, alloc: { cpu: '16', memory: '64Gi', [GPU]: '4' }, labels: { [RACK]: r } })));
  const train = (name: string, nodeName?: string) => mkPod({ name, nodeName, labels: { app: 'train' }, containers: [{ requests: { cpu: '2', memory: '4Gi', [GPU]: '1' }, limits: { [GPU]: '1' } }] });
  c.pods.push(train('train-0', 'gpu-2'));
  for (let i = 1; i <= 3; i++) c.pods.push(train(`train-${i}`));
  for (let i = 0; i < 4; i++) c.pods.push(mkPod({ name: `batch-${i}`, labels: { app: 'batch' }, containers: [{ requests: { cpu: '1', memory: '2Gi' } }] }));
  for (let i = 0; i < 7; i++) c.pods.push(mkPod({ name: `web-${i}`, labels: { app: 'web', 'rack-spread': 'true', ...(i === 0 ? { tolerateCold: 'true' } : {}) }, containers: [{ requests: { cpu: '500m', memory: '1Gi' } }] }));
  return c;
}

let plugins: CustomPlugins;
test.before(async () => {
  plugins = await loadPlugins(['examples/gpu-binpack.mjs', 'examples/rack-filter.mjs', 'test/data/plugins/mixed.mjs', 'test/data/plugins/out-of-range.mjs', 'test/data/plugins/bad-filter-answer.mjs']);
});

function config(multiPoint: { name: string; weight?: number }[]): SchedulerConfig {
  return parseSchedulerConfig({ apiVersion: API_VERSION, kind: 'KubeSchedulerConfiguration', profiles: [{ schedulerName: 'default-scheduler', plugins: { multiPoint: { enabled: multiPoint } } }] }, 'test', plugins);
}

function both(cfg: SchedulerConfig, explain = false): { fast: ScheduleResult; ref: ScheduleResult } {
  const fast = new FastEngine().schedule(cluster(), { config: cfg, seed: 7, explain }).result;
  const ref = new ReferenceEngine().schedule(cluster(), { config: cfg, seed: 7, explain }).result;
  return { fast, ref };
}

const placed = (r: ScheduleResult) => Object.fromEntries(r.placements.map((p) => [p.pod, p.node]));

test('GpuBinPack (vectorised score): GPU pods packed on the busiest GPU node, CPU pods off GPU nodes; engines agree', () => {
  const { fast, ref } = both(config([{ name: 'GpuBinPack', weight: 5 }]));
  assert.deepEqual(fast.placements, ref.placements);
  const p = placed(fast);
  assert.deepEqual([p['default/train-1'], p['default/train-2'], p['default/train-3']], ['gpu-2', 'gpu-2', 'gpu-2']);
  for (let i = 0; i < 4; i++) assert.match(p[`default/batch-${i}`]!, /^cpu-/);
  // Without the plugin the default profile spreads the GPU pods (LeastAllocated).
  const { fast: def } = both(config([]));
  const trains = ['train-1', 'train-2', 'train-3'].map((n) => placed(def)[`default/${n}`]);
  assert.ok(new Set(trains).size > 1, `default spreads: ${trains.join(',')}`);
});

test('RackSpread (per-node filter): at most 2 rack-spread pods per rack, the 7th unschedulable with the plugin reason; engines agree', () => {
  const { fast, ref } = both(config([{ name: 'RackSpread' }]));
  assert.deepEqual(fast.placements, ref.placements);
  const nodeRack: Record<string, string> = { 'cpu-1': 'r1', 'cpu-2': 'r1', 'cpu-3': 'r2', 'cpu-4': 'r2', 'gpu-1': 'r1', 'gpu-2': 'r2', 'gpu-3': 'r3' };
  const perRack: Record<string, number> = {};
  for (const pl of fast.placements) if (pl.pod.includes('/web-') && pl.node) perRack[nodeRack[pl.node]!] = (perRack[nodeRack[pl.node]!] ?? 0) + 1;
  assert.deepEqual(perRack, { r1: 2, r2: 2, r3: 2 });
  const failed = fast.placements.filter((pl) => pl.node === null);
  assert.equal(failed.length, 1);
  assert.ok(failed[0]!.reason!.startsWith('0/7 nodes are available: 7 node(s) in a rack that already holds 2 rack-spread pods.'), failed[0]!.reason);
});

test('explain records custom filters and scores identically in both engines', () => {
  const { fast, ref } = both(config([{ name: 'RackSpread' }, { name: 'GpuBinPack', weight: 2 }, { name: 'FewestPods' }]), true);
  assert.deepEqual(fast.placements, ref.placements);
  assert.deepEqual(fast.explain, ref.explain);
  const some = fast.explain!.find((e) => e.pod === 'default/web-0')!;
  assert.equal(some.nodes[0]!.filters.RackSpread, 'ok');
  const scored = some.nodes.find((n) => n.scores && n.scores.GpuBinPack)!;
  assert.ok(scored.scores!.FewestPods!.normalized >= 0 && scored.scores!.FewestPods!.normalized <= 100);
  assert.equal(scored.scores!.GpuBinPack!.weighted, scored.scores!.GpuBinPack!.normalized * 2);
});

test('vectorised filter with a reason and a reverse-normalised per-node score: engines agree', () => {
  const { fast, ref } = both(config([{ name: 'NoColdNodes' }, { name: 'FewestPods', weight: 3 }]));
  assert.deepEqual(fast.placements, ref.placements);
  const p = placed(fast);
  // Only web-0 tolerates the cold node cpu-4.
  for (const [pod, node] of Object.entries(p)) if (pod !== 'default/web-0') assert.notEqual(node, 'cpu-4', pod);
});

test('a score out of [0, 100] after normalising and a bad filter answer abort with a RunFailure in both engines', () => {
  for (const engine of [new FastEngine(), new ReferenceEngine()]) {
    assert.throws(() => engine.schedule(cluster(), { config: config([{ name: 'TooHigh' }]), seed: 1 }), (err: unknown) => {
      assert.ok(err instanceof RunFailure);
      assert.match(err.message, /^plugin TooHigh \(test\/data\/plugins\/out-of-range\.mjs\) returns an invalid score 150 for pod default\/train-1, it should be in the range of \[0, 100\] after normalizing$/);
      return true;
    });
    assert.throws(() => engine.schedule(cluster(), { config: config([{ name: 'Maybe' }]), seed: 1 }), (err: unknown) => {
      assert.ok(err instanceof RunFailure);
      assert.match(err.message, /^plugin Maybe .* failed in filter for pod default\/train-1: filter must return true or a non-empty reason string, got false$/);
      return true;
    });
  }
});
