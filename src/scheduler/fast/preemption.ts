// DefaultPreemption in the fast engine: the same Evaluator.Preempt steps as reference/preemption.ts,
// with victims removed from and re-added to the node tables (and so to every incremental counter)
// instead of copying NodeInfo objects. The candidate ordering helpers (PDB accounting,
// calculateNumCandidates, pickOneNodeForPreemption) are shared with the reference engine: they work
// on plain victim lists and carry no engine state.

import type { ClusterObjects, Pod } from '../../k8s/types.js';
import type { DefaultPreemptionArgs } from '../config.js';
import type { PodInfo } from '../podinfo.js';
import { fitErrorMessage, type Rng } from '../sampling.js';
import type { PreemptionResult } from '../types.js';
import {
  calculateNumCandidates, filterPodsWithPDBViolation, moreImportant, NO_VICTIMS, NOT_ELIGIBLE_NEVER, NOT_HELPFUL, pdbsOf,
  pickOneNodeForPreemption, type Candidate, type PreemptionHost,
} from '../reference/preemption.js';

/** A failed cycle's node statuses, as the fast engine records them. */
export interface FailedCycleRows {
  key: string;
  /** Node row -> reasons and whether UnschedulableAndUnresolvable. */
  statuses: Map<number, { reasons: string[]; unresolvable: boolean }>;
  /** Status of nodes not in `statuses`: PreFilter rejection or narrowing (always unresolvable here). */
  absentUnresolvable: boolean;
}

/** What preemption needs from the fast scheduler. */
export interface FastPreemptionHost {
  readonly order: Int32Array;
  readonly rng: Rng;
  readonly cluster: ClusterObjects;
  nodeName(n: number): string;
  /** Pod rows bound to node n, in bind order. */
  podsOn(n: number): readonly number[];
  priorityOf(row: number): number;
  podOf(row: number): Pod;
  keyOf(row: number): string;
  startTime(row: number): number;
  /** Removes (-1) or re-adds (+1) pod row p's usage on node n, counters included. */
  account(p: number, n: number, sign: 1 | -1): void;
  /** Filter result for the preemptor on node n in the current state (nominated pods counted): reasons or null. */
  check(n: number): { reasons: string[]; unresolvable: boolean } | null;
  /** Every bound pod row. */
  boundRows(): number[];
}

function infoOf(host: FastPreemptionHost, row: number): PodInfo {
  const pod = host.podOf(row);
  return { key: host.keyOf(row), pod, namespace: pod.metadata.namespace || 'default', priority: host.priorityOf(row) } as PodInfo;
}

export function runFastPreemption(host: FastPreemptionHost, preemptor: Pod, priority: number, f: FailedCycleRows, args: DefaultPreemptionArgs): PreemptionResult {
  if (preemptor.spec.preemptionPolicy === 'Never') return { message: `preemption: ${NOT_ELIGIBLE_NEVER}`, victims: [] };
  const rowInfo = new Map<number, PodInfo>();
  const info = (r: number) => {
    let pi = rowInfo.get(r);
    if (!pi) rowInfo.set(r, (pi = infoOf(host, r)));
    return pi;
  };
  const rowOfKey = new Map<string, number>();
  // The shared helpers see PodInfo objects; start times come from the fast host by row.
  const startHost: Pick<PreemptionHost, 'startTime'> = { startTime: (pi) => host.startTime(rowOfKey.get(pi.key)!) };
  const all = host.order;
  const nodeStatuses = new Map<number, string[]>();
  const potential: number[] = [];
  for (const n of all) {
    const st = f.statuses.get(n);
    const unresolvable = st ? st.unresolvable : true;
    if (unresolvable) nodeStatuses.set(n, [NOT_HELPFUL]);
    else potential.push(n);
  }
  const failMessage = () => `preemption: ${fitErrorMessage(all.length, [...nodeStatuses.values()])}`;
  if (potential.length === 0) return { nominatedNode: null, victims: [], message: failMessage() };

  const bound = host.boundRows().map((r) => {
    rowOfKey.set(host.keyOf(r), r);
    return info(r);
  });
  const pdbs = pdbsOf({ boundPods: () => bound, cluster: host.cluster } as unknown as PreemptionHost);
  const offset = host.rng.intn(potential.length);
  const numCandidates = calculateNumCandidates(args, potential.length);
  const nonViolating: Candidate[] = [];
  const violating: Candidate[] = [];
  for (let i = 0; i < potential.length; i++) {
    const n = potential[(offset + i) % potential.length]!;
    const r = selectVictims(host, n, priority, pdbs, info, startHost);
    if (!r.status && r.victims.length > 0) {
      (r.numViolating === 0 ? nonViolating : violating).push({ node: host.nodeName(n), victims: r.victims, numPDBViolations: r.numViolating });
      if (nonViolating.length > 0 && nonViolating.length + violating.length >= numCandidates) break;
      continue;
    }
    nodeStatuses.set(n, r.status ?? [`expected at least one victim pod on node ${host.nodeName(n)}`]);
  }
  const candidates = [...nonViolating, ...violating];
  if (candidates.length === 0) return { nominatedNode: null, victims: [], message: failMessage() };
  const best = pickOneNodeForPreemption(startHost as PreemptionHost, candidates)!;
  return { nominatedNode: best.node, victims: best.victims.map((v) => v.key) };
}

/** Upstream SelectVictimsOnNode on the live tables: every change is undone before returning. */
function selectVictims(host: FastPreemptionHost, n: number, priority: number, pdbs: ReturnType<typeof pdbsOf>, info: (r: number) => PodInfo,
  startHost: Pick<PreemptionHost, 'startTime'>): { victims: PodInfo[]; numViolating: number; status?: string[] } {
  const potential = host.podsOn(n).filter((r) => host.priorityOf(r) < priority);
  if (potential.length === 0) return { victims: [], numViolating: 0, status: [NO_VICTIMS] };
  const removed = new Set<number>();
  for (const r of potential) {
    host.account(r, n, -1);
    removed.add(r);
  }
  try {
    const fits = host.check(n);
    if (fits) return { victims: [], numViolating: 0, status: fits.reasons };
    const infos = potential.map(info);
    infos.sort((a, b) => (moreImportant(startHost, a, b) ? -1 : moreImportant(startHost, b, a) ? 1 : 0));
    const [violatingPods, nonViolatingPods] = filterPodsWithPDBViolation(infos, pdbs);
    const rowOf = new Map(potential.map((r) => [info(r).key, r]));
    const victims: PodInfo[] = [];
    const reprieve = (pi: PodInfo): boolean => {
      const r = rowOf.get(pi.key)!;
      host.account(r, n, 1);
      removed.delete(r);
      const ok = host.check(n) === null;
      if (!ok) {
        host.account(r, n, -1);
        removed.add(r);
        victims.push(pi);
      }
      return ok;
    };
    let numViolating = 0;
    for (const p of violatingPods) if (!reprieve(p)) numViolating++;
    for (const p of nonViolatingPods) reprieve(p);
    if (violatingPods.length > 0 && nonViolatingPods.length > 0) {
      victims.sort((a, b) => (moreImportant(startHost, a, b) ? -1 : moreImportant(startHost, b, a) ? 1 : 0));
    }
    return { victims, numViolating };
  } finally {
    for (const r of removed) host.account(r, n, 1);
  }
}
