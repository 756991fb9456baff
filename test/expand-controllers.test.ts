// Controller expansion: the pods (and ReplicaSets) the Deployment, ReplicaSet, StatefulSet, DaemonSet
// and Job controllers would create, named and labelled as upstream names and labels them.

import { tolerationsTolerateTaint } from '../src/k8s/match.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildObjects } from '../src/k8s/load.js';
import type { ClusterObjects, KubeObject, Pod } from '../src/k8s/types.js';

const ALPHABET = '[bcdfghjklmnpqrstvwxz2456789]';
const SUFFIX5 = new RegExp(`^${ALPHABET}{5}$`);

function build(objs: object[]): ClusterObjects {
  const warnings: string[] = [];
  const out = buildObjects(objs.map((o) => ({ file: 'test.yaml', where: '', object: structuredClone(o) as KubeObject })), (m) => warnings.push(m));
  assert.deepEqual(warnings, []);
  return out;
}

const template = (labels: Record<string, string>, spec: object = {}) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'app', image: 'app:1', resources: { requests: { cpu: '100m' } } }], ...spec },
});

const deployment = (name: string, replicas: number, ns = 'prod') => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: template({ app: name }) },
});

function node(name: string, labels: Record<string, string> = {}, taints: object[] = [], unschedulable = false) {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    spec: { taints, ...(unschedulable ? { unschedulable } : {}) },
    status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
  };
}

test('Deployment -> ReplicaSet <name>-<hash> -> pods <rs>-<5 chars>, with pod-template-hash and controller owner references', () => {
  const out = build([deployment('web', 3)]);
  assert.equal(out.workloads.length, 2);
  const [d, rs] = out.workloads as unknown as [KubeObject, KubeObject & { spec: any }];
  assert.equal(d.kind, 'Deployment');
  assert.equal(rs.kind, 'ReplicaSet');
  const hash = rs.metadata!.labels!['pod-template-hash']!;
  assert.match(hash, new RegExp(`^${ALPHABET}{1,10}$`), 'SafeEncodeString of a decimal uint32');
  assert.equal(rs.metadata!.name, `web-${hash}`);
  assert.equal(rs.metadata!.namespace, 'prod');
  assert.equal(rs.spec.replicas, 3);
  assert.deepEqual(rs.spec.selector.matchLabels, { app: 'web', 'pod-template-hash': hash });
  assert.deepEqual(rs.metadata!.ownerReferences, [
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: rs.metadata!.ownerReferences![0]!.uid, controller: true, blockOwnerDeletion: true },
  ]);

  assert.equal(out.pods.length, 3);
  const names = new Set<string>();
  for (const p of out.pods) {
    assert.ok(p.metadata.name.startsWith(`web-${hash}-`), p.metadata.name);
    assert.match(p.metadata.name.slice(`web-${hash}-`.length), SUFFIX5);
    names.add(p.metadata.name);
    assert.equal(p.metadata.namespace, 'prod');
    assert.deepEqual(p.metadata.labels, { app: 'web', 'pod-template-hash': hash });
    const refs = p.metadata.ownerReferences!;
    assert.equal(refs.length, 1);
    assert.equal(refs[0]!.kind, 'ReplicaSet');
    assert.equal(refs[0]!.name, rs.metadata!.name);
    assert.equal(refs[0]!.uid, rs.metadata!.uid);
    assert.equal(refs[0]!.controller, true);
    assert.equal(p.spec.nodeName, undefined);
    assert.equal(p.spec.containers[0]!.resources!.requests!.cpu, '100m');
  }
  assert.equal(names.size, 3);
  // Pods of one controller share one spec object (one spec row in the tables).
  assert.equal(out.pods[0]!.spec, out.pods[2]!.spec);
});

test('the pod-template-hash follows the template: a changed template gives another ReplicaSet name', () => {
  const a = build([deployment('web', 1)]);
  const changed = deployment('web', 1);
  changed.spec.template.spec.containers[0]!.image = 'app:2';
  const b = build([changed]);
  const rsName = (o: ClusterObjects) => o.workloads[1]!.metadata!.name;
  assert.notEqual(rsName(a), rsName(b));
  // Replicas are not part of the template.
  assert.equal(rsName(build([deployment('web', 7)])), rsName(a));
});

