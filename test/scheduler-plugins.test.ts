// Upstream plugin unit cases carried as data (test/data/scheduler/plugin-*.json), run through the
// reference engine's plugins exactly as the framework calls them: PreFilter, Filter / PreScore, Score, NormalizeScore.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSchedulerConfig, API_VERSION } from '../src/scheduler/config.js';
import { parsePod } from '../src/scheduler/podinfo.js';
import { buildImageStates, NodeInfo } from '../src/scheduler/reference/nodeinfo.js';
import { REGISTRY } from '../src/scheduler/reference/registry.js';
import { message, type CycleState } from '../src/scheduler/reference/framework.js';
import { mkNode, mkPod, type CompactNode, type CompactPod } from './scheduler-helpers.js';

interface Case {
  name: string; origin: string; plugin: string; args?: unknown;
  nodes: CompactNode[]; existing?: CompactPod[]; pod: CompactPod;
  expect: { scores?: number[]; skip?: boolean; filter?: string[]; preFilterNodes?: string[] };
}

const dataDir = new URL('../../test/data/scheduler/', import.meta.url);
const files = ['plugin-resources.json', 'plugin-nodes.json'];
const cases: Case[] = files.flatMap((f) => (JSON.parse(readFileSync(new URL(f, dataDir), 'utf8')) as { cases: Case[] }).cases);

test('carries at least 40 upstream-style plugin cases', () => {
  assert.ok(cases.length >= 40, `only ${cases.length} cases`);
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
    buildImageStates(nodes);
    (c.existing ?? []).forEach((p, i) => {
      const pi = parsePod(mkPod({ ...p, name: `existing-${i}` }));
      nodes.find((n) => n.name === p.nodeName)!.addPod(pi);
    });
    const pod = parsePod(mkPod(c.pod, 999));
    const plugin = REGISTRY[c.plugin]!(pluginArgs(c.plugin, c.args), { nodes });
    const state: CycleState = new Map();
    if (c.expect.filter) {
      const pre = plugin.preFilter?.(state, pod, nodes);
      if (c.expect.preFilterNodes) assert.deepEqual([...(pre?.nodeNames ?? [])].sort(), c.expect.preFilterNodes);
      const skipped = pre?.status.code === 'Skip';
      const got = nodes.map((n) => {
        if (skipped) return 'ok';
        const s = plugin.filter!(state, pod, n);
        return s.code === 'Success' ? 'ok' : message(s);
      });
      assert.deepEqual(got, c.expect.filter);
    }
    if (c.expect.scores || c.expect.skip) {
      const pre = plugin.preScore?.(state, pod, nodes);
      if (c.expect.skip) {
        assert.equal(pre?.code, 'Skip');
        return;
      }
      assert.notEqual(pre?.code, 'Skip');
      const scores = nodes.map((n) => plugin.score!(state, pod, n));
      plugin.normalizeScore?.(state, pod, scores);
      assert.deepEqual(scores, c.expect.scores);
    }
  });
}
