// podtopologyspread common.go: the constraints a pod is spread by (its own, or the profile's defaults with the
// selector of the Services / ReplicaSets / StatefulSets that select it), node inclusion policies, pod counting.

import type { ClusterObjects, LabelSelector, LabelSelectorRequirement, Pod, TopologySpreadConstraint } from '../../../k8s/types.js';
import type { PodTopologySpreadArgs } from '../../config.js';
import { doNotScheduleTaint, findUntoleratedTaint, type PodInfo } from '../../podinfo.js';
import { matchLabelSelector, matchLabelSet } from '../../../model/selector.js';
import type { NodeInfo } from '../nodeinfo.js';
import { podMatchesNodeSelectorAndAffinity } from './nodeaffinity.js';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

/** Upstream systemDefaultConstraints (defaultingType System). */
export const SYSTEM_DEFAULT_CONSTRAINTS: TopologySpreadConstraint[] = [
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  /** Object form of the selector; null matches nothing (metav1.LabelSelectorAsSelector(nil)). */
  selector: LabelSelector | null;
  minDomains: number;
  nodeAffinityPolicy: 'Honor' | 'Ignore';
  nodeTaintsPolicy: 'Honor' | 'Ignore';
}

export const selectorMatches = (c: SpreadConstraint, labels: Record<string, string> | undefined): boolean => matchLabelSelector(c.selector, labels ?? {});

/**
 * Upstream filterTopologySpreadConstraints: the constraints with the given action; matchLabelKeys become
 * `key In (pod's value)` requirements (the API server's merge, which kubescale's inputs have not been through).
 */
export function filterConstraints(list: readonly TopologySpreadConstraint[], podLabels: Record<string, string>, action: string): SpreadConstraint[] {
  const out: SpreadConstraint[] = [];
  for (const c of list) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector: LabelSelector | null = c.labelSelector ?? null;
    if (selector && c.matchLabelKeys && c.matchLabelKeys.length > 0) {
      const extra: LabelSelectorRequirement[] = [];
      for (const k of c.matchLabelKeys) if (Object.hasOwn(podLabels, k)) extra.push({ key: k, operator: 'In', values: [podLabels[k]!] });
      selector = { ...selector, matchExpressions: [...(selector.matchExpressions ?? []), ...extra] };
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
    });
  }
  return out;
}

function selectorToRequirements(sel: LabelSelector | undefined): LabelSelectorRequirement[] | null {
  if (!sel) return null;
  const out: LabelSelectorRequirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) out.push({ key: k, operator: 'In', values: [v] });
  out.push(...(sel.matchExpressions ?? []));
  return out;
}

/**
 * Upstream helper.DefaultSelector: the merged selectors of the Services selecting the pod, plus the selector
 * of its controlling ReplicaSet or StatefulSet (ReplicationControllers are not a kind kubescale loads).
 * Returns null when the result is empty.
 */
export function defaultSelector(pod: Pod, cluster: ClusterObjects | undefined): LabelSelector | null {
  if (!cluster) return null;
  const ns = pod.metadata.namespace || 'default';
  const labels = pod.metadata.labels ?? {};
  const set: Record<string, string> = {};
  for (const svc of cluster.services) {
    if ((svc.metadata.namespace || 'default') !== ns) continue;
    const sel = svc.spec?.selector;
    if (!sel) continue;
    if (matchLabelSet(sel, labels)) Object.assign(set, sel);
  }
  const exprs: LabelSelectorRequirement[] = [];
  const owner = (pod.metadata.ownerReferences ?? []).find((o) => o.controller === true);
  if (owner && owner.apiVersion === 'apps/v1' && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet')) {
    const w = cluster.workloads.find((x) => x.kind === owner.kind && x.metadata.name === owner.name && (x.metadata.namespace || 'default') === ns);
    const reqs = selectorToRequirements((w?.spec as { selector?: LabelSelector } | undefined)?.selector);
    if (reqs) exprs.push(...reqs);
  }
  if (Object.keys(set).length === 0 && exprs.length === 0) return null;
  return { matchLabels: set, matchExpressions: exprs };
}

/** The constraints of `pod` for `action`: its own when it has any, else the defaults (upstream getConstraints / buildDefaultConstraints). */
export function podConstraints(pod: Pod, args: PodTopologySpreadArgs, cluster: ClusterObjects | undefined, action: string): SpreadConstraint[] {
  const labels = pod.metadata.labels ?? {};
  const own = pod.spec.topologySpreadConstraints ?? [];
  if (own.length > 0) return filterConstraints(own, labels, action);
  const defaults = args.defaultingType === 'System' ? SYSTEM_DEFAULT_CONSTRAINTS : args.defaultConstraints;
  const cs = filterConstraints(defaults, labels, action);
  if (cs.length === 0) return cs;
  const sel = defaultSelector(pod, cluster);
  if (!sel) return [];
  for (const c of cs) c.selector = sel;
  return cs;
}

export function nodeLabelsMatchSpreadConstraints(labels: Record<string, string>, cs: readonly SpreadConstraint[]): boolean {
  for (const c of cs) if (!Object.hasOwn(labels, c.topologyKey)) return false;
  return true;
}

/** Upstream matchNodeInclusionPolicies. */
export function matchNodeInclusionPolicies(c: SpreadConstraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !podMatchesNodeSelectorAndAffinity(pod, node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findUntoleratedTaint(node.taints, pod.tolerations, doNotScheduleTaint)) return false;
  return true;
}

/** Upstream countPodsMatchSelector: same namespace, not terminating, selector matches. */
export function countPodsMatchSelector(pods: readonly PodInfo[], c: SpreadConstraint, ns: string): number {
  let n = 0;
  for (const p of pods) {
    if (p.pod.metadata.deletionTimestamp || p.namespace !== ns) continue;
    if (selectorMatches(c, p.pod.metadata.labels)) n++;
  }
  return n;
}
