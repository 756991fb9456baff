// Custom plugins in the fast engine. Per cycle: every custom filter is evaluated once over the
// nodes the cycle may visit (a filter's answer for one node does not depend on which other nodes the
// sampling visits), folded into a copy of the plan's pass bitset so the engine's hot scan stays as it
// is; the first failing custom filter and its reason are kept per node row for FitErrors and
// --explain. Custom scores fill the engine's raw score array for the feasible rows.

import type { Pod } from '../../k8s/types.js';
import { EFFECTS, NODE_UNSCHEDULABLE, PHASE_FAILED, PHASE_SUCCEEDED, type NodeTable } from '../../model/tables.js';
import type { ClusterTables } from '../../model/cluster.js';
import { podRequests } from '../../model/requests.js';
import type { Profile } from '../config.js';
import type { CustomPlugins, LoadedPlugin, PerNodePlugin, PluginBoundPod, PluginCluster, PluginNode, PluginPod, VectorContext, VectorisedPlugin } from './api.js';
import { filterAnswer, guarded, normalizeInPlace, pluginPod, scoreValue, vectorContext } from './run.js';

/** The custom plugins one profile enables, resolved for the fast engine. */
export class FastCustom {
  readonly filters: LoadedPlugin[];
  readonly scoreByName: Map<string, LoadedPlugin>;
  private readonly all: LoadedPlugin[];
  private ctx: VectorContext;
  private pod!: PluginPod;
  private podKey = '';
  /** Per node row: index+1 of the first failing custom filter, 0 = passes. */
  private failIdx = new Uint16Array(0);
  private readonly reasons = new Map<number, string>();
  private pass = new Uint8Array(0);
  private rowsScratch = new Int32Array(0);
  private clusterView: PluginCluster | null = null;
  private podsByRow: PluginBoundPod[][] | null = null;
  private readonly views = new Map<number, PluginNode>();
  private readonly requests = new WeakMap<object, Map<string, number>>();

  private constructor(plugins: LoadedPlugin[], profile: Profile, private readonly t: ClusterTables, private readonly podObject: (row: number) => Pod | undefined) {
    const inFilter = new Set(profile.plugins.filter);
    this.filters = plugins.filter((p) => p.filters && inFilter.has(p.name));
    // Profile order, so filters run as the reference engine runs them.
    this.filters.sort((a, b) => profile.plugins.filter.indexOf(a.name) - profile.plugins.filter.indexOf(b.name));
    this.scoreByName = new Map(plugins.filter((p) => p.scores && profile.plugins.score.includes(p.name)).map((p) => [p.name, p]));
    this.all = [...new Set([...this.filters, ...this.scoreByName.values()])];
    this.ctx = vectorContext(t.nodes);
  }

  /** Null when the profile enables no custom plugin. */
  static forProfile(profile: Profile, custom: CustomPlugins | undefined, t: ClusterTables, podObject: (row: number) => Pod | undefined): FastCustom | null {
    if (!custom) return null;
    const used = [...custom.byName.values()].filter((p) => profile.plugins.filter.includes(p.name) || profile.plugins.score.includes(p.name));
    return used.length === 0 ? null : new FastCustom(used, profile, t, podObject);
  }

  /** Cycle start: the pod view, every plugin's prepare. */
  begin(pod: Pod, key: string, priority: number): void {
    const nodes = this.t.nodes;
    if (this.ctx.table !== nodes) this.ctx = vectorContext(nodes);
    let req = this.requests.get(pod.spec);
    if (!req) this.requests.set(pod.spec, (req = podRequests(pod.spec).requests));
    this.pod = pluginPod(pod, key, priority, req);
    this.podKey = key;
    this.clusterView = null;
    this.podsByRow = null;
    this.views.clear();
    for (const p of this.all) {
      const impl = p.impl;
      if (!impl.prepare) continue;
      if (p.vectorised) guarded(p, key, 'prepare', () => (impl as VectorisedPlugin).prepare!(this.ctx, this.pod));
      else guarded(p, key, 'prepare', () => (impl as PerNodePlugin).prepare!(this.pod, this.cluster()));
    }
  }

