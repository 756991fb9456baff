// The final-state validator: each constraint kind caught on a hand-made state, then several bundled
// short workloads run end to end (CLI, --dump-state) and their dumped states validated.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node, Pod } from '../src/k8s/types.js';
import { stateFromList, validateState } from '../src/runner/validate-state.js';
import { planRuns, runWorkload } from '../src/runner/runner.js';
import { readdirSync } from 'node:fs';
import type { ClusterObjects } from '../src/k8s/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/kubescale.js');
const W = (f: string) => join(ROOT, 'datasets/workloads', f);

function node(name: string, labels: Record<string, string> = {}, extra: Partial<Node> = {}): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    status: { allocatable: { cpu: '1', memory: '1Gi', pods: '3' } }, ...extra,
  };
}

function pod(name: string, nodeName: string | undefined, spec: Partial<Pod['spec']> = {}, labels: Record<string, string> = {}, ns = 'default'): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'c', resources: { requests: { cpu: '100m', memory: '100Mi' } } }], ...(nodeName ? { nodeName } : {}), ...spec },
  };
}

test('a valid state has no violations; unbound pods are ignored', () => {
  const v = validateState({ nodes: [node('a'), node('b')], pods: [pod('p1', 'a'), pod('p2', 'b'), pod('p3', undefined, { containers: [{ name: 'c', resources: { requests: { cpu: '64' } } }] })] });
  assert.deepEqual(v, []);
});

test('resources and pod count', () => {
  const big = { containers: [{ name: 'c', resources: { requests: { cpu: '600m', memory: '100Mi' } } }] };
  assert.deepEqual(validateState({ nodes: [node('a')], pods: [pod('p1', 'a', big), pod('p2', 'a', big)] }), [
    { kind: 'resources', node: 'a', detail: 'cpu requested 1200 > allocatable 1000' },
  ]);
  const four = [1, 2, 3, 4].map((i) => pod(`p${i}`, 'a'));
  assert.deepEqual(validateState({ nodes: [node('a')], pods: four }), [{ kind: 'pods', node: 'a', detail: '4 pods > allocatable 3' }]);
  assert.deepEqual(validateState({ nodes: [node('a')], pods: [pod('p', 'gone')] }), [
    { kind: 'unknownNode', node: 'gone', pod: 'default/p', detail: 'bound to node gone, which is not in the state' },
  ]);
});

test('taints and node affinity', () => {
  const tainted = node('t', {}, { spec: { taints: [{ key: 'foo', effect: 'NoSchedule' }, { key: 'soft', effect: 'PreferNoSchedule' }] } });
  assert.deepEqual(validateState({ nodes: [tainted], pods: [pod('p', 't')] }), [
    { kind: 'taints', node: 't', pod: 'default/p', detail: 'taint {foo: } (NoSchedule) not tolerated' },
  ]);
  assert.deepEqual(validateState({ nodes: [tainted], pods: [pod('p', 't', { tolerations: [{ key: 'foo', operator: 'Exists' }] })] }), []);
  const zoned = node('z', { 'topology.kubernetes.io/zone': 'zone3' });
  const affinity = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In' as const, values: ['zone1', 'zone2'] }] }] } } } };
  assert.deepEqual(validateState({ nodes: [zoned], pods: [pod('p', 'z', affinity)] }).map((v) => v.kind), ['nodeAffinity']);
  assert.deepEqual(validateState({ nodes: [zoned], pods: [pod('p', 'z', { nodeSelector: { disk: 'ssd' } })] }).map((v) => v.kind), ['nodeAffinity']);
  const pinned = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In' as const, values: ['z'] }] }] } } } };
  assert.deepEqual(validateState({ nodes: [zoned], pods: [pod('p', 'z', pinned)] }), []);
});

