// Small plugins: PrioritySort, SchedulingGates, NodeUnschedulable, NodeName, DefaultBinder.
// Names and reason strings as upstream (pkg/scheduler/framework/plugins/...).

import { TAINT_NODE_UNSCHEDULABLE, tolerationsTolerateTaint } from '../../podinfo.js';
import { type Plugin, success, unresolvable } from '../framework.js';

/** queuesort.PrioritySort: higher priority first, then earlier enqueue. */
export const newPrioritySort = (): Plugin => ({
  name: 'PrioritySort',
  less: (a, b) => (a.info.priority !== b.info.priority ? a.info.priority > b.info.priority : a.seq < b.seq),
});

export const SCHEDULING_GATED_MESSAGE = 'Scheduling is blocked due to non-empty scheduling gates';

/** schedulinggates.SchedulingGates: a pod with gates never enters the active queue. */
export const newSchedulingGates = (): Plugin => ({
  name: 'SchedulingGates',
  preEnqueue: (pod) => (pod.schedulingGates.length === 0 ? success() : unresolvable(`waiting for scheduling gates: [${pod.schedulingGates.join(' ')}]`)),
});

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

/** nodeunschedulable.NodeUnschedulable: spec.unschedulable fails unless the pod tolerates the unschedulable taint. */
export const newNodeUnschedulable = (): Plugin => ({
  name: 'NodeUnschedulable',
  filter: (_s, pod, node) => {
    if (!node.unschedulable) return success();
    const tolerated = tolerationsTolerateTaint(pod.tolerations, { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });
    return tolerated ? success() : unresolvable(ERR_REASON_UNSCHEDULABLE);
  },
});

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

/** nodename.NodeName. */
export const newNodeName = (): Plugin => ({
  name: 'NodeName',
  filter: (_s, pod, node) => {
    const want = pod.pod.spec.nodeName;
    return !want || want === node.name ? success() : unresolvable(ERR_REASON_NODE_NAME);
  },
});

/** defaultbinder.DefaultBinder: binding is in-memory here; the engine records spec.nodeName. */
export const newDefaultBinder = (): Plugin => ({ name: 'DefaultBinder', bind: () => success() });
