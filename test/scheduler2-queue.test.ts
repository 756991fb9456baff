// The engine-neutral queue driver (src/scheduler/queue.ts) over the reference backend: backoff timing on the
// simulated clock, requeue by cluster events, scheduling gates, metrics.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyClusterObjects, type ClusterObjects } from '../src/k8s/types.js';
import { defaultSchedulerConfig, parseSchedulerConfig, API_VERSION } from '../src/scheduler/config.js';
import { SchedulingDriver } from '../src/scheduler/queue.js';
import { queueingHints } from '../src/scheduler/hints.js';
import { ReferenceScheduler } from '../src/scheduler/reference/scheduler.js';
import type { PodRef } from '../src/scheduler/types.js';
import { SCHEDULING_GATED_MESSAGE } from '../src/scheduler/reference/plugins/simple.js';
import { mkNode, mkPod, type CompactPod } from './scheduler-helpers.js';

function setup(cluster: ClusterObjects, config = defaultSchedulerConfig(), hints = false) {
  const sched = new ReferenceScheduler(cluster, config, 1);
  const driver = new SchedulingDriver(sched, {
    podInitialBackoffSeconds: config.podInitialBackoffSeconds, podMaxBackoffSeconds: config.podMaxBackoffSeconds,
    ...(hints ? { hint: queueingHints(config) } : {}),
  });
  const ref = (c: CompactPod, i = 0): PodRef => {
    const pod = mkPod(c, i);
    const r: PodRef = { key: `default/${pod.metadata.name}`, pod, priority: c.priority ?? 0 };
    return r;
  };
  for (const p of cluster.pods) {
    const r: PodRef = { key: `default/${p.metadata.name}`, pod: p, priority: p.spec.priority ?? 0 };
    sched.addRunningPod(r);
  }
  return { sched, driver, ref };
}

const cpu = (v: string) => [{ requests: { cpu: v } }];

test('backoff: 1 s doubling, capped at podMaxBackoffSeconds (default 10 s and a custom profile)', () => {
  const { driver } = setup(emptyClusterObjects());
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => driver.backoffMs(a)), [1000, 2000, 4000, 8000, 10000, 10000]);
  assert.equal(driver.backoffMs(0), 0);
  const cfg = parseSchedulerConfig({ apiVersion: API_VERSION, kind: 'KubeSchedulerConfiguration', podInitialBackoffSeconds: 2, podMaxBackoffSeconds: 5 });
  const d2 = setup(emptyClusterObjects(), cfg).driver;
  assert.deepEqual([1, 2, 3].map((a) => d2.backoffMs(a)), [2000, 4000, 5000]);
});

test('a pod rejected by NodeResourcesFit waits for a pod deletion, then for its backoff on the 1 s tick', () => {
  const c = emptyClusterObjects();
  c.nodes.push(mkNode({ name: 'n1', alloc: { cpu: '1' } }));
  c.pods.push(mkPod({ name: 'old', nodeName: 'n1', containers: cpu('1') }));
  const { driver, ref } = setup(c);
  const b = ref({ name: 'b', containers: cpu('1') });
  driver.enqueue([b]);
  driver.runUntilIdle();
  assert.equal(driver.state('default/b')!.where, 'unschedulable');
  assert.match(driver.state('default/b')!.reason!, /^0\/1 nodes are available: 1 Insufficient cpu\./);
  assert.equal(driver.now, 0, 'nothing to wait for: the clock does not move');
  // Another pod binding (AssignedPodAdd) cannot help a resource rejection.
  driver.enqueue([ref({ name: 'tiny', containers: cpu('0') })]);
  driver.runUntilIdle();
  assert.equal(driver.state('default/b')!.where, 'unschedulable');
  // Deleting the running pod helps: b goes to backoffQ (expiry 1 s after its failure) and is scheduled at t = 1 s.
  driver.now = 400;
  driver.deletePods(['default/old']);
  assert.equal(driver.state('default/b')!.where, 'backoff');
  driver.runUntilIdle();
  assert.equal(b.pod.spec.nodeName, 'n1');
  assert.equal(driver.now, 1000);
  assert.equal(driver.metrics.podSchedulingMs.get('default/b'), 1000);
  assert.equal(driver.metrics.attempts, 3);
  assert.equal(driver.metrics.scheduled, 2);
});

