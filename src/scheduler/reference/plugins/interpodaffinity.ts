// interpodaffinity.InterPodAffinity (filtering.go, scoring.go, framework types AffinityTerm).
// PreFilter counts, per topology pair: existing pods' required anti-affinity terms matching the incoming pod;
// existing pods matching ALL the incoming pod's required affinity terms; existing pods matching its required
// anti-affinity terms. Filter checks the three in upstream's order. Score sums preferred terms both ways
// (and existing pods' required affinity at hardPodAffinityWeight) per topology value; min-max normalized.

import type { ClusterObjects, LabelSelector, LabelSelectorRequirement, Pod, PodAffinityTerm } from '../../../k8s/types.js';
import type { InterPodAffinityArgs } from '../../config.js';
import type { PodInfo } from '../../podinfo.js';
import { matchLabelSelector } from '../../../model/selector.js';
import { MAX_NODE_SCORE } from '../../sampling.js';
import type { NodeInfo } from '../nodeinfo.js';
import { type Handle, type Plugin, skip, success, unresolvable, unschedulable } from '../framework.js';

export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

const PRE_FILTER_KEY = 'PreFilterInterPodAffinity';
const PRE_SCORE_KEY = 'PreScoreInterPodAffinity';
const NS_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface AffinityTerm {
  namespaces: Set<string>;
  /** null = labels.Nothing() (no namespaceSelector). */
  namespaceSelector: LabelSelector | null;
  selector: LabelSelector | null;
  topologyKey: string;
}
export interface WeightedTerm extends AffinityTerm {
  weight: number;
}
export interface PodAffinityInfo {
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedTerm[];
  preferredAntiAffinity: WeightedTerm[];
}

/** matchLabelKeys / mismatchLabelKeys merged into the selector as the API server does (In / NotIn the pod's value). */
function termSelector(pod: Pod, t: PodAffinityTerm): LabelSelector | null {
  const labels = pod.metadata.labels ?? {};
  const extra: LabelSelectorRequirement[] = [];
  for (const k of t.matchLabelKeys ?? []) if (Object.hasOwn(labels, k)) extra.push({ key: k, operator: 'In', values: [labels[k]!] });
  for (const k of t.mismatchLabelKeys ?? []) if (Object.hasOwn(labels, k)) extra.push({ key: k, operator: 'NotIn', values: [labels[k]!] });
  if (extra.length === 0) return t.labelSelector ?? null;
  const base = t.labelSelector ?? {};
  return { ...base, matchExpressions: [...(base.matchExpressions ?? []), ...extra] };
}

/** Upstream newAffinityTerm: no namespaces and no namespaceSelector means the pod's own namespace. */
export function newAffinityTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  const ns = pod.metadata.namespace || 'default';
  const namespaces = new Set<string>((t.namespaces ?? []).length === 0 && !t.namespaceSelector ? [ns] : t.namespaces ?? []);
  return { namespaces, namespaceSelector: t.namespaceSelector ?? null, selector: termSelector(pod, t), topologyKey: t.topologyKey };
}

const cache = new WeakMap<Pod, PodAffinityInfo>();

export function affinityInfo(pod: Pod): PodAffinityInfo {
  let info = cache.get(pod);
  if (info) return info;
  const a = pod.spec.affinity;
  info = {
    requiredAffinity: (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => newAffinityTerm(pod, t)),
    requiredAntiAffinity: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => newAffinityTerm(pod, t)),
    preferredAffinity: (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ ...newAffinityTerm(pod, w.podAffinityTerm), weight: w.weight })),
    preferredAntiAffinity: (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ ...newAffinityTerm(pod, w.podAffinityTerm), weight: w.weight })),
  };
  cache.set(pod, info);
  return info;
}

/** Labels of a namespace as the namespace lister sees them (the API server always adds kubernetes.io/metadata.name). */
export function namespaceLabels(cluster: ClusterObjects | undefined, ns: string): Record<string, string> {
  const obj = cluster?.namespaces.find((n) => n.metadata.name === ns);
  return { ...(obj?.metadata.labels ?? {}), [NS_NAME_LABEL]: ns };
}

/** Upstream AffinityTerm.Matches(pod, nsLabels). */
export function termMatches(t: AffinityTerm, pod: PodInfo, nsLabels: Record<string, string>): boolean {
  return termMatchesPod(t, pod.pod, nsLabels);
}

/** AffinityTerm.Matches over the Pod object. */
export function termMatchesPod(t: AffinityTerm, pod: Pod, nsLabels: Record<string, string>): boolean {
  if (t.namespaces.has(pod.metadata.namespace || 'default') || (t.namespaceSelector !== null && matchLabelSelector(t.namespaceSelector, nsLabels))) {
    return matchLabelSelector(t.selector, pod.metadata.labels ?? {});
  }
  return false;
}

