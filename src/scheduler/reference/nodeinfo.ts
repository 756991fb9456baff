// Object-per-node state, shaped like upstream's framework.NodeInfo: the node, its pods, requested and
// non-zero-requested resources, used host ports and image states. Plain and obviously correct.

import type { Node, Taint } from '../../k8s/types.js';
import { nodeAllocatable, normalizedImageName, type HostPort, type PodInfo, type Resources, RESOURCE_CPU, RESOURCE_MEMORY } from '../podinfo.js';

export interface ImageStateSummary {
  size: number;
  numNodes: number;
}

export class NodeInfo {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly taints: Taint[];
  readonly unschedulable: boolean;
  readonly allocatable: Resources;
  readonly requested: Resources = new Map();
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  readonly pods: PodInfo[] = [];
  readonly usedPorts: HostPort[] = [];
  /** Image name (as the node reports it) -> size and how many nodes hold it. Filled by buildImageStates. */
  readonly imageStates = new Map<string, ImageStateSummary>();

  constructor(readonly node: Node) {
    this.name = node.metadata.name;
    this.labels = node.metadata.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    this.allocatable = nodeAllocatable(node);
  }

  addPod(pi: PodInfo): void {
    this.pods.push(pi);
    for (const [k, v] of pi.requests) this.requested.set(k, (this.requested.get(k) ?? 0) + v);
    this.nonZeroMilliCPU += pi.nonZeroMilliCPU;
    this.nonZeroMemory += pi.nonZeroMemory;
    this.usedPorts.push(...pi.hostPorts);
  }

  /** Upstream RemovePod: takes the pod (by key) and its requests and ports off the node. */
  removePod(pi: PodInfo): boolean {
    const i = this.pods.findIndex((p) => p.key === pi.key);
    if (i < 0) return false;
    const [old] = this.pods.splice(i, 1);
    for (const [k, v] of old!.requests) this.requested.set(k, (this.requested.get(k) ?? 0) - v);
    this.nonZeroMilliCPU -= old!.nonZeroMilliCPU;
    this.nonZeroMemory -= old!.nonZeroMemory;
    for (const hp of old!.hostPorts) {
      const j = this.usedPorts.findIndex((u) => u.hostIP === hp.hostIP && u.protocol === hp.protocol && u.hostPort === hp.hostPort);
      if (j >= 0) this.usedPorts.splice(j, 1);
    }
    return true;
  }

  /** Upstream NodeInfo.Snapshot: an independent copy (image states shared, read-only). */
  snapshot(): NodeInfo {
    const c = new NodeInfo(this.node);
    for (const [k, v] of this.requested) c.requested.set(k, v);
    c.nonZeroMilliCPU = this.nonZeroMilliCPU;
    c.nonZeroMemory = this.nonZeroMemory;
    c.pods.push(...this.pods);
    c.usedPorts.push(...this.usedPorts);
    for (const [k, v] of this.imageStates) c.imageStates.set(k, v);
    return c;
  }

  requestedOf(resource: string): number {
    return this.requested.get(resource) ?? 0;
  }

  nonZeroRequestedOf(resource: string): number {
    if (resource === RESOURCE_CPU) return this.nonZeroMilliCPU;
    if (resource === RESOURCE_MEMORY) return this.nonZeroMemory;
    return this.requestedOf(resource);
  }
}

/** Upstream cache: every image name a node reports maps to {size, number of nodes reporting that name}. */
export function buildImageStates(nodes: readonly NodeInfo[]): void {
  const count = new Map<string, number>();
  for (const ni of nodes) {
    const seen = new Set<string>();
    for (const img of ni.node.status?.images ?? []) for (const n of img.names ?? []) seen.add(n);
    for (const n of seen) count.set(n, (count.get(n) ?? 0) + 1);
  }
  for (const ni of nodes) {
    for (const img of ni.node.status?.images ?? []) {
      for (const n of img.names ?? []) ni.imageStates.set(n, { size: img.sizeBytes ?? 0, numNodes: count.get(n)! });
    }
  }
}

export { normalizedImageName };