test('an event after the backoff expired moves the pod straight to activeQ', () => {
  const c = emptyClusterObjects();
  c.nodes.push(mkNode({ name: 'n1', alloc: { cpu: '1' } }));
  const { driver, ref } = setup(c);
  const b = ref({ name: 'b', containers: cpu('2') });
  driver.enqueue([b]);
  driver.runUntilIdle();
  driver.advance(5000);
  assert.equal(driver.now, 5000);
  assert.equal(driver.state('default/b')!.where, 'unschedulable');
  driver.addNodes([mkNode({ name: 'n2', alloc: { cpu: '4' } })]);
  assert.equal(driver.state('default/b')!.where, 'active');
  driver.runUntilIdle();
  assert.equal(b.pod.spec.nodeName, 'n2');
  assert.equal(driver.now, 5000);
});

test('repeated failures double the backoff: second failure waits 2 s', () => {
  const c = emptyClusterObjects();
  c.nodes.push(mkNode({ name: 'n1', alloc: { cpu: '1' } }));
  const { driver, ref } = setup(c);
  driver.enqueue([ref({ name: 'b', containers: cpu('2') })]);
  driver.runUntilIdle(); // attempt 1 at t=0
  driver.addNodes([mkNode({ name: 'n2', alloc: { cpu: '1' } })]); // does not help, but moves it (backoff until 1 s)
  driver.runUntilIdle(); // attempt 2 at t=1000
  assert.equal(driver.now, 1000);
  assert.deepEqual(driver.state('default/b')!.attempts, 2);
  assert.equal(driver.state('default/b')!.backoffExpiry, 3000);
  driver.addNodes([mkNode({ name: 'n3', alloc: { cpu: '2' } })]);
  driver.runUntilIdle();
  assert.equal(driver.now, 3000);
  assert.equal(driver.results().find((r) => r.key === 'default/b')!.node, 'n3');
});

test('pods left unschedulable for 5 minutes are retried on the 30 s flush when time advances', () => {
  const c = emptyClusterObjects();
  c.nodes.push(mkNode({ name: 'n1', alloc: { cpu: '1' } }));
  const { driver, ref } = setup(c);
  driver.enqueue([ref({ name: 'b', containers: cpu('2') })]);
  driver.runUntilIdle();
  driver.advance(5 * 60 * 1000);
  assert.equal(driver.state('default/b')!.attempts, 1);
  driver.advance(30 * 1000);
  assert.equal(driver.state('default/b')!.attempts, 2);
});

test('InterPodAffinity rejection is retried when a matching pod is bound (AssignedPodAdd)', () => {
  const c = emptyClusterObjects();
  c.nodes.push(mkNode({ name: 'n1', labels: { zone: 'a' } }));
  const { driver, ref } = setup(c);
  const web = ref({ name: 'web', labels: { app: 'web' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'zone' }] } } });
  driver.enqueue([web]);
  driver.runUntilIdle();
  assert.equal(driver.state('default/web')!.where, 'unschedulable');
  assert.match(driver.state('default/web')!.reason!, /didn't match pod affinity rules/);
  driver.enqueue([ref({ name: 'db', labels: { app: 'db' } })]);
  driver.runUntilIdle();
  assert.equal(web.pod.spec.nodeName, 'n1');
  assert.equal(driver.now, 1000);
});

test('gated pods never enter activeQ and report the gating message', () => {
  const c = emptyClusterObjects();
  c.nodes.push(mkNode({ name: 'n1' }));
  const { driver, ref } = setup(c);
  driver.enqueue([ref({ name: 'g', schedulingGates: ['example.com/wait'] }), ref({ name: 'p' })]);
  driver.runUntilIdle();
  assert.equal(driver.state('default/g')!.where, 'gated');
  assert.equal(driver.state('default/g')!.attempts, 0);
  assert.deepEqual(driver.results(), [{ key: 'default/g', node: null, reason: SCHEDULING_GATED_MESSAGE }, { key: 'default/p', node: 'n1' }]);
});