test('topology spread: DoNotSchedule skew over eligible domains', () => {
  const nodes = [node('a', { zone: 'z1' }), node('b', { zone: 'z2' }), node('c', { zone: 'z3', pool: 'gpu' })];
  const spread = (maxSkew: number, extra: object = {}) => ({
    topologySpreadConstraints: [{ maxSkew, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' as const, labelSelector: { matchLabels: { app: 'x' } }, ...extra }],
  });
  const pods = [pod('p1', 'a', spread(1), { app: 'x' }), pod('p2', 'a', spread(1), { app: 'x' }), pod('p3', 'b', spread(1), { app: 'x' })];
  assert.deepEqual(validateState({ nodes, pods }), [
    { kind: 'topologySpread', node: 'a', pod: 'default/p1', detail: 'zone skew 2 > maxSkew 1 (z1: 2, min 0)' },
  ]);
  // maxSkew 2 holds; ScheduleAnyway is never checked.
  assert.deepEqual(validateState({ nodes, pods: pods.map((p) => ({ ...p, spec: { ...p.spec, ...spread(2) } })) }), []);
  assert.deepEqual(validateState({ nodes, pods: pods.map((p) => ({ ...p, spec: { ...p.spec, topologySpreadConstraints: [{ ...spread(1).topologySpreadConstraints[0]!, whenUnsatisfiable: 'ScheduleAnyway' as const }] } })) }), []);
  // Node affinity (nodeAffinityPolicy Honor) keeps z3 out of the domains: skew 2 - 1 = 1.
  const notGpu = { nodeSelector: undefined, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'DoesNotExist' as const }] }] } } } };
  const honored = pods.map((p) => ({ ...p, spec: { ...p.spec, ...notGpu } }));
  assert.deepEqual(validateState({ nodes, pods: honored }), []);
  // Pods of other namespaces and non-matching labels do not count.
  assert.deepEqual(validateState({ nodes, pods: [...honored, pod('o1', 'c', {}, { app: 'x' }, 'other'), pod('o2', 'c', {}, { app: 'y' })] }), []);
});

test('required anti-affinity: no matching pod in the same topology domain', () => {
  const nodes = [node('a', { zone: 'z1' }), node('b', { zone: 'z1' })];
  const anti = (topologyKey: string, namespaces?: string[]) => ({
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey, ...(namespaces ? { namespaces } : {}) }] } },
  });
  const green = { color: 'green' };
  assert.deepEqual(validateState({ nodes, pods: [pod('p1', 'a', anti('kubernetes.io/hostname'), green), pod('p2', 'b', anti('kubernetes.io/hostname'), green)] }), []);
  const same = validateState({ nodes, pods: [pod('p1', 'a', anti('kubernetes.io/hostname'), green), pod('p2', 'a', {}, green)] });
  assert.deepEqual(same, [{ kind: 'antiAffinity', node: 'a', pod: 'default/p1', detail: 'shares kubernetes.io/hostname=a with default/p2 (on a), which its required anti-affinity excludes' }]);
  const zone = validateState({ nodes, pods: [pod('p1', 'a', anti('zone'), green), pod('p2', 'b', {}, green)] });
  assert.deepEqual(zone.map((v) => v.kind), ['antiAffinity']);
  // Namespaces: a term without namespaces covers the pod's own; listed ones otherwise.
  assert.deepEqual(validateState({ nodes, pods: [pod('p1', 'a', anti('zone'), green), pod('p2', 'b', {}, green, 'other')] }), []);
  assert.deepEqual(validateState({ nodes, pods: [pod('p1', 'a', anti('zone', ['other']), green), pod('p2', 'b', {}, green, 'other')] }).map((v) => v.kind), ['antiAffinity']);
});

const CASES: [string, string][] = [
  ['misc.yaml', 'SchedulingBasic'],
  ['misc.yaml', 'Unschedulable'],
  ['misc.yaml', 'SchedulingDaemonset'],
  ['affinity.yaml', 'SchedulingPodAntiAffinity'],
  ['affinity.yaml', 'SchedulingNodeAffinity'],
  ['affinity.yaml', 'MixedSchedulingBasePod'],
  ['topology-spreading.yaml', 'TopologySpreading'],
  ['topology-spreading.yaml', 'SchedulingWithNodeInclusionPolicy'],
];

test('bundled short workloads run through the CLI; their dumped states satisfy every constraint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-validate-'));
  for (const [file, tc] of CASES) {
    const dump = join(dir, `${tc}.json`);
    const out = execFileSync('node', [BIN, 'run', W(file), '--case', tc, '--workload', 'short', '--engine', 'reference', '-o', 'json', '--dump-state', dump], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const doc = JSON.parse(out) as { results: { testCase: string; metrics: { scheduled: number; unschedulable: number }; passed: boolean }[] };
    assert.equal(doc.results.length, 1);
    assert.equal(doc.results[0]!.testCase, tc);
    assert.ok(doc.results[0]!.metrics.scheduled > 0, `${tc}: measured pods scheduled`);
    const state = stateFromList(JSON.parse(readFileSync(dump, 'utf8')) as { items: never[] });
    assert.ok(state.nodes.length > 0 && state.pods.length > 0);
    assert.deepEqual(validateState(state), [], `${tc}: dumped state violates constraints`);
  }
});

