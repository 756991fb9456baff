// QueueingHints (upstream QueueingHintFn, on by default since v1.32): when a cluster event comes, a
// plugin that rejected an unschedulable pod says whether that very event could make the pod
// schedulable, so pods are not retried on events that cannot help them. The scheduling queue asks
// these hints for the plugins a pod's last attempt named (queue.ts moveAll).
//
// Hints here, from the upstream plugins' isSchedulableAfterNodeChange for a node that joins:
//  - NodeResourcesFit: the pod fits the new node, empty (Fits on a NodeInfo with no pods: one more
//    pod allowed, every resource the pod requests within allocatable);
//  - NodeAffinity: the node matches the profile's addedAffinity and the pod's nodeSelector and
//    required node affinity;
//  - TaintToleration: the pod tolerates every NoSchedule/NoExecute taint of the node;
//  - NodeUnschedulable: the node is schedulable.
// Every other plugin and event answers Queue, as upstream does for a plugin with no hint function:
// the pod is retried whenever a registered event comes (queue.ts UNSCHEDULABLE_EVENTS).

import type { Node, Pod } from '../k8s/types.js';
import { matchNodeSelectorTerms, requiredNodeAffinityMatches } from '../model/selector.js';
import { profileFor, type SchedulerConfig } from './config.js';
import { doNotScheduleTaint, findUntoleratedTaint, nodeAllocatable, podRequests } from './podinfo.js';

/** What an event carries for the hints: the nodes that joined (NodeAdd). */
export interface EventObjects {
  nodes?: readonly Node[];
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

/** The hints of the profiles in `config` (a pod's profile by its schedulerName). */
export function queueingHints(config: SchedulerConfig): QueueingHint {
  return (plugin, pod, event, objects) => {
    if (event !== 'NodeAdd' || !objects.nodes) return true;
    const nodes = objects.nodes;
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
      default:
        return true;
    }
  };
}
