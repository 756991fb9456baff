// DefaultPreemption through the reference engine and the queue driver: victims, node choice in upstream's
// tie-break order, PDBs, preemptionPolicy Never, nominated pods holding their room, upstream's PostFilter texts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyClusterObjects, type ClusterObjects, type PodDisruptionBudget } from '../src/k8s/types.js';
import { defaultSchedulerConfig } from '../src/scheduler/config.js';
import { ReferenceEngine } from '../src/scheduler/reference/scheduler.js';
import { calculateNumCandidates, filterPodsWithPDBViolation } from '../src/scheduler/reference/preemption.js';
import { parsePod } from '../src/scheduler/podinfo.js';
import { mkNode, mkPod, type CompactPod } from './scheduler-helpers.js';

const cpu = (v: string) => [{ requests: { cpu: v } }];
const run = (c: ClusterObjects) => new ReferenceEngine().schedule(c, { config: defaultSchedulerConfig(), seed: 7 });
const place = (out: ReturnType<typeof run>, name: string) => out.result.placements.find((p) => p.pod === `default/${name}`);

function cluster(nodes: { name: string; cpu: string }[], pods: CompactPod[]): ClusterObjects {
  const c = emptyClusterObjects();
  for (const n of nodes) c.nodes.push(mkNode({ name: n.name, alloc: { cpu: n.cpu } }));
  pods.forEach((p, i) => c.pods.push(mkPod(p, i)));
  return c;
}

test('preempts the fewest lower-priority pods, reprieving the most important; preemptor bound after its backoff', () => {
  const c = cluster([{ name: 'n1', cpu: '2' }], [
    { name: 'low-1', nodeName: 'n1', priority: 1, containers: cpu('1') },
    { name: 'low-0', nodeName: 'n1', priority: 0, containers: cpu('1') },
    { name: 'high', priority: 100, containers: cpu('1') },
  ]);
  const out = run(c);
  assert.deepEqual(out.result.preemptions, [{ victim: 'default/low-0', preemptor: 'default/high', node: 'n1' }]);
  assert.deepEqual(place(out, 'high'), { pod: 'default/high', node: 'n1' });
  assert.equal(out.pods.find((p) => p.metadata.name === 'low-0')!.spec.nodeName, undefined);
});

test('node choice: lowest highest-victim priority wins', () => {
  const c = cluster([{ name: 'n1', cpu: '1' }, { name: 'n2', cpu: '1' }], [
    { name: 'v10', nodeName: 'n1', priority: 10, containers: cpu('1') },
    { name: 'v5', nodeName: 'n2', priority: 5, containers: cpu('1') },
    { name: 'high', priority: 100, containers: cpu('1') },
  ]);
  const out = run(c);
  assert.deepEqual(out.result.preemptions, [{ victim: 'default/v5', preemptor: 'default/high', node: 'n2' }]);
  assert.equal(place(out, 'high')!.node, 'n2');
});

test('node choice: smallest priority sum, then fewest victims', () => {
  const c = cluster([{ name: 'n1', cpu: '1' }, { name: 'n2', cpu: '1' }], [
    { name: 'a1', nodeName: 'n1', priority: 0, containers: cpu('500m') },
    { name: 'a2', nodeName: 'n1', priority: 0, containers: cpu('500m') },
    { name: 'b1', nodeName: 'n2', priority: 0, containers: cpu('1') },
    { name: 'high', priority: 100, containers: cpu('1') },
  ]);
  const out = run(c);
  assert.deepEqual(out.result.preemptions.map((p) => p.victim), ['default/b1']);
});

test('PodDisruptionBudget: a node whose victims violate no PDB wins over a lower-priority victim', () => {
  const c = cluster([{ name: 'n1', cpu: '1' }, { name: 'n2', cpu: '1' }], [
    { name: 'guarded', nodeName: 'n1', priority: 0, labels: { app: 'a' }, containers: cpu('1') },
    { name: 'free', nodeName: 'n2', priority: 5, labels: { app: 'b' }, containers: cpu('1') },
    { name: 'high', priority: 100, containers: cpu('1') },
  ]);
  const pdb: PodDisruptionBudget = { kind: 'PodDisruptionBudget', metadata: { name: 'pdb', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'a' } }, minAvailable: 1 } };
  c.podDisruptionBudgets.push(pdb);
  const out = run(c);
  assert.deepEqual(out.result.preemptions, [{ victim: 'default/free', preemptor: 'default/high', node: 'n2' }]);
});

