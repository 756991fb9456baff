// Building the typed tables from loaded objects: one NodeTable row per Node, one PodTable row per
// Pod, bound pods accounted on their nodes (requests, non-zero requests, pod count, host ports).
// Pods that share a spec object (the pods of one controller) share one spec index.

import type { ClusterObjects, Node, Pod, PodSpec, PriorityClass } from '../k8s/types.js';
import { NO_ID, type Interners } from './intern.js';
import { resourceAmount } from './quantity.js';
import { podRequests } from './requests.js';
import {
  NodeTable, PodTable, accountPod, clusterInterners, OWNER_KINDS, PHASES, PHASE_PENDING, PHASE_RUNNING, PHASE_SUCCEEDED, PHASE_FAILED,
  PROTOCOLS,
} from './tables.js';

export interface ClusterTables {
  interners: Interners;
  nodes: NodeTable;
  pods: PodTable;
  /** Node name -> row. */
  nodeIndex: Map<string, number>;
  /** Distinct pod specs; PodTable.spec indexes this list. */
  specs: PodSpec[];
}

/** Allocatable per resource in table units; `pods` is reported separately. */
export function nodeAllocatable(node: Node): { amounts: Map<string, number>; pods: number } {
  const list = node.status?.allocatable ?? node.status?.capacity ?? {};
  const amounts = new Map<string, number>();
  let pods = 0;
  for (const [k, v] of Object.entries(list)) {
    if (k === 'pods') pods = resourceAmount(k, v);
    else amounts.set(k, resourceAmount(k, v));
  }
  return { amounts, pods };
}

/** The priority a pod runs with: spec.priority, else its PriorityClass, else the global default, else 0. */
export function podPriority(pod: Pod, classes: Map<string, PriorityClass>, globalDefault: number): number {
  if (typeof pod.spec.priority === 'number') return pod.spec.priority;
  const name = pod.spec.priorityClassName;
  if (name) {
    const pc = classes.get(name);
    if (pc) return pc.value;
    if (name === 'system-node-critical') return 2000001000;
    if (name === 'system-cluster-critical') return 2000000000;
  }
  return globalDefault;
}

export function priorityContext(objects: ClusterObjects): { classes: Map<string, PriorityClass>; globalDefault: number } {
  const classes = new Map(objects.priorityClasses.map((p) => [p.metadata.name, p]));
  const def = objects.priorityClasses.find((p) => p.globalDefault);
  return { classes, globalDefault: def ? def.value : 0 };
}

export function podPhase(pod: Pod): number {
  const phase = pod.status?.phase;
  if (phase) return PHASES.indexOf(phase);
  return pod.spec.nodeName ? PHASE_RUNNING : PHASE_PENDING;
}

export function ownerOf(pod: Pod): { kind: number; name: string } {
  const ref = pod.metadata.ownerReferences?.find((r) => r.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!ref) return { kind: 0, name: '' };
  const idx = OWNER_KINDS.indexOf(ref.kind as (typeof OWNER_KINDS)[number]);
  return { kind: idx > 0 ? idx : OWNER_KINDS.length - 1, name: `${ref.kind}/${pod.metadata.namespace ?? 'default'}/${ref.name}` };
}

export function buildTables(objects: ClusterObjects): ClusterTables {
  const interners = clusterInterners();
  // Intern every resource first so both tables get their final resource columns up front.
  const allocs = objects.nodes.map(nodeAllocatable);
  for (const a of allocs) for (const r of a.amounts.keys()) interners.resources.intern(r);
  const specIndex = new Map<PodSpec, number>();
  const specs: PodSpec[] = [];
  const podReqs = new Map<PodSpec, ReturnType<typeof podRequests>>();
  for (const p of objects.pods) {
    if (!specIndex.has(p.spec)) {
      specIndex.set(p.spec, specs.length);
      specs.push(p.spec);
      const r = podRequests(p.spec);
      podReqs.set(p.spec, r);
      for (const k of r.requests.keys()) interners.resources.intern(k);
    }
  }
  const nodes = NodeTable.create(interners, Math.max(objects.nodes.length, 16));
  const nodeIndex = new Map<string, number>();
  objects.nodes.forEach((n, i) => {
    const row = nodes.add({
      name: n.metadata.name,
      allocatable: allocs[i]!.amounts,
      allowedPods: allocs[i]!.pods,
      unschedulable: n.spec?.unschedulable === true,
      labels: n.metadata.labels ?? {},
      taints: n.spec?.taints ?? [],
      images: (n.status?.images ?? []).flatMap((im) => (im.names ?? []).map((name) => ({ name, sizeBytes: im.sizeBytes ?? 0 }))),
    });
    nodeIndex.set(n.metadata.name, row);
  });
  const pods = PodTable.create(interners, Math.max(objects.pods.length, 16));
  const { classes, globalDefault } = priorityContext(objects);
  for (const p of objects.pods) {
    const r = podReqs.get(p.spec)!;
    const phase = podPhase(p);
    const node = p.spec.nodeName ? nodeIndex.get(p.spec.nodeName) ?? -1 : -1;
    const owner = ownerOf(p);
    const row = pods.add({
      namespace: p.metadata.namespace ?? 'default',
      name: p.metadata.name,
      node,
      priority: podPriority(p, classes, globalDefault),
      phase,
      terminating: !!p.metadata.deletionTimestamp,
      gated: (p.spec.schedulingGates?.length ?? 0) > 0,
      ownerKind: owner.kind,
      owner: owner.name,
      spec: specIndex.get(p.spec)!,
      requests: r.requests,
      nonZeroCpu: r.nonZeroCpu,
      nonZeroMemory: r.nonZeroMemory,
      labels: p.metadata.labels ?? {},
    });
    // Terminal pods hold no resources (the scheduler's cache never sees them).
    if (node >= 0 && phase !== PHASE_SUCCEEDED && phase !== PHASE_FAILED) {
      accountPod(nodes, pods, row, node, 1);
      addHostPorts(nodes, node, p.spec);
    }
  }
  return { interners, nodes, pods, nodeIndex, specs };
}

export function hostPortsOf(spec: PodSpec): { protocol: number; port: number; hostIP: string }[] {
  const out: { protocol: number; port: number; hostIP: string }[] = [];
  for (const c of spec.containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ protocol: PROTOCOLS.indexOf(p.protocol ?? 'TCP'), port: p.hostPort, hostIP: p.hostIP && p.hostIP !== '0.0.0.0' ? p.hostIP : '' });
    }
  }
  return out;
}

export function addHostPorts(nodes: NodeTable, node: number, spec: PodSpec): void {
  for (const hp of hostPortsOf(spec)) {
    nodes.addHostPort(node, hp.protocol, hp.port, hp.hostIP ? nodes.interners.labels.intern(hp.hostIP) : NO_ID);
  }
}