  /**
   * The plan for this cycle: a shallow copy whose pass bitset (and the filter inputs holding it, when
   * the plan has them) also carries the custom filters' answers over `order`.
   */
  derivePlan<P extends { staticPass: Uint32Array; filterInputs?: { staticPass: Uint32Array } }>(plan: P, order: Int32Array): P {
    const pass = this.applyFilters(order, plan.staticPass);
    const out: P = { ...plan, staticPass: pass };
    if (plan.filterInputs) out.filterInputs = { ...plan.filterInputs, staticPass: pass };
    return out;
  }

  /**
   * Runs every custom filter over `order` (node rows) and returns `pass` ANDed with the result as a
   * new bitset over node rows; remembers the first failing plugin and its reason per row.
   */
  applyFilters(order: Int32Array, staticPass: Uint32Array): Uint32Array {
    const nodes = this.t.nodes;
    const n = nodes.count;
    if (this.failIdx.length < n) this.failIdx = new Uint16Array(n);
    else this.failIdx.fill(0);
    this.reasons.clear();
    const out = Uint32Array.from(staticPass);
    if (this.filters.length === 0) return out;
    const len = order.length;
    if (this.pass.length < len) {
      this.pass = new Uint8Array(len);
      this.rowsScratch = new Int32Array(len);
    }
    this.filters.forEach((p, fi) => {
      // Rows not rejected yet by an earlier custom filter.
      const rows = this.rowsScratch;
      let count = 0;
      for (let i = 0; i < len; i++) if (this.failIdx[order[i]!] === 0) rows[count++] = order[i]!;
      const pass = this.pass;
      if (p.vectorised) {
        pass.fill(1, 0, count);
        const impl = p.impl as VectorisedPlugin;
        guarded(p, this.podKey, 'filter', () => impl.filter!(this.ctx, this.pod, rows, count, pass));
        for (let i = 0; i < count; i++) if (pass[i] === 0) this.failIdx[rows[i]!] = fi + 1;
      } else {
        const impl = p.impl as PerNodePlugin;
        for (let i = 0; i < count; i++) {
          const row = rows[i]!;
          const r = filterAnswer(p, this.podKey, guarded(p, this.podKey, 'filter', () => impl.filter!(this.pod, this.view(row))));
          if (r !== null) {
            this.failIdx[row] = fi + 1;
            this.reasons.set(row, r);
          }
        }
      }
    });
    for (let i = 0; i < len; i++) {
      const row = order[i]!;
      if (this.failIdx[row] !== 0) out[row >>> 5]! &= ~(1 << (row & 31));
    }
    return out;
  }

  /** filterTrail's tail: records every custom filter that ran on row n; the first failure, or null. */
  trail(n: number, record: ((name: string, result: string) => void) | null): { reasons: string[]; unresolvable: boolean; plugin: string } | null {
    const f = n < this.failIdx.length ? this.failIdx[n]! : 0;
    for (let i = 0; i < this.filters.length; i++) {
      const p = this.filters[i]!;
      if (f === i + 1) {
        const reason = this.reasons.get(n) ?? p.reason;
        record?.(p.name, reason);
        return { reasons: [reason], unresolvable: false, plugin: p.name };
      }
      record?.(p.name, 'ok');
    }
    return null;
  }

  /** Raw scores of plugin `name` for rows[0..count) into out; false when `name` is not a custom score plugin here. */
  score(name: string, rows: Int32Array, count: number, out: Float64Array): boolean {
    const p = this.scoreByName.get(name);
    if (!p) return false;
    if (p.vectorised) {
      out.fill(0, 0, count);
      const impl = p.impl as VectorisedPlugin;
      guarded(p, this.podKey, 'score', () => impl.score!(this.ctx, this.pod, rows.subarray(0, count), count, out));
      for (let i = 0; i < count; i++) out[i] = scoreValue(p, this.podKey, out[i]);
    } else {
      const impl = p.impl as PerNodePlugin;
      for (let i = 0; i < count; i++) out[i] = scoreValue(p, this.podKey, guarded(p, this.podKey, 'score', () => impl.score!(this.pod, this.view(rows[i]!))));
    }
    return true;
  }

