// The dynamic kernels: what depends on the pods already bound, evaluated on table columns for the
// nodes of one cycle. No per-node objects or allocation: inputs are typed arrays, outputs are written
// into caller-owned scratch arrays. Formulas as upstream (see reference/plugins/scorers.ts for the
// object-form versions these are tested against).

import type { NodeTable } from '../../model/tables.js';
import type { ResourceSpec, UtilizationShapePoint } from '../config.js';
import { isScalarResourceName, RESOURCE_CPU, RESOURCE_EPHEMERAL_STORAGE, RESOURCE_MEMORY } from '../podinfo.js';
import type { PodResources } from './plan.js';

/** NodeResourcesFit Filter: true when node n has room for the pod (pod count and every request). */
export function fitsNode(nodes: NodeTable, n: number, res: PodResources): boolean {
  const c = nodes.cols;
  if (c.podCount[n]! + 1 > c.allowedPods[n]!) return false;
  if (res.requestsNothing) return true;
  const cap = nodes.capacity;
  const { fitIndex, fitAmount } = res;
  for (let i = 0; i < fitIndex.length; i++) {
    const r = fitIndex[i]!;
    const want = fitAmount[i]!;
    if (r < 0) return false; // a resource no node has
    if (want > c.alloc[r * cap + n]! - c.req[r * cap + n]!) return false;
  }
  return true;
}

/** NodeResourcesFit Filter reasons for node n, in upstream's order, and whether any is unresolvable. */
export function fitReasons(nodes: NodeTable, n: number, res: PodResources): { reasons: string[]; unresolvable: boolean } {
  const c = nodes.cols;
  const reasons: string[] = [];
  let unresolvable = false;
  if (c.podCount[n]! + 1 > c.allowedPods[n]!) reasons.push('Too many pods');
  if (!res.requestsNothing) {
    const cap = nodes.capacity;
    for (let i = 0; i < res.fitIndex.length; i++) {
      const r = res.fitIndex[i]!;
      const want = res.fitAmount[i]!;
      const alloc = r < 0 ? 0 : c.alloc[r * cap + n]!;
      const used = r < 0 ? 0 : c.req[r * cap + n]!;
      if (want > alloc - used) {
        reasons.push(`Insufficient ${res.fitNames[i]}`);
        if (want > alloc) unresolvable = true;
      }
    }
  }
  return { reasons, unresolvable };
}

/** Host ports: the (protocol, port, ip) triples of the pod against those used on node n. */
export function portsFree(nodes: NodeTable, n: number, want: readonly { protocol: number; port: number; hostIP: number }[]): boolean {
  const c = nodes.cols;
  const P = nodes.portSlots;
  const used = c.portCount[n]!;
  for (const w of want) {
    const key = (w.protocol << 16) | w.port;
    for (let s = 0; s < used; s++) {
      if (c.port[n * P + s] !== key) continue;
      const ip = c.portIP[n * P + s]!;
      // 0.0.0.0 (NO_ID here) conflicts with every address on the same protocol and port.
      if (w.hostIP === 0 || ip === 0 || ip === w.hostIP) return false;
    }
  }
  return true;
}

export type ResourceScorer = (requested: Float64Array, allocatable: Float64Array, weights: Float64Array, count: number) => number;

const MAX = 100;

export const leastAllocated: ResourceScorer = (req, alloc, w, k) => {
  let score = 0;
  let weights = 0;
  for (let i = 0; i < k; i++) {
    const a = alloc[i]!;
    if (a === 0) continue;
    const r = req[i]!;
    const s = r > a ? 0 : Math.trunc(((a - r) * MAX) / a);
    score += s * w[i]!;
    weights += w[i]!;
  }
  return weights === 0 ? 0 : Math.trunc(score / weights);
};

