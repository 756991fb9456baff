// The PodTopologySpread and InterPodAffinity score cases of test/data/scheduler2 through
// `kubescale schedule --explain -o json`, with both engines: a profile that runs only the plugin
// under test (plus queue sort and binder), and the normalized score of every node in the explain.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PodSpec } from '../src/k8s/types.js';
import { mkNode, mkPod, type CompactNode, type CompactPod } from './scheduler-helpers.js';

type DataPod = CompactPod & { spec?: Partial<PodSpec> };
interface Case {
  name: string; origin: string; plugin: string; args?: unknown;
  nodes: CompactNode[]; feasible?: string[]; existing?: DataPod[]; pod: DataPod;
  services?: { selector: Record<string, string>; namespace?: string }[];
  namespaces?: { name: string; labels: Record<string, string> }[];
  expect: { scores?: number[]; skip?: boolean };
}

const BIN = new URL('../../bin/kubescale.js', import.meta.url).pathname;
const dataDir = new URL('../../test/data/scheduler2/', import.meta.url);
const cases: Case[] = ['podtopologyspread.json', 'interpodaffinity.json']
  .flatMap((f) => (JSON.parse(readFileSync(new URL(f, dataDir), 'utf8')) as { cases: Case[] }).cases)
  // A whole cycle scores the nodes that pass the filters: cases that hand Score a subset, or one node, are plugin-level only.
  .filter((c) => c.expect.scores && !c.feasible && c.nodes.length > 1);
const dir = mkdtempSync(join(tmpdir(), 'kubescale-s2-'));

const podOf = (p: DataPod, i: number, name: string) => {
  const pod = mkPod({ ...p, name }, i);
  if (p.spec) Object.assign(pod.spec, p.spec);
  // Real manifests need a container; requests stay empty, so no resource score moves.
  if (pod.spec.containers.length === 0) pod.spec.containers = [{ name: 'c' }];
  return pod;
};

test('at least 10 score cases run through the CLI', () => {
  assert.ok(cases.length >= 10, `only ${cases.length}`);
});

for (const [i, c] of cases.entries()) {
  const docs: unknown[] = [
    ...c.nodes.map((n) => mkNode({ ...n, alloc: { cpu: '100', memory: '1000Gi', pods: '1000', ...(n.alloc ?? {}) } })),
    ...(c.existing ?? []).map((p, j) => ({ ...podOf(p, j, `existing-${j}`), status: { phase: 'Running' } })),
    podOf(c.pod, 999, 'incoming'),
    ...(c.services ?? []).map((s, j) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${j}`, namespace: s.namespace ?? 'default' }, spec: { selector: s.selector, ports: [{ port: 80 }] } })),
    ...(c.namespaces ?? []).map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: ns.labels } })),
    {
      apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration',
      profiles: [{
        schedulerName: 'default-scheduler',
        plugins: { multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'PrioritySort' }, { name: 'DefaultBinder' }, { name: c.plugin }] } },
        ...(c.args ? { pluginConfig: [{ name: c.plugin, args: c.args }] } : {}),
      }],
    },
  ];
  const file = join(dir, `case-${i}.json`);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs }));
  for (const engine of ['fast', 'reference']) {
    test(`${c.plugin} score through the CLI (${engine}): ${c.name}`, () => {
      const r = spawnSync(process.execPath, [BIN, 'schedule', file, '--explain', '-o', 'json', '--engine', engine], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { explain: { pod: string; nodes: { node: string; scores?: Record<string, { normalized: number }> }[] }[] };
      const ex = out.explain.find((e) => e.pod.endsWith('/incoming'))!;
      const got = c.nodes.map((n) => ex.nodes.find((x) => x.node === n.name)?.scores?.[c.plugin]?.normalized ?? null);
      assert.deepEqual(got, c.expect.scores);
    });
  }
}