test('activeQ order: priority, then enqueue order; a failed pod re-enters behind pods enqueued earlier', () => {
  const c = emptyClusterObjects();
  c.nodes.push(mkNode({ name: 'n1', alloc: { pods: '3' } }));
  const { driver, ref } = setup(c);
  const order: string[] = [];
  (driver as unknown as { opts: { onAttempt: (p: PodRef) => void } }).opts.onAttempt = (p) => order.push(p.key);
  driver.enqueue([ref({ name: 'a' }), ref({ name: 'b', priority: 5 }), ref({ name: 'c' })]);
  driver.runUntilIdle();
  assert.deepEqual(order, ['default/b', 'default/a', 'default/c']);
});

test('QueueingHints on NodeAdd: only a node that could help brings a rejected pod back (Fit, NodeAffinity, TaintToleration, NodeUnschedulable)', () => {
  const cases: { name: string; pod: CompactPod; useless: Parameters<typeof mkNode>[0]; useful: Parameters<typeof mkNode>[0]; plugin: string }[] = [
    { name: 'fit', pod: { name: 'big', containers: cpu('6') }, useless: { name: 'small', alloc: { cpu: '5' } }, useful: { name: 'large', alloc: { cpu: '8' } }, plugin: 'NodeResourcesFit' },
    // Upstream isFit: a node with no room for one more pod cannot help either.
    { name: 'fit-pods', pod: { name: 'big2', containers: cpu('6') }, useless: { name: 'full', alloc: { cpu: '8', pods: '0' } }, useful: { name: 'large2', alloc: { cpu: '8' } }, plugin: 'NodeResourcesFit' },
    { name: 'affinity', pod: { name: 'ssd', nodeSelector: { disk: 'ssd' } }, useless: { name: 'hdd', labels: { disk: 'hdd' } }, useful: { name: 'fast', labels: { disk: 'ssd' } }, plugin: 'NodeAffinity' },
    { name: 'taints', pod: { name: 'plain' }, useless: { name: 'gpu', taints: [{ key: 'gpu', effect: 'NoExecute' }] }, useful: { name: 'soft', taints: [{ key: 'gpu', effect: 'PreferNoSchedule' }] }, plugin: 'TaintToleration' },
    { name: 'cordoned', pod: { name: 'any' }, useless: { name: 'cordoned', unschedulable: true }, useful: { name: 'open' }, plugin: 'NodeUnschedulable' },
  ];
  for (const k of cases) {
    for (const hints of [false, true]) {
      const c = emptyClusterObjects();
      // The only node rejects the pod for this case's plugin alone.
      const first = k.plugin === 'NodeResourcesFit' ? mkNode({ name: 'n1', alloc: { cpu: '1' } })
        : k.plugin === 'NodeAffinity' ? mkNode({ name: 'n1' })
        : k.plugin === 'TaintToleration' ? mkNode({ name: 'n1', taints: [{ key: 'gpu', effect: 'NoSchedule' }] })
        : mkNode({ name: 'n1', unschedulable: true });
      c.nodes.push(first);
      const { driver, ref } = setup(c, defaultSchedulerConfig(), hints);
      const p = ref(k.pod);
      driver.enqueue([p]);
      driver.runUntilIdle();
      const key = `default/${k.pod.name}`;
      assert.equal(driver.state(key)!.where, 'unschedulable', k.name);
      driver.advance(20_000);
      driver.addNodes([mkNode(k.useless)]);
      // Without hints every NodeAdd brings the pod back (and it fails again); with them a useless node does not.
      assert.equal(driver.state(key)!.where, hints ? 'unschedulable' : 'active', `${k.name} hints=${hints}`);
      driver.runUntilIdle();
      assert.equal(driver.metrics.attempts, hints ? 1 : 2, `${k.name} hints=${hints}: attempts`);
      driver.advance(20_000);
      driver.addNodes([mkNode(k.useful)]);
      assert.equal(driver.state(key)!.where, 'active', `${k.name} hints=${hints}: a node that can help`);
      driver.runUntilIdle();
      assert.equal(p.pod.spec.nodeName, k.useful.name, k.name);
    }
  }
});