test('a bare ReplicaSet: replicas pods named <rs>-<5 chars>, replicas defaulting to 1', () => {
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'cache' }, spec: { selector: { matchLabels: { app: 'cache' } }, template: template({ app: 'cache' }) } };
  const out = build([rs]);
  assert.equal(out.pods.length, 1);
  assert.match(out.pods[0]!.metadata.name, new RegExp(`^cache-${ALPHABET}{5}$`));
  assert.equal(out.pods[0]!.metadata.namespace, 'default');
  assert.deepEqual(out.pods[0]!.metadata.labels, { app: 'cache' });
  const zero = build([{ ...rs, spec: { ...rs.spec, replicas: 0 } }]);
  assert.equal(zero.pods.length, 0);
});

test('StatefulSet: pods <name>-0..n-1 with hostname, subdomain and the controller labels', () => {
  const sts = {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'data' },
    spec: { replicas: 3, serviceName: 'db-headless', selector: { matchLabels: { app: 'db' } }, template: template({ app: 'db' }) },
  };
  const out = build([sts]);
  assert.deepEqual(out.pods.map((p) => p.metadata.name), ['db-0', 'db-1', 'db-2']);
  const revision = out.pods[0]!.metadata.labels!['controller-revision-hash']!;
  assert.match(revision, new RegExp(`^db-${ALPHABET}{1,10}$`));
  out.pods.forEach((p, i) => {
    assert.equal(p.metadata.namespace, 'data');
    assert.deepEqual(p.metadata.labels, {
      app: 'db', 'apps.kubernetes.io/pod-index': String(i), 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': `db-${i}`,
    });
    assert.equal(p.spec.hostname, `db-${i}`);
    assert.equal(p.spec.subdomain, 'db-headless');
    assert.equal(p.metadata.ownerReferences![0]!.kind, 'StatefulSet');
    assert.equal(p.metadata.ownerReferences![0]!.name, 'db');
    assert.equal(p.metadata.ownerReferences![0]!.controller, true);
  });
  // No serviceName: no subdomain.
  const bare = build([{ ...sts, spec: { ...sts.spec, serviceName: undefined, replicas: 1 } }]);
  assert.equal(bare.pods[0]!.spec.subdomain, undefined);
});

const daemonSet = (spec: object = {}) => ({
  apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'kube-system' },
  spec: { selector: { matchLabels: { app: 'agent' } }, template: template({ app: 'agent' }, spec) },
});

function daemonNodes(out: ClusterObjects): string[] {
  return out.pods.map((p) => {
    const terms = p.spec.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms;
    assert.equal(terms.length, 1);
    assert.equal(terms[0]!.matchExpressions, undefined);
    assert.equal(terms[0]!.matchFields!.length, 1);
    const f = terms[0]!.matchFields![0]!;
    assert.equal(f.key, 'metadata.name');
    assert.equal(f.operator, 'In');
    assert.equal(f.values!.length, 1);
    return f.values![0]!;
  });
}

test('DaemonSet: one pod per node the daemon tolerates, pinned by matchFields metadata.name', () => {
  const nodes = [
    node('plain'),
    node('cordoned', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }], true),
    node('not-ready', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]),
    node('pressure', {}, [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }]),
    node('dedicated', {}, [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }]),
    node('evicting', {}, [{ key: 'foo', value: 'bar', effect: 'NoExecute' }]),
    node('soft', {}, [{ key: 'foo', value: 'bar', effect: 'PreferNoSchedule' }]),
    node('no-network', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]),
  ];
  const out = build([...nodes, daemonSet()]);
  assert.deepEqual(daemonNodes(out), ['plain', 'cordoned', 'not-ready', 'pressure', 'soft']);
  for (const p of out.pods) {
    assert.match(p.metadata.name, new RegExp(`^agent-${ALPHABET}{5}$`));
    assert.equal(p.metadata.namespace, 'kube-system');
    assert.equal(p.metadata.ownerReferences![0]!.kind, 'DaemonSet');
    // The controller's tolerations (pkg/controller/daemon/util AddOrUpdateDaemonPodTolerations).
    assert.deepEqual(p.spec.tolerations, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    assert.equal(p.spec.nodeName, undefined, 'the scheduler still places daemon pods');
  }
  // hostNetwork daemons also tolerate network-unavailable.
  const hostNet = build([...nodes, daemonSet({ hostNetwork: true })]);
  assert.deepEqual(daemonNodes(hostNet), ['plain', 'cordoned', 'not-ready', 'pressure', 'soft', 'no-network']);
  // The daemon's own toleration opens the tainted nodes; Exists without effect matches both effects.
  const tolerant = build([...nodes, daemonSet({ tolerations: [{ key: 'foo', operator: 'Exists' }] })]);
  assert.deepEqual(daemonNodes(tolerant), ['plain', 'cordoned', 'not-ready', 'pressure', 'dedicated', 'evicting', 'soft']);
  assert.deepEqual(tolerant.pods[0]!.spec.tolerations![0], { key: 'foo', operator: 'Exists' });
  const onlyNoSchedule = build([...nodes, daemonSet({ tolerations: [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'NoSchedule' }] })]);
  assert.deepEqual(daemonNodes(onlyNoSchedule), ['plain', 'cordoned', 'not-ready', 'pressure', 'dedicated', 'soft']);
});

