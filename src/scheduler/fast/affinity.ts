// InterPodAffinity in the fast engine: the rules of reference/plugins/interpodaffinity.ts on
// incremental counters.
//
// Existing pods with affinity terms are grouped by their terms (a controller's pods share one
// group); a group keeps its per-node pod count current as pods bind and leave. The incoming pod's
// own terms become MatchCounters. Every (counter or group, topology key) pair the pod needs is a
// DomainSum kept current by binds, so PreFilter costs work in the number of groups and domains,
// never in the number of pods, and Filter is a few array reads per node.

import type { ClusterObjects, Pod } from '../../k8s/types.js';
import type { InterPodAffinityArgs } from '../config.js';
import type { PodInfo } from '../podinfo.js';
import {
  affinityInfo, namespaceLabels, termMatches, type AffinityTerm, type PodAffinityInfo,
} from '../reference/plugins/interpodaffinity.js';
import { matchLabelSelector } from '../../model/selector.js';
import type { PodTable } from '../../model/tables.js';
import { selectorPredicate, type CounterRegistry, type DomainSum, type NodeCounts, type PodPredicate, type Topology } from './counters.js';

export const ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

export function hasTerms(i: PodAffinityInfo): boolean {
  return i.requiredAffinity.length + i.requiredAntiAffinity.length + i.preferredAffinity.length + i.preferredAntiAffinity.length > 0;
}

/** Bound pods sharing one set of affinity terms (and namespace): their count per node. */
export class AffinityGroup implements NodeCounts {
  readonly perNode: Int32Array;
  private readonly subscribers: DomainSum[] = [];
  constructor(readonly key: string, readonly info: PodAffinityInfo, readonly namespace: string, nodes: number) {
    this.perNode = new Int32Array(nodes);
  }
  subscribe(sum: DomainSum): DomainSum {
    this.subscribers.push(sum);
    return sum;
  }
  update(n: number, delta: number): void {
    this.perNode[n]! += delta;
    for (const s of this.subscribers) s.update(n, delta);
  }
}

/** The groups of the bound pods, kept current on every bind and removal. */
export class AffinityIndex {
  readonly groups: AffinityGroup[] = [];
  private readonly byKey = new Map<string, AffinityGroup>();
  private readonly rowGroup = new Map<number, AffinityGroup | null>();
  /** Bumped when a group is created: incoming pods' states re-derive their group lists. */
  version = 0;

  constructor(private readonly nodes: number, private readonly podOf: (row: number) => Pod, pods: PodTable) {
    const pc = pods.cols;
    for (let p = 0; p < pods.count; p++) {
      const n = pc.node[p]!;
      if (n < 0 || pc.phase[p] === 2 || pc.phase[p] === 3) continue;
      this.onAccount(p, n, 1);
    }
  }

  private groupOf(p: number): AffinityGroup | null {
    const a0 = this.podOf(p).spec.affinity;
    // Most pods have no inter-pod terms: no group, nothing to remember.
    if (!a0 || !(a0.podAffinity || a0.podAntiAffinity)) return null;
    let g = this.rowGroup.get(p);
    if (g !== undefined) return g;
    const pod = this.podOf(p);
    const a = pod.spec.affinity;
    g = null;
    const info = a && (a.podAffinity || a.podAntiAffinity) ? affinityInfo(pod) : null;
    if (info && hasTerms(info)) {
      const ns = pod.metadata.namespace || 'default';
      const key = JSON.stringify([ns, info.requiredAffinity.map(termKey), info.requiredAntiAffinity.map(termKey),
        info.preferredAffinity.map((t) => [termKey(t), t.weight]), info.preferredAntiAffinity.map((t) => [termKey(t), t.weight])]);
      g = this.byKey.get(key) ?? null;
      if (!g) {
        g = new AffinityGroup(key, info, ns, this.nodes);
        this.byKey.set(key, g);
        this.groups.push(g);
        this.version++;
      }
    }
    this.rowGroup.set(p, g);
    return g;
  }

  onAccount(p: number, n: number, delta: number): void {
    this.groupOf(p)?.update(n, delta);
  }

  /** A removed pod's row may be reused for another pod: forget its group. */
  forget(p: number): void {
    this.rowGroup.delete(p);
  }
}

interface Item {
  sum: DomainSum;
  factor: number;
}

/** The incoming pod's InterPodAffinity state; derived once per pod shape, refreshed when groups change. */
export class AffinityState {
  private version = -1;
  private existing: DomainSum[] = [];
  private groupItems: Item[] = [];
  private readonly affinity: DomainSum[];
  private readonly anti: DomainSum[];
  private readonly ownItems: Item[];
  private readonly selfAll: boolean;
  private readonly scoreSkip: boolean;
  // per cycle
  private filterActive = false;
  private affinityAny = false;
  private antiAny = false;
  private existingAny = false;
  private readonly accByKey = new Map<number, { topo: Topology; acc: Float64Array }>();

