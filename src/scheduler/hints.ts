// QueueingHints (upstream QueueingHintFn, on by default since v1.32): when a cluster event comes, a
// plugin that rejected an unschedulable pod says whether that very event could make the pod
// schedulable, so pods are not retried on events that cannot help them. The scheduling queue asks
// these hints for the plugins a pod's last attempt named (queue.ts moveAll).
//
// From the upstream plugins' hint functions, for a node that joins:
//  - NodeResourcesFit: the pod fits the new node, empty (Fits on a NodeInfo with no pods: one more
//    pod allowed, every resource the pod requests within allocatable);
//  - NodeAffinity: the node matches the profile's addedAffinity and the pod's nodeSelector and
//    required node affinity;
//  - TaintToleration: the pod tolerates every NoSchedule/NoExecute taint of the node;
//  - NodeUnschedulable: the node is schedulable;
//  - PodTopologySpread: the node carries every topology key of the pod's hard constraints;
//  - InterPodAffinity: the node carries the topology key of one of the pod's required (anti-)affinity terms.
// For a pod bound (AssignedPodAdd) or a bound pod deleted (AssignedPodDelete):
//  - PodTopologySpread: that pod is in the pod's namespace and matches one of its hard constraints'
//    selectors (defaults included, from the cluster's Services and controllers);
//  - InterPodAffinity: a bound pod matches all the pod's required affinity terms; a deleted pod
//    matches all its required anti-affinity terms (terms match against namespaceSelector with no
//    namespace labels, as upstream's hint does).
// For a bound pod deleted, NodePorts: that pod held a host port the pod asks for (CheckConflict).
// Every other plugin and event answers Queue, as upstream does for a plugin with no hint function,
// and so does an event whose objects are not known (a batch deleting pods the driver never saw).

import type { ClusterObjects, Node, Pod } from '../k8s/types.js';
import { matchNodeSelectorTerms, requiredNodeAffinityMatches } from '../model/selector.js';
import { profileFor, type Profile, type SchedulerConfig } from './config.js';
import { doNotScheduleTaint, findUntoleratedTaint, hostPorts, nodeAllocatable, podRequests } from './podinfo.js';
import { portsConflict } from './reference/plugins/nodeports.js';
import { affinityInfo, termMatchesPod, type AffinityTerm } from './reference/plugins/interpodaffinity.js';
import { nodeLabelsMatchSpreadConstraints, podConstraints, selectorMatches, type SpreadConstraint } from './reference/plugins/podtopologyspread-common.js';

/** What an event carries for the hints: the nodes that joined (NodeAdd), the pods bound or deleted. */
export interface EventObjects {
  nodes?: readonly Node[];
  pods?: readonly Pod[];
}

/** Whether `plugin`, having rejected `pod`, lets the event bring it back (Queue) or not (QueueSkip). */
export type QueueingHint = (plugin: string, pod: Pod, event: string, objects: EventObjects) => boolean;

/** Allocatable per node object, parsed once (a NodeAdd of thousands of nodes meets every unschedulable pod). */
const allocatable = new WeakMap<Node, Map<string, number>>();

function allocatableOf(node: Node): Map<string, number> {
  let a = allocatable.get(node);
  if (!a) allocatable.set(node, (a = nodeAllocatable(node)));
  return a;
}

/** Upstream noderesources isFit: the pod's requests against the node's allocatable, no pods on it. */
export function fitsEmptyNode(requests: ReadonlyMap<string, number>, node: Node): boolean {
  const alloc = allocatableOf(node);
  if ((alloc.get('pods') ?? 0) < 1) return false;
  for (const [name, v] of requests) if (v > 0 && v > (alloc.get(name) ?? 0)) return false;
  return true;
}

/** Upstream podMatchesAllAffinityTerms (no terms: false), namespaceSelector read against no labels. */
function matchesAllTerms(terms: readonly AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatchesPod(t, pod, NO_LABELS)) return false;
  return true;
}
const NO_LABELS: Record<string, string> = {};

