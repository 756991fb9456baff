// Incremental pod counters for the fast engine's PodTopologySpread and InterPodAffinity.
//
// A MatchCounter counts, per node row, the bound pods of one namespace set that a label selector
// matches (terminating pods excluded, as upstream's countPodsMatchSelector does). It is built once by
// scanning the PodTable, then kept current on every bind and removal, so a scheduling decision reads
// counts instead of walking pods.
// A DomainSum subscribes to a counter and keeps the per-domain sums over the nodes a pod considers
// eligible (topology key -> dense domain index), also updated incrementally.

import type { LabelSelector } from '../../k8s/types.js';
import { NO_ID } from '../../model/intern.js';
import { compileLabelSelector, matchesRow, type CompiledLabelSelector } from '../../model/selector.js';
import { PHASE_FAILED, PHASE_SUCCEEDED, POD_TERMINATING, type NodeTable, type PodTable } from '../../model/tables.js';

/** A topology key resolved over the node rows: value id and dense domain index per node (-1: key missing). */
export interface Topology {
  keyId: number;
  value: Int32Array;
  dom: Int32Array;
  /** Number of distinct values (domains). */
  size: number;
}

export function buildTopology(nodes: NodeTable, key: string): Topology {
  const keyId = nodes.interners.labels.intern(key);
  const value = new Int32Array(nodes.count);
  const dom = new Int32Array(nodes.count);
  const index = new Map<number, number>();
  for (let n = 0; n < nodes.count; n++) {
    const v = nodes.labelValue(n, keyId);
    value[n] = v;
    if (v === NO_ID) {
      dom[n] = -1;
      continue;
    }
    let d = index.get(v);
    if (d === undefined) index.set(v, (d = index.size));
    dom[n] = d;
  }
  return { keyId, value, dom, size: index.size };
}

/** Anything with per-node counts that DomainSums can follow. */
export interface NodeCounts {
  readonly perNode: Int32Array;
  subscribe(sum: DomainSum): DomainSum;
}

export class DomainSum {
  readonly counts: Int32Array;
  /** Sum of every domain's count. */
  total = 0;
  /** Domains holding at least one eligible node (upstream: the keys of TpValueToMatchNum). */
  readonly present: Uint8Array;
  numDomains = 0;
  constructor(readonly counter: NodeCounts, readonly topo: Topology, readonly eligible: Uint8Array) {
    this.counts = new Int32Array(topo.size);
    this.present = new Uint8Array(topo.size);
    for (let n = 0; n < eligible.length; n++) {
      if (!eligible[n]) continue;
      const d = topo.dom[n]!;
      if (d < 0) continue;
      if (!this.present[d]) {
        this.present[d] = 1;
        this.numDomains++;
      }
      this.counts[d]! += counter.perNode[n]!;
      this.total += counter.perNode[n]!;
    }
  }

  update(n: number, delta: number): void {
    if (!this.eligible[n]) return;
    const d = this.topo.dom[n]!;
    if (d >= 0) {
      this.counts[d]! += delta;
      this.total += delta;
    }
  }

  /** Smallest count over present domains (MaxInt32 when none). */
  min(): number {
    let m = 2147483647;
    const { counts, present } = this;
    for (let d = 0; d < counts.length; d++) if (present[d] && counts[d]! < m) m = counts[d]!;
    return m;
  }
}

/** Which bound pods a counter counts: namespace check and label selector(s), on PodTable rows. */
export type PodPredicate = (pods: PodTable, p: number) => boolean;

export class MatchCounter implements NodeCounts {
  readonly perNode: Int32Array;
  private readonly subscribers: DomainSum[] = [];

  constructor(readonly key: string, private readonly predicate: PodPredicate, nodes: NodeTable, pods: PodTable) {
    this.perNode = new Int32Array(nodes.count);
    const pc = pods.cols;
    for (let p = 0; p < pods.count; p++) {
      const n = pc.node[p]!;
      if (n < 0 || pc.phase[p] === PHASE_SUCCEEDED || pc.phase[p] === PHASE_FAILED) continue;
      if (this.matches(pods, p)) this.perNode[n]!++;
    }
  }

