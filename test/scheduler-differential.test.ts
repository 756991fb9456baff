// The fast engine against the reference engine on seeded random clusters: same placements, same
// FitError texts, same explain records (every filter result, raw/normalized/weighted scores, totals).

import test from 'node:test';
import assert from 'node:assert/strict';
import { createRng, type Rng } from '../src/model/rng.js';
import type { ClusterObjects, Node, Pod, PodSpec, Taint, Toleration, NodeSelectorTerm } from '../src/k8s/types.js';
import { emptyClusterObjects } from '../src/k8s/types.js';
import { parseSchedulerConfig, type SchedulerConfig } from '../src/scheduler/config.js';
import { ReferenceEngine } from '../src/scheduler/reference/scheduler.js';
import { FastEngine } from '../src/scheduler/fast/engine.js';

const ZONES = ['z1', 'z2', 'z3', 'z4'];
const TAINT_KEYS = ['dedicated', 'gpu', 'spot'];
const IMAGES = ['nginx:1.25', 'redis:7', 'busybox', 'app/web:2', 'postgres:16'];

function randomNode(rng: Rng, i: number): Node {
  const taints: Taint[] = [];
  const nt = rng.chance(0.5) ? rng.int(3) : 0;
  const used = new Set<string>();
  for (let k = 0; k < nt; k++) {
    const key = rng.pick(TAINT_KEYS);
    const effect = rng.pick(['NoSchedule', 'PreferNoSchedule', 'NoExecute', 'PreferNoSchedule'] as const);
    if (used.has(key + effect)) continue;
    used.add(key + effect);
    taints.push({ key, value: rng.pick(['a', 'b', '']), effect });
  }
  const labels: Record<string, string> = { 'kubernetes.io/hostname': `node-${i}` };
  if (rng.chance(0.9)) labels['topology.kubernetes.io/zone'] = rng.pick(ZONES);
  if (rng.chance(0.5)) labels['tier'] = rng.pick(['gold', 'silver', 'bronze']);
  if (rng.chance(0.5)) labels['cores'] = String(rng.pick([2, 4, 8, 16, 32]));
  if (rng.chance(0.3)) labels['disk'] = 'ssd';
  const allocatable: Record<string, string> = {
    cpu: rng.pick(['1', '2', '4', '8', '500m', '3500m']),
    memory: rng.pick(['1Gi', '4Gi', '16Gi', '2000Mi', '32Gi']),
    pods: String(rng.pick([3, 5, 10, 110])),
  };
  if (rng.chance(0.3)) allocatable['ephemeral-storage'] = rng.pick(['10Gi', '100Gi']);
  if (rng.chance(0.2)) allocatable['example.com/gpu'] = String(rng.int(4));
  const images = IMAGES.filter(() => rng.chance(0.4)).map((name) => ({ names: [name.includes(':') ? name : `${name}:latest`], sizeBytes: rng.range(1, 1500) * 1024 * 1024 }));
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: `node-${i}`, labels },
    spec: { taints, ...(rng.chance(0.07) ? { unschedulable: true } : {}) },
    status: { allocatable, images },
  };
}

function randomTerm(rng: Rng, nodeCount: number): NodeSelectorTerm {
  const exprs = [];
  const n = 1 + rng.int(2);
  for (let k = 0; k < n; k++) {
    switch (rng.int(6)) {
      case 0: exprs.push({ key: 'topology.kubernetes.io/zone', operator: 'In' as const, values: [rng.pick(ZONES), rng.pick(ZONES)] }); break;
      case 1: exprs.push({ key: 'tier', operator: 'NotIn' as const, values: ['bronze'] }); break;
      case 2: exprs.push({ key: 'disk', operator: rng.pick(['Exists', 'DoesNotExist'] as const) }); break;
      case 3: exprs.push({ key: 'cores', operator: rng.pick(['Gt', 'Lt'] as const), values: [String(rng.pick([2, 4, 8, 16]))] }); break;
      case 4: exprs.push({ key: 'tier', operator: 'In' as const, values: ['gold', 'silver'] }); break;
      default: exprs.push({ key: 'kubernetes.io/hostname', operator: 'NotIn' as const, values: [`node-${rng.int(nodeCount)}`] });
    }
  }
  if (rng.chance(0.1)) return { matchFields: [{ key: 'metadata.name', operator: 'In', values: [`node-${rng.int(nodeCount)}`, `node-${rng.int(nodeCount)}`] }] };
  return { matchExpressions: exprs };
}

