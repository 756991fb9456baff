// Checks a final cluster state (what `--dump-state` writes: a List of nodes and pods, bound ones with
// spec.nodeName) against the hard constraints every placement must keep, independently of the engines:
//   resources      sum of bound pods' requests <= node allocatable, per resource
//   pods           bound pods <= allocatable pods
//   taints         every NoSchedule / NoExecute taint of the node tolerated
//   nodeAffinity   spec.nodeSelector and required node affinity match the node
//   topologySpread DoNotSchedule constraints: max - min matching pods over eligible domains <= maxSkew
//                  (each placement keeps the skew, and the global minimum only grows, so the final state
//                  keeps it too; constraints with minDomains or matchLabelKeys are not checked)
//   antiAffinity   no pod in a required anti-affinity term's namespaces and selector shares the topology domain
// Pods of the input that were already bound count like the others.

import type { KubeObject, LabelSelector, Namespace, Node, Pod, PodAffinityTerm, TopologySpreadConstraint } from '../k8s/types.js';
import { requiredNodeAffinityMatches } from '../model/selector.js';
import { matchLabelSelector } from '../model/selector.js';
import { nodeAllocatable, podRequests, tolerationsTolerateTaint } from '../scheduler/podinfo.js';

export type ViolationKind = 'resources' | 'pods' | 'taints' | 'nodeAffinity' | 'topologySpread' | 'antiAffinity' | 'unknownNode';

export interface Violation {
  kind: ViolationKind;
  node: string;
  pod?: string;
  detail: string;
}

export interface StateInput {
  nodes: Node[];
  pods: Pod[];
  namespaces?: Namespace[];
}

/** Splits a `kind: List` (as --dump-state writes it) into nodes, pods and namespaces. */
export function stateFromList(list: { items?: KubeObject[] }): StateInput {
  const out: StateInput = { nodes: [], pods: [], namespaces: [] };
  for (const o of list.items ?? []) {
    if (o.kind === 'Node') out.nodes.push(o as Node);
    else if (o.kind === 'Pod') out.pods.push(o as Pod);
    else if (o.kind === 'Namespace') out.namespaces!.push(o as Namespace);
  }
  return out;
}

const key = (p: Pod) => `${p.metadata.namespace || 'default'}/${p.metadata.name}`;

function terminal(p: Pod): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

/** Every violation in the state (empty when the state is valid). */
export function validateState(state: StateInput): Violation[] {
  const out: Violation[] = [];
  const nodes = new Map(state.nodes.map((n) => [n.metadata.name, n]));
  const byNode = new Map<string, Pod[]>();
  for (const p of state.pods) {
    const n = p.spec.nodeName;
    if (!n || terminal(p)) continue;
    if (!nodes.has(n)) {
      out.push({ kind: 'unknownNode', node: n, pod: key(p), detail: `bound to node ${n}, which is not in the state` });
      continue;
    }
    let l = byNode.get(n);
    if (!l) byNode.set(n, (l = []));
    l.push(p);
  }
  for (const [name, pods] of byNode) checkNode(nodes.get(name)!, pods, out);
  checkSpread(state, nodes, byNode, out);
  checkAntiAffinity(state, nodes, byNode, out);
  return out;
}

function checkNode(node: Node, pods: Pod[], out: Violation[]): void {
  const name = node.metadata.name;
  const alloc = nodeAllocatable(node);
  const used = new Map<string, number>();
  for (const p of pods) for (const [r, v] of podRequests(p, false)) used.set(r, (used.get(r) ?? 0) + v);
  for (const [r, v] of used) {
    if (v === 0) continue;
    const a = alloc.get(r) ?? 0;
    if (v > a) out.push({ kind: 'resources', node: name, detail: `${r} requested ${v} > allocatable ${a}` });
  }
  const maxPods = alloc.get('pods');
  if (maxPods !== undefined && pods.length > maxPods) out.push({ kind: 'pods', node: name, detail: `${pods.length} pods > allocatable ${maxPods}` });
  const taints = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  for (const p of pods) {
    for (const t of taints) {
      if (!tolerationsTolerateTaint(p.spec.tolerations ?? [], t)) out.push({ kind: 'taints', node: name, pod: key(p), detail: `taint {${t.key}: ${t.value ?? ''}} (${t.effect}) not tolerated` });
    }
    if (!nodeAffinityMatches(p, node)) out.push({ kind: 'nodeAffinity', node: name, pod: key(p), detail: 'nodeSelector or required node affinity does not match the node' });
  }
}

function nodeAffinityMatches(p: Pod, node: Node): boolean {
  return requiredNodeAffinityMatches(p.spec, { labels: node.metadata.labels, name: node.metadata.name });
}

