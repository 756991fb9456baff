// defaultpreemption.DefaultPreemption and framework/preemption's Evaluator, as upstream v1.35:
//  1. preemptionPolicy Never: not eligible.
//  2. Potential nodes: every node whose status is not UnschedulableAndUnresolvable.
//  3. DryRunPreemption from a (seeded) random offset over the potential nodes, stopping once there is at least one
//     candidate without PDB violations and minCandidateNodesPercentage / Absolute candidates in all.
//  4. SelectVictimsOnNode: remove every lower-priority pod; if the pod then fits, reprieve as many as possible,
//     PDB-violating ones first, each group from the most important pod down.
//  5. pickOneNodeForPreemption: fewest PDB violations, lowest highest-victim priority, smallest priority sum,
//     fewest victims, latest earliest-start-time; then the first in dry-run order (upstream: map order).
// The driver evicts the victims, nominates the node and clears lower-priority nominations on it.

import type { LabelSelector } from '../../k8s/types.js';
import type { DefaultPreemptionArgs } from '../config.js';
import type { PodInfo } from '../podinfo.js';
import { fitErrorMessage, type Rng } from '../sampling.js';
import type { Nominations, PreemptionResult } from '../types.js';
import { matchLabelSelector } from '../../model/selector.js';
import { type CycleState, type Status, cloneState, SKIP_FILTER_KEY, unresolvable } from './framework.js';
import type { NodeInfo } from './nodeinfo.js';
import type { FailedCycle, Framework } from './scheduler.js';

export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_ELIGIBLE_NEVER = 'not eligible due to preemptionPolicy=Never.';
const MAX_INT32 = 2147483647;

/** What preemption needs from the engine. */
export interface PreemptionHost {
  readonly nodes: readonly NodeInfo[];
  readonly rng: Rng;
  readonly cluster: import('../../k8s/types.js').ClusterObjects;
  startTime(pi: PodInfo): number;
  runFiltersWithNominated(fw: Framework, state: CycleState, pod: PodInfo, node: NodeInfo, noms: Nominations): { status: Status; plugin?: string };
  boundPods(): PodInfo[];
}

export interface Pdb {
  namespace: string;
  selector: LabelSelector | undefined;
  allowed: number;
  disrupted: Set<string>;
}

export interface Candidate {
  node: string;
  /** Most important first. */
  victims: PodInfo[];
  numPDBViolations: number;
}

/** Upstream calculateNumCandidates. */
export function calculateNumCandidates(args: DefaultPreemptionArgs, numNodes: number): number {
  let n = Math.trunc((numNodes * args.minCandidateNodesPercentage) / 100);
  if (n < args.minCandidateNodesAbsolute) n = args.minCandidateNodesAbsolute;
  if (n > numNodes) n = numNodes;
  return n;
}

/** Upstream util.MoreImportantPod: higher priority, then earlier start time. */
export function moreImportant(host: Pick<PreemptionHost, 'startTime'>, a: PodInfo, b: PodInfo): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return host.startTime(a) < host.startTime(b);
}

function scaled(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const pct = Number.parseInt(v, 10);
  return Math.ceil((pct * total) / 100);
}

/**
 * The PDBs with disruptionsAllowed: status.disruptionsAllowed when the input carries it, else what the disruption
 * controller would compute from the bound pods (healthy) and all pods it selects (expected).
 */
