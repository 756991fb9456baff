// The reference engine end to end: spec reference cases through the whole cycle, FitError text,
// sampling arithmetic, node tree order, seeded tie-breaking, the CLI's JSON.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyClusterObjects, type ClusterObjects } from '../src/k8s/types.js';
import { defaultSchedulerConfig, parseSchedulerConfig, API_VERSION } from '../src/scheduler/config.js';
import { ReferenceEngine } from '../src/scheduler/reference/scheduler.js';
import { fitErrorMessage, nodeTreeOrder, numFeasibleNodesToFind, zoneKey } from '../src/scheduler/sampling.js';
import { mkNode, mkPod, type CompactNode, type CompactPod } from './scheduler-helpers.js';

function cluster(nodes: CompactNode[], pods: CompactPod[]): ClusterObjects {
  const c = emptyClusterObjects();
  c.nodes = nodes.map(mkNode);
  c.pods = pods.map((p, i) => mkPod(p, i));
  return c;
}

test('numFeasibleNodesToFind matches the spec table', () => {
  const got = [50, 500, 1000, 5000, 6000, 15000].map((n) => numFeasibleNodesToFind(0, n));
  assert.deepEqual(got, [50, 230, 420, 500, 300, 750]);
  assert.equal(numFeasibleNodesToFind(10, 500), 100); // floor of 100
  assert.equal(numFeasibleNodesToFind(100, 500), 500);
});

test('FitError text sorts "<count> <reason>" strings and appends the PostFilter message', () => {
  const msg = fitErrorMessage(3, [['Insufficient cpu'], ['node(s) had untolerated taint {foo: bar}'], ['node(s) had untolerated taint {foo: bar}']]);
  assert.equal(msg, '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {foo: bar}.');
  assert.equal(fitErrorMessage(2, [], 'pod affinity terms conflict', 'preemption: x.'), '0/2 nodes are available: pod affinity terms conflict. preemption: x..');
  // string order, not numeric: "10 b" sorts before "2 a"
  const many = Array.from({ length: 12 }, (_, i) => [i < 10 ? 'b' : 'a']);
  assert.equal(fitErrorMessage(12, many), '0/12 nodes are available: 10 b, 2 a.');
});

test('node tree order interleaves zones round-robin', () => {
  const zones = ['a', 'a', 'a', 'b', 'c', 'c'].map((z) => zoneKey({ 'topology.kubernetes.io/zone': z }));
  assert.deepEqual(nodeTreeOrder(zones), [0, 3, 4, 1, 5, 2]);
  assert.equal(zoneKey({}), '');
});

const config = defaultSchedulerConfig();
const engine = new ReferenceEngine();

test('spec: LeastAllocated + BalancedAllocation + ImageLocality through the cycle (explain scores)', () => {
  const c = cluster(
    [{ name: 'node1', alloc: { cpu: '4000m', memory: '10000' } }, { name: 'node2', alloc: { cpu: '6000m', memory: '10000' } }],
    [{ name: 'p', containers: [{ requests: { cpu: '1000m', memory: '2000' } }, { requests: { cpu: '2000m', memory: '3000' } }] }],
  );
  const out = engine.schedule(c, { config, seed: 1, explain: true });
  const ex = out.result.explain![0]!;
  const byNode = Object.fromEntries(ex.nodes.map((n) => [n.node, n]));
  assert.deepEqual(byNode.node1!.scores!.NodeResourcesFit, { raw: 37, normalized: 37, weighted: 37 });
  assert.deepEqual(byNode.node2!.scores!.NodeResourcesFit, { raw: 50, normalized: 50, weighted: 50 });
  assert.equal(byNode.node1!.scores!.NodeResourcesBalancedAllocation!.raw, 87);
  assert.equal(byNode.node2!.scores!.NodeResourcesBalancedAllocation!.raw, 100);
  // TaintToleration (weight 3) gives 100 to both: no taints anywhere.
  assert.deepEqual(byNode.node1!.scores!.TaintToleration, { raw: 0, normalized: 100, weighted: 300 });
  assert.equal(byNode.node1!.total, 37 + 87 + 300);
  assert.equal(byNode.node2!.total, 50 + 100 + 300);
  assert.deepEqual(out.result.placements, [{ pod: 'default/p', node: 'node2' }]);
  assert.equal(byNode.node1!.filters.NodeResourcesFit, 'ok');
});

