// Pod and node facts both engines read: resource requests (upstream's resource helper PodRequests),
// non-zero requests, host ports, images, priority, tolerations and taints. Parsed once per object.
//
// Upstream references: k8s.io/component-helpers/resource (PodRequests), pkg/apis/core/v1/defaults.go
// (requests default to limits; allocatable defaults to capacity), pkg/scheduler/util (non-zero defaults),
// k8s.io/api/core/v1 toleration.go (ToleratesTaint).

import { FieldError } from '../k8s/errors.js';
import type { Container, Node, Pod, PodSpec, PriorityClass, ResourceList, Taint, Toleration } from '../k8s/types.js';
import { tolerationToleratesTaint, tolerationsTolerateTaint } from '../k8s/match.js';
import { QuantityError, resourceAmount } from '../model/quantity.js';
import { combineRequests, withNonZero } from '../model/requests.js';

// Upstream schedutil.DefaultMilliCPURequest / DefaultMemoryRequest (0.1 core, 200 MiB for containers
// that set no request) live in model/requests.ts.
export { DEFAULT_MILLI_CPU_REQUEST, DEFAULT_MEMORY_REQUEST } from '../model/requests.js';

export const RESOURCE_CPU = 'cpu';
export const RESOURCE_MEMORY = 'memory';
export const RESOURCE_EPHEMERAL_STORAGE = 'ephemeral-storage';
export const RESOURCE_PODS = 'pods';

/** Resource amounts: cpu in millicores, everything else in whole units (bytes, counts). */
export type Resources = Map<string, number>;

export interface HostPort {
  hostIP: string;
  protocol: string;
  hostPort: number;
}

export interface PodInfo {
  /** "namespace/name". */
  key: string;
  pod: Pod;
  namespace: string;
  priority: number;
  schedulerName: string;
  /** Effective requests (containers, init containers, sidecars, overhead). Only resources that appear. */
  requests: Resources;
  /** cpu request with 100m for every container missing one (scoring). */
  nonZeroMilliCPU: number;
  /** memory request with 200Mi for every container missing one (scoring). */
  nonZeroMemory: number;
  hostPorts: HostPort[];
  /** Normalized image names of init containers then containers (ImageLocality order). */
  images: string[];
  tolerations: Toleration[];
  schedulingGates: string[];
}

/** Scalar resources in upstream's sense: extended (domain-prefixed), hugepages-*, attachable-volumes-*. */
export function isScalarResourceName(name: string): boolean {
  return name.includes('/') || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

function amount(resource: string, value: string | number, field: string): number {
  try {
    return resourceAmount(resource, value);
  } catch (err) {
    if (err instanceof QuantityError) throw new FieldError(field, err.message);
    throw err;
  }
}

/** API defaulting: a container's requests default to its limits for every resource with a limit and no request. */
export function containerRequests(c: Container, field: string): Resources {
  const out: Resources = new Map();
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  for (const [name, v] of Object.entries(req)) out.set(name, amount(name, v, `${field}.resources.requests.${name}`));
  for (const [name, v] of Object.entries(lim)) {
    if (!out.has(name)) out.set(name, amount(name, v, `${field}.resources.limits.${name}`));
  }
  return out;
}

/**
 * Upstream resourcehelper.PodRequests: sum of containers, plus the sum of restartable init containers
 * (sidecars), and at least every regular init container together with the sidecars started before it;
 * then overhead (model/requests.ts combineRequests). With `nonMissing`, a container lacking a
 * cpu/memory request counts 100m / 200Mi (an explicit 0 stays 0). A bad quantity is a FieldError
 * naming its path.
 */
export function podRequests(pod: Pod, nonMissing: boolean): Resources {
  return combineRequests(pod.spec,
    (c, field) => {
      const r = containerRequests(c, field);
      return nonMissing ? withNonZero(r) : r;
    },
    (list) => new Map(Object.entries(list).map(([name, v]) => [name, amount(name, v, `spec.overhead.${name}`)])));
}

/** Upstream normalizedImageName: append ":latest" when the name carries no tag. */
export function normalizedImageName(name: string): string {
  if (name.lastIndexOf(':') <= name.lastIndexOf('/')) return `${name}:latest`;
  return name;
}

/** Host ports the pod asks for (containers only, as upstream's NodePorts PreFilter and NodeInfo do). */
export function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ hostIP: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', hostPort: p.hostPort });
    }
  }
  return out;
}

