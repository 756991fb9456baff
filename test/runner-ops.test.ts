// Each workload op, run through the op interpreter on the queue driver (reference engine) with
// tiny clusters: what it creates, deletes or waits for, and how the simulated clock moves.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { ClusterObjects, Pod } from '../src/k8s/types.js';
import { parseWorkloadText, resolveOps } from '../src/runner/workload.js';
import { runWorkload, type WorkloadResult } from '../src/runner/runner.js';
import { K8S_NAME_ALPHABET } from '../src/model/rng.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Virtual workload file inside datasets/workloads, so `templates/...` resolves to the bundled templates. */
const FILE = join(ROOT, 'datasets/workloads/test-inline.yaml');

interface Run {
  result: WorkloadResult;
  state: ClusterObjects;
}

function run(ops: string, params = '{}', seed = 1, engine: 'fast' | 'reference' = 'reference'): Run {
  const text = `- name: T\n  workloadTemplate:\n${ops.replace(/^/gm, '  ').trimEnd()}\n  workloads:\n  - name: w\n    params: ${params}\n`;
  const [tc] = parseWorkloadText(FILE, text);
  const w = tc!.workloads[0]!;
  let state: ClusterObjects | undefined;
  const result = runWorkload(tc!, w, w.params, resolveOps(tc!, w), { engine, seed, onState: (s) => (state = s) });
  return { result, state: state! };
}

const bound = (pods: Pod[]) => pods.filter((p) => p.spec.nodeName).length;
const inNs = (s: ClusterObjects, ns: string) => s.pods.filter((p) => p.metadata.namespace === ns);

test('createNodes: default node, upstream names and the hostname label, deterministic per seed', () => {
  const { state } = run('- opcode: createNodes\n  count: 3');
  assert.equal(state.nodes.length, 3);
  for (const n of state.nodes) {
    assert.match(n.metadata.name, new RegExp(`^scheduler-perf-[${K8S_NAME_ALPHABET}]{5}$`));
    assert.equal(n.metadata.labels!['kubernetes.io/hostname'], n.metadata.name);
    assert.deepEqual(n.status!.allocatable, { pods: '110', cpu: '4', memory: '32Gi' });
  }
  assert.deepEqual(run('- opcode: createNodes\n  count: 3').state.nodes.map((n) => n.metadata.name), state.nodes.map((n) => n.metadata.name));
  assert.notDeepEqual(run('- opcode: createNodes\n  count: 3', '{}', 2).state.nodes.map((n) => n.metadata.name), state.nodes.map((n) => n.metadata.name));
});