  constructor(private readonly pod: PodInfo, private readonly info: PodAffinityInfo, private readonly args: InterPodAffinityArgs,
    private readonly cluster: ClusterObjects, private readonly reg: CounterRegistry, private readonly index: AffinityIndex, private readonly pods: PodTable) {
    const all = () => reg.allNodes();
    const nsLabelsOf = (ns: string) => namespaceLabels(cluster, ns);
    // Required affinity: pods matching ALL terms, counted per term's topology key.
    const req = info.requiredAffinity;
    if (req.length > 0) {
      const key = `ipa-all|${JSON.stringify(req.map(termKey))}`;
      const counter = reg.custom(key, () => allTermsPredicate(req, pods, nsLabelsOf));
      this.affinity = req.map((t) => reg.sum(counter, reg.topology(t.topologyKey), 'all', all));
    } else {
      this.affinity = [];
    }
    this.anti = info.requiredAntiAffinity.map((t) => reg.sum(this.termCounter(t, nsLabelsOf), reg.topology(t.topologyKey), 'all', all));
    this.ownItems = [
      ...info.preferredAffinity.map((t) => ({ sum: reg.sum(this.termCounter(t, nsLabelsOf), reg.topology(t.topologyKey), 'all', all), factor: t.weight })),
      ...info.preferredAntiAffinity.map((t) => ({ sum: reg.sum(this.termCounter(t, nsLabelsOf), reg.topology(t.topologyKey), 'all', all), factor: -t.weight })),
    ];
    this.selfAll = req.length > 0 && req.every((t) => termMatches(t, pod, nsLabelsOf(pod.namespace)));
    const hasConstraints = info.preferredAffinity.length > 0 || info.preferredAntiAffinity.length > 0;
    this.scoreSkip = args.ignorePreferredTermsOfExistingPods && !hasConstraints;
  }

  private termCounter(t: AffinityTerm, nsLabelsOf: (ns: string) => Record<string, string>) {
    return this.reg.custom(`ipa-term|${JSON.stringify(termKey(t))}`, () => termPredicate(t, this.pods, nsLabelsOf));
  }

  /** Re-derives the group-based parts when groups were created since the last cycle. */
  private refresh(): void {
    if (this.version === this.index.version) return;
    this.version = this.index.version;
    const reg = this.reg;
    const all = () => reg.allNodes();
    const myNs = namespaceLabels(this.cluster, this.pod.namespace);
    this.existing = [];
    this.groupItems = [];
    for (const g of this.index.groups) {
      const groupKey = { key: g.key, perNode: g.perNode, subscribe: (s: DomainSum) => g.subscribe(s) };
      const sum = (t: AffinityTerm) => reg.sum(groupKey, reg.topology(t.topologyKey), 'all', all);
      for (const t of g.info.requiredAntiAffinity) if (termMatches(t, this.pod, myNs)) this.existing.push(sum(t));
      if (this.args.hardPodAffinityWeight > 0) {
        for (const t of g.info.requiredAffinity) if (termMatches(t, this.pod, myNs)) this.groupItems.push({ sum: sum(t), factor: this.args.hardPodAffinityWeight });
      }
      if (!this.args.ignorePreferredTermsOfExistingPods) {
        for (const t of g.info.preferredAffinity) if (termMatches(t, this.pod, myNs)) this.groupItems.push({ sum: sum(t), factor: t.weight });
        for (const t of g.info.preferredAntiAffinity) if (termMatches(t, this.pod, myNs)) this.groupItems.push({ sum: sum(t), factor: -t.weight });
      }
    }
  }

  /** PreFilter: false means Skip (no required terms and no existing anti-affinity that matches). */
  prepare(): boolean {
    this.refresh();
    this.existingAny = this.existing.some((s) => s.total > 0);
    this.affinityAny = this.affinity.some((s) => s.total > 0);
    this.antiAny = this.anti.some((s) => s.total > 0);
    const hasRequired = this.info.requiredAffinity.length > 0 || this.info.requiredAntiAffinity.length > 0;
    this.filterActive = this.existingAny || hasRequired;
    return this.filterActive;
  }

  get filters(): boolean {
    return this.filterActive;
  }