export const mostAllocated: ResourceScorer = (req, alloc, w, k) => {
  let score = 0;
  let weights = 0;
  for (let i = 0; i < k; i++) {
    const a = alloc[i]!;
    if (a === 0) continue;
    const r = req[i]! > a ? a : req[i]!;
    score += Math.trunc((r * MAX) / a) * w[i]!;
    weights += w[i]!;
  }
  return weights === 0 ? 0 : Math.trunc(score / weights);
};

export function requestedToCapacityRatio(shape: readonly UtilizationShapePoint[]): ResourceScorer {
  const u = Float64Array.from(shape, (p) => p.utilization);
  const sc = Float64Array.from(shape, (p) => p.score * 10);
  const f = (p: number): number => {
    for (let i = 0; i < u.length; i++) {
      if (p <= u[i]!) {
        if (i === 0) return sc[0]!;
        return sc[i - 1]! + Math.trunc(((sc[i]! - sc[i - 1]!) * (p - u[i - 1]!)) / (u[i]! - u[i - 1]!));
      }
    }
    return sc[sc.length - 1]!;
  };
  return (req, alloc, w, k) => {
    let score = 0;
    let weights = 0;
    for (let i = 0; i < k; i++) {
      const a = alloc[i]!;
      if (a === 0) continue;
      const s = req[i]! > a ? f(100) : f(Math.trunc((req[i]! * 100) / a));
      if (s > 0) {
        score += s * w[i]!;
        weights += w[i]!;
      }
    }
    if (weights === 0) return 0;
    const x = score / weights;
    return x < 0 ? -Math.round(-x) : Math.round(x);
  };
}

export const balanced: ResourceScorer = (req, alloc, _w, k) => {
  let n = 0;
  let total = 0;
  let f0 = 0;
  let f1 = 0;
  for (let i = 0; i < k; i++) {
    const a = alloc[i]!;
    if (a === 0) continue;
    let f = req[i]! / a;
    if (f > 1) f = 1;
    if (n === 0) f0 = f;
    else if (n === 1) f1 = f;
    total += f;
    n++;
  }
  let std = 0;
  if (n === 2) std = Math.abs((f0 - f1) / 2);
  else if (n > 2) {
    const mean = total / n;
    let sum = 0;
    for (let i = 0; i < k; i++) {
      const a = alloc[i]!;
      if (a === 0) continue;
      const f = Math.min(req[i]! / a, 1);
      sum += (f - mean) * (f - mean);
    }
    std = Math.sqrt(sum / n);
  }
  return Math.trunc((1 - std) * MAX);
};

/** Column layout of the configured scoring resources, resolved once per profile. */
export interface ScoringResources {
  weights: Float64Array;
  /** Resource column, or -1 when no node has it. */
  column: Int32Array;
  kind: Uint8Array; // 0 cpu, 1 memory, 2 ephemeral-storage, 3 scalar, 4 other (never scored)
}

export function resolveScoringResources(nodes: NodeTable, resources: readonly ResourceSpec[]): ScoringResources {
  const kindOf = (name: string) => (name === RESOURCE_CPU ? 0 : name === RESOURCE_MEMORY ? 1 : name === RESOURCE_EPHEMERAL_STORAGE ? 2 : isScalarResourceName(name) ? 3 : 4);
  return {
    weights: Float64Array.from(resources, (r) => r.weight),
    column: Int32Array.from(resources, (r) => {
      const id = nodes.interners.resources.lookup(r.name);
      return id === 0 ? -1 : id - 1;
    }),
    kind: Uint8Array.from(resources, (r) => kindOf(r.name)),
  };
}

/**
 * Scores `count` nodes (rows in `rows`) into `out`: per resource, allocatable and requested-plus-pod
 * (non-zero requested for cpu/memory unless `useRequested`), then the scorer. Scratch arrays are reused.
 */
