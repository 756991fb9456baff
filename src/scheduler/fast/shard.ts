// The per-shard Filter + Score kernel, shared by the shard workers and by the single-thread
// cross-check in tests. Arithmetic identical to the fast engine's hot path (scanFeasible +
// scoreLeastAndBalanced / scoreCpuMem + ImageLocality): the partial total of a node is the weighted
// sum of the scores that need no normalisation over the feasible set.

import type { NodeTable } from '../../model/tables.js';
import { portsFree } from './kernels.js';

/** Offsets inside one shard's summary in `results` (stride RESULT_STRIDE). */
export const RESULT_STRIDE = 4;
export const R_MAX = 0;
export const R_TIES = 1;
export const R_FEASIBLE = 2;

/** How a shard scores one pod: the [cpu, memory] allocation kernels and ImageLocality, with weights. */
export interface ShardRecipe {
  /** -1: NodeResourcesFit does not score; else STRATEGY_LEAST (0) / STRATEGY_MOST (1). */
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

/** What a shard needs of a compiled plan (structured-cloned to each worker once per plan). */
export interface ShardPlan {
  id: number;
  staticPass: Uint32Array;
  runsPorts: boolean;
  runsFit: boolean;
  hostPorts: { protocol: number; port: number; hostIP: number }[];
  fitIndex: Int32Array;
  fitAmount: Float64Array;
  requestsNothing: boolean;
  imageRaw: Int32Array | null;
  recipe: ShardRecipe;
}

/**
 * Runs one pod's Filter+Score over shards of the node positions and leaves, per position, the
 * feasible flag and partial total, and per shard a summary (RESULT_STRIDE numbers). Implemented by
 * the worker-thread pool (src/parallel/pool.ts); the engine only sees this interface.
 */
export interface ShardRunner {
  readonly workers: number;
  readonly feasible: Uint8Array;
  readonly partial: Float64Array;
  readonly results: Float64Array;
  job(plan: ShardPlan, nodes: NodeTable): void;
}

const MAX = 100;

export function scoreShard(nodes: NodeTable, plan: ShardPlan, order: Int32Array, from: number, to: number,
  feasible: Uint8Array, partial: Float64Array, results: Float64Array, r: number): void {
  const c = nodes.cols;
  const cap = nodes.capacity;
  const podCount = c.podCount;
  const allowedPods = c.allowedPods;
  const alloc = c.alloc;
  const req = c.req;
  const nzc = c.nzCpu;
  const nzm = c.nzMem;
  const sp = plan.staticPass;
  const { fitIndex, fitAmount, requestsNothing, runsFit, runsPorts, imageRaw } = plan;
  const nres = fitIndex.length;
  const rc = plan.recipe;
  const fitStrategy = rc.fitStrategy;
  const least = fitStrategy === 0;
  const { fitWeight, fitCpuWeight, fitMemWeight, podNzCpu, podNzMem, balancedWeight, podCpu, podMem, imageWeight } = rc;
  let max = -Infinity;
  let ties = 0;
  let count = 0;
  for (let p = from; p < to; p++) {
    const n = order[p]!;
    let ok = ((sp[n >>> 5]! >>> (n & 31)) & 1) === 1;
    if (ok && runsPorts) ok = portsFree(nodes, n, plan.hostPorts);
    if (ok && runsFit) {
      if (podCount[n]! + 1 > allowedPods[n]!) ok = false;
      else if (!requestsNothing) {
        for (let k = 0; k < nres; k++) {
          const ri = fitIndex[k]!;
          if (ri < 0 || fitAmount[k]! > alloc[ri * cap + n]! - req[ri * cap + n]!) {
            ok = false;
            break;
          }
        }
      }
    }
    if (!ok) {
      feasible[p] = 0;
      continue;
    }
    feasible[p] = 1;
    count++;
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
      let bal = 100;
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
    partial[p] = total;
    if (total > max) {
      max = total;
      ties = 1;
    } else if (total === max) {
      ties++;
    }
  }
  results[r + R_MAX] = count === 0 ? 0 : max;
  results[r + R_TIES] = ties;
  results[r + R_FEASIBLE] = count;
}