test('DaemonSet: nodeSelector and required node affinity choose the nodes; the affinity is replaced by the pin', () => {
  const nodes = [
    node('a1', { pool: 'a', 'kubernetes.io/arch': 'amd64' }),
    node('a2', { pool: 'a', 'kubernetes.io/arch': 'arm64' }),
    node('b1', { pool: 'b', 'kubernetes.io/arch': 'amd64' }),
  ];
  const bySelector = build([...nodes, daemonSet({ nodeSelector: { pool: 'a' } })]);
  assert.deepEqual(daemonNodes(bySelector), ['a1', 'a2']);
  assert.deepEqual(bySelector.pods[0]!.spec.nodeSelector, { pool: 'a' }, 'nodeSelector is kept');

  const affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'pool', operator: 'In', values: ['b'] }] } }],
    },
  };
  const byAffinity = build([...nodes, daemonSet({ affinity })]);
  assert.deepEqual(daemonNodes(byAffinity), ['a1', 'b1']);
  // Preferred terms survive; the required terms are now only the pin.
  assert.deepEqual(byAffinity.pods[0]!.spec.affinity!.nodeAffinity!.preferredDuringSchedulingIgnoredDuringExecution, affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution);
  // Nodes listed after the DaemonSet count too.
  const after = build([daemonSet(), ...nodes]);
  assert.equal(after.pods.length, 3);
});

test('DaemonSet: node affinity with upstream semantics (int64 Gt, Exists; no required terms is a field error)', () => {
  const nodes = [node('big', { gen: '9007199254740993' }), node('edge', { gen: '9007199254740992' }), node('none')];
  const required = (terms: object[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
  // Gt compares int64s: 2^53 + 1 > 2^53, which float parsing would call equal.
  const gt = build([...nodes, daemonSet({ affinity: required([{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['9007199254740992'] }] }]) })]);
  assert.deepEqual(daemonNodes(gt), ['big']);
  const exists = build([...nodes, daemonSet({ affinity: required([{ matchExpressions: [{ key: 'gen', operator: 'Exists' }] }]) })]);
  assert.deepEqual(daemonNodes(exists), ['big', 'edge']);
  // Required node affinity with no terms is invalid input (upstream validation), named by its field.
  assert.throws(() => build([...nodes, daemonSet({ affinity: required([]) })]), /nodeSelectorTerms: Required value: must have at least one node selector term/);
});

test('tolerations: operator "" is Equal, as v1 ToleratesTaint reads it', () => {
  const taint = { key: 'k', value: 'v', effect: 'NoSchedule' as const };
  assert.equal(tolerationsTolerateTaint([{ key: 'k', operator: '' as 'Equal', value: 'v' }], taint), true);
  assert.equal(tolerationsTolerateTaint([{ key: 'k', operator: '' as 'Equal', value: 'w' }], taint), false);
  assert.equal(tolerationsTolerateTaint([{ key: 'k', operator: 'Exists' }], taint), true);
  assert.equal(tolerationsTolerateTaint([{ operator: 'Exists', effect: 'NoExecute' }], taint), false);
});

const job = (spec: object) => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'crunch', namespace: 'batch' },
  spec: { template: template({ app: 'crunch' }, { restartPolicy: 'Never' }), ...spec },
});