export function scoreResources(nodes: NodeTable, rows: Int32Array, count: number, sr: ScoringResources, podReq: Float64Array, useRequested: boolean,
  scorer: ResourceScorer, out: Float64Array, reqScratch: Float64Array, allocScratch: Float64Array): void {
  const c = nodes.cols;
  const cap = nodes.capacity;
  const k = sr.column.length;
  for (let j = 0; j < count; j++) {
    const n = rows[j]!;
    for (let i = 0; i < k; i++) {
      const col = sr.column[i]!;
      const kind = sr.kind[i]!;
      const pr = podReq[i]!;
      reqScratch[i] = 0;
      allocScratch[i] = 0;
      if (col < 0 || kind === 4 || (kind === 3 && pr === 0)) continue;
      const a = c.alloc[col * cap + n]!;
      if (a === 0) continue;
      let used: number;
      if (kind === 0) used = useRequested ? c.req[col * cap + n]! : c.nzCpu[n]!;
      else if (kind === 1) used = useRequested ? c.req[col * cap + n]! : c.nzMem[n]!;
      else used = c.req[col * cap + n]!;
      allocScratch[i] = a;
      reqScratch[i] = used + pr;
    }
    out[j] = scorer(reqScratch, allocScratch, sr.weights, k);
  }
}

/** Upstream DefaultNormalizeScore over the first `count` entries. */
export function defaultNormalize(scores: Float64Array, count: number, reverse: boolean): void {
  let max = 0;
  for (let j = 0; j < count; j++) if (scores[j]! > max) max = scores[j]!;
  if (max === 0) {
    if (reverse) for (let j = 0; j < count; j++) scores[j] = MAX;
    return;
  }
  for (let j = 0; j < count; j++) {
    const s = Math.trunc((MAX * scores[j]!) / max);
    scores[j] = reverse ? MAX - s : s;
  }
}

// ---- Specialised kernels for the common case: scoring resources exactly [cpu, memory] ----
// Same arithmetic as the generic scorers above (tested against them through the differential
// test); they exist because one monomorphic loop over two columns is several times faster than the
// generic per-resource loop with scratch arrays, and the default profile always takes this path.

export const STRATEGY_LEAST = 0;
export const STRATEGY_MOST = 1;
export const STRATEGY_BALANCED = 2;

/** True when `sr` lists exactly cpu then memory, both present as columns 0 and 1. */
export function isCpuMem(sr: ScoringResources): boolean {
  return sr.column.length === 2 && sr.kind[0] === 0 && sr.kind[1] === 1 && sr.column[0] === 0 && sr.column[1] === 1;
}

export function scoreCpuMem(nodes: NodeTable, rows: Int32Array, count: number, strategy: number, useRequested: boolean,
  podCpu: number, podMem: number, wCpu: number, wMem: number, out: Float64Array, accumulateWeight: number): void {
  const c = nodes.cols;
  const cap = nodes.capacity;
  const alloc = c.alloc;
  const usedCpuCol = useRequested ? c.req : c.nzCpu;
  const usedMemCol = useRequested ? c.req : c.nzMem;
  const memOff = useRequested ? cap : 0;
  for (let j = 0; j < count; j++) {
    const n = rows[j]!;
    const aCpu = alloc[n]!;
    const aMem = alloc[cap + n]!;
    const rCpu = usedCpuCol[n]! + podCpu;
    const rMem = usedMemCol[memOff + n]! + podMem;
    let score = 0;
    if (strategy === STRATEGY_BALANCED) {
      if (aCpu === 0 || aMem === 0) {
        score = 100; // one fraction or none: std 0
      } else {
        let f0 = rCpu / aCpu;
        if (f0 > 1) f0 = 1;
        let f1 = rMem / aMem;
        if (f1 > 1) f1 = 1;
        score = Math.trunc((1 - Math.abs((f0 - f1) / 2)) * MAX);
      }
    } else {
      let s = 0;
      let w = 0;
      if (aCpu !== 0) {
        const x = strategy === STRATEGY_LEAST ? (rCpu > aCpu ? 0 : Math.trunc(((aCpu - rCpu) * MAX) / aCpu)) : Math.trunc(((rCpu > aCpu ? aCpu : rCpu) * MAX) / aCpu);
        s += x * wCpu;
        w += wCpu;
      }
      if (aMem !== 0) {
        const x = strategy === STRATEGY_LEAST ? (rMem > aMem ? 0 : Math.trunc(((aMem - rMem) * MAX) / aMem)) : Math.trunc(((rMem > aMem ? aMem : rMem) * MAX) / aMem);
        s += x * wMem;
        w += wMem;
      }
      score = w === 0 ? 0 : Math.trunc(s / w);
    }
    // accumulateWeight 0: write raw scores; otherwise add score * weight into out (the totals).
    if (accumulateWeight === 0) out[j] = score;
    else out[j]! += score * accumulateWeight;
  }
}