test('filterPodsWithPDBViolation decrements budgets in order; empty selectors match nothing', () => {
  const pods = ['x', 'y', 'z'].map((n) => parsePod(mkPod({ name: n, labels: { app: 'a' } })));
  const [viol, ok] = filterPodsWithPDBViolation(pods, [
    { namespace: 'default', selector: { matchLabels: { app: 'a' } }, allowed: 1, disrupted: new Set(['z']) },
    { namespace: 'default', selector: {}, allowed: 0, disrupted: new Set() },
  ]);
  assert.deepEqual(viol.map((p) => p.pod.metadata.name), ['y']);
  assert.deepEqual(ok.map((p) => p.pod.metadata.name), ['x', 'z']);
});

test('calculateNumCandidates: percentage of potential nodes, at least the absolute, at most all', () => {
  const args = { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 };
  assert.deepEqual([50, 1000, 5000].map((n) => calculateNumCandidates(args, n)), [50, 100, 500]);
  assert.equal(calculateNumCandidates({ minCandidateNodesPercentage: 40, minCandidateNodesAbsolute: 1 }, 7), 2);
});

test('preemptionPolicy Never: no victims, upstream text', () => {
  const c = cluster([{ name: 'n1', cpu: '1' }], [
    { name: 'low', nodeName: 'n1', priority: 0, containers: cpu('1') },
    { name: 'polite', priority: 100, preemptionPolicy: 'Never', containers: cpu('1') },
  ]);
  const out = run(c);
  assert.deepEqual(out.result.preemptions, []);
  assert.equal(place(out, 'polite')!.reason, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..');
});

test('no lower-priority pods: "No preemption victims found"; unresolvable nodes: "not helpful"', () => {
  const c = cluster([{ name: 'n1', cpu: '1' }], [
    { name: 'peer', nodeName: 'n1', priority: 100, containers: cpu('1') },
    { name: 'p', priority: 100, containers: cpu('1') },
  ]);
  c.nodes.push(mkNode({ name: 'n2', alloc: { cpu: '1' }, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }));
  const out = run(c);
  assert.equal(place(out, 'p')!.reason,
    '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {k: v}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling..');
});

test('a nominated pod holds its room against lower-priority pods; the preemptor takes it after backoff', () => {
  const c = cluster([{ name: 'n1', cpu: '2' }], [
    { name: 'low-a', nodeName: 'n1', priority: 0, containers: cpu('1') },
    { name: 'low-b', nodeName: 'n1', priority: 0, containers: cpu('1') },
    { name: 'high', priority: 100, containers: cpu('1') },
    { name: 'filler', priority: 0, containers: cpu('1') },
  ]);
  const out = run(c);
  assert.equal(out.result.preemptions.length, 1);
  assert.equal(place(out, 'high')!.node, 'n1');
  const filler = place(out, 'filler')!;
  assert.equal(filler.node, null);
  assert.match(filler.reason!, /^0\/1 nodes are available: 1 Insufficient cpu\. preemption: 0\/1 nodes are available: 1 No preemption victims found/);
});

test('preemption frees room for required anti-affinity too (victim removed through PreFilter extensions)', () => {
  const c = cluster([{ name: 'n1', cpu: '4' }], [
    { name: 'old', nodeName: 'n1', priority: 0, labels: { app: 'web' }, containers: cpu('100m') },
    { name: 'new', priority: 10, labels: { app: 'web' }, containers: cpu('100m'),
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } } },
  ]);
  c.nodes[0]!.metadata.labels = { 'kubernetes.io/hostname': 'n1' };
  const out = run(c);
  assert.deepEqual(out.result.preemptions, [{ victim: 'default/old', preemptor: 'default/new', node: 'n1' }]);
  assert.equal(place(out, 'new')!.node, 'n1');
});
