// noderesources.Fit and noderesources.BalancedAllocation.
// Fit Filter: "Too many pods" when pods + 1 > allocatable pods, then "Insufficient <resource>" for cpu, memory,
// ephemeral-storage and scalar resources (sorted by name; upstream iterates a map) that exceed allocatable - requested.
// Fit Score: the configured strategy over non-zero requests. BalancedAllocation: actual requests; skipped for
// pods requesting nothing of the configured resources.

import type { NodeResourcesBalancedAllocationArgs, NodeResourcesFitArgs } from '../../config.js';
import { isScalarResourceName, RESOURCE_CPU, RESOURCE_EPHEMERAL_STORAGE, RESOURCE_MEMORY, RESOURCE_PODS, type PodInfo } from '../../podinfo.js';
import type { NodeInfo } from '../nodeinfo.js';
import { type CycleState, type Plugin, skip, success, unschedulable } from '../framework.js';
import { podRequestList, scoreResources } from './resourceallocation.js';
import { balancedResourceScorer, leastAllocatedScorer, mostAllocatedScorer, requestedToCapacityRatioScorer } from './scorers.js';

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
  /** The request exceeds the node's whole allocatable: no preemption can help (upstream Unresolvable). */
  unresolvable: boolean;
}

/** Upstream fitsRequest: every insufficiency, in upstream's order. */
export function fitsRequest(pod: PodInfo, node: NodeInfo, ignored: ReadonlySet<string>, ignoredGroups: ReadonlySet<string>): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const allowedPods = node.allocatable.get(RESOURCE_PODS) ?? 0;
  if (node.pods.length + 1 > allowedPods) {
    out.push({ resourceName: RESOURCE_PODS, reason: 'Too many pods', requested: 1, used: node.pods.length, capacity: allowedPods, unresolvable: false });
  }
  const req = pod.requests;
  const cpu = req.get(RESOURCE_CPU) ?? 0;
  const mem = req.get(RESOURCE_MEMORY) ?? 0;
  const eph = req.get(RESOURCE_EPHEMERAL_STORAGE) ?? 0;
  const scalars = [...req.keys()].filter(isScalarResourceName).sort();
  if (cpu === 0 && mem === 0 && eph === 0 && scalars.every((s) => (req.get(s) ?? 0) === 0)) return out;
  for (const [name, want] of [[RESOURCE_CPU, cpu], [RESOURCE_MEMORY, mem], [RESOURCE_EPHEMERAL_STORAGE, eph]] as const) {
    const alloc = node.allocatable.get(name) ?? 0;
    const used = node.requestedOf(name);
    if (want > 0 && want > alloc - used) out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: want, used, capacity: alloc, unresolvable: want > alloc });
  }
  for (const name of scalars) {
    const want = req.get(name) ?? 0;
    if (want === 0) continue;
    if (ignored.has(name)) continue;
    const slash = name.indexOf('/');
    if (slash >= 0 && ignoredGroups.has(name.slice(0, slash))) continue;
    const alloc = node.allocatable.get(name) ?? 0;
    const used = node.requestedOf(name);
    if (want > alloc - used) out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: want, used, capacity: alloc, unresolvable: want > alloc });
  }
  return out;
}

const FIT_STATE = 'PreScoreNodeResourcesFit';
const BALANCED_STATE = 'PreScoreNodeResourcesBalancedAllocation';

export const newFit = (rawArgs: unknown): Plugin => {
  const args = rawArgs as NodeResourcesFitArgs;
  const ignored = new Set(args.ignoredResources);
  const ignoredGroups = new Set(args.ignoredResourceGroups);
  const { type, resources, requestedToCapacityRatio } = args.scoringStrategy;
  const scorer = type === 'MostAllocated' ? mostAllocatedScorer(resources)
    : type === 'RequestedToCapacityRatio' ? requestedToCapacityRatioScorer(resources, requestedToCapacityRatio?.shape ?? [])
    : leastAllocatedScorer(resources);
  return {
    name: 'NodeResourcesFit',
    preFilter: () => ({ status: success() }),
    filter: (_s, pod, node) => {
      const bad = fitsRequest(pod, node, ignored, ignoredGroups);
      if (bad.length === 0) return success();
      const status = unschedulable(...bad.map((b) => b.reason));
      if (bad.some((b) => b.unresolvable)) status.code = 'UnschedulableAndUnresolvable';
      return status;
    },
    preScore: (state: CycleState, pod) => {
      state.set(FIT_STATE, podRequestList(pod, resources, false));
      return success();
    },
    score: (state, _pod, node) => scoreResources(node, resources, state.get(FIT_STATE) as number[], false, scorer),
  };
};

export const newBalancedAllocation = (rawArgs: unknown): Plugin => {
  const { resources } = rawArgs as NodeResourcesBalancedAllocationArgs;
  return {
    name: 'NodeResourcesBalancedAllocation',
    preScore: (state, pod) => {
      const reqs = podRequestList(pod, resources, true);
      if (reqs.every((r) => r === 0)) return skip();
      state.set(BALANCED_STATE, reqs);
      return success();
    },
    score: (state, _pod, node) => scoreResources(node, resources, state.get(BALANCED_STATE) as number[], true, balancedResourceScorer),
  };
};