function randomSpec(rng: Rng, nodeCount: number): PodSpec {
  const res = () => {
    const r: Record<string, string> = {};
    if (rng.chance(0.8)) r.cpu = rng.pick(['100m', '250m', '500m', '1', '2', '0']);
    if (rng.chance(0.8)) r.memory = rng.pick(['128Mi', '500Mi', '1Gi', '3Gi', '0']);
    if (rng.chance(0.1)) r['ephemeral-storage'] = '5Gi';
    if (rng.chance(0.1)) r['example.com/gpu'] = String(1 + rng.int(2));
    return r;
  };
  const container = (name: string) => {
    const mode = rng.int(4);
    const r = res();
    return {
      name, image: rng.pick(IMAGES),
      resources: mode === 0 ? {} : mode === 1 ? { limits: r } : { requests: r },
      ...(rng.chance(0.1) ? { ports: [{ containerPort: 80, hostPort: rng.pick([8080, 9090]), ...(rng.chance(0.3) ? { hostIP: '10.0.0.1' } : {}) }] } : {}),
    };
  };
  const tolerations: Toleration[] = [];
  if (rng.chance(0.4)) tolerations.push({ key: rng.pick(TAINT_KEYS), operator: 'Exists', ...(rng.chance(0.5) ? { effect: rng.pick(['NoSchedule', 'PreferNoSchedule'] as const) } : {}) });
  if (rng.chance(0.2)) tolerations.push({ key: rng.pick(TAINT_KEYS), operator: 'Equal', value: rng.pick(['a', 'b']) });
  if (rng.chance(0.05)) tolerations.push({ operator: 'Exists' });
  if (rng.chance(0.05)) tolerations.push({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' });
  const spec: PodSpec = { containers: [container('main'), ...(rng.chance(0.2) ? [container('side')] : [])] };
  if (rng.chance(0.15)) spec.initContainers = [{ ...container('init'), ...(rng.chance(0.3) ? { restartPolicy: 'Always' as const } : {}) }];
  if (tolerations.length) spec.tolerations = tolerations;
  if (rng.chance(0.2)) spec.nodeSelector = rng.chance(0.5) ? { 'topology.kubernetes.io/zone': rng.pick(ZONES) } : { tier: rng.pick(['gold', 'silver']) };
  const na: NonNullable<NonNullable<PodSpec['affinity']>['nodeAffinity']> = {};
  if (rng.chance(0.2)) na.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [randomTerm(rng, nodeCount), ...(rng.chance(0.3) ? [randomTerm(rng, nodeCount)] : [])] };
  if (rng.chance(0.3)) na.preferredDuringSchedulingIgnoredDuringExecution = [{ weight: 1 + rng.int(100), preference: randomTerm(rng, nodeCount) }, { weight: 1 + rng.int(20), preference: randomTerm(rng, nodeCount) }];
  if (Object.keys(na).length) spec.affinity = { nodeAffinity: na };
  if (rng.chance(0.1)) spec.preemptionPolicy = 'Never';
  if (rng.chance(0.03)) spec.schedulingGates = [{ name: 'example.com/wait' }];
  if (rng.chance(0.2)) spec.overhead = { cpu: '50m' };
  if (rng.chance(0.3)) {
    const keys = ['topology.kubernetes.io/zone', 'kubernetes.io/hostname', 'tier'];
    const term = () => ({
      topologyKey: rng.pick(keys),
      labelSelector: { matchLabels: { app: rng.pick(['a', 'b', 'c']) } },
      ...(rng.chance(0.2) ? { namespaces: [rng.pick(['default', 'team-a'])] } : {}),
      ...(rng.chance(0.1) ? { namespaceSelector: rng.chance(0.5) ? {} : { matchLabels: { team: 'a' } } } : {}),
    });
    const pa: NonNullable<PodSpec['affinity']> = { ...(spec.affinity ?? {}) };
    if (rng.chance(0.4)) pa.podAffinity = rng.chance(0.5) ? { requiredDuringSchedulingIgnoredDuringExecution: [term()] } : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 + rng.int(100), podAffinityTerm: term() }] };
    if (rng.chance(0.6)) pa.podAntiAffinity = rng.chance(0.5) ? { requiredDuringSchedulingIgnoredDuringExecution: [term()] } : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 + rng.int(100), podAffinityTerm: term() }, { weight: 1 + rng.int(100), podAffinityTerm: term() }] };
    spec.affinity = pa;
  }
  if (rng.chance(0.35)) {
    const n = 1 + rng.int(2);
    const keys = ['topology.kubernetes.io/zone', 'kubernetes.io/hostname', 'tier'];
    spec.topologySpreadConstraints = Array.from({ length: n }, (_, i) => {
      const when = rng.pick(['DoNotSchedule', 'ScheduleAnyway'] as const);
      return {
        maxSkew: 1 + rng.int(3),
        topologyKey: keys[(rng.int(3) + i) % 3]!,
        whenUnsatisfiable: when,
        labelSelector: rng.chance(0.9) ? { matchLabels: { app: rng.pick(['a', 'b', 'c']) } } : { matchExpressions: [{ key: 'app', operator: 'In' as const, values: ['a', 'b'] }] },
        ...(when === 'DoNotSchedule' && rng.chance(0.2) ? { minDomains: 1 + rng.int(5) } : {}),
        ...(rng.chance(0.2) ? { nodeAffinityPolicy: rng.pick(['Honor', 'Ignore'] as const) } : {}),
        ...(rng.chance(0.2) ? { nodeTaintsPolicy: rng.pick(['Honor', 'Ignore'] as const) } : {}),
      };
    }).filter((c, i, all) => all.findIndex((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable) === i);
  }
  return spec;
}

