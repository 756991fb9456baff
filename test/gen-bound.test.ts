// Bound pods must describe a cluster kube-scheduler could have produced: within allocatable,
// at most 110 pods per node, on nodes whose taints, selectors and zone affinity they satisfy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCluster, type GenOptions } from '../src/k8s/gen.js';
import { podRequests } from '../src/model/requests.js';
import { resourceAmount } from '../src/model/quantity.js';
import type { ClusterObjects, Node, Pod } from '../src/k8s/types.js';

function checkBound(c: ClusterObjects): { bound: number } {
  const nodes = new Map<string, Node>(c.nodes.map((n) => [n.metadata.name, n]));
  const used = new Map<string, Map<string, number>>();
  const ips = new Set<string>();
  const antiHost = new Set<string>();
  let bound = 0;
  for (const p of c.pods as Pod[]) {
    const nodeName = p.spec.nodeName;
    if (!nodeName) continue;
    bound++;
    const node = nodes.get(nodeName);
    assert.ok(node, `${p.metadata.name} bound to unknown node ${nodeName}`);
    const u = used.get(nodeName) ?? new Map<string, number>([['pods', 0]]);
    used.set(nodeName, u);
    u.set('pods', u.get('pods')! + 1);
    for (const [r, v] of podRequests(p.spec).requests) u.set(r, (u.get(r) ?? 0) + v);
    const labels = node.metadata.labels!;
    for (const [k, v] of Object.entries(p.spec.nodeSelector ?? {})) assert.equal(labels[k], v, `${p.metadata.name} nodeSelector ${k}`);
    for (const term of p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
      for (const e of term.matchExpressions ?? []) assert.ok(e.values!.includes(labels[e.key]!), `${p.metadata.name} ${e.key}`);
      for (const e of term.matchFields ?? []) assert.ok(e.values!.includes(nodeName));
    }
    for (const t of node.spec?.taints ?? []) {
      if (t.effect === 'PreferNoSchedule') continue;
      const ok = (p.spec.tolerations ?? []).some((tol) => (tol.operator === 'Exists' && (!tol.key || tol.key === t.key)) || (tol.key === t.key && tol.value === t.value));
      assert.ok(ok, `${p.metadata.name} on ${nodeName} does not tolerate ${t.key}:${t.effect}`);
    }
    if (p.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution) {
      const key = `${p.metadata.namespace}/${p.metadata.labels!.app}@${nodeName}`;
      assert.ok(!antiHost.has(key), `required anti-affinity broken: ${key}`);
      antiHost.add(key);
    }
    const ip = p.status!.podIP!;
    assert.ok(!ips.has(ip), `duplicate pod IP ${ip}`);
    ips.add(ip);
    assert.equal(ip.split('.').slice(0, 3).join('.') + '.0/24', node.spec!.podCIDR);
    assert.equal(p.status!.phase, 'Running');
  }
  for (const [name, u] of used) {
    const alloc = nodes.get(name)!.status!.allocatable!;
    assert.ok(u.get('pods')! <= 110, `${name} has ${u.get('pods')} pods`);
    for (const [r, v] of u) {
      if (r === 'pods') continue;
      const cap = alloc[r] === undefined ? 0 : resourceAmount(r, alloc[r]!);
      assert.ok(v <= cap, `${name}: ${r} requested ${v} > allocatable ${cap}`);
    }
  }
  return { bound };
}

test('bound pods fit allocatable, honour taints, selectors, zone affinity and hostname anti-affinity', () => {
  const o: GenOptions = { nodes: 100, pods: 3000, zones: 3, services: 0, bound: 0.8, expand: true, seed: 3 };
  const { bound } = checkBound(generateCluster(o));
  assert.equal(bound, Math.round(o.bound * o.pods)); // the cluster has room: every requested pod is placed
});

test('an overfull cluster stops at allocatable and 110 pods per node; the rest stay pending', () => {
  const o: GenOptions = { nodes: 6, pods: 2000, zones: 2, services: 0, bound: 1, expand: true, seed: 9 };
  const c = generateCluster(o);
  const { bound } = checkBound(c);
  assert.ok(bound < o.pods && bound > 0);
  assert.ok(bound <= 6 * 110);
  const pending = c.pods.filter((p) => !p.spec.nodeName);
  assert.equal(pending.length, o.pods - bound);
  for (const p of pending) assert.equal(p.status!.phase, 'Pending');
});

test('without --expand the bound pods are the same and still fit', () => {
  for (const seed of [1, 2]) {
    const o: GenOptions = { nodes: 25, pods: 1500, zones: 3, services: 0, bound: 0.5, expand: false, seed };
    const { bound } = checkBound(generateCluster(o));
    assert.equal(bound, Math.round(o.bound * o.pods));
  }
});

test('DaemonSet agents run bound on every node, and the other bound pods leave them room', () => {
  // 12 nodes, 110 pods per node, 90% bound: the two agent DaemonSets (one pod per node each)
  // are written with their pods, and the other bound pods must leave two slots for them.
  const o: GenOptions = { nodes: 12, pods: 12 * 110, zones: 3, services: 0, bound: 0.9, expand: false, seed: 4 };
  const c = generateCluster(o);
  const ds = c.workloads.filter((w) => w.kind === 'DaemonSet');
  assert.equal(ds.length, 2);
  assert.equal(c.pods.filter((p) => p.metadata.ownerReferences![0]!.kind === 'DaemonSet').length, 24);
  const perNode = new Map<string, number>();
  for (const p of c.pods) if (p.spec.nodeName && p.metadata.ownerReferences![0]!.kind !== 'DaemonSet') perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
  assert.ok(perNode.size > 0);
  checkBound(c);
  for (const [, n] of perNode) assert.ok(n <= 108);
});