test('every bundled short workload runs in-process and leaves a valid state', () => {
  let runs = 0;
  for (const f of readdirSync(join(ROOT, 'datasets/workloads')).filter((x) => x.endsWith('.yaml'))) {
    for (const { tc, w, params, ops } of planRuns(W(f), { label: 'short' })) {
      let state: ClusterObjects | undefined;
      const r = runWorkload(tc, w, params, ops, { engine: 'reference', seed: 7, onState: (s) => (state = s) });
      assert.ok(r.metrics.scheduled > 0, `${tc.name}/${w.name}: no measured pod scheduled`);
      assert.deepEqual(validateState(state!), [], `${tc.name}/${w.name}`);
      runs++;
    }
  }
  assert.ok(runs >= 17, `ran ${runs} short workloads`);
});

test('a state built to break anti-affinity and spread is caught after a real run (validator is not vacuous)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-validate-'));
  const dump = join(dir, 'anti.json');
  execFileSync('node', [BIN, 'run', W('affinity.yaml'), '--case', 'SchedulingPodAntiAffinity', '--workload', 'short', '--engine', 'reference', '-o', 'json', '--dump-state', dump], { stdio: 'ignore' });
  const state = stateFromList(JSON.parse(readFileSync(dump, 'utf8')) as { items: never[] });
  const greens = state.pods.filter((p) => p.spec.nodeName);
  assert.ok(greens.length >= 2);
  greens[1]!.spec.nodeName = greens[0]!.spec.nodeName;
  assert.ok(validateState(state).some((v) => v.kind === 'antiAffinity'));
});

test('kubescale run: table output, --out writes the results schema (results.json, report.md, index.html) and perf-dash.json, usage and input errors exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-cli-'));
  const table = execFileSync('node', [BIN, 'run', W('misc.yaml'), '--case', 'SchedulingBasic', '--workload', 'short', '--out', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.match(table.split('\n')[0]!, /^TEST CASE\s+WORKLOAD\s+ENGINE\s+AVERAGE/);
  assert.match(table.split('\n')[1]!, /^SchedulingBasic\s+short\s+/);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { schema: string; runs: { params: unknown; threshold: unknown; passed: boolean }[]; environment: { cores: number } };
  assert.deepEqual(results.runs[0]!.params, { initNodes: 5, initPods: 5, measurePods: 10 });
  assert.equal(results.runs[0]!.threshold, null);
  assert.equal(results.runs[0]!.passed, true);
  assert.ok(results.environment.cores >= 1);
  assert.match(readFileSync(join(dir, 'report.md'), 'utf8'), /SchedulingBasic/);
  assert.match(readFileSync(join(dir, 'index.html'), 'utf8'), /SchedulingBasic/);
  const dash = JSON.parse(readFileSync(join(dir, 'perf-dash.json'), 'utf8')) as { version: string; dataItems: { labels: { Name: string; Metric: string }; unit: string }[] };
  assert.equal(dash.version, 'v1');
  assert.deepEqual(dash.dataItems.map((d) => [d.labels.Name, d.labels.Metric, d.unit]), [['SchedulingBasic/short', 'SchedulingThroughput', 'pods/s']]);

  const missing = spawnSync('node', [BIN, 'run', W('misc.yaml'), '--case', 'Nope'], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /^kubescale: .*misc\.yaml: no test case "Nope" found; available: SchedulingBasic, SchedulingDaemonset, /);
  const badScale = spawnSync('node', [BIN, 'run', W('misc.yaml'), '--scale', '0'], { encoding: 'utf8' });
  assert.equal(badScale.status, 2);
  assert.equal(badScale.stderr, 'kubescale: --scale must be > 0, got 0\n');
  assert.ok(!existsSync(join(dir, 'nothing')));
  const slow = spawnSync('node', [BIN, 'run', join(ROOT, 'test/data/runner/threshold.yaml'), '-o', 'json'], { encoding: 'utf8' });
  assert.equal(slow.status, 1);
  const doc = JSON.parse(slow.stdout) as { results: { passed: boolean; threshold: number }[] };
  assert.deepEqual(doc.results.map((r) => [r.passed, r.threshold]), [[false, 1e12]]);
  assert.match(slow.stderr, /kubescale: 1 workload\(s\) below threshold: Unreachable\/tiny [0-9.]+ < 1000000000000\n$/);
});
