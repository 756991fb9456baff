// Upstream noderesources resourceAllocationScorer: per configured resource, (allocatable, requested + pod)
// with non-zero requests for cpu/memory unless `useRequested`; extended resources the pod does not request
// and resources the node lacks are left out (allocatable 0).

import { isScalarResourceName, podRequests, RESOURCE_CPU, RESOURCE_EPHEMERAL_STORAGE, RESOURCE_MEMORY, type PodInfo } from '../../podinfo.js';
import type { ResourceSpec } from '../../config.js';
import type { NodeInfo } from '../nodeinfo.js';

/** Pod request per resource as the scorer sees it (upstream calculatePodResourceRequestList). */
export function podRequestList(pod: PodInfo, resources: readonly ResourceSpec[], useRequested: boolean): number[] {
  const reqs = useRequested ? pod.requests : podRequests(pod.pod, true);
  return resources.map((r) => reqs.get(r.name) ?? 0);
}

export function allocatableAndRequested(node: NodeInfo, resource: string, podRequest: number, useRequested: boolean): [number, number] {
  if (podRequest === 0 && isScalarResourceName(resource)) return [0, 0];
  const alloc = node.allocatable.get(resource);
  if (resource === RESOURCE_CPU || resource === RESOURCE_MEMORY) {
    const used = useRequested ? node.requestedOf(resource) : node.nonZeroRequestedOf(resource);
    return [alloc ?? 0, used + podRequest];
  }
  if (resource === RESOURCE_EPHEMERAL_STORAGE) return [alloc ?? 0, node.requestedOf(resource) + podRequest];
  if (alloc !== undefined && isScalarResourceName(resource)) return [alloc, node.requestedOf(resource) + podRequest];
  return [0, 0];
}

/** Fills requested/allocatable arrays (0 allocatable = skip) and applies the strategy's scorer. */
export function scoreResources(node: NodeInfo, resources: readonly ResourceSpec[], podReqs: readonly number[], useRequested: boolean,
  scorer: (requested: number[], allocatable: number[]) => number): number {
  const requested = new Array<number>(resources.length).fill(0);
  const allocatable = new Array<number>(resources.length).fill(0);
  resources.forEach((r, i) => {
    const [alloc, req] = allocatableAndRequested(node, r.name, podReqs[i]!, useRequested);
    if (alloc === 0) return;
    allocatable[i] = alloc;
    requested[i] = req;
  });
  return scorer(requested, allocatable);
}