  /** NormalizeScore as declared, with upstream's range check. False when `name` is not ours. */
  normalize(name: string, scores: Float64Array, count: number): boolean {
    const p = this.scoreByName.get(name);
    if (!p) return false;
    normalizeInPlace(p, this.podKey, scores, count);
    return true;
  }

  private cluster(): PluginCluster {
    if (!this.clusterView) {
      const nodes: PluginNode[] = [];
      const live = new Set<number>();
      for (const n of this.t.nodeIndex.values()) live.add(n);
      for (const n of [...live].sort((a, b) => a - b)) nodes.push(this.view(n));
      this.clusterView = { nodes };
    }
    return this.clusterView;
  }

  private boundPods(row: number): PluginBoundPod[] {
    if (!this.podsByRow) {
      const byRow: PluginBoundPod[][] = [];
      const pods = this.t.pods;
      const c = pods.cols;
      for (let p = 0; p < pods.count; p++) {
        const n = c.node[p]!;
        if (n < 0 || c.phase[p] === PHASE_SUCCEEDED || c.phase[p] === PHASE_FAILED) continue;
        const obj = this.podObject(p);
        if (!obj) continue;
        const ns = obj.metadata.namespace || 'default';
        (byRow[n] ??= []).push(Object.freeze({ key: `${ns}/${obj.metadata.name}`, namespace: ns, name: obj.metadata.name, labels: obj.metadata.labels ?? {} }));
      }
      this.podsByRow = byRow;
    }
    return this.podsByRow[row] ?? [];
  }

  private view(row: number): PluginNode {
    let v = this.views.get(row);
    if (!v) {
      v = tableNodeView(this.t.nodes, row, () => this.boundPods(row));
      this.views.set(row, v);
    }
    return v;
  }
}

/** A per-node view of NodeTable row `n`; fields are computed on first access. */
function tableNodeView(nodes: NodeTable, n: number, pods: () => PluginBoundPod[]): PluginNode {
  const I = nodes.interners;
  let labels: Record<string, string> | undefined;
  let alloc: Record<string, number> | undefined;
  let req: Record<string, number> | undefined;
  const resources = (col: Float64Array, all: boolean) => {
    const out: Record<string, number> = {};
    const cap = nodes.capacity;
    for (let id = 1; id < I.resources.size; id++) {
      const v = col[(id - 1) * cap + n];
      if (v !== undefined && (all ? v !== 0 : v !== 0)) out[I.resources.get(id)] = v;
    }
    return out;
  };
  return {
    name: nodes.nodeName(n),
    get labels() {
      if (!labels) {
        labels = {};
        const c = nodes.cols;
        const L = nodes.labelSlots;
        for (let s = 0; s < c.labelCount[n]!; s++) labels[I.labels.get(c.labelKey[n * L + s]!)] = I.labels.get(c.labelVal[n * L + s]!);
      }
      return labels;
    },
    get taints() {
      const c = nodes.cols;
      const T = nodes.taintSlots;
      const out = [];
      for (let s = 0; s < c.taintCount[n]!; s++) {
        const value = I.labels.get(c.taintVal[n * T + s]!);
        out.push({ key: I.labels.get(c.taintKey[n * T + s]!), ...(value ? { value } : {}), effect: EFFECTS[c.taintEffect[n * T + s]!]! as 'NoSchedule' });
      }
      return out;
    },
    get unschedulable() { return (nodes.cols.flags[n]! & NODE_UNSCHEDULABLE) !== 0; },
    get allocatable() { return (alloc ??= { ...resources(nodes.cols.alloc, true), pods: nodes.cols.allowedPods[n]! }); },
    get requested() { return (req ??= resources(nodes.cols.req, false)); },
    get podCount() { return nodes.cols.podCount[n]!; },
    get allowedPods() { return nodes.cols.allowedPods[n]!; },
    get pods() { return pods(); },
  };
}
