// Workload file decoding: strict fields, opcodes, `$param` substitution, missing and unused parameters,
// --scale, selection, template validation. Every error names the file and the path inside it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/k8s/errors.js';
import { countParams, parseWorkloadText, resolveOps, scaleParams, selectWorkloads } from '../src/runner/workload.js';
import { parseGoDuration } from '../src/runner/decode.js';
import { readTemplate } from '../src/runner/templates.js';
import { planRuns } from '../src/runner/runner.js';

const F = 'workload.yaml';

const BASIC = `
- name: SchedulingBasic
  defaultPodTemplatePath: templates/pod-default.yaml
  workloadTemplate:
  - opcode: createNodes
    countParam: $initNodes
  - opcode: createPods
    countParam: $initPods
  - opcode: createPods
    countParam: $measurePods
    collectMetrics: true
  workloads:
  - name: 500Nodes
    labels: [short]
    params: {initNodes: 500, initPods: 500, measurePods: 1000}
  - name: 5000Nodes_10000Pods
    threshold: 680
    params: {initNodes: 5000, initPods: 1000, measurePods: 10000}
`;

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('no error thrown');
}

function resolveAll(text: string) {
  const cases = parseWorkloadText(F, text);
  return cases.flatMap((tc) => tc.workloads.map((w) => resolveOps(tc, w)));
}

test('a valid file decodes: names, labels, threshold, paths resolved against the file directory', () => {
  const [tc] = parseWorkloadText('/data/w/workload.yaml', BASIC);
  assert.equal(tc!.name, 'SchedulingBasic');
  assert.equal(tc!.defaultPodTemplatePath, '/data/w/templates/pod-default.yaml');
  assert.equal(tc!.ops.length, 3);
  assert.deepEqual(tc!.workloads.map((w) => [w.name, w.threshold, w.labels]), [['500Nodes', undefined, ['short']], ['5000Nodes_10000Pods', 680, []]]);
  const ops = resolveOps(tc!, tc!.workloads[1]!);
  assert.deepEqual(ops.map((o) => ('count' in o ? o.count : null)), [5000, 1000, 10000]);
  assert.equal(ops[2]!.opcode === 'createPods' && ops[2]!.collectMetrics, true);
});

test('unknown fields are errors naming the path', () => {
  const text = BASIC.replace('    collectMetrics: true', '    collectMetrics: true\n    colectMetrics: true');
  assert.equal(errorOf(() => parseWorkloadText(F, text)), 'workload.yaml: [0].workloadTemplate[2].colectMetrics: unknown field "colectMetrics"');
  assert.equal(
    errorOf(() => parseWorkloadText(F, BASIC.replace('  workloads:\n', '  workload:\n  workloads:\n'))),
    'workload.yaml: [0].workload: unknown field "workload"',
  );
  assert.equal(
    errorOf(() => parseWorkloadText(F, BASIC.replace('    threshold: 680', '    threshold: 680\n    thresholds: 1'))),
    'workload.yaml: [0].workloads[1].thresholds: unknown field "thresholds"',
  );
});

test('unknown opcode, wrong types and missing values', () => {
  assert.equal(
    errorOf(() => parseWorkloadText(F, BASIC.replace('opcode: createNodes', 'opcode: createNode'))),
    'workload.yaml: [0].workloadTemplate[0].opcode: unsupported opcode "createNode": supported: createNodes, createNamespaces, createPods, createPodSets, deletePods, churn, barrier, sleep, startCollectingMetrics, stopCollectingMetrics, createAny',
  );
  assert.equal(
    errorOf(() => parseWorkloadText(F, BASIC.replace('    collectMetrics: true', '    collectMetrics: yes please'))),
    'workload.yaml: [0].workloadTemplate[2].collectMetrics: expected true or false, got string',
  );
  assert.equal(
    errorOf(() => parseWorkloadText(F, BASIC.replace('    countParam: $initPods', '    count: -3'))),
    'workload.yaml: [0].workloadTemplate[1].count: must be >= 0, got -3',
  );
  assert.equal(
    errorOf(() => parseWorkloadText(F, BASIC.replace('    countParam: $initPods', '    podTemplatePath: x.yaml'))),
    'workload.yaml: [0].workloadTemplate[1].count: Required value: set count or countParam',
  );
  assert.equal(
    errorOf(() => parseWorkloadText(F, BASIC.replace('countParam: $initPods', 'countParam: initPods'))),
    'workload.yaml: [0].workloadTemplate[1].countParam: parameter reference must look like "$name", got "initPods"',
  );
  assert.equal(errorOf(() => parseWorkloadText(F, '- name: X\n  workloads: []\n')), 'workload.yaml: [0].workloadTemplate: Required value');
  assert.equal(errorOf(() => parseWorkloadText(F, 'name: X\n')), 'workload.yaml: expected a list, got object');
});