  /** Filter on node n: null when it passes, else [reason, unresolvable]. */
  check(n: number): [string, boolean] | null {
    const aff = this.affinity;
    if (aff.length > 0) {
      let podsExist = true;
      for (let i = 0; i < aff.length; i++) {
        const s = aff[i]!;
        const d = s.topo.dom[n]!;
        if (d < 0) return [ERR_AFFINITY, true];
        if (s.counts[d]! <= 0) podsExist = false;
      }
      if (!podsExist && (this.affinityAny || !this.selfAll)) return [ERR_AFFINITY, true];
    }
    if (this.antiAny) {
      for (const s of this.anti) {
        const d = s.topo.dom[n]!;
        if (d >= 0 && s.counts[d]! > 0) return [ERR_ANTI_AFFINITY, false];
      }
    }
    if (this.existingAny) {
      for (const s of this.existing) {
        const d = s.topo.dom[n]!;
        if (d >= 0 && s.counts[d]! > 0) return [ERR_EXISTING_ANTI_AFFINITY, false];
      }
    }
    return null;
  }

  /** PreScore + Score: raw scores of the rows into out; false means Skip (nothing to score). */
  score(rows: Int32Array, count: number, out: Float64Array): boolean {
    if (this.scoreSkip || count === 0) return false;
    this.refresh();
    const items = [...this.ownItems, ...this.groupItems].filter((it) => it.sum.total > 0);
    if (items.length === 0) return false;
    const accs = this.accByKey;
    for (const a of accs.values()) a.acc.fill(0);
    for (const it of items) {
      const topo = it.sum.topo;
      let a = accs.get(topo.keyId);
      if (!a || a.topo !== topo) accs.set(topo.keyId, (a = { topo, acc: new Float64Array(topo.size) }));
      const { counts } = it.sum;
      for (let d = 0; d < counts.length; d++) if (counts[d] !== 0) a.acc[d]! += counts[d]! * it.factor;
    }
    const used = [...new Set(items.map((it) => it.sum.topo.keyId))].map((k) => accs.get(k)!);
    for (let j = 0; j < count; j++) {
      const n = rows[j]!;
      let s = 0;
      for (const a of used) {
        const d = a.topo.dom[n]!;
        if (d >= 0) s += a.acc[d]!;
      }
      out[j] = s;
    }
    return true;
  }
}

/** Upstream NormalizeScore: min-max to 0..100 (all 0 when every score is equal). */
export function normalizeAffinity(scores: Float64Array, count: number): void {
  let min = Number.MAX_SAFE_INTEGER;
  let max = Number.MIN_SAFE_INTEGER;
  for (let j = 0; j < count; j++) {
    const v = scores[j]!;
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const diff = max - min;
  for (let j = 0; j < count; j++) scores[j] = diff > 0 ? Math.trunc(100 * ((scores[j]! - min) / diff)) : 0;
}

function termKey(t: AffinityTerm): unknown {
  return [[...t.namespaces].sort(), t.namespaceSelector, t.selector, t.topologyKey];
}

/** Namespace part of AffinityTerm.Matches, per namespace id (cached). */
function namespacePredicate(t: AffinityTerm, pods: PodTable, nsLabelsOf: (ns: string) => Record<string, string>): (nsId: number) => boolean {
  const cache = new Map<number, boolean>();
  return (nsId) => {
    let ok = cache.get(nsId);
    if (ok === undefined) {
      const name = pods.interners.namespaces.get(nsId);
      ok = t.namespaces.has(name) || (t.namespaceSelector !== null && matchLabelSelector(t.namespaceSelector, nsLabelsOf(name)));
      cache.set(nsId, ok);
    }
    return ok;
  };
}

function termPredicate(t: AffinityTerm, pods: PodTable, nsLabelsOf: (ns: string) => Record<string, string>): PodPredicate {
  const ns = namespacePredicate(t, pods, nsLabelsOf);
  const sel = selectorPredicate(null, t.selector, pods);
  return (table, p) => ns(table.cols.ns[p]!) && sel(table, p);
}

function allTermsPredicate(terms: readonly AffinityTerm[], pods: PodTable, nsLabelsOf: (ns: string) => Record<string, string>): PodPredicate {
  const preds = terms.map((t) => termPredicate(t, pods, nsLabelsOf));
  return (table, p) => preds.every((f) => f(table, p));
}

/** The incoming pod's affinity state, or null when it has no terms and no existing pod has any. */
export function buildAffinityState(pod: Pod, args: InterPodAffinityArgs, cluster: ClusterObjects, reg: CounterRegistry, index: AffinityIndex, pods: PodTable): AffinityState {
  const info = affinityInfo(pod);
  const pi = { pod, namespace: pod.metadata.namespace || 'default', key: '' } as PodInfo;
  return new AffinityState(pi, info, args, cluster, reg, index, pods);
}