const pairKey = (k: string, v: string): string => `${k}\u0000${v}`;

/** topologyToMatchedTermCount. */
class Counts extends Map<string, number> {
  bump(node: NodeInfo, key: string, delta: number): void {
    if (!Object.hasOwn(node.labels, key)) return;
    const pk = pairKey(key, node.labels[key]!);
    const n = (this.get(pk) ?? 0) + delta;
    if (n === 0) this.delete(pk);
    else this.set(pk, n);
  }
  count(key: string, value: string): number {
    return this.get(pairKey(key, value)) ?? 0;
  }
  copy(): Counts {
    return new Counts(this);
  }
}

export class PreFilterState {
  constructor(
    readonly pod: PodInfo,
    readonly info: PodAffinityInfo,
    readonly nsLabelsOf: (ns: string) => Record<string, string>,
    readonly existingAntiAffinityCounts: Counts,
    readonly affinityCounts: Counts,
    readonly antiAffinityCounts: Counts,
  ) {}
  clone(): PreFilterState {
    return new PreFilterState(this.pod, this.info, this.nsLabelsOf, this.existingAntiAffinityCounts.copy(), this.affinityCounts.copy(), this.antiAffinityCounts.copy());
  }
  /** updateWithPod: an existing pod added to (+1) or removed from (-1) `node`. */
  update(p: PodInfo, node: NodeInfo, delta: number): void {
    const other = affinityInfo(p.pod);
    const myNs = this.nsLabelsOf(this.pod.namespace);
    for (const t of other.requiredAntiAffinity) if (termMatches(t, this.pod, myNs)) this.existingAntiAffinityCounts.bump(node, t.topologyKey, delta);
    const theirNs = this.nsLabelsOf(p.namespace);
    if (matchesAll(this.info.requiredAffinity, p, theirNs)) for (const t of this.info.requiredAffinity) this.affinityCounts.bump(node, t.topologyKey, delta);
    for (const t of this.info.requiredAntiAffinity) if (termMatches(t, p, theirNs)) this.antiAffinityCounts.bump(node, t.topologyKey, delta);
  }
}

/** Upstream podMatchesAllAffinityTerms: false for no terms. */
function matchesAll(terms: readonly AffinityTerm[], p: PodInfo, nsLabels: Record<string, string>): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, p, nsLabels)) return false;
  return true;
}

function satisfyPodAffinity(s: PreFilterState, node: NodeInfo): boolean {
  let podsExist = true;
  for (const t of s.info.requiredAffinity) {
    if (!Object.hasOwn(node.labels, t.topologyKey)) return false;
    if (s.affinityCounts.count(t.topologyKey, node.labels[t.topologyKey]!) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: allowed when nothing matches anywhere and it matches its own terms.
  return s.affinityCounts.size === 0 && matchesAll(s.info.requiredAffinity, s.pod, s.nsLabelsOf(s.pod.namespace));
}

function satisfyPodAntiAffinity(s: PreFilterState, node: NodeInfo): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const t of s.info.requiredAntiAffinity) {
    if (!Object.hasOwn(node.labels, t.topologyKey)) continue;
    if (s.antiAffinityCounts.count(t.topologyKey, node.labels[t.topologyKey]!) > 0) return false;
  }
  return true;
}

function satisfyExistingPodsAntiAffinity(s: PreFilterState, node: NodeInfo): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const [k, v] of Object.entries(node.labels)) if (s.existingAntiAffinityCounts.count(k, v) > 0) return false;
  return true;
}

/** PreScore: topology key -> value -> score. `touched` mirrors upstream's "len(topoScore) > 0". */
interface PreScoreState {
  topologyScore: Map<string, Map<string, number>>;
  touched: boolean;
}

function processTerm(s: PreScoreState, t: AffinityTerm, weight: number, p: PodInfo, nsLabels: Record<string, string>, node: NodeInfo, mult: number): void {
  if (!termMatches(t, p, nsLabels)) return;
  if (!Object.hasOwn(node.labels, t.topologyKey)) return;
  let m = s.topologyScore.get(t.topologyKey);
  if (!m) s.topologyScore.set(t.topologyKey, (m = new Map()));
  const v = node.labels[t.topologyKey]!;
  m.set(v, (m.get(v) ?? 0) + weight * mult);
  s.touched = true;
}

