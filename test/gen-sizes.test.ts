import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCluster, generateObjects, genOptionsError, reservedCpuMilli, reservedMemKi, zoneList, type GenOptions } from '../src/k8s/gen.js';
import type { KubeObject, Pod, Service } from '../src/k8s/types.js';

const base: GenOptions = { nodes: 40, pods: 900, zones: 5, services: 25, bound: 0.3, expand: false, seed: 11 };

/** Pods after expansion, counted the way the controllers would create them. */
function expandedPodCount(objs: KubeObject[], nodes: number): number {
  const explicitOwners = new Set<string>();
  let pods = 0;
  for (const o of objs) {
    if (o.kind !== 'Pod') continue;
    pods++;
    for (const r of o.metadata?.ownerReferences ?? []) explicitOwners.add(`${o.metadata!.namespace}/${r.kind}/${r.name}`);
  }
  const rsOwners = new Set<string>();
  for (const o of objs) if (o.kind === 'ReplicaSet') for (const r of o.metadata!.ownerReferences ?? []) rsOwners.add(`${o.metadata!.namespace}/Deployment/${r.name}`);
  for (const o of objs) {
    const key = `${o.metadata?.namespace}/${o.kind}/${o.metadata?.name}`;
    if (explicitOwners.has(key) || rsOwners.has(key)) continue;
    const spec = o.spec as { replicas?: number; parallelism?: number; completions?: number };
    if (o.kind === 'Deployment' || o.kind === 'StatefulSet') pods += spec.replicas ?? 1;
    if (o.kind === 'Job') pods += Math.min(spec.parallelism ?? 1, spec.completions ?? Infinity);
    if (o.kind === 'DaemonSet') pods += nodes; // the generated agents tolerate every taint
  }
  return pods;
}

test('node, pod and service counts are what was asked for', () => {
  for (const o of [base, { ...base, expand: true }, { ...base, bound: 0 }, { ...base, bound: 1 }, { ...base, pods: 7, nodes: 3, services: 4 },
    { ...base, nodes: 0, pods: 50, bound: 0.5 }, { ...base, pods: 0 }]) {
    const objs = [...generateObjects(o)];
    assert.equal(objs.filter((x) => x.kind === 'Node').length, o.nodes);
    assert.equal(objs.filter((x) => x.kind === 'Service').length, o.services);
    assert.equal(expandedPodCount(objs, o.nodes), o.pods, JSON.stringify(o));
    if (o.expand) assert.equal(objs.filter((x) => x.kind === 'Pod').length, o.pods);
  }
});