export function pdbsOf(host: PreemptionHost): Pdb[] {
  const bound = host.boundPods();
  return host.cluster.podDisruptionBudgets.map((p) => {
    const ns = p.metadata.namespace || 'default';
    let allowed = p.status?.disruptionsAllowed;
    if (typeof allowed !== 'number') {
      const sel = p.spec?.selector;
      const healthy = bound.filter((b) => b.namespace === ns && matchLabelSelector(sel, b.pod.metadata.labels ?? {})).length;
      const expected = host.cluster.pods.filter((b) => (b.metadata.namespace || 'default') === ns && matchLabelSelector(sel, b.metadata.labels ?? {})).length;
      let desired = 0;
      if (p.spec?.minAvailable !== undefined) desired = scaled(p.spec.minAvailable, expected);
      else if (p.spec?.maxUnavailable !== undefined) desired = expected - scaled(p.spec.maxUnavailable, expected);
      allowed = Math.max(0, healthy - desired);
    }
    const disruptedPods = (p.status as { disruptedPods?: Record<string, unknown> } | undefined)?.disruptedPods ?? {};
    return { namespace: ns, selector: p.spec?.selector, allowed, disrupted: new Set(Object.keys(disruptedPods)) };
  });
}

/** Upstream filterPodsWithPDBViolation (budgets decremented as pods are taken, in the given order). */
export function filterPodsWithPDBViolation(pods: readonly PodInfo[], pdbs: readonly Pdb[]): [PodInfo[], PodInfo[]] {
  const allowed = pdbs.map((p) => p.allowed);
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const pi of pods) {
    const labels = pi.pod.metadata.labels ?? {};
    let violated = false;
    if (Object.keys(labels).length > 0) {
      pdbs.forEach((pdb, i) => {
        if (pdb.namespace !== pi.namespace) return;
        const sel = pdb.selector;
        // A PDB with a nil or empty selector matches nothing.
        if (!sel || ((!sel.matchLabels || Object.keys(sel.matchLabels).length === 0) && (sel.matchExpressions ?? []).length === 0)) return;
        if (!matchLabelSelector(sel, labels)) return;
        if (pdb.disrupted.has(pi.pod.metadata.name)) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pi);
  }
  return [violating, nonViolating];
}

function runExtension(fw: Framework, state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, op: 'addPod' | 'removePod'): void {
  const skipped = (state.get(SKIP_FILTER_KEY) as Set<string> | undefined) ?? new Set<string>();
  for (const pl of fw.points.preFilter) if (pl[op] && !skipped.has(pl.name)) pl[op]!(state, pod, other, node);
}

/** Upstream SelectVictimsOnNode, on copies of the node and the cycle state. */
export function selectVictimsOnNode(host: PreemptionHost, fw: Framework, state: CycleState, pod: PodInfo, node: NodeInfo, pdbs: readonly Pdb[],
  noms: Nominations): { victims: PodInfo[]; numViolating: number; status?: Status } {
  const potential = node.pods.filter((p) => p.priority < pod.priority);
  if (potential.length === 0) return { victims: [], numViolating: 0, status: unresolvable(NO_VICTIMS) };
  const remove = (p: PodInfo) => {
    node.removePod(p);
    runExtension(fw, state, pod, p, node, 'removePod');
  };
  for (const p of potential) remove(p);
  const fits = host.runFiltersWithNominated(fw, state, pod, node, noms);
  if (fits.status.code !== 'Success') return { victims: [], numViolating: 0, status: fits.status };
  potential.sort((a, b) => (moreImportant(host, a, b) ? -1 : moreImportant(host, b, a) ? 1 : 0));
  const [violating, nonViolating] = filterPodsWithPDBViolation(potential, pdbs);
  const victims: PodInfo[] = [];
  const reprieve = (p: PodInfo): boolean => {
    node.addPod(p);
    runExtension(fw, state, pod, p, node, 'addPod');
    const ok = host.runFiltersWithNominated(fw, state, pod, node, noms).status.code === 'Success';
    if (!ok) {
      remove(p);
      victims.push(p);
    }
    return ok;
  };
  let numViolating = 0;
  for (const p of violating) if (!reprieve(p)) numViolating++;
  for (const p of nonViolating) reprieve(p);
  if (violating.length > 0 && nonViolating.length > 0) victims.sort((a, b) => (moreImportant(host, a, b) ? -1 : moreImportant(host, b, a) ? 1 : 0));
  return { victims, numViolating };
}

/** Upstream GetEarliestPodStartTime: the earliest start among the highest-priority victims. */
function earliestStartTime(host: PreemptionHost, victims: readonly PodInfo[]): number {
  let maxPriority = -Infinity;
  for (const v of victims) if (v.priority > maxPriority) maxPriority = v.priority;
  let earliest = Infinity;
  for (const v of victims) if (v.priority === maxPriority) earliest = Math.min(earliest, host.startTime(v));
  return earliest;
}

/** Upstream pickOneNodeForPreemption with the default score functions; final ties: first candidate. */
export function pickOneNodeForPreemption(host: PreemptionHost, candidates: readonly Candidate[]): Candidate | undefined {
  if (candidates.length === 0) return undefined;
  for (const c of candidates) if (c.victims.length === 0) return c;
  const scoreFuncs: ((c: Candidate) => number)[] = [
    (c) => -c.numPDBViolations,
    (c) => -c.victims[0]!.priority,
    (c) => -c.victims.reduce((s, v) => s + v.priority + MAX_INT32 + 1, 0),
    (c) => -c.victims.length,
    (c) => earliestStartTime(host, c.victims),
  ];
  let all = [...candidates];
  for (const f of scoreFuncs) {
    let max = -Infinity;
    let selected: Candidate[] = [];
    for (const c of all) {
      const s = f(c);
      if (s > max) {
        max = s;
        selected = [];
      }
      if (s === max) selected.push(c);
    }
    if (selected.length === 1) return selected[0];
    all = selected;
  }
  return all[0];
}

/** Evaluator.Preempt for the failed cycle `f`. */
export function runPreemption(host: PreemptionHost, f: FailedCycle, noms: Nominations, args: DefaultPreemptionArgs): PreemptionResult {
  const pod = f.pod;
  if (pod.pod.spec.preemptionPolicy === 'Never') return { message: `preemption: ${NOT_ELIGIBLE_NEVER}`, victims: [] };
  const all = host.nodes;
  const statusOf = (n: NodeInfo): Status => f.statuses.get(n.name) ?? f.absent ?? unresolvable();
  const nodeStatuses = new Map<string, Status>();
  const potential: NodeInfo[] = [];
  for (const n of all) {
    if (statusOf(n).code === 'UnschedulableAndUnresolvable') nodeStatuses.set(n.name, unresolvable(NOT_HELPFUL));
    else potential.push(n);
  }
  const failMessage = () => `preemption: ${fitErrorMessage(all.length, [...nodeStatuses.values()].map((s) => s.reasons))}`;
  if (potential.length === 0) return { nominatedNode: null, victims: [], message: failMessage() };

  const pdbs = pdbsOf(host);
  const offset = host.rng.intn(potential.length);
  const numCandidates = calculateNumCandidates(args, potential.length);
  const nonViolating: Candidate[] = [];
  const violating: Candidate[] = [];
  for (let i = 0; i < potential.length; i++) {
    const node = potential[(offset + i) % potential.length]!;
    const nodeCopy = node.snapshot();
    const stateCopy = cloneState(f.state);
    const r = selectVictimsOnNode(host, f.fw, stateCopy, pod, nodeCopy, pdbs, noms);
    if (!r.status && r.victims.length > 0) {
      (r.numViolating === 0 ? nonViolating : violating).push({ node: node.name, victims: r.victims, numPDBViolations: r.numViolating });
      if (nonViolating.length > 0 && nonViolating.length + violating.length >= numCandidates) break;
      continue;
    }
    const st = r.status ?? { code: 'Error' as const, reasons: [`expected at least one victim pod on node ${node.name}`] };
    nodeStatuses.set(node.name, st);
  }
  const candidates = [...nonViolating, ...violating];
  if (candidates.length === 0) return { nominatedNode: null, victims: [], message: failMessage() };
  const best = pickOneNodeForPreemption(host, candidates)!;
  return { nominatedNode: best.node, victims: best.victims.map((v) => v.key) };
}
