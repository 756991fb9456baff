// The PostFilter text DefaultPreemption would add, for the cases kubescale can state exactly without having
// built preemption. Upstream (defaultpreemption + framework/preemption Evaluator.Preempt) returns
// "preemption: " + a second FitError over the nodes it tried, and FitError appends " <msg>." — hence the
// double period real clusters show ("...pod..").
//  - preemptionPolicy Never: "preemption: not eligible due to preemptionPolicy=Never."
//  - nodes rejected UnschedulableAndUnresolvable (and nodes PreFilter left out) count as
//    "Preemption is not helpful for scheduling";
//  - a node rejected Unschedulable with no lower-priority pod on it: "No preemption victims found for incoming pod".
// When some node holds lower-priority pods, real preemption could evict them; kubescale has not built that,
// so it adds no PostFilter text (and reports DefaultPreemption among the skipped plugins).

import type { PodInfo } from '../podinfo.js';
import { fitErrorMessage } from '../sampling.js';
import type { Status } from './framework.js';
import type { NodeInfo } from './nodeinfo.js';

export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';

/**
 * `statuses` are the rejections of the filtered nodes (absent nodes already filled in with their status).
 * Which node each status belongs to matters only for the victim check, so we look for lower-priority pods on
 * every node: if any exist anywhere, we cannot state upstream's text and return undefined.
 */
export function podPostFilterMessage(pod: PodInfo, nodes: readonly NodeInfo[], statuses: readonly Status[], numAllNodes: number): string | undefined {
  if (pod.pod.spec.preemptionPolicy === 'Never') return 'preemption: not eligible due to preemptionPolicy=Never.';
  const potential = statuses.filter((s) => s.code === 'Unschedulable').length;
  if (potential > 0 && nodes.some((n) => n.pods.some((p) => p.priority < pod.priority))) return undefined;
  const reasons: string[][] = [];
  for (let i = 0; i < potential; i++) reasons.push([NO_VICTIMS]);
  for (let i = potential; i < numAllNodes; i++) reasons.push([NOT_HELPFUL]);
  return `preemption: ${fitErrorMessage(numAllNodes, reasons)}`;
}