test('QueueingHints: NodeAffinity honours the profile\'s addedAffinity; other plugins and events always queue', () => {
  const cfg = parseSchedulerConfig({
    apiVersion: API_VERSION, kind: 'KubeSchedulerConfiguration',
    profiles: [{ schedulerName: 'default-scheduler', pluginConfig: [{ name: 'NodeAffinity', args: { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['a'] }] }] } } } }] }],
  });
  const hint = queueingHints(cfg);
  const pod = mkPod({ name: 'p', nodeSelector: { disk: 'ssd' } });
  const node = (labels: Record<string, string>) => mkNode({ name: 'x', labels });
  assert.equal(hint('NodeAffinity', pod, 'NodeAdd', { nodes: [node({ disk: 'ssd' })] }), false, 'outside the enforced pool');
  assert.equal(hint('NodeAffinity', pod, 'NodeAdd', { nodes: [node({ disk: 'ssd', pool: 'b' })] }), false);
  assert.equal(hint('NodeAffinity', pod, 'NodeAdd', { nodes: [node({ disk: 'hdd', pool: 'a' }), node({ disk: 'ssd', pool: 'a' })] }), true, 'any node of the batch');
  assert.equal(hint('PodTopologySpread', pod, 'NodeAdd', { nodes: [node({})] }), true);
  assert.equal(hint('NodeResourcesFit', pod, 'AssignedPodDelete', {}), true);
});

test('QueueingHints on pod events: InterPodAffinity comes back for a bound pod its affinity needs or a deleted pod its anti-affinity named, PodTopologySpread for pods its selectors match', () => {
  const host = 'kubernetes.io/hostname';
  const term = (app: string) => ({ labelSelector: { matchLabels: { app } }, topologyKey: host });
  for (const hints of [false, true]) {
    const c = emptyClusterObjects();
    c.nodes.push(mkNode({ name: 'n1', labels: { [host]: 'n1' } }));
    const { driver, ref } = setup(c, defaultSchedulerConfig(), hints);
    const web = ref({ name: 'web', labels: { app: 'web' } });
    driver.enqueue([web]);
    driver.runUntilIdle();
    // anti: must not share a host with app=web; near: must share one with app=cache.
    const anti = ref({ name: 'anti', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } } });
    const near = ref({ name: 'near', affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('cache')] } } });
    driver.enqueue([anti, near]);
    driver.runUntilIdle();
    assert.equal(driver.state('default/anti')!.where, 'unschedulable');
    assert.equal(driver.state('default/near')!.where, 'unschedulable');
    driver.advance(20_000);
    // A pod neither term names is bound: only without hints do both come back (and fail again).
    const before = driver.metrics.attempts;
    driver.enqueue([ref({ name: 'db', labels: { app: 'db' } })]);
    driver.runUntilIdle();
    assert.equal(driver.metrics.attempts - before, hints ? 1 : 3, `hints=${hints}: attempts after an unrelated bind`);
    driver.advance(20_000);
    // app=cache bound: `near` comes back and lands; `anti` stays (a bound pod cannot lift anti-affinity).
    const cache = ref({ name: 'cache', labels: { app: 'cache' } });
    driver.enqueue([cache]);
    driver.runUntilIdle();
    driver.advance(20_000);
    driver.runUntilIdle();
    assert.equal(near.pod.spec.nodeName, 'n1', `hints=${hints}`);
    assert.equal(anti.pod.spec.nodeName, undefined);
    // Deleting app=web lifts the anti-affinity; deleting an unrelated pod does not (with hints).
    driver.deletePods(['default/db']);
    assert.equal(driver.state('default/anti')!.where === 'unschedulable', hints, `hints=${hints}: after deleting db`);
    driver.runUntilIdle();
    driver.advance(20_000);
    driver.deletePods(['default/web']);
    assert.notEqual(driver.state('default/anti')!.where, 'unschedulable');
    driver.runUntilIdle();
    assert.equal(anti.pod.spec.nodeName, 'n1');
  }
});