/** Pod priority: spec.priority, else its PriorityClass, else the globalDefault class, else 0 (admission). */
export function podPriority(pod: Pod, classes: readonly PriorityClass[]): number {
  if (typeof pod.spec.priority === 'number') return pod.spec.priority;
  const name = pod.spec.priorityClassName;
  if (name) {
    const pc = classes.find((c) => c.metadata.name === name);
    if (!pc) throw new FieldError('spec.priorityClassName', `no PriorityClass with name ${name} was found`);
    return pc.value;
  }
  for (const c of classes) if (c.globalDefault) return c.value;
  return 0;
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace || 'default'}/${pod.metadata.name}`;
}

export function parsePod(pod: Pod, classes: readonly PriorityClass[] = []): PodInfo {
  const requests = podRequests(pod, false);
  const nonZero = podRequests(pod, true);
  const images: string[] = [];
  for (const c of pod.spec.initContainers ?? []) if (c.image) images.push(normalizedImageName(c.image));
  for (const c of pod.spec.containers ?? []) if (c.image) images.push(normalizedImageName(c.image));
  return {
    key: podKey(pod),
    pod,
    namespace: pod.metadata.namespace || 'default',
    priority: podPriority(pod, classes),
    schedulerName: pod.spec.schedulerName || 'default-scheduler',
    requests,
    nonZeroMilliCPU: nonZero.get(RESOURCE_CPU) ?? 0,
    nonZeroMemory: nonZero.get(RESOURCE_MEMORY) ?? 0,
    hostPorts: hostPorts(pod),
    images,
    tolerations: pod.spec.tolerations ?? [],
    schedulingGates: (pod.spec.schedulingGates ?? []).map((g) => g.name),
  };
}

/** Node allocatable; API defaulting copies capacity when allocatable is absent. */
export function nodeAllocatable(node: Node): Resources {
  const list: ResourceList = node.status?.allocatable ?? node.status?.capacity ?? {};
  const field = node.status?.allocatable ? 'status.allocatable' : 'status.capacity';
  const out: Resources = new Map();
  for (const [name, v] of Object.entries(list)) out.set(name, amount(name, v, `${field}.${name}`));
  return out;
}

// ---- taints and tolerations ----

/** Upstream Toleration.ToleratesTaint (one definition, in k8s/match.ts, for every caller). */
export { tolerationToleratesTaint as toleratesTaint, tolerationsTolerateTaint };

/** First taint (node order) passing `filter` that no toleration tolerates (upstream FindMatchingUntoleratedTaint). */
export function findUntoleratedTaint(taints: readonly Taint[], ts: readonly Toleration[], filter: (t: Taint) => boolean): Taint | undefined {
  for (const taint of taints) {
    if (!filter(taint)) continue;
    if (!tolerationsTolerateTaint(ts, taint)) return taint;
  }
  return undefined;
}

export const doNotScheduleTaint = (t: Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/**
 * The node names a pod's required node affinity pins it to (upstream NodeAffinity PreFilter): the union
 * over terms of their `metadata.name In` sets, when every term has one; null when some term does not
 * (every node stays eligible); `conflict` when the pins leave no name at all.
 */
export function nodeNamePins(spec: PodSpec): { names: Set<string> | null; conflict: boolean } {
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return { names: null, conflict: false };
  let names: Set<string> | undefined;
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const set = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => set.has(n))) : set;
    }
    if (!termNames) return { names: null, conflict: false };
    names = new Set([...(names ?? []), ...termNames]);
  }
  if (names && names.size === 0) return { names: null, conflict: true };
  return { names: names && names.size > 0 ? names : null, conflict: false };
}
