// What the op interpreter (ops.ts) needs from a simulated cluster + scheduler. One implementation
// (queue-driver.ts) runs the engine-neutral scheduling queue (../scheduler/queue.ts) over an engine
// backend; tests may plug in others.

import type { ClusterObjects, KubeObject, Namespace, Node, Pod } from '../k8s/types.js';

export type Stage = 'Scheduled' | 'Attempted';

/** Pods selected by namespace (empty or absent = every namespace) and exact-match labels. */
export interface PodFilter {
  namespaces?: readonly string[];
  labelSelector?: Readonly<Record<string, string>>;
}

export function podMatches(pod: Pod, f: PodFilter): boolean {
  if (f.namespaces && f.namespaces.length > 0 && !f.namespaces.includes(pod.metadata.namespace || 'default')) return false;
  if (f.labelSelector) {
    const labels = pod.metadata.labels ?? {};
    for (const [k, v] of Object.entries(f.labelSelector)) if (labels[k] !== v) return false;
  }
  return true;
}

export function podKeyOf(pod: Pod): string {
  return `${pod.metadata.namespace || 'default'}/${pod.metadata.name}`;
}

/** One scheduling attempt as the metrics collectors see it. */
export interface AttemptEvent {
  pod: Pod;
  key: string;
  /** Bound node, or null (unschedulable). */
  node: string | null;
  /** performance.now() right after the attempt. */
  wallMs: number;
  /** Simulated clock, ms. */
  simMs: number;
}

export interface DriverCounters {
  attempts: number;
  scheduled: number;
  /** Failed attempts. */
  unschedulable: number;
  /** Successful preemptions. */
  preemptions: number;
}

export interface WaitOutcome {
  /** The condition held when the wait returned. */
  satisfied: boolean;
  /** Matching pods still unbound (Scheduled) or never attempted (Attempted). */
  remaining: number;
}

export interface Driver {
  readonly engine: string;
  /** Simulated clock, ms since the run started. */
  now(): number;
  createNodes(nodes: Node[]): void;
  /** False when the backend cannot remove nodes. */
  deleteNode(name: string): boolean;
  createNamespaces(namespaces: Namespace[]): void;
  /** Other kinds (Service, PriorityClass, ...) the scheduler may read. */
  createObjects(objects: KubeObject[]): void;
  deleteObject(obj: KubeObject): void;
  /** Pending pods (no spec.nodeName) join the scheduling queue. */
  createPods(pods: Pod[]): void;
  deletePods(keys: string[]): void;
  /** Live pods (not deleted), in creation order. */
  listPods(filter?: PodFilter): Pod[];
  namespaceNames(): Set<string>;
  /** Lets `ms` of simulated time pass, scheduling and firing timers on the way. */
  advance(ms: number): void;
  /** Schedules until every matching pod reached `stage`, or nothing more can happen for them. */
  waitFor(filter: PodFilter, stage: Stage): WaitOutcome;
  /** A callback every `intervalMs` of simulated time (first call one interval from now); returns a cancel function. */
  every(intervalMs: number, fn: () => void): () => void;
  /** Observes every scheduling attempt; returns an unsubscribe function. */
  onAttempt(listener: (e: AttemptEvent) => void): () => void;
  counters(): DriverCounters;
  /** The cluster now: nodes, namespaces, services, and every live pod (bound ones with spec.nodeName). */
  state(): ClusterObjects;
  /** Plugins the profile enables that this engine has not built (no-ops), for a warning. */
  skippedPlugins(): string[];
}