/**
 * The hints of the profiles in `config` (a pod's profile by its schedulerName); `cluster` gives
 * PodTopologySpread's default constraints their selectors (Services, controllers).
 */
export function queueingHints(config: SchedulerConfig, cluster?: ClusterObjects): QueueingHint {
  // A pod's own constraints depend on the pod alone: built once. Defaults read the cluster's Services
  // and controllers, which change: built at each call.
  const own = new WeakMap<Pod, SpreadConstraint[]>();
  const hardConstraints = (pod: Pod, profile: Profile | undefined): SpreadConstraint[] => {
    const args = profile?.args.PodTopologySpread ?? { defaultConstraints: [], defaultingType: 'System' as const };
    if ((pod.spec.topologySpreadConstraints?.length ?? 0) === 0) return podConstraints(pod, args, cluster, 'DoNotSchedule');
    let cs = own.get(pod);
    if (!cs) own.set(pod, (cs = podConstraints(pod, args, cluster, 'DoNotSchedule')));
    return cs;
  };
  return (plugin, pod, event, objects) => {
    const nodes = objects.nodes;
    const pods = objects.pods;
    if (event === 'NodeAdd' && nodes) return nodeAddHint(plugin, pod, nodes);
    if ((event === 'AssignedPodAdd' || event === 'AssignedPodDelete') && pods) {
      const ns = pod.metadata.namespace || 'default';
      if (plugin === 'PodTopologySpread') {
        const cs = hardConstraints(pod, profileFor(config, pod.spec.schedulerName));
        return pods.some((p) => (p === pod || (p.metadata.namespace || 'default') === ns) && cs.some((c) => selectorMatches(c, p.metadata.labels)));
      }
      if (plugin === 'InterPodAffinity') {
        const info = affinityInfo(pod);
        const terms = event === 'AssignedPodAdd' ? info.requiredAffinity : info.requiredAntiAffinity;
        return pods.some((p) => matchesAllTerms(terms, p));
      }
      if (plugin === 'NodePorts' && event === 'AssignedPodDelete') {
        const want = hostPorts(pod);
        return pods.some((p) => {
          const freed = hostPorts(p);
          return want.some((w) => portsConflict(freed, w));
        });
      }
    }
    return true;
  };

  function nodeAddHint(plugin: string, pod: Pod, nodes: readonly Node[]): boolean {
    switch (plugin) {
      case 'NodeResourcesFit': {
        const requests = podRequests(pod, false);
        return nodes.some((n) => fitsEmptyNode(requests, n));
      }
      case 'NodeAffinity': {
        const added = profileFor(config, pod.spec.schedulerName)?.args.NodeAffinity?.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
        return nodes.some((n) => {
          const view = { labels: n.metadata.labels, name: n.metadata.name };
          return (!added || matchNodeSelectorTerms(added.nodeSelectorTerms, view)) && requiredNodeAffinityMatches(pod.spec, view);
        });
      }
      case 'TaintToleration':
        return nodes.some((n) => findUntoleratedTaint(n.spec?.taints ?? [], pod.spec.tolerations ?? [], doNotScheduleTaint) === undefined);
      case 'NodeUnschedulable':
        return nodes.some((n) => n.spec?.unschedulable !== true);
      case 'PodTopologySpread': {
        const cs = hardConstraints(pod, profileFor(config, pod.spec.schedulerName));
        return nodes.some((n) => nodeLabelsMatchSpreadConstraints(n.metadata.labels ?? {}, cs));
      }
      case 'InterPodAffinity': {
        const info = affinityInfo(pod);
        const keys = [...info.requiredAffinity, ...info.requiredAntiAffinity].map((t) => t.topologyKey);
        return nodes.some((n) => {
          const labels = n.metadata.labels ?? {};
          return keys.some((k) => Object.hasOwn(labels, k));
        });
      }
      default:
        return true;
    }
  }
}