export const newInterPodAffinity = (rawArgs: unknown, handle: Handle): Plugin => {
  const args: InterPodAffinityArgs = (rawArgs as InterPodAffinityArgs | undefined) ?? { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false };
  const nsCache = new Map<string, Record<string, string>>();
  const nsLabelsOf = (ns: string): Record<string, string> => {
    let l = nsCache.get(ns);
    if (!l) nsCache.set(ns, (l = namespaceLabels(handle.cluster, ns)));
    return l;
  };
  return {
    name: 'InterPodAffinity',
    preFilter: (state, pod, nodes) => {
      const info = affinityInfo(pod.pod);
      const s = new PreFilterState(pod, info, nsLabelsOf, new Counts(), new Counts(), new Counts());
      const myNs = nsLabelsOf(pod.namespace);
      const hasRequired = info.requiredAffinity.length > 0 || info.requiredAntiAffinity.length > 0;
      for (const node of nodes) {
        for (const p of node.pods) {
          const other = affinityInfo(p.pod);
          for (const t of other.requiredAntiAffinity) if (termMatches(t, pod, myNs)) s.existingAntiAffinityCounts.bump(node, t.topologyKey, 1);
          if (!hasRequired) continue;
          const theirNs = nsLabelsOf(p.namespace);
          if (matchesAll(info.requiredAffinity, p, theirNs)) for (const t of info.requiredAffinity) s.affinityCounts.bump(node, t.topologyKey, 1);
          for (const t of info.requiredAntiAffinity) if (termMatches(t, p, theirNs)) s.antiAffinityCounts.bump(node, t.topologyKey, 1);
        }
      }
      if (s.existingAntiAffinityCounts.size === 0 && !hasRequired) return { status: skip() };
      state.set(PRE_FILTER_KEY, s);
      return { status: success() };
    },
    addPod: (state, _pod, add, node) => {
      (state.get(PRE_FILTER_KEY) as PreFilterState | undefined)?.update(add, node, 1);
      return success();
    },
    removePod: (state, _pod, rm, node) => {
      (state.get(PRE_FILTER_KEY) as PreFilterState | undefined)?.update(rm, node, -1);
      return success();
    },
    filter: (state, _pod, node) => {
      const s = state.get(PRE_FILTER_KEY) as PreFilterState | undefined;
      if (!s) return success();
      if (!satisfyPodAffinity(s, node)) return unresolvable(ERR_REASON_AFFINITY);
      if (!satisfyPodAntiAffinity(s, node)) return unschedulable(ERR_REASON_ANTI_AFFINITY);
      if (!satisfyExistingPodsAntiAffinity(s, node)) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
      return success();
    },
    preScore: (state, pod, nodes) => {
      if (nodes.length === 0) return skip();
      const info = affinityInfo(pod.pod);
      const hasConstraints = info.preferredAffinity.length > 0 || info.preferredAntiAffinity.length > 0;
      if (args.ignorePreferredTermsOfExistingPods && !hasConstraints) return skip();
      const s: PreScoreState = { topologyScore: new Map(), touched: false };
      const myNs = nsLabelsOf(pod.namespace);
      // Pods without affinity contribute only through the incoming pod's preferred terms, so visiting every pod
      // gives the same sums as upstream's PodsWithAffinity shortcut.
      for (const node of handle.nodes) {
        if (Object.keys(node.labels).length === 0) continue;
        for (const p of node.pods) {
          const theirNs = nsLabelsOf(p.namespace);
          for (const t of info.preferredAffinity) processTerm(s, t, t.weight, p, theirNs, node, 1);
          for (const t of info.preferredAntiAffinity) processTerm(s, t, t.weight, p, theirNs, node, -1);
          const other = affinityInfo(p.pod);
          if (args.hardPodAffinityWeight > 0) for (const t of other.requiredAffinity) processTerm(s, t, args.hardPodAffinityWeight, pod, myNs, node, 1);
          if (!args.ignorePreferredTermsOfExistingPods) {
            for (const t of other.preferredAffinity) processTerm(s, t, t.weight, pod, myNs, node, 1);
            for (const t of other.preferredAntiAffinity) processTerm(s, t, t.weight, pod, myNs, node, -1);
          }
        }
      }
      if (!s.touched) return skip();
      state.set(PRE_SCORE_KEY, s);
      return success();
    },
    score: (state, _pod, node) => {
      const s = state.get(PRE_SCORE_KEY) as PreScoreState;
      let score = 0;
      for (const [k, values] of s.topologyScore) {
        if (Object.hasOwn(node.labels, k)) score += values.get(node.labels[k]!) ?? 0;
      }
      return score;
    },
    normalizeScore: (state, _pod, scores) => {
      const s = state.get(PRE_SCORE_KEY) as PreScoreState | undefined;
      if (!s || s.topologyScore.size === 0) return;
      let min = Number.MAX_SAFE_INTEGER;
      let max = Number.MIN_SAFE_INTEGER;
      for (const v of scores) {
        if (v > max) max = v;
        if (v < min) min = v;
      }
      const diff = max - min;
      for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[i]! - min) / diff)) : 0;
    },
  };
};
