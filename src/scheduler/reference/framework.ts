// The reference engine's plugin contract, named as upstream's framework: Status codes, CycleState,
// PreFilterResult, and the extension-point methods a plugin may implement.

import type { ClusterObjects } from '../../k8s/types.js';
import type { PodInfo } from '../podinfo.js';
import type { NodeInfo } from './nodeinfo.js';

export type Code = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Skip' | 'Error';

export interface Status {
  code: Code;
  reasons: string[];
}

export const success = (): Status => ({ code: 'Success', reasons: [] });
export const skip = (): Status => ({ code: 'Skip', reasons: [] });
export const unschedulable = (...reasons: string[]): Status => ({ code: 'Unschedulable', reasons });
export const unresolvable = (...reasons: string[]): Status => ({ code: 'UnschedulableAndUnresolvable', reasons });
export const isRejected = (s: Status): boolean => s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';
/** Upstream Status.Message(): reasons joined with ", ". */
export const message = (s: Status): string => s.reasons.join(', ');

/** Per-pod scratch space plugins fill in PreFilter/PreScore and read in Filter/Score. */
export type CycleState = Map<string, unknown>;

/** State data that preemption and nominated-pod filtering must copy before changing (upstream StateData.Clone). */
export interface Cloneable {
  clone(): unknown;
}

/** Upstream CycleState.Clone: every value that can clone itself is copied; the rest is shared (read-only). */
export function cloneState(state: CycleState): CycleState {
  const out: CycleState = new Map();
  for (const [k, v] of state) {
    const c = v as Partial<Cloneable> | null;
    out.set(k, c && typeof c === 'object' && typeof c.clone === 'function' ? c.clone() : v);
  }
  return out;
}

/** Plugins whose PreFilter returned Skip (their Filter and PreFilterExtensions do not run). */
export const SKIP_FILTER_KEY = '__skipFilterPlugins';

export interface PreFilterOutcome {
  /** Node names the pod may go to; undefined means all nodes. */
  nodeNames?: Set<string>;
  status: Status;
}

/** What a plugin can see of the cluster (upstream framework.Handle's snapshot lister). */
export interface Handle {
  /** All nodes, in snapshot order. */
  nodes: readonly NodeInfo[];
  /** Services, workloads, namespaces, PDBs (listers); absent in unit tests that need none. */
  cluster?: ClusterObjects;
}

export interface Plugin {
  readonly name: string;
  preEnqueue?(pod: PodInfo): Status;
  less?(a: QueuedPod, b: QueuedPod): boolean;
  preFilter?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PreFilterOutcome;
  /** PreFilterExtensions.AddPod / RemovePod: update this plugin's PreFilter state for a pod added to / removed from `node`. */
  addPod?(state: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status;
  removePod?(state: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status;
  filter?(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
  preScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
  score?(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Rewrites scores in place to 0..100 (scores[i] belongs to nodes[i]). */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: number[], nodes?: readonly NodeInfo[]): void;
  bind?(pod: PodInfo, node: NodeInfo): Status;
}

export interface QueuedPod {
  info: PodInfo;
  /** Enqueue order (input order): upstream's timestamp. */
  seq: number;
}

export type PluginFactory = (args: unknown, handle: Handle) => Plugin;

/** Upstream helper.DefaultNormalizeScore. */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: number[]): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(maxPriority);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((maxPriority * scores[i]!) / max);
    if (reverse) s = maxPriority - s;
    scores[i] = s;
  }
}
