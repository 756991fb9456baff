// Engine-neutral scheduling results. Field names follow ../../shared/spec/cli.md (`kubescale schedule -o json`);
// both engines (reference and fast) return exactly these shapes so differential tests can compare them.

import type { ClusterObjects } from '../k8s/types.js';
import type { SchedulerConfig } from './config.js';

export interface Placement {
  /** "namespace/name". */
  pod: string;
  /** Chosen node, or null when the pod stays unschedulable. */
  node: string | null;
  /** Upstream's FitError text (or the gating message) when node is null. */
  reason?: string;
}

export interface Preemption {
  victim: string;
  preemptor: string;
  node: string;
}

export interface PluginScore {
  raw: number;
  normalized: number;
  weighted: number;
}

export interface NodeExplain {
  node: string;
  feasible: boolean;
  /** Every filter plugin that ran: "ok" or the upstream reason text. Plugins after the first failure did not run. */
  filters: Record<string, string>;
  /** Score plugins for feasible nodes that were scored (absent when the single-feasible-node shortcut applied). */
  scores?: Record<string, PluginScore>;
  total?: number;
}

export interface PodExplain {
  pod: string;
  /** Nodes the cycle examined, in visiting order (sampling may leave some out). */
  nodes: NodeExplain[];
  /** Reason text of a PreFilter rejection, when the cycle stopped there. */
  preFilter?: string;
}

export interface ScheduleResult {
  placements: Placement[];
  preemptions: Preemption[];
  explain?: PodExplain[];
  /** Plugins enabled by the profile but not yet built by kubescale; they were treated as no-ops. */
  skippedPlugins?: string[];
}

export interface ScheduleOptions {
  config: SchedulerConfig;
  /** Seed for tie-breaking among equal top scores. */
  seed: number;
  explain?: boolean;
}

/** Both scheduling engines implement this. The input is not modified; `bound` gives the final pods. */
export interface Engine {
  readonly name: 'reference' | 'fast';
  schedule(cluster: ClusterObjects, options: ScheduleOptions): ScheduleOutcome;
}

export interface ScheduleOutcome {
  result: ScheduleResult;
  /** Every pod of the input, in input order, with spec.nodeName set for the ones now bound. */
  pods: ClusterObjects['pods'];
}

// ---- The scheduling queue driver's contract with an engine (see queue.ts). ----

/** A pod as the queue driver knows it. `pod` is the driver's own copy: bind sets spec.nodeName on it. */
export interface PodRef {
  /** "namespace/name". */
  key: string;
  pod: import('../k8s/types.js').Pod;
  priority: number;
}

/** Upstream FitError's data; the driver renders it with sampling.fitErrorMessage. */
export interface FitErrorData {
  numAllNodes: number;
  /** Reasons of every rejected node (absent nodes included), in any order. */
  reasonsPerNode: string[][];
  preFilterMsg?: string;
}

/** One scheduling cycle's outcome, before PostFilter; nothing is bound yet. */
export interface AttemptResult {
  /** Chosen node, or null. */
  node: string | null;
  /** When node is null: the FitError (or `error` for non-FitError failures such as "no nodes available"). */
  fitError?: FitErrorData;
  error?: string;
  /** Plugins that rejected the pod (upstream UnschedulablePlugins): which cluster events can help it. */
  unschedulablePlugins: string[];
  explain?: PodExplain;
}

/** PostFilter (DefaultPreemption) outcome. */
export interface PreemptionResult {
  /** Node the preemptor is nominated to; null clears its nomination; undefined leaves it as it is. */
  nominatedNode?: string | null;
  /** Pods to evict ("namespace/name"), empty when no candidate was found. */
  victims: string[];
  /** PostFilter status message appended to the FitError (e.g. "preemption: 0/3 nodes are available: ..."). */
  message?: string;
}

/** Read-only view of the driver's nominator (upstream PodNominator). */
export interface Nominations {
  /** Pods nominated to `node` that are not bound yet. */
  podsOn(node: string): readonly PodRef[];
}

export interface AttemptContext {
  nominations: Nominations;
  /** The pod's status.nominatedNodeName: tried first (upstream evaluateNominatedNode). */
  nominatedNode?: string;
  explain: boolean;
  /** Simulated clock, ms. */
  now: number;
  /**
   * The pod the queue would attempt next if nothing changes before then (a hint: an engine may start
   * that pod's work early and must check, when the attempt comes, that nothing it relied on changed).
   */
  next?: () => PodRef | undefined;
}