test('nodes carry the well-known topology labels and spread evenly over zones and regions', () => {
  const c = generateCluster(base);
  const zones = new Map<string, number>();
  for (const n of c.nodes) {
    const l = n.metadata.labels!;
    for (const k of ['topology.kubernetes.io/zone', 'topology.kubernetes.io/region', 'kubernetes.io/hostname', 'kubernetes.io/os',
      'kubernetes.io/arch', 'node.kubernetes.io/instance-type']) assert.ok(l[k], `${n.metadata.name} lacks ${k}`);
    assert.equal(l['kubernetes.io/hostname'], n.metadata.name);
    assert.ok(l['topology.kubernetes.io/zone']!.startsWith(l['topology.kubernetes.io/region']!));
    zones.set(l['topology.kubernetes.io/zone']!, (zones.get(l['topology.kubernetes.io/zone']!) ?? 0) + 1);
    assert.equal(n.status!.allocatable!.pods, '110');
  }
  assert.deepEqual([...zones.keys()].sort(), ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-west-2a', 'us-west-2b']);
  assert.deepEqual([...zones.values()], [8, 8, 8, 8, 8]);
});

test('the fleet mixes shapes: GPU nodes with a NoSchedule taint, PreferNoSchedule spot nodes, a cordoned node', () => {
  const c = generateCluster({ ...base, nodes: 100 });
  const types = new Set(c.nodes.map((n) => n.metadata.labels!['node.kubernetes.io/instance-type']));
  assert.ok(types.size >= 5);
  const gpu = c.nodes.filter((n) => n.status!.allocatable!['nvidia.com/gpu']);
  assert.equal(gpu.length, 4);
  for (const n of gpu) assert.deepEqual(n.spec!.taints!.find((t) => t.key === 'nvidia.com/gpu'), { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' });
  assert.ok(c.nodes.some((n) => n.spec!.taints?.some((t) => t.effect === 'PreferNoSchedule')));
  const cordoned = c.nodes.filter((n) => n.spec!.unschedulable);
  assert.equal(cordoned.length, 2);
  for (const n of cordoned) assert.ok(n.spec!.taints!.some((t) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule'));
  for (const n of c.nodes) assert.ok(n.status!.images!.length >= 2 && n.status!.images!.every((im) => im.sizeBytes! > 0 && im.names!.length === 2));
});

test('kubelet reservations follow the GKE formula', () => {
  assert.deepEqual([1, 2, 4, 8, 16, 32].map(reservedCpuMilli), [60, 70, 80, 90, 110, 150]);
  // 16 GiB: 25% of 4 + 20% of 4 + 10% of 8 = 2.6 GiB, plus the 100 MiB eviction threshold.
  assert.equal(reservedMemKi(16 * 1048576), Math.round(2.6 * 1048576) + 102400);
  // 64 GiB: 1 + 0.8 + 0.8 + 6% of 48 = 5.48 GiB.
  assert.equal(reservedMemKi(64 * 1048576), Math.round(5.48 * 1048576) + 102400);
});

test('zone names go region by region, three zones each', () => {
  assert.deepEqual(zoneList(4).map((z) => z.zone), ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-west-2a']);
  assert.equal(zoneList(30)[29]!.region, 'region-10');
});

test('workloads mix kinds and carry app/tier labels, priority classes and scheduling constraints', () => {
  const c = generateCluster({ ...base, nodes: 100, pods: 5000 });
  const kinds = new Set(c.workloads.map((w) => w.kind));
  for (const k of ['Deployment', 'StatefulSet', 'Job', 'DaemonSet']) assert.ok(kinds.has(k), k);
  const specs = c.workloads.filter((w) => w.kind !== 'ReplicaSet').map((w) => (w.spec as { template: { metadata: { labels: Record<string, string> }; spec: Pod['spec'] } }).template);
  for (const t of specs) assert.ok(t.metadata.labels.app && t.metadata.labels.tier);
  const has = (f: (s: Pod['spec']) => unknown) => specs.some((t) => f(t.spec));
  assert.ok(has((s) => s.nodeSelector));
  assert.ok(has((s) => s.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution));
  assert.ok(has((s) => s.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution));
  assert.ok(has((s) => s.topologySpreadConstraints?.length));
  assert.ok(has((s) => s.tolerations?.some((t) => t.key === 'nvidia.com/gpu')));
  assert.ok(has((s) => s.initContainers?.some((ic) => ic.restartPolicy === 'Always')));
  const classes = new Set(c.priorityClasses.map((p) => p.metadata.name));
  for (const t of specs) if (t.spec.priorityClassName) assert.ok(classes.has(t.spec.priorityClassName));
  const nss = new Set(c.namespaces.map((n) => n.metadata.name));
  for (const w of c.workloads) assert.ok(nss.has(w.metadata.namespace!));
});

test('services select existing workloads, with valid named and numeric target ports', () => {
  const c = generateCluster({ ...base, expand: true, services: 60 });
  const podsByApp = new Map<string, Pod[]>();
  for (const p of c.pods) {
    const k = `${p.metadata.namespace}/${p.metadata.labels!.app}`;
    podsByApp.set(k, [...(podsByApp.get(k) ?? []), p]);
  }
  const names = new Set<string>(), ips = new Set<string>(), nodePorts = new Set<number>();
  let named = 0, numeric = 0;
  for (const s of c.services as Service[]) {
    const key = `${s.metadata.namespace}/${s.metadata.name}`;
    assert.ok(!names.has(key), `duplicate service ${key}`);
    names.add(key);
    const pods = podsByApp.get(`${s.metadata.namespace}/${s.spec!.selector!.app}`);
    assert.ok(pods?.length, `${key} selects no pods`);
    if (s.spec!.clusterIP !== 'None') {
      assert.ok(!ips.has(s.spec!.clusterIP!));
      ips.add(s.spec!.clusterIP!);
      assert.match(s.spec!.clusterIP!, /^10\.(9[6-9]|10[0-9]|11[01])\./);
    }
    const containerPorts = pods![0]!.spec.containers.flatMap((ct) => ct.ports ?? []);
    for (const p of s.spec!.ports!) {
      if (typeof p.targetPort === 'string') {
        named++;
        assert.ok(containerPorts.some((cp) => cp.name === p.targetPort), `${key} targets missing port ${p.targetPort}`);
      } else numeric++;
      if (p.nodePort !== undefined) {
        assert.equal(s.spec!.type, 'NodePort');
        assert.ok(p.nodePort >= 30000 && p.nodePort <= 32767 && !nodePorts.has(p.nodePort));
        nodePorts.add(p.nodePort);
      }
    }
  }
  assert.ok(named > 0 && numeric > 0 && nodePorts.size > 0);
  assert.ok(c.services.some((s) => s.spec!.clusterIP === 'None'), 'StatefulSets get headless services');
});

test('bad options are reported, not generated', () => {
  assert.match(genOptionsError({ ...base, bound: 1.5 })!, /--bound/);
  assert.match(genOptionsError({ ...base, nodes: -1 })!, /--nodes/);
  assert.match(genOptionsError({ ...base, zones: 0 })!, /--zones/);
  assert.equal(genOptionsError(base), undefined);
  assert.throws(() => generateCluster({ ...base, pods: 1.5 }), RangeError);
});