// ---- One node at a time: shared by the Filter scan, the totals cache and the shard workers ----

/** What the per-node Filter needs of a compiled plan. SpecPlan (with its `res`) and ShardPlan both provide it. */
export interface NodeFilterInputs {
  staticPass: Uint32Array;
  runsPorts: boolean;
  runsFit: boolean;
  hostPorts: readonly { protocol: number; port: number; hostIP: number }[];
  fitIndex: Int32Array;
  fitAmount: Float64Array;
  requestsNothing: boolean;
}

/** Every built-in Filter for node n: the static bitset, host ports, pod count, then each requested resource. */
export function nodePasses(nodes: NodeTable, n: number, f: NodeFilterInputs): boolean {
  if (((f.staticPass[n >>> 5]! >>> (n & 31)) & 1) === 0) return false;
  if (f.runsPorts && !portsFree(nodes, n, f.hostPorts)) return false;
  if (!f.runsFit) return true;
  const c = nodes.cols;
  if (c.podCount[n]! + 1 > c.allowedPods[n]!) return false;
  if (f.requestsNothing) return true;
  const cap = nodes.capacity;
  const alloc = c.alloc;
  const req = c.req;
  const { fitIndex, fitAmount } = f;
  for (let k = 0; k < fitIndex.length; k++) {
    const r = fitIndex[k]!;
    if (r < 0 || fitAmount[k]! > alloc[r * cap + n]! - req[r * cap + n]!) return false;
  }
  return true;
}

/** The scores that need no normalisation over the feasible set, weighted and summed, for one node. */
export interface TotalRecipe {
  /** -1: NodeResourcesFit does not score; else STRATEGY_LEAST / STRATEGY_MOST on [cpu, memory]. */
  fitStrategy: number;
  fitWeight: number;
  fitCpuWeight: number;
  fitMemWeight: number;
  podNzCpu: number;
  podNzMem: number;
  /** 0 when BalancedAllocation does not score this pod. */
  balancedWeight: number;
  podCpu: number;
  podMem: number;
  /** 0 when ImageLocality does not score or its raw score is uniform. */
  imageWeight: number;
}