test('Job: min(parallelism, completions) pods <job>-<5 chars> with job labels', () => {
  const counts = (spec: object) => build([job(spec)]).pods.length;
  assert.equal(counts({}), 1);
  assert.equal(counts({ parallelism: 4 }), 4);
  assert.equal(counts({ parallelism: 4, completions: 10 }), 4);
  assert.equal(counts({ parallelism: 4, completions: 2 }), 2);
  assert.equal(counts({ completions: 3 }), 1);
  assert.equal(counts({ parallelism: 0 }), 0);

  const out = build([job({ parallelism: 2 })]);
  const uid = out.pods[0]!.metadata.ownerReferences![0]!.uid;
  for (const p of out.pods) {
    assert.match(p.metadata.name, new RegExp(`^crunch-${ALPHABET}{5}$`));
    assert.deepEqual(p.metadata.labels, {
      app: 'crunch', 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'crunch', 'controller-uid': uid, 'job-name': 'crunch',
    });
    assert.equal(p.metadata.ownerReferences![0]!.kind, 'Job');
    assert.equal(p.metadata.ownerReferences![0]!.apiVersion, 'batch/v1');
  }
});

test('Indexed Job: pods <job>-<index>-<5 chars> with the completion-index label', () => {
  const out = build([job({ completionMode: 'Indexed', parallelism: 3, completions: 5 })]);
  assert.equal(out.pods.length, 3);
  out.pods.forEach((p, i) => {
    assert.match(p.metadata.name, new RegExp(`^crunch-${i}-${ALPHABET}{5}$`));
    assert.equal(p.metadata.labels!['batch.kubernetes.io/job-completion-index'], String(i));
  });
});

function cluster() {
  return [
    node('n1'), node('n2', {}, [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }]),
    deployment('web', 4), deployment('api', 2, 'default'),
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 2, selector: { matchLabels: { app: 'db' } }, template: template({ app: 'db' }) } },
    daemonSet(), job({ parallelism: 2 }), job({ completionMode: 'Indexed', parallelism: 2 }),
  ].map((o, i) => (o.kind === 'Job' && i === 7 ? { ...o, metadata: { ...o.metadata, name: 'indexed' } } : o));
}

test('expansion is deterministic: two loads give identical names, uids and labels', () => {
  const a = build(cluster());
  const b = build(cluster());
  assert.equal(a.pods.length, 4 + 2 + 2 + 1 + 2 + 2);
  assert.deepEqual(a.pods.map((p) => p.metadata), b.pods.map((p) => p.metadata));
  assert.deepEqual(a.workloads.map((w) => w.metadata), b.workloads.map((w) => w.metadata));
  assert.equal(new Set(a.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).size, a.pods.length);
  assert.equal(new Set(a.pods.map((p) => p.metadata.uid)).size, a.pods.length);
});

test('generated names never collide with pods already in the input', () => {
  const first = build([deployment('web', 3)]);
  const taken = first.pods.map((p): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: p.metadata.name, namespace: 'prod' }, spec: { containers: [{ name: 'x' }] } }));
  const again = build([...taken, deployment('web', 3)]);
  assert.equal(again.pods.length, 6);
  assert.equal(new Set(again.pods.map((p) => p.metadata.name)).size, 6);
});

test('kubectl get all output (controller, ReplicaSet and pods) is not expanded a second time', () => {
  const first = build(cluster());
  // Feed everything back: controllers, the created ReplicaSets and every pod, as `kubectl get all -o yaml` lists them.
  const again = build([...cluster(), ...first.workloads.filter((w) => w.kind === 'ReplicaSet'), ...first.pods]);
  assert.equal(again.pods.length, first.pods.length);
  assert.deepEqual(again.pods.map((p) => p.metadata.name).sort(), first.pods.map((p) => p.metadata.name).sort());
  assert.equal(again.workloads.filter((w) => w.kind === 'ReplicaSet').length, 2);

  // Deployment + its ReplicaSet without pods: the ReplicaSet makes the pods, the Deployment no second ReplicaSet.
  const rsOnly = build([deployment('web', 4), ...build([deployment('web', 4)]).workloads.filter((w) => w.kind === 'ReplicaSet')]);
  assert.equal(rsOnly.pods.length, 4);
  assert.equal(rsOnly.workloads.length, 2);

  // A pod owned by a StatefulSet of the same name in another namespace does not count.
  const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'a' }, spec: { replicas: 2, selector: { matchLabels: { app: 'db' } }, template: template({ app: 'db' }) } };
  const foreign = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-0', namespace: 'b', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] }, spec: { containers: [{ name: 'x' }] } };
  assert.equal(build([sts, foreign]).pods.length, 3);
});