test('spec: TaintToleration 100/50/0 decides placement (weight 3)', () => {
  const pns = (k: string) => ({ key: k, value: 'v', effect: 'PreferNoSchedule' as const });
  const c = cluster(
    [{ name: 'n0', taints: [pns('a'), pns('b')] }, { name: 'n1', taints: [pns('a')] }, { name: 'n2' }],
    [{ name: 'p', containers: [{ requests: { cpu: '100m', memory: '100Mi' } }] }],
  );
  const out = engine.schedule(c, { config, seed: 1, explain: true });
  const tt = Object.fromEntries(out.result.explain![0]!.nodes.map((n) => [n.node, n.scores!.TaintToleration!.normalized]));
  assert.deepEqual(tt, { n0: 0, n1: 50, n2: 100 });
  assert.equal(out.result.placements[0]!.node, 'n2');
});

test('unschedulable pod gets upstream FitError text with the preemption suffix', () => {
  const c = cluster(
    [{ name: 'n1', alloc: { cpu: '1' } }, { name: 'n2', taints: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }] }, { name: 'n3', taints: [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }] }],
    [{ name: 'big', containers: [{ requests: { cpu: '2' } }] }],
  );
  const out = engine.schedule(c, { config, seed: 1 });
  // n1's cpu request exceeds allocatable (Unresolvable), the taints are UnschedulableAndUnresolvable:
  // preemption cannot help anywhere.
  assert.equal(out.result.placements[0]!.reason,
    '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {foo: bar}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..');
});

test('no victims: a node that is merely full and holds no lower-priority pods', () => {
  const c = cluster(
    [{ name: 'n1', alloc: { cpu: '1' } }, { name: 'n2', alloc: { cpu: '1' }, unschedulable: true }],
    [{ name: 'run', nodeName: 'n1', priority: 5, containers: [{ requests: { cpu: '800m' } }] }, { name: 'p', containers: [{ requests: { cpu: '500m' } }] }],
  );
  const out = engine.schedule(c, { config, seed: 1 });
  assert.equal(out.result.placements[0]!.reason,
    '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling..');
});

test('priority orders the queue; assumed pods consume resources', () => {
  const c = cluster([{ name: 'n1', alloc: { cpu: '1' } }], [
    { name: 'low', priority: 1, containers: [{ requests: { cpu: '600m' } }] },
    { name: 'high', priority: 10, containers: [{ requests: { cpu: '600m' } }] },
  ]);
  const out = engine.schedule(c, { config, seed: 1 });
  assert.deepEqual(out.result.placements.map((p) => [p.pod, p.node]), [['default/high', 'n1'], ['default/low', null]]);
  assert.match(out.result.placements[1]!.reason!, /^0\/1 nodes are available: 1 Insufficient cpu\./);
  assert.equal(out.pods.find((p) => p.metadata.name === 'high')!.spec.nodeName, 'n1');
});

test('pinned DaemonSet-style pod: NodeAffinity PreFilter narrows, others counted as absent', () => {
  const c = cluster([{ name: 'n1', alloc: { cpu: '1' } }, { name: 'n2' }, { name: 'n3' }], [
    { name: 'ds', containers: [{ requests: { cpu: '2' } }], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] } } } },
  ]);
  const out = engine.schedule(c, { config, seed: 1 });
  assert.equal(out.result.placements[0]!.reason,
    "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..");
});

