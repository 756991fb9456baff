// A cluster at a glance: sizes, capacity and use, and where it sits against the large-cluster envelope.

import type { ClusterObjects } from '../k8s/types.js';
import type { ClusterTables } from './cluster.js';
import { RES_CPU, RES_MEMORY, PHASE_SUCCEEDED, PHASE_FAILED } from './tables.js';

export interface ClusterSummary {
  nodes: number;
  schedulableNodes: number;
  zones: string[];
  pods: number;
  boundPods: number;
  pendingPods: number;
  containers: number;
  namespaces: number;
  services: number;
  endpointSlices: number;
  allocatableMilliCpu: number;
  requestedMilliCpu: number;
  allocatableMemoryBytes: number;
  requestedMemoryBytes: number;
  allocatablePods: number;
  maxPodsOnANode: number;
  /** Large-cluster guidance: at most 5,000 nodes, 150,000 pods, 300,000 containers, 110 pods per node. */
  withinEnvelope: boolean;
}

export function clusterSummary(objects: ClusterObjects, t: ClusterTables): ClusterSummary {
  const { nodes, pods } = t;
  const nc = nodes.cols;
  let allocCpu = 0, reqCpu = 0, allocMem = 0, reqMem = 0, allocPods = 0, maxPods = 0, schedulable = 0;
  const zones = new Set<string>();
  for (let i = 0; i < nodes.count; i++) {
    allocCpu += nc.alloc[RES_CPU * nodes.capacity + i]!;
    reqCpu += nc.req[RES_CPU * nodes.capacity + i]!;
    allocMem += nc.alloc[RES_MEMORY * nodes.capacity + i]!;
    reqMem += nc.req[RES_MEMORY * nodes.capacity + i]!;
    allocPods += nc.allowedPods[i]!;
    maxPods = Math.max(maxPods, nc.podCount[i]!);
    if ((nc.flags[i]! & 1) === 0) schedulable++;
    if (nc.zone[i]) zones.add(t.interners.labels.get(nc.zone[i]!));
  }
  let bound = 0, pending = 0;
  const pc = pods.cols;
  for (let i = 0; i < pods.count; i++) {
    const ph = pc.phase[i]!;
    if (ph === PHASE_SUCCEEDED || ph === PHASE_FAILED) continue;
    if (pc.node[i]! >= 0 || objects.pods[i]?.spec.nodeName) bound++;
    else pending++;
  }
  let containers = 0;
  for (const p of objects.pods) containers += p.spec.containers.length;
  const namespaces = new Set<string>([...objects.namespaces.map((n) => n.metadata.name), ...objects.pods.map((p) => p.metadata.namespace ?? 'default')]);
  return {
    nodes: nodes.count, schedulableNodes: schedulable, zones: [...zones].sort(), pods: pods.count, boundPods: bound, pendingPods: pending,
    containers, namespaces: namespaces.size, services: objects.services.length, endpointSlices: objects.endpointSlices.length,
    allocatableMilliCpu: allocCpu, requestedMilliCpu: reqCpu, allocatableMemoryBytes: allocMem, requestedMemoryBytes: reqMem,
    allocatablePods: allocPods, maxPodsOnANode: maxPods,
    withinEnvelope: nodes.count <= 5000 && pods.count <= 150000 && containers <= 300000 && maxPods <= 110,
  };
}

const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '-');

export function formatSummary(s: ClusterSummary): string {
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
  const lines = [
    `nodes            ${s.nodes} (${s.schedulableNodes} schedulable) in ${s.zones.length} zone(s)${s.zones.length ? ': ' + s.zones.join(', ') : ''}`,
    `pods             ${s.pods} (${s.boundPods} bound, ${s.pendingPods} pending), ${s.containers} containers, ${s.namespaces} namespace(s)`,
    `services         ${s.services}, endpoint slices ${s.endpointSlices}`,
    `cpu              ${(s.requestedMilliCpu / 1000).toFixed(1)} of ${(s.allocatableMilliCpu / 1000).toFixed(1)} cores requested (${pct(s.requestedMilliCpu, s.allocatableMilliCpu)})`,
    `memory           ${gib(s.requestedMemoryBytes)} of ${gib(s.allocatableMemoryBytes)} requested (${pct(s.requestedMemoryBytes, s.allocatableMemoryBytes)})`,
    `pod slots        ${s.boundPods} of ${s.allocatablePods}; busiest node holds ${s.maxPodsOnANode}`,
    `envelope         ${s.withinEnvelope ? 'inside' : 'OUTSIDE'} the large-cluster guidance (5,000 nodes, 150,000 pods, 300,000 containers, 110 pods/node)`,
  ];
  return lines.join('\n') + '\n';
}
