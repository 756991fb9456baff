// Custom plugins in the reference engine: small adapters to the framework's Plugin contract. Per-node
// plugins see NodeInfo-backed views; vectorised plugins are called with one row at a time on a
// NodeTable mirror of the reference nodes, built once per cycle. `prepare` runs lazily at the
// first filter/score call of a cycle (the CycleState is per cycle).

import { nodeAllocatable } from '../../model/cluster.js';
import { clusterInterners, NodeTable, resourceIndex } from '../../model/tables.js';
import type { PodInfo } from '../podinfo.js';
import { success, unschedulable, type CycleState, type Handle, type Plugin, type PluginFactory, type Status } from '../reference/framework.js';
import type { NodeInfo } from '../reference/nodeinfo.js';
import type { LoadedPlugin, PerNodePlugin, PluginCluster, PluginNode, PluginPod, VectorContext, VectorisedPlugin } from './api.js';
import { filterAnswer, guarded, normalizeInPlace, pluginPod, scoreValue, vectorContext } from './run.js';

interface CycleData {
  pod: PluginPod;
  views: Map<NodeInfo, PluginNode>;
  ctx?: VectorContext;
  rowOf?: Map<string, number>;
}

/** A NodeTable holding the reference nodes as they are now (requests, pod counts). */
function mirrorTable(nodes: readonly NodeInfo[]): { ctx: VectorContext; rowOf: Map<string, number> } {
  const table = NodeTable.create(clusterInterners(), Math.max(nodes.length, 1));
  const rowOf = new Map<string, number>();
  for (const ni of nodes) {
    const a = nodeAllocatable(ni.node);
    const row = table.add({
      name: ni.name, allocatable: a.amounts, allowedPods: a.pods, unschedulable: ni.unschedulable, labels: ni.labels, taints: ni.taints,
    });
    rowOf.set(ni.name, row);
  }
  for (const ni of nodes) for (const k of ni.requested.keys()) resourceIndex(table.interners, k);
  table.ensureResources();
  const c = table.cols;
  const cap = table.capacity;
  for (const ni of nodes) {
    const row = rowOf.get(ni.name)!;
    for (const [k, v] of ni.requested) c.req[resourceIndex(table.interners, k) * cap + row] = v;
    c.podCount[row] = ni.pods.length;
    c.nzCpu[row] = ni.nonZeroMilliCPU;
    c.nzMem[row] = ni.nonZeroMemory;
  }
  return { ctx: vectorContext(table), rowOf };
}

function nodeView(ni: NodeInfo): PluginNode {
  let alloc: Record<string, number> | undefined;
  let req: Record<string, number> | undefined;
  return {
    name: ni.name,
    labels: ni.labels,
    taints: ni.taints,
    unschedulable: ni.unschedulable,
    get allocatable() {
      if (!alloc) {
        const a = nodeAllocatable(ni.node);
        alloc = {};
        for (const [k, v] of a.amounts) if (v !== 0) alloc[k] = v;
        alloc.pods = a.pods;
      }
      return alloc;
    },
    get requested() {
      if (!req) {
        req = {};
        for (const [k, v] of ni.requested) if (v !== 0) req[k] = v;
      }
      return req;
    },
    get podCount() { return ni.pods.length; },
    get allowedPods() { return nodeAllocatable(ni.node).pods; },
    get pods() {
      return ni.pods.map((pi) => ({ key: pi.key, namespace: pi.namespace, name: pi.pod.metadata.name, labels: pi.pod.metadata.labels ?? {} }));
    },
  };
}

/** The framework Plugin for a custom plugin. */
export function customFactory(lp: LoadedPlugin): PluginFactory {
  return (_args: unknown, handle: Handle): Plugin => {
    const key = `custom/${lp.name}`;
    const cycle = (state: CycleState, pi: PodInfo): CycleData => {
      let d = state.get(key) as CycleData | undefined;
      if (d) return d;
      d = { pod: pluginPod(pi.pod, pi.key, pi.priority, pi.requests), views: new Map() };
      state.set(key, d);
      const data = d;
      if (lp.vectorised) {
        const m = mirrorTable(handle.nodes);
        data.ctx = m.ctx;
        data.rowOf = m.rowOf;
        const impl = lp.impl as VectorisedPlugin;
        if (impl.prepare) guarded(lp, pi.key, 'prepare', () => impl.prepare!(m.ctx, data.pod));
      } else {
        const impl = lp.impl as PerNodePlugin;
        if (impl.prepare) {
          const cluster: PluginCluster = { nodes: handle.nodes.map((n) => view(data, n)) };
          guarded(lp, pi.key, 'prepare', () => impl.prepare!(data.pod, cluster));
        }
      }
      return data;
    };
    const view = (d: CycleData, ni: NodeInfo): PluginNode => {
      let v = d.views.get(ni);
      if (!v) d.views.set(ni, (v = nodeView(ni)));
      return v;
    };
    const rowOf = (d: CycleData, ni: NodeInfo): Int32Array => Int32Array.of(d.rowOf!.get(ni.name) ?? 0);
    const plugin: { -readonly [K in keyof Plugin]: Plugin[K] } = { name: lp.name };
    if (lp.filters) {
      plugin.filter = (state: CycleState, pi: PodInfo, ni: NodeInfo): Status => {
        const d = cycle(state, pi);
        if (lp.vectorised) {
          const pass = Uint8Array.of(1);
          guarded(lp, pi.key, 'filter', () => (lp.impl as VectorisedPlugin).filter!(d.ctx!, d.pod, rowOf(d, ni), 1, pass));
          return pass[0] === 0 ? unschedulable(lp.reason) : success();
        }
        const r = filterAnswer(lp, pi.key, guarded(lp, pi.key, 'filter', () => (lp.impl as PerNodePlugin).filter!(d.pod, view(d, ni))));
        return r === null ? success() : unschedulable(r);
      };
    }
    if (lp.scores) {
      plugin.score = (state: CycleState, pi: PodInfo, ni: NodeInfo): number => {
        const d = cycle(state, pi);
        if (lp.vectorised) {
          const out = new Float64Array(1);
          guarded(lp, pi.key, 'score', () => (lp.impl as VectorisedPlugin).score!(d.ctx!, d.pod, rowOf(d, ni), 1, out));
          return scoreValue(lp, pi.key, out[0]);
        }
        return scoreValue(lp, pi.key, guarded(lp, pi.key, 'score', () => (lp.impl as PerNodePlugin).score!(d.pod, view(d, ni))));
      };
      plugin.normalizeScore = (_state: CycleState, pi: PodInfo, scores: number[]): void => normalizeInPlace(lp, pi.key, scores, scores.length);
    }
    return plugin as Plugin;
  };
}
