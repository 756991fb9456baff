// Builders for scheduler tests: compact node/pod descriptions -> Kubernetes objects.

import type { Node, Pod, Taint, Toleration, Affinity, ContainerImage, ContainerPort, ResourceList } from '../src/k8s/types.js';

export interface CompactContainer { requests?: ResourceList; limits?: ResourceList; image?: string; ports?: ContainerPort[]; restartPolicy?: 'Always' }
export interface CompactPod {
  name?: string; namespace?: string; nodeName?: string; priority?: number; labels?: Record<string, string>;
  containers?: CompactContainer[]; initContainers?: CompactContainer[]; overhead?: ResourceList;
  tolerations?: Toleration[]; affinity?: Affinity; nodeSelector?: Record<string, string>; preemptionPolicy?: 'Never';
  schedulingGates?: string[]; schedulerName?: string;
}
export interface CompactNode { name: string; alloc?: ResourceList; labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean; images?: ContainerImage[] }

const container = (c: CompactContainer, i: number, prefix: string) => ({
  name: `${prefix}${i}`,
  ...(c.image ? { image: c.image } : {}),
  ...(c.ports ? { ports: c.ports } : {}),
  ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}),
  resources: { ...(c.requests ? { requests: c.requests } : {}), ...(c.limits ? { limits: c.limits } : {}) },
});

export function mkPod(c: CompactPod, i = 0): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: c.name ?? `pod-${i}`, namespace: c.namespace ?? 'default', ...(c.labels ? { labels: c.labels } : {}) },
    spec: {
      containers: (c.containers ?? []).map((x, j) => container(x, j, 'c')),
      ...(c.initContainers ? { initContainers: c.initContainers.map((x, j) => container(x, j, 'init')) } : {}),
      ...(c.overhead ? { overhead: c.overhead } : {}),
      ...(c.nodeName ? { nodeName: c.nodeName } : {}),
      ...(c.priority !== undefined ? { priority: c.priority } : {}),
      ...(c.tolerations ? { tolerations: c.tolerations } : {}),
      ...(c.affinity ? { affinity: c.affinity } : {}),
      ...(c.nodeSelector ? { nodeSelector: c.nodeSelector } : {}),
      ...(c.preemptionPolicy ? { preemptionPolicy: c.preemptionPolicy } : {}),
      ...(c.schedulerName ? { schedulerName: c.schedulerName } : {}),
      ...(c.schedulingGates ? { schedulingGates: c.schedulingGates.map((name) => ({ name })) } : {}),
    },
  };
}

export function mkNode(c: CompactNode): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: c.name, ...(c.labels ? { labels: c.labels } : {}) },
    spec: { ...(c.taints ? { taints: c.taints } : {}), ...(c.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable: { cpu: '4', memory: '32Gi', pods: '110', ...(c.alloc ?? {}) }, ...(c.images ? { images: c.images } : {}) },
  };
}