test('QueueingHints: PodTopologySpread and InterPodAffinity on nodes that join and on pods of other namespaces', () => {
  const hint = queueingHints(defaultSchedulerConfig());
  const spread = mkPod({ name: 's', labels: { app: 'z' } });
  spread.spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'z' } } }];
  const node = (labels: Record<string, string>) => mkNode({ name: 'x', labels });
  assert.equal(hint('PodTopologySpread', spread, 'NodeAdd', { nodes: [node({ rack: 'r1' })] }), false, 'no zone label');
  assert.equal(hint('PodTopologySpread', spread, 'NodeAdd', { nodes: [node({ zone: 'a' })] }), true);
  const z = (namespace: string, app: string) => mkPod({ name: 'p', namespace, labels: { app } });
  assert.equal(hint('PodTopologySpread', spread, 'AssignedPodAdd', { pods: [z('default', 'z')] }), true);
  assert.equal(hint('PodTopologySpread', spread, 'AssignedPodDelete', { pods: [z('default', 'y')] }), false, 'selector does not match');
  assert.equal(hint('PodTopologySpread', spread, 'AssignedPodAdd', { pods: [z('other', 'z')] }), false, 'another namespace');
  // ScheduleAnyway constraints are not hard: nothing the pod waits for.
  const soft = mkPod({ name: 'soft', labels: { app: 'z' } });
  soft.spec.topologySpreadConstraints = [{ ...spread.spec.topologySpreadConstraints[0]!, whenUnsatisfiable: 'ScheduleAnyway' }];
  assert.equal(hint('PodTopologySpread', soft, 'AssignedPodAdd', { pods: [z('default', 'z')] }), false);
  const anti = mkPod({ name: 'a', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'rack' }] } } });
  assert.equal(hint('InterPodAffinity', anti, 'NodeAdd', { nodes: [node({ zone: 'a' })] }), false, 'no rack label');
  assert.equal(hint('InterPodAffinity', anti, 'NodeAdd', { nodes: [node({ rack: 'r2' })] }), true);
  assert.equal(hint('InterPodAffinity', anti, 'AssignedPodDelete', { pods: [z('other', 'web')] }), false, 'the term names its own namespace only');
  assert.equal(hint('InterPodAffinity', anti, 'AssignedPodDelete', { pods: [z('default', 'web')] }), true);
  // Unknown objects (a pod the driver never saw was deleted): queue.
  assert.equal(hint('InterPodAffinity', anti, 'AssignedPodDelete', {}), true);
  // NodePorts: only a deleted pod holding a port the pod wants (0.0.0.0 conflicts with any IP).
  const withPort = (name: string, hostPort: number, hostIP?: string) => mkPod({ name, containers: [{ ports: [{ containerPort: 80, hostPort, ...(hostIP ? { hostIP } : {}) }] }] });
  const web = withPort('w', 8080);
  assert.equal(hint('NodePorts', web, 'AssignedPodDelete', { pods: [withPort('o', 9090)] }), false);
  assert.equal(hint('NodePorts', web, 'AssignedPodDelete', { pods: [mkPod({ name: 'none' })] }), false);
  assert.equal(hint('NodePorts', web, 'AssignedPodDelete', { pods: [withPort('o', 8080, '10.0.0.1')] }), true);
  assert.equal(hint('NodePorts', withPort('x', 8080, '10.0.0.2'), 'AssignedPodDelete', { pods: [withPort('o', 8080, '10.0.0.1')] }), false, 'different host IPs');
});