test('upstream op validation rules', () => {
  assert.equal(
    errorOf(() => parseWorkloadText(F, BASIC.replace('    collectMetrics: true', '    collectMetrics: true\n    skipWaitToCompletion: true'))),
    'workload.yaml: [0].workloadTemplate[2]: collectMetrics and skipWaitToCompletion cannot be true at the same time',
  );
  const churn = (extra: string) => BASIC.replace('  - opcode: createPods\n    countParam: $initPods\n', `  - opcode: churn\n${extra}`).replace('initPods: 500, ', '').replace('initPods: 1000, ', '');
  assert.equal(
    errorOf(() => parseWorkloadText(F, churn('    mode: recreate\n    templatePaths: [a.yaml]\n'))),
    'workload.yaml: [0].workloadTemplate[1].number: number cannot be 0 when mode is recreate',
  );
  assert.equal(
    errorOf(() => parseWorkloadText(F, churn('    mode: delete\n    templatePaths: [a.yaml]\n'))),
    'workload.yaml: [0].workloadTemplate[1].mode: invalid mode "delete": must be one of create, recreate',
  );
  assert.equal(
    errorOf(() => parseWorkloadText(F, churn('    mode: create\n'))),
    'workload.yaml: [0].workloadTemplate[1].templatePaths: at least one template spec file needs to be specified',
  );
  const ok = parseWorkloadText(F, churn('    mode: create\n    templatePaths: [a.yaml]\n'));
  const op = ok[0]!.ops[1]!;
  assert.equal(op.opcode === 'churn' && op.intervalMilliseconds, 500, 'upstream default interval is 500 ms');
  assert.equal(
    errorOf(() => parseWorkloadText(F, BASIC.replace('  - opcode: createNodes\n', '  - opcode: barrier\n    stageRequirement: Bound\n  - opcode: createNodes\n'))),
    'workload.yaml: [0].workloadTemplate[0].stageRequirement: invalid StageRequirement Bound: must be Scheduled or Attempted',
  );
  assert.equal(
    errorOf(() => parseWorkloadText(F, BASIC.replace('  - opcode: createNodes\n', '  - opcode: startCollectingMetrics\n  - opcode: createNodes\n'))),
    'workload.yaml: [0].workloadTemplate[0].namespaces: namespaces cannot be empty',
  );
  assert.equal(
    errorOf(() => parseWorkloadText(F, BASIC.replace('  - opcode: createNodes\n', '  - opcode: sleep\n    duration: 10 seconds\n  - opcode: createNodes\n'))),
    'workload.yaml: [0].workloadTemplate[0].duration: invalid duration "10 seconds" (examples: "500ms", "10s", "1m30s")',
  );
  assert.equal(
    errorOf(() => parseWorkloadText(F, BASIC.replace('    countParam: $initNodes\n', '    countParam: $initNodes\n    labelNodePrepareStrategy: {labelKey: a, labelValues: [b]}\n    uniqueNodeLabelStrategy: {labelKey: c}\n'))),
    'workload.yaml: [0].workloadTemplate[0]: at most one of nodeAllocatableStrategy, labelNodePrepareStrategy and uniqueNodeLabelStrategy may be set',
  );
  assert.equal(errorOf(() => parseWorkloadText(F, BASIC + BASIC)), 'workload.yaml: [1].name: duplicate test case name "SchedulingBasic"');
});