test('createNodes strategies: labelNodePrepare round-robin, nodeAllocatable merge, uniqueNodeLabel', () => {
  const rr = run(`- opcode: createNodes
  countParam: $n
  nodeTemplatePath: templates/node-default.yaml
  labelNodePrepareStrategy:
    labelKey: topology.kubernetes.io/zone
    labelValues: [moon-1, moon-2, moon-3]`, '{n: 5}').state;
  assert.deepEqual(rr.nodes.map((n) => n.metadata.labels!['topology.kubernetes.io/zone']), ['moon-1', 'moon-2', 'moon-3', 'moon-1', 'moon-2']);
  const alloc = run(`- opcode: createNodes
  count: 2
  nodeTemplatePath: templates/node-default.yaml
  nodeAllocatableStrategy:
    nodeAllocatable: {attachable-volumes-csi-ebs.csi.aws.com: "39", cpu: "2"}
    csiNodeAllocatable: {ebs.csi.aws.com: {count: 39}}
    migratedPlugins: [kubernetes.io/aws-ebs]`).state;
  assert.deepEqual(alloc.nodes[0]!.status!.allocatable, { pods: '110', cpu: '2', memory: '32Gi', 'attachable-volumes-csi-ebs.csi.aws.com': '39' });
  assert.deepEqual(alloc.nodes[0]!.status!.capacity, { pods: '110', cpu: '4', memory: '32Gi' }, 'capacity untouched');
  const uniq = run('- opcode: createNodes\n  count: 4\n  uniqueNodeLabelStrategy: {labelKey: unique}').state;
  const values = uniq.nodes.map((n) => n.metadata.labels!.unique!);
  assert.equal(new Set(values).size, 4);
  for (const v of values) assert.match(v, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const named = run('- opcode: createNodes\n  count: 1\n  nodeTemplatePath: templates/node-with-name.yaml').state;
  assert.deepEqual(named.nodes.map((n) => n.metadata.name), ['scheduler-perf-node']);
  assert.throws(() => run('- opcode: createNodes\n  count: 2\n  nodeTemplatePath: templates/node-with-name.yaml'), /\[0\]\.workloadTemplate\[0\]\.count: the node template names its node "scheduler-perf-node", so count must be 1, got 2/);
});

test('createNamespaces and createPods: namespaces, pod names, default namespace namespace-<op index>', () => {
  const { state, result } = run(`- opcode: createNodes
  count: 2
- opcode: createNamespaces
  prefix: sched
  count: 2
- opcode: createPods
  count: 3
  namespace: sched-1
- opcode: createPods
  count: 2
  podTemplatePath: templates/pod-with-label.yaml`);
  assert.deepEqual(state.namespaces.map((n) => n.metadata.name), ['sched-0', 'sched-1', 'namespace-3']);
  assert.deepEqual(inNs(state, 'sched-1').map((p) => p.metadata.name), ['pod-0', 'pod-1', 'pod-2']);
  assert.deepEqual(inNs(state, 'namespace-3').map((p) => [p.metadata.name, p.metadata.labels]), [['pod-0', { app: 'scheduler-perf' }], ['pod-1', { app: 'scheduler-perf' }]]);
  assert.equal(bound(state.pods), 5, 'createPods waits until its pods are scheduled');
  assert.deepEqual(result.warnings, ['no op collects metrics (collectMetrics or start/stopCollectingMetrics): throughput is 0']);
  assert.throws(() => run('- opcode: createNamespaces\n  prefix: a\n  count: 1\n- opcode: createNamespaces\n  prefix: a\n  count: 1'), /\[0\]\.workloadTemplate\[1\]: namespace "a-0" already exists/);
});

test('createPods skipWaitToCompletion leaves pods queued; barrier Scheduled schedules them', () => {
  const skip = run('- opcode: createNodes\n  count: 1\n- opcode: createPods\n  count: 4\n  skipWaitToCompletion: true').state;
  assert.equal(bound(skip.pods), 0);
  const withBarrier = run('- opcode: createNodes\n  count: 1\n- opcode: createPods\n  count: 4\n  skipWaitToCompletion: true\n- opcode: barrier').state;
  assert.equal(bound(withBarrier.pods), 4);
  // Attempted: unschedulable pods count once tried.
  const attempted = run(`- opcode: createNodes
  count: 1
- opcode: createPods
  count: 2
  podTemplatePath: templates/pod-high-priority-large-cpu.yaml
  skipWaitToCompletion: true
- opcode: barrier
  stageRequirement: Attempted`);
  assert.deepEqual(attempted.result.warnings.filter((w) => w.includes('barrier')), []);
  const scheduled = run(`- opcode: createNodes
  count: 1
- opcode: createPods
  count: 2
  podTemplatePath: templates/pod-high-priority-large-cpu.yaml
  skipWaitToCompletion: true
- opcode: barrier
  namespaces: [namespace-1]`);
  assert.deepEqual(scheduled.result.warnings.filter((w) => w.includes('barrier')), ['[0].workloadTemplate[2]: barrier (Scheduled) gave up with 2 pod(s) not scheduled']);
});

test('createPodSets: one createPods per namespace <prefix>-<i>', () => {
  const { state } = run(`- opcode: createNodes
  count: 2
- opcode: createNamespaces
  prefix: init-ns
  countParam: $ns
- opcode: createPodSets
  countParam: $ns
  namespacePrefix: init-ns
  createPodsOp:
    opcode: createPods
    countParam: $perNs`, '{ns: 3, perNs: 2}');
  assert.deepEqual(['init-ns-0', 'init-ns-1', 'init-ns-2'].map((ns) => inNs(state, ns).length), [2, 2, 2]);
  assert.equal(bound(state.pods), 6);
});

test('deletePods: all at once, or paced on the simulated clock', () => {
  const now = run(`- opcode: createNodes
  count: 1
- opcode: createPods
  count: 3
  namespace: a
- opcode: createPods
  count: 2
  namespace: b
  podTemplatePath: templates/pod-with-label.yaml
- opcode: deletePods
  namespace: a`);
  assert.deepEqual(now.state.pods.map((p) => p.metadata.namespace), ['b', 'b']);
  const labelled = run(`- opcode: createNodes
  count: 1
- opcode: createPods
  count: 2
  namespace: a
- opcode: createPods
  count: 2
  namespace: a
  podTemplatePath: templates/pod-with-label.yaml
- opcode: deletePods
  namespace: a
  labelSelector: {app: scheduler-perf}`);
  assert.deepEqual(labelled.state.pods.map((p) => p.metadata.labels ?? {}), [{}, {}]);
  const paced = run(`- opcode: createNodes
  count: 1
- opcode: createPods
  count: 5
  namespace: a
- opcode: deletePods
  namespace: a
  deletePodsPerSecond: 10`);
  assert.equal(paced.state.pods.length, 0);
  // 5 attempts at 1 ms each, then one deletion every 100 ms: the fifth at 5 + 500 ms.
  assert.equal(paced.result.metrics.simulatedSeconds, 0.505);
  const async = run(`- opcode: createNodes
  count: 1
- opcode: createPods
  count: 5
  namespace: a
- opcode: deletePods
  namespace: a
  deletePodsPerSecond: 10
  skipWaitToCompletion: true
- opcode: sleep
  duration: 250ms`);
  assert.equal(async.state.pods.length, 3, 'two deletions happened during the 250 ms sleep');
});

test('churn create: one object per template every interval, up to number', () => {
  const unlimited = run(`- opcode: createNodes
  count: 1
- opcode: churn
  mode: create
  templatePaths: [templates/pod-high-priority-large-cpu.yaml, templates/service.yaml]
  intervalMilliseconds: 200
- opcode: sleep
  duration: 1s`);
  assert.equal(inNs(unlimited.state, 'namespace-1').length, 5, 'ticks at 200, 400, 600, 800, 1000 ms');
  assert.equal(unlimited.state.services.length, 5);
  assert.deepEqual(inNs(unlimited.state, 'namespace-1').map((p) => p.metadata.name), ['pod-h-0', 'pod-h-1', 'pod-h-2', 'pod-h-3', 'pod-h-4']);
  assert.equal(bound(unlimited.state.pods), 0, '9-CPU pods do not fit');
  const limited = run(`- opcode: createNodes
  count: 1
- opcode: churn
  mode: create
  number: 2
  templatePaths: [templates/pod-default.yaml]
  intervalMilliseconds: 100
- opcode: sleep
  duration: 1s`);
  assert.equal(limited.state.pods.length, 2);
  assert.equal(bound(limited.state.pods), 2);
});

test('churn recreate: create for number ticks, delete them over the next number ticks', () => {
  const r = run(`- opcode: createNodes
  count: 2
- opcode: churn
  mode: recreate
  number: 1
  templatePaths: [templates/pod-default.yaml, templates/churn/service-default.yaml, templates/churn/node-default.yaml]
  intervalMilliseconds: 1000
- opcode: sleep
  durationParam: $d`, '{d: 3500ms}');
  // Ticks at 1 s (create), 2 s (delete), 3 s (create).
  assert.deepEqual(r.state.pods.map((p) => p.metadata.name), ['pod-1']);
  assert.deepEqual(r.state.services.map((s) => s.metadata.name), ['service-churn-1']);
  const two = run(`- opcode: createNodes
  count: 1
- opcode: churn
  mode: recreate
  number: 2
  templatePaths: [templates/pod-default.yaml]
  intervalMilliseconds: 100
- opcode: sleep
  duration: 350ms`);
  // 100 create pod-0, 200 create pod-1, 300 delete pod-0.
  assert.deepEqual(two.state.pods.map((p) => p.metadata.name), ['pod-1']);
});

test('sleep advances the simulated clock; pods keep scheduling meanwhile', () => {
  const r = run('- opcode: createNodes\n  count: 1\n- opcode: createPods\n  count: 3\n  skipWaitToCompletion: true\n- opcode: sleep\n  duration: 2s');
  assert.equal(r.result.metrics.simulatedSeconds, 2);
  assert.equal(bound(r.state.pods), 3);
});

test('collectMetrics measures its own pods; start/stopCollectingMetrics a window over namespaces', () => {
  const m = run(`- opcode: createNodes
  count: 2
- opcode: createPods
  count: 4
- opcode: createPods
  count: 6
  collectMetrics: true`).result.metrics;
  assert.equal(m.scheduled, 6);
  assert.equal(m.unschedulable, 0);
  assert.equal(m.attempts, 6);
  assert.ok(m.SchedulingThroughput.Average > 0 && m.wallSeconds > 0);
  const win = run(`- opcode: createNodes
  count: 2
- opcode: createPods
  count: 4
  namespace: x
- opcode: startCollectingMetrics
  name: window
  namespaces: [y]
- opcode: createPods
  count: 3
  namespace: y
- opcode: createPods
  count: 5
  namespace: z
- opcode: stopCollectingMetrics`).result.metrics;
  assert.equal(win.scheduled, 3, 'only namespace y counts');
  assert.equal(win.attempts, 8, 'attempts count every pod scheduled inside the window');
  const unsched = run(`- opcode: createNodes
  count: 1
- opcode: createPods
  count: 3
  podTemplatePath: templates/pod-high-priority-large-cpu.yaml
  collectMetrics: true`);
  assert.equal(unsched.result.metrics.unschedulable, 3);
  assert.equal(unsched.result.metrics.scheduled, 0);
  assert.deepEqual(unsched.result.unboundExamples, ['namespace-1/pod-h-0', 'namespace-1/pod-h-1', 'namespace-1/pod-h-2']);
  assert.throws(() => run('- opcode: stopCollectingMetrics'), /\[0\]\.workloadTemplate\[0\]: stopCollectingMetrics without startCollectingMetrics/);
});

test('createAny creates services in a namespace and refuses a scope mismatch', () => {
  const r = run('- opcode: createAny\n  namespace: service-ns\n  templatePath: templates/service.yaml\n  count: 2');
  assert.deepEqual(r.state.services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`), ['service-ns/service-0', 'service-ns/service-1']);
  assert.deepEqual(r.state.namespaces.map((n) => n.metadata.name), ['service-ns']);
  assert.throws(() => run('- opcode: createAny\n  templatePath: templates/service.yaml'), /\[0\]\.workloadTemplate\[0\]\.namespace: namespace not set, but Service is namespaced/);
});

test('steadyState: every scheduled pod is deleted and replaced for the duration', () => {
  const r = run(`- opcode: createNodes
  count: 1
- opcode: createPods
  count: 2
  namespace: steady
  steadyState: true
  duration: 100ms`);
  const pods = inNs(r.state, 'steady');
  // Each replacement round: 2 attempts (2 ms) then the replacement at the next 1 ms tick.
  assert.equal(pods.length, 2, 'the op keeps its pod count');
  const last = Math.max(...pods.map((p) => Number(p.metadata.name.slice(4))));
  assert.ok(last > 20, `pods were replaced many times (last pod-${last})`);
});

test('QueueingHints through the runner, both engines: joining nodes too small for a 9-CPU pod do not bring it back, a large one does', () => {
  const ops = `- opcode: createNodes
  count: 2
- opcode: startCollectingMetrics
  namespaces: [namespace-2]
- opcode: createPods
  count: 3
  podTemplatePath: templates/pod-high-priority-large-cpu.yaml
  skipWaitToCompletion: true
- opcode: sleep
  duration: 20s
- opcode: createNodes
  count: 5
- opcode: sleep
  duration: 20s
- opcode: createNodes
  count: 1
  nodeAllocatableStrategy:
    nodeAllocatable: {cpu: "32"}
- opcode: barrier
- opcode: stopCollectingMetrics`;
  for (const engine of ['fast', 'reference'] as const) {
    const { result, state } = run(ops, '{}', 1, engine);
    assert.equal(bound(inNs(state, 'namespace-2')), 3, engine);
    // Three first attempts, three after the 32-CPU node; none when the five 4-CPU nodes joined.
    assert.equal(result.metrics.attempts, 6, engine);
  }
});
