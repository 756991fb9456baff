// Issue #4 plugin cases carried as data (test/data/scheduler2/{podtopologyspread,interpodaffinity}.json), run through
// the reference plugins as the framework calls them: PreFilter then Filter per node; PreScore over the feasible
// nodes, Score, NormalizeScore.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { emptyClusterObjects, type PodSpec, type Service } from '../src/k8s/types.js';
import { parseSchedulerConfig, API_VERSION } from '../src/scheduler/config.js';
import { parsePod } from '../src/scheduler/podinfo.js';
import { NodeInfo } from '../src/scheduler/reference/nodeinfo.js';
import { REGISTRY } from '../src/scheduler/reference/registry.js';
import { message, type CycleState } from '../src/scheduler/reference/framework.js';
import { mkNode, mkPod, type CompactNode, type CompactPod } from './scheduler-helpers.js';

type DataPod = CompactPod & { spec?: Partial<PodSpec> };
interface Case {
  name: string; origin: string; plugin: string; args?: unknown;
  nodes: CompactNode[]; feasible?: string[]; existing?: DataPod[]; pod: DataPod;
  services?: { selector: Record<string, string>; namespace?: string }[];
  namespaces?: { name: string; labels: Record<string, string> }[];
  expect: { scores?: number[]; skip?: boolean; filter?: string[]; filterCodes?: string[]; preFilterSkip?: boolean };
}

const dataDir = new URL('../../test/data/scheduler2/', import.meta.url);
const cases: Case[] = ['podtopologyspread.json', 'interpodaffinity.json']
  .flatMap((f) => (JSON.parse(readFileSync(new URL(f, dataDir), 'utf8')) as { cases: Case[] }).cases);

const podOf = (p: DataPod, i: number) => {
  const pod = mkPod(p, i);
  if (p.spec) Object.assign(pod.spec, p.spec);
  return pod;
};

test('carries at least 40 PodTopologySpread / InterPodAffinity cases, 10+ reproducing named upstream cases', () => {
  assert.ok(cases.length >= 40, `only ${cases.length} cases`);
  assert.ok(cases.filter((c) => c.origin.startsWith('upstream')).length >= 10);
});

function pluginArgs(name: string, args: unknown): unknown {
  const cfg = parseSchedulerConfig({
    apiVersion: API_VERSION, kind: 'KubeSchedulerConfiguration',
    profiles: [{ schedulerName: 'x', pluginConfig: args ? [{ name, args }] : [] }],
  });
  return (cfg.profiles[0]!.args as Record<string, unknown>)[name];
}

for (const c of cases) {
  test(`${c.plugin}: ${c.name}`, () => {
    const nodes = c.nodes.map((n) => new NodeInfo(mkNode(n)));
    (c.existing ?? []).forEach((p, i) => {
      const pi = parsePod(podOf({ ...p, name: `existing-${i}` }, i));
      nodes.find((n) => n.name === p.nodeName)!.addPod(pi);
    });
    const cluster = emptyClusterObjects();
    (c.services ?? []).forEach((s, i) => cluster.services.push({ metadata: { name: `svc-${i}`, namespace: s.namespace ?? 'default' }, spec: { selector: s.selector } } as Service));
    for (const ns of c.namespaces ?? []) cluster.namespaces.push({ metadata: { name: ns.name, labels: ns.labels } });
    const pod = parsePod(podOf(c.pod, 999));
    const plugin = REGISTRY[c.plugin]!(pluginArgs(c.plugin, c.args), { nodes, cluster });
    const state: CycleState = new Map();
    if (c.expect.filter) {
      const pre = plugin.preFilter?.(state, pod, nodes);
      assert.equal(pre?.status.code === 'Skip', c.expect.preFilterSkip === true, 'PreFilter Skip');
      const statuses = nodes.map((n) => (pre?.status.code === 'Skip' ? { code: 'Success', reasons: [] } : plugin.filter!(state, pod, n)));
      assert.deepEqual(statuses.map((s) => (s.code === 'Success' ? 'ok' : message(s as never))), c.expect.filter);
      if (c.expect.filterCodes) assert.deepEqual(statuses.map((s) => s.code), c.expect.filterCodes);
    }
    if (c.expect.scores || c.expect.skip) {
      const feasible = c.feasible ? nodes.filter((n) => c.feasible!.includes(n.name)) : nodes;
      const pre = plugin.preScore?.(state, pod, feasible);
      if (c.expect.skip) {
        assert.equal(pre?.code, 'Skip');
        return;
      }
      assert.notEqual(pre?.code, 'Skip');
      const scores = feasible.map((n) => plugin.score!(state, pod, n));
      plugin.normalizeScore?.(state, pod, scores, feasible);
      assert.deepEqual(scores, c.expect.scores);
    }
  });
}