function checkSpread(state: StateInput, nodes: Map<string, Node>, byNode: Map<string, Pod[]>, out: Violation[]): void {
  const seen = new Set<string>();
  for (const p of state.pods) {
    if (!p.spec.nodeName || terminal(p)) continue;
    for (const c of p.spec.topologySpreadConstraints ?? []) {
      if (c.whenUnsatisfiable !== 'DoNotSchedule' || c.minDomains !== undefined || (c.matchLabelKeys?.length ?? 0) > 0) continue;
      const ns = p.metadata.namespace || 'default';
      // Eligibility depends on the pod's node affinity and tolerations too.
      const sig = JSON.stringify([ns, c, p.spec.nodeSelector ?? null, p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null, p.spec.tolerations ?? null]);
      if (seen.has(sig)) continue;
      seen.add(sig);
      const counts = new Map<string, number>();
      for (const n of nodes.values()) {
        const v = n.metadata.labels?.[c.topologyKey];
        if (v === undefined || !eligible(p, c, n)) continue;
        let cnt = counts.get(v) ?? 0;
        for (const q of byNode.get(n.metadata.name) ?? []) {
          if ((q.metadata.namespace || 'default') === ns && matchLabelSelector(c.labelSelector, q.metadata.labels)) cnt++;
        }
        counts.set(v, cnt);
      }
      if (counts.size === 0) continue;
      const vals = [...counts.values()];
      const max = Math.max(...vals);
      const min = Math.min(...vals);
      if (max - min > c.maxSkew) {
        const worst = [...counts].find(([, v]) => v === max)![0];
        out.push({ kind: 'topologySpread', node: p.spec.nodeName, pod: key(p), detail: `${c.topologyKey} skew ${max - min} > maxSkew ${c.maxSkew} (${worst}: ${max}, min ${min})` });
      }
    }
  }
}

/** A node counts for a constraint's domains (upstream nodeAffinityPolicy default Honor, nodeTaintsPolicy default Ignore). */
function eligible(p: Pod, c: TopologySpreadConstraint, n: Node): boolean {
  if ((c.nodeAffinityPolicy ?? 'Honor') === 'Honor' && !nodeAffinityMatches(p, n)) return false;
  if (c.nodeTaintsPolicy === 'Honor') {
    for (const t of n.spec?.taints ?? []) {
      if ((t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerationsTolerateTaint(p.spec.tolerations ?? [], t)) return false;
    }
  }
  return true;
}

function termNamespaces(p: Pod, term: PodAffinityTerm, namespaces: Namespace[] | undefined): (ns: string) => boolean {
  const own = p.metadata.namespace || 'default';
  const listed = term.namespaces ?? [];
  const sel: LabelSelector | undefined = term.namespaceSelector;
  if (listed.length === 0 && !sel) return (ns) => ns === own;
  const bySel = new Set<string>();
  if (sel) {
    const empty = !sel.matchLabels && !(sel.matchExpressions?.length);
    for (const n of namespaces ?? []) if (empty || matchLabelSelector(sel, n.metadata.labels)) bySel.add(n.metadata.name);
    if (empty) return () => true;
  }
  return (ns) => listed.includes(ns) || bySel.has(ns);
}

function checkAntiAffinity(state: StateInput, nodes: Map<string, Node>, byNode: Map<string, Pod[]>, out: Violation[]): void {
  // Bound pods per topology domain value, per key, built lazily.
  const domains = new Map<string, Map<string, Pod[]>>();
  const podsIn = (topologyKey: string): Map<string, Pod[]> => {
    let m = domains.get(topologyKey);
    if (m) return m;
    m = new Map();
    for (const [name, pods] of byNode) {
      const v = nodes.get(name)!.metadata.labels?.[topologyKey];
      if (v === undefined) continue;
      let l = m.get(v);
      if (!l) m.set(v, (l = []));
      l.push(...pods);
    }
    domains.set(topologyKey, m);
    return m;
  };
  for (const p of state.pods) {
    if (!p.spec.nodeName || terminal(p)) continue;
    const terms = p.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    if (terms.length === 0) continue;
    const node = nodes.get(p.spec.nodeName);
    if (!node) continue;
    for (const term of terms) {
      const v = node.metadata.labels?.[term.topologyKey];
      if (v === undefined) continue;
      const inNs = termNamespaces(p, term, state.namespaces);
      for (const q of podsIn(term.topologyKey).get(v) ?? []) {
        if (q === p) continue;
        if (inNs(q.metadata.namespace || 'default') && matchLabelSelector(term.labelSelector, q.metadata.labels)) {
          out.push({ kind: 'antiAffinity', node: p.spec.nodeName, pod: key(p), detail: `shares ${term.topologyKey}=${v} with ${key(q)} (on ${q.spec.nodeName}), which its required anti-affinity excludes` });
          break;
        }
      }
    }
  }
}