  matches(pods: PodTable, p: number): boolean {
    if ((pods.cols.flags[p]! & POD_TERMINATING) !== 0) return false;
    return this.predicate(pods, p);
  }

  subscribe(sum: DomainSum): DomainSum {
    this.subscribers.push(sum);
    return sum;
  }

  /** Pod p bound to (delta 1) or removed from (delta -1) node n. */
  onAccount(pods: PodTable, p: number, n: number, delta: number): void {
    if (!this.matches(pods, p)) return;
    this.perNode[n]! += delta;
    for (const s of this.subscribers) s.update(n, delta);
  }
}

/** A compiled label selector plus a namespace-id set (null: every namespace) as a predicate. */
export function selectorPredicate(namespaces: Set<number> | null, selector: LabelSelector | null, pods: PodTable): PodPredicate {
  internSelector(selector, pods);
  const sel: CompiledLabelSelector = compileLabelSelector(selector, pods.interners);
  return (t, p) => (namespaces === null || namespaces.has(t.cols.ns[p]!)) && matchesRow(sel, t, p);
}

/**
 * Interns a selector's strings: a value no pod carries yet must still match the pods that carry it
 * later (compiled selectors only look ids up).
 */
export function internSelector(selector: LabelSelector | null | undefined, pods: PodTable): void {
  const labels = pods.interners.labels;
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) {
    labels.intern(k);
    labels.intern(v);
  }
  for (const e of selector?.matchExpressions ?? []) {
    labels.intern(e.key);
    for (const v of e.values ?? []) labels.intern(v);
  }
}

/** Counters and topologies shared by every pod of one scheduling run; invalidated when nodes change. */
export class CounterRegistry {
  private readonly counters = new Map<string, MatchCounter>();
  private readonly topologies = new Map<string, Topology>();
  private readonly sums = new Map<string, DomainSum>();

  constructor(private readonly nodes: NodeTable, private readonly pods: PodTable) {}

  counter(namespaces: Set<number> | null, selector: LabelSelector | null): MatchCounter {
    const key = `${namespaces === null ? '*' : [...namespaces].sort((a, b) => a - b).join(',')}|${JSON.stringify(selector)}`;
    return this.custom(key, () => selectorPredicate(namespaces, selector, this.pods));
  }

  /** A counter with its own predicate, shared by `key`. */
  custom(key: string, predicate: () => PodPredicate): MatchCounter {
    let c = this.counters.get(key);
    if (!c) {
      c = new MatchCounter(key, predicate(), this.nodes, this.pods);
      this.counters.set(key, c);
    }
    return c;
  }

  topology(key: string): Topology {
    let t = this.topologies.get(key);
    if (!t) {
      t = buildTopology(this.nodes, key);
      this.topologies.set(key, t);
    }
    return t;
  }

  /** A per-domain sum of `counter` over the nodes `eligible` marks; `eligibleKey` names that node set. */
  sum(counter: MatchCounter | (NodeCounts & { key: string }), topo: Topology, eligibleKey: string, eligible: () => Uint8Array): DomainSum {
    const key = `${counter.key}|${topo.keyId}|${eligibleKey}`;
    let s = this.sums.get(key);
    if (!s) {
      s = counter.subscribe(new DomainSum(counter, topo, eligible()));
      this.sums.set(key, s);
    }
    return s;
  }

  onAccount(p: number, n: number, delta: number): void {
    for (const c of this.counters.values()) c.onAccount(this.pods, p, n, delta);
  }

  /** Every node eligible (the mask shared by sums that count on all nodes). */
  allNodes(): Uint8Array {
    if (!this.all || this.all.length !== this.nodes.count) this.all = new Uint8Array(this.nodes.count).fill(1);
    return this.all;
  }
  private all: Uint8Array | undefined;
}