test('missing and unused parameters name the reference or the parameter', () => {
  assert.equal(
    errorOf(() => resolveAll(BASIC.replace('initPods: 500, ', ''))),
    'workload.yaml: [0].workloadTemplate[1].countParam: parameter "initPods" is undefined in workload "500Nodes"',
  );
  assert.equal(
    errorOf(() => resolveAll(BASIC.replace('measurePods: 10000}', 'measurePods: 10000, extra: 3}'))),
    'workload.yaml: [0].workloads[1].params.extra: parameter "extra" is defined but not used by test case "SchedulingBasic"',
  );
  assert.equal(
    errorOf(() => resolveAll(BASIC.replace('initNodes: 500,', 'initNodes: "500",'))),
    'workload.yaml: [0].workloads[0].params.initNodes: used as a count at [0].workloadTemplate[0].countParam: expected a non-negative integer, got "500"',
  );
  // Duration and steady-state parameters.
  const steady = BASIC.replace('    collectMetrics: true', '    steadyStateParam: $steady\n    durationParam: $dur').replace('measurePods: 1000}', 'measurePods: 1000, steady: true, dur: 2s}').replace('measurePods: 10000}', 'measurePods: 10000, steady: false, dur: "0"}');
  const [a, b] = resolveAll(steady);
  const pa = a![2]!;
  assert.ok(pa.opcode === 'createPods' && pa.steadyState && pa.durationMs === 2000);
  assert.ok(b![2]!.opcode === 'createPods' && !b![2]!.steadyState);
  assert.equal(
    errorOf(() => resolveAll(steady.replace('dur: 2s', 'dur: "0s"'))),
    'workload.yaml: [0].workloadTemplate[2].duration: when creating pods in a steady state, the test duration must be > 0',
  );
});

test('--scale multiplies count parameters only, rounding up, at least 1', () => {
  const [tc] = parseWorkloadText(F, BASIC.replace('  - opcode: createNodes\n', '  - opcode: sleep\n    durationParam: $pause\n  - opcode: createNodes\n').replace('measurePods: 1000}', 'measurePods: 1000, pause: 1s}').replace('measurePods: 10000}', 'measurePods: 10000, pause: 1s}'));
  const counts = countParams(tc!.ops);
  assert.deepEqual([...counts].sort(), ['initNodes', 'initPods', 'measurePods']);
  assert.deepEqual(scaleParams(tc!.workloads[1]!.params, counts, 0.1), { initNodes: 500, initPods: 100, measurePods: 1000, pause: '1s' });
  assert.deepEqual(scaleParams({ initNodes: 5, initPods: 1, measurePods: 0 }, counts, 0.01), { initNodes: 1, initPods: 1, measurePods: 1 });
  assert.deepEqual(scaleParams({ initNodes: 7, initPods: 3, measurePods: 10 }, counts, 0.5), { initNodes: 4, initPods: 2, measurePods: 5 });
});

test('selection by test case and workload name; nothing matching is an error listing what exists', () => {
  const cases = parseWorkloadText(F, BASIC);
  assert.equal(selectWorkloads(cases, F).length, 2);
  assert.deepEqual(selectWorkloads(cases, F, 'SchedulingBasic', '500Nodes').map((s) => s.w.name), ['500Nodes']);
  assert.deepEqual(selectWorkloads(cases, F, undefined, undefined, 'short').map((s) => s.w.name), ['500Nodes']);
  assert.equal(errorOf(() => selectWorkloads(cases, F, 'Nope')), 'workload.yaml: no test case "Nope" found; available: SchedulingBasic');
  assert.equal(errorOf(() => selectWorkloads(cases, F, 'SchedulingBasic', 'x')), 'workload.yaml: no test case "SchedulingBasic" with workload "x" found; available: 500Nodes, 5000Nodes_10000Pods');
});

test('Go durations', () => {
  assert.equal(parseGoDuration('1m30s'), 90_000);
  assert.equal(parseGoDuration('300ms'), 300);
  assert.equal(parseGoDuration('1.5h'), 5_400_000);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('2us'), 0.002);
  assert.equal(parseGoDuration('10'), undefined);
  assert.equal(parseGoDuration(''), undefined);
  assert.equal(parseGoDuration('1d'), undefined);
});