/** NodeResourcesFit (Least/Most on [cpu, memory]) + BalancedAllocation + ImageLocality for node n, weighted. */
export function nodeTotal(nodes: NodeTable, n: number, rc: TotalRecipe, imageRaw: Int32Array | null): number {
  const c = nodes.cols;
  const cap = nodes.capacity;
  const alloc = c.alloc;
  const aCpu = alloc[n]!;
  const aMem = alloc[cap + n]!;
  let total = 0;
  if (rc.fitStrategy >= 0) {
    const least = rc.fitStrategy === STRATEGY_LEAST;
    let s = 0;
    let w = 0;
    if (aCpu !== 0) {
      const rq = c.nzCpu[n]! + rc.podNzCpu;
      s += (least ? (rq > aCpu ? 0 : Math.trunc(((aCpu - rq) * MAX) / aCpu)) : Math.trunc(((rq > aCpu ? aCpu : rq) * MAX) / aCpu)) * rc.fitCpuWeight;
      w += rc.fitCpuWeight;
    }
    if (aMem !== 0) {
      const rq = c.nzMem[n]! + rc.podNzMem;
      s += (least ? (rq > aMem ? 0 : Math.trunc(((aMem - rq) * MAX) / aMem)) : Math.trunc(((rq > aMem ? aMem : rq) * MAX) / aMem)) * rc.fitMemWeight;
      w += rc.fitMemWeight;
    }
    total += (w === 0 ? 0 : Math.trunc(s / w)) * rc.fitWeight;
  }
  if (rc.balancedWeight !== 0) {
    let bal = MAX;
    if (aCpu !== 0 && aMem !== 0) {
      let f0 = (c.req[n]! + rc.podCpu) / aCpu;
      if (f0 > 1) f0 = 1;
      let f1 = (c.req[cap + n]! + rc.podMem) / aMem;
      if (f1 > 1) f1 = 1;
      bal = Math.trunc((1 - Math.abs((f0 - f1) / 2)) * MAX);
    }
    total += bal * rc.balancedWeight;
  }
  if (rc.imageWeight !== 0) total += imageRaw![n]! * rc.imageWeight;
  return total;
}

/**
 * nodeTotal over `count` rows, added into out[0..count): the same formula as a loop with every input
 * hoisted into a local, for the paths that score hundreds of nodes per pod (a nodeTotal call per node
 * measured 41 ns against 14 ns for this loop).
 */
export function addTotals(nodes: NodeTable, rows: Int32Array, count: number, rc: TotalRecipe, imageRaw: Int32Array | null, out: Float64Array): void {
  const c = nodes.cols;
  const cap = nodes.capacity;
  const alloc = c.alloc;
  const req = c.req;
  const nzc = c.nzCpu;
  const nzm = c.nzMem;
  const { fitStrategy, fitWeight, fitCpuWeight, fitMemWeight, podNzCpu, podNzMem, balancedWeight, podCpu, podMem, imageWeight } = rc;
  const least = fitStrategy === STRATEGY_LEAST;
  for (let j = 0; j < count; j++) {
    const n = rows[j]!;
    const aCpu = alloc[n]!;
    const aMem = alloc[cap + n]!;
    let total = 0;
    if (fitStrategy >= 0) {
      let s = 0;
      let w = 0;
      if (aCpu !== 0) {
        const rq = nzc[n]! + podNzCpu;
        s += (least ? (rq > aCpu ? 0 : Math.trunc(((aCpu - rq) * MAX) / aCpu)) : Math.trunc(((rq > aCpu ? aCpu : rq) * MAX) / aCpu)) * fitCpuWeight;
        w += fitCpuWeight;
      }
      if (aMem !== 0) {
        const rq = nzm[n]! + podNzMem;
        s += (least ? (rq > aMem ? 0 : Math.trunc(((aMem - rq) * MAX) / aMem)) : Math.trunc(((rq > aMem ? aMem : rq) * MAX) / aMem)) * fitMemWeight;
        w += fitMemWeight;
      }
      total += (w === 0 ? 0 : Math.trunc(s / w)) * fitWeight;
    }
    if (balancedWeight !== 0) {
      let bal = MAX;
      if (aCpu !== 0 && aMem !== 0) {
        let f0 = (req[n]! + podCpu) / aCpu;
        if (f0 > 1) f0 = 1;
        let f1 = (req[cap + n]! + podMem) / aMem;
        if (f1 > 1) f1 = 1;
        bal = Math.trunc((1 - Math.abs((f0 - f1) / 2)) * MAX);
      }
      total += bal * balancedWeight;
    }
    if (imageWeight !== 0) total += imageRaw![n]! * imageWeight;
    out[j]! += total;
  }
}