function randomCluster(seed: number): ClusterObjects {
  const rng = createRng(`diff-${seed}`);
  const c = emptyClusterObjects();
  const nodeCount = rng.chance(0.3) ? 1 + rng.int(6) : rng.chance(0.7) ? 5 + rng.int(60) : 100 + rng.int(160);
  for (let i = 0; i < nodeCount; i++) c.nodes.push(randomNode(rng, i));
  c.namespaces.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a' } } });
  for (const ns of ['default', 'team-a']) {
    c.workloads.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs-1', namespace: ns }, spec: { selector: { matchLabels: { app: 'a' } }, template: { spec: { containers: [] } } } });
    if (rng.chance(0.5)) c.services.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc-b', namespace: ns }, spec: { selector: { app: 'b' }, ports: [{ port: 80 }] } });
  }
  const specs = Array.from({ length: 1 + rng.int(6) }, () => randomSpec(rng, nodeCount));
  const podCount = 1 + rng.int(nodeCount < 20 ? 40 : 300);
  for (let i = 0; i < podCount; i++) {
    // Pods share spec objects, as a controller's pods do, so the fast engine's plan cache is exercised.
    const spec: PodSpec = rng.chance(0.8) ? rng.pick(specs) : randomSpec(rng, nodeCount);
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: rng.pick(['default', 'team-a']), labels: { app: rng.pick(['a', 'b', 'c']) } }, spec, status: { phase: 'Pending' } };
    // Owned pods get the system default spreading (through their ReplicaSet's selector).
    if (rng.chance(0.3)) pod.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs-1', controller: true }];
    if (rng.chance(0.15)) {
      pod.spec = { ...spec, nodeName: `node-${rng.int(nodeCount)}` };
      pod.status = { phase: rng.chance(0.1) ? 'Succeeded' : 'Running' };
    }
    if (rng.chance(0.2)) pod.spec = { ...pod.spec, priority: rng.pick([0, 10, 100, -5]) };
    c.pods.push(pod);
  }
  return c;
}