test('scheduling gates keep a pod pending; skipped plugins are reported', () => {
  const c = cluster([{ name: 'n1' }], [{ name: 'g', schedulingGates: ['example.com/wait'] }]);
  const out = engine.schedule(c, { config, seed: 1 });
  assert.deepEqual(out.result.placements, [{ pod: 'default/g', node: null, reason: 'Scheduling is blocked due to non-empty scheduling gates' }]);
  // The reference engine has topology spread, inter-pod affinity and preemption; volumes are not modelled.
  assert.ok(out.result.skippedPlugins!.includes('VolumeBinding'));
  assert.ok(!out.result.skippedPlugins!.includes('PodTopologySpread'));
});

test('ties are broken by the seeded RNG, reproducibly', () => {
  const nodes = Array.from({ length: 8 }, (_, i) => ({ name: `n${i}` }));
  const pods = Array.from({ length: 8 }, (_, i) => ({ name: `p${i}`, containers: [{ requests: { cpu: '0', memory: '0' } }] }));
  const run = (seed: number) => engine.schedule(cluster(nodes, pods), { config, seed }).result.placements.map((p) => p.node);
  assert.deepEqual(run(7), run(7));
  const seeds = [1, 2, 3, 4, 5].map((s) => run(s).join(','));
  assert.ok(new Set(seeds).size > 1, 'different seeds should be able to pick different nodes');
});

test('percentageOfNodesToScore: sampling examines only numFeasibleNodesToFind nodes, round-robin', () => {
  const cfg = parseSchedulerConfig({ apiVersion: API_VERSION, kind: 'KubeSchedulerConfiguration', percentageOfNodesToScore: 10 });
  const nodes = Array.from({ length: 300 }, (_, i) => ({ name: `n${String(i).padStart(3, '0')}` }));
  const pods = [0, 1].map((i) => ({ name: `p${i}`, containers: [{ requests: { cpu: '1m' } }] }));
  const out = engine.schedule(cluster(nodes, pods), { config: cfg, seed: 1, explain: true });
  const [a, b] = out.result.explain!;
  assert.equal(a!.nodes.length, 100);
  assert.equal(b!.nodes[0]!.node, 'n100'); // next start index = 100
});

test('kubescale schedule --explain -o json reproduces a spec case through loadInputs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-sched-'));
  const file = join(dir, 'cluster.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
    mkNode({ name: 'node1', alloc: { cpu: '4000m', memory: '10000' } }), mkNode({ name: 'node2', alloc: { cpu: '6000m', memory: '10000' } }),
    mkPod({ name: 'p', containers: [{ requests: { cpu: '3000m', memory: '5000' } }] }),
  ] }));
  const { run } = await import('../src/cli/commands/schedule.js');
  const chunks: string[] = [];
  const orig = process.stdout.write.bind(process.stdout);
  const origErr = process.stderr.write.bind(process.stderr);
  (process.stdout as unknown as { write: (s: string) => boolean }).write = (s: string) => (chunks.push(s), true);
  (process.stderr as unknown as { write: (s: string) => boolean }).write = () => true;
  let code: number;
  try {
    code = await run([file], { explain: true, output: 'json', seed: 1, engine: 'reference', dumpState: join(dir, 'state.json') });
  } finally {
    process.stdout.write = orig;
    process.stderr.write = origErr;
  }
  assert.equal(code, 0);
  const doc = JSON.parse(chunks.join('')) as { placements: { pod: string; node: string }[]; explain: { nodes: { node: string; scores: Record<string, { raw: number }> }[] }[] };
  const fit = Object.fromEntries(doc.explain[0]!.nodes.map((n) => [n.node, n.scores.NodeResourcesFit!.raw]));
  assert.deepEqual(fit, { node1: 41 - 4, node2: 50 }); // (25+50)/2 = 37 on node1
  assert.equal(doc.placements[0]!.node, 'node2');
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { kind: string; items: { kind: string; spec: { nodeName?: string } }[] };
  assert.equal(state.kind, 'List');
  assert.equal(state.items.find((i) => i.kind === 'Pod')!.spec.nodeName, 'node2');
});