test('templates are validated by the loader rules and name file, object and field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-decode-'));
  const bad = join(dir, 'pod.yaml');
  writeFileSync(bad, 'apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: pod-\nspec:\n  containers:\n  - name: c\n    resources:\n      requests:\n        cpu: lots\n');
  assert.equal(
    errorOf(() => readTemplate(bad)),
    `${bad}: Pod <unnamed>: spec.containers[0].resources.requests[cpu]: Invalid value: "lots": invalid quantity "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
  );
  const node = join(dir, 'node.yaml');
  writeFileSync(node, 'apiVersion: v1\nkind: Node\nmetadata:\n  generateName: n-\nstatus:\n  capacity:\n    cpu: "4"\n    pods: "10"\n');
  const n = readTemplate(node) as { status: { allocatable: unknown } };
  assert.deepEqual(n.status.allocatable, { cpu: '4', pods: '10' }, 'allocatable defaults to capacity');
  const dep = join(dir, 'dep.yaml');
  writeFileSync(dep, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c}]}\n');
  assert.equal(errorOf(() => readTemplate(dep)), `${dep}: Deployment d: kind: Unsupported value: "Deployment": workload templates create pods directly`);
  const two = join(dir, 'two.yaml');
  writeFileSync(two, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n');
  assert.equal(errorOf(() => readTemplate(two)), `${two}: a template holds exactly one object, found 2`);
});

test('planRuns checks every workload of the file before running any', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-plan-'));
  const f = join(dir, 'w.yaml');
  writeFileSync(f, BASIC.replace('initNodes: 5000, ', ''));
  // The broken workload is not the selected one: still an error.
  assert.equal(
    errorOf(() => planRuns(f, { caseName: 'SchedulingBasic', workloadName: '500Nodes' })),
    `${f}: [0].workloadTemplate[0].countParam: parameter "initNodes" is undefined in workload "5000Nodes_10000Pods"`,
  );
  writeFileSync(f, BASIC);
  const plan = planRuns(f, { caseName: 'SchedulingBasic', workloadName: '5000Nodes_10000Pods', scale: 0.001 });
  assert.deepEqual(plan[0]!.params, { initNodes: 5, initPods: 1, measurePods: 10 });
  assert.deepEqual(plan[0]!.ops.map((o) => ('count' in o ? o.count : null)), [5, 1, 10]);
});

test('bundled workload files: every upstream test case of the scale-guidance table, with its sizes and threshold', async () => {
  const { readdirSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const dir = fileURLToPath(new URL('../../datasets/workloads/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  const perf = new Map<string, { threshold?: number; params: Record<string, unknown> }[]>();
  const shorts = new Set<string>();
  for (const f of files) {
    for (const { tc, w, params } of planRuns(join(dir, f), {})) {
      if (w.labels.includes('short')) shorts.add(tc.name);
      if (w.threshold !== undefined) perf.set(tc.name, [...(perf.get(tc.name) ?? []), { threshold: w.threshold, params }]);
    }
  }
  // scale-guidance.md: test case, initNodes / initPods / measurePods, threshold.
  const table: [string, Record<string, number>, number][] = [
    ['SchedulingBasic', { initNodes: 5000, initPods: 1000, measurePods: 10000 }, 680],
    ['SchedulingBasic', { initNodes: 5000, initPods: 5000, measurePods: 50000 }, 810],
    ['SchedulingPodAntiAffinity', { initNodes: 5000, initPods: 1000, measurePods: 2000 }, 60],
    ['SchedulingPodAffinity', { initNodes: 5000, initPods: 5000, measurePods: 5000 }, 35],
    ['SchedulingPreferredPodAffinity', { initNodes: 5000, initPods: 5000, measurePods: 5000 }, 90],
    ['SchedulingPreferredPodAntiAffinity', { initNodes: 5000, initPods: 5000, measurePods: 5000 }, 90],
    ['SchedulingNodeAffinity', { initNodes: 5000, initPods: 5000, measurePods: 10000 }, 220],
    ['TopologySpreading', { initNodes: 5000, initPods: 5000, measurePods: 5000 }, 460],
    ['PreferredTopologySpreading', { initNodes: 5000, initPods: 5000, measurePods: 5000 }, 340],
    ['DefaultTopologySpreading', { initNodes: 5000, initPods: 5000, measurePods: 50000 }, 160],
    ['MixedSchedulingBasePod', { initNodes: 5000, initPods: 2000, measurePods: 5000 }, 140],
    ['PreemptionAsync', { initNodes: 5000, initPods: 20000, measurePods: 5000 }, 570],
    ['Unschedulable', { initNodes: 5000, initPods: 100, measurePods: 10000 }, 590],
    ['SchedulingWithMixedChurn', { initNodes: 5000, measurePods: 10000 }, 710],
    ['SchedulingWithNodeInclusionPolicy', { normalNodes: 4000, taintNodes: 1000, measurePods: 4000 }, 270],
    ['SchedulingDaemonset', { initNodes: 15000, measurePods: 30000 }, 1100],
  ];
  for (const [name, params, threshold] of table) {
    const got = perf.get(name);
    assert.ok(got, `${name} has a workload with a threshold`);
    assert.ok(got.some((g) => g.threshold === threshold && JSON.stringify(Object.entries(g.params).sort()) === JSON.stringify(Object.entries(params).sort())), `${name}: ${JSON.stringify(params)} threshold ${threshold}; have ${JSON.stringify(got)}`);
    assert.ok(shorts.has(name), `${name} has a short workload`);
  }
  assert.ok(shorts.has('LargeClusterFill') && shorts.has('LargeClusterNodes'));
});