function randomConfig(seed: number): SchedulerConfig {
  const rng = createRng(`cfg-${seed}`);
  const profile: Record<string, unknown> = { schedulerName: 'default-scheduler' };
  if (rng.chance(0.3)) profile.percentageOfNodesToScore = rng.pick([1, 10, 50, 100]);
  const pluginConfig: unknown[] = [];
  switch (rng.int(4)) {
    case 1: pluginConfig.push({ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 2 }] } } }); break;
    case 2: pluginConfig.push({ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'RequestedToCapacityRatio', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 3 }], requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 60, score: 10 }, { utilization: 100, score: 3 }] } } } }); break;
    case 3: pluginConfig.push({ name: 'NodeResourcesBalancedAllocation', args: { resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'ephemeral-storage', weight: 1 }] } }); break;
  }
  if (rng.chance(0.2)) pluginConfig.push({ name: 'NodeAffinity', args: { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } }] } } });
  if (pluginConfig.length) profile.pluginConfig = pluginConfig;
  if (rng.chance(0.2)) profile.plugins = { score: { enabled: [{ name: 'ImageLocality', weight: 5 }, { name: 'TaintToleration', weight: 1 }] } };
  if (rng.chance(0.2)) {
    pluginConfig.push({ name: 'PodTopologySpread', args: { defaultingType: 'List', defaultConstraints: [{ maxSkew: 2, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: rng.pick(['DoNotSchedule', 'ScheduleAnyway']) }] } });
    profile.pluginConfig = pluginConfig;
  }
  if (rng.chance(0.2)) {
    pluginConfig.push({ name: 'InterPodAffinity', args: { hardPodAffinityWeight: rng.pick([0, 1, 10]), ignorePreferredTermsOfExistingPods: rng.chance(0.3) } });
    profile.pluginConfig = pluginConfig;
  }
  return parseSchedulerConfig({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', profiles: [profile] });
}

test('fast and reference engines agree on 240 seeded random clusters (placements, reasons, explain)', () => {
  let scheduled = 0;
  let unschedulable = 0;
  let spreadRejections = 0;
  let spreadScores = 0;
  let affinityRejections = 0;
  let preemptions = 0;
  let affinityScores = 0;
  for (let seed = 1; seed <= 240; seed++) {
    const cluster = randomCluster(seed);
    const config = randomConfig(seed);
    const explain = seed % 3 === 0;
    const ref = new ReferenceEngine().schedule(cluster, { config, seed, explain });
    const fast = new FastEngine().schedule(cluster, { config, seed, explain });
    assert.deepEqual(fast.result.placements, ref.result.placements, `seed ${seed}: placements differ`);
    assert.deepEqual(fast.result.preemptions, ref.result.preemptions, `seed ${seed}: preemptions differ`);
    preemptions += ref.result.preemptions.length;
    if (explain) assert.deepEqual(fast.result.explain, ref.result.explain, `seed ${seed}: explain differs`);
    assert.deepEqual(fast.result.skippedPlugins, ref.result.skippedPlugins, `seed ${seed}: skipped plugins differ`);
    assert.deepEqual(fast.pods.map((p) => p.spec.nodeName ?? null), ref.pods.map((p) => p.spec.nodeName ?? null), `seed ${seed}: final pods differ`);
    for (const p of ref.result.placements) {
      if (p.node) scheduled++;
      else unschedulable++;
      if (p.reason?.includes('pod topology spread constraints')) spreadRejections++;
      if (p.reason?.includes('affinity rules')) affinityRejections++;
    }
    for (const e of ref.result.explain ?? []) {
      for (const n of e.nodes) {
        const sc = n.scores?.PodTopologySpread;
        if (sc && sc.normalized !== 100 && sc.normalized !== 0) spreadScores++;
        const ia = n.scores?.InterPodAffinity;
        if (ia && ia.normalized !== 100 && ia.normalized !== 0) affinityScores++;
      }
    }
  }
  // The generator must produce both outcomes in volume, or the comparison proves little.
  assert.ok(scheduled > 2000, `scheduled ${scheduled}`);
  assert.ok(unschedulable > 300, `unschedulable ${unschedulable}`);
  assert.ok(spreadRejections > 20, `spread rejections ${spreadRejections}`);
  assert.ok(spreadScores > 100, `spread scores strictly between 0 and 100: ${spreadScores}`);
  assert.ok(preemptions > 30, `preemptions ${preemptions}`);
  assert.ok(affinityRejections > 20, `affinity rejections ${affinityRejections}`);
  assert.ok(affinityScores > 50, `affinity scores strictly between 0 and 100: ${affinityScores}`);
});
