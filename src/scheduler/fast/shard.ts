// The per-shard Filter + Score kernel, shared by the shard workers and by the single-thread
// cross-check in tests. Arithmetic identical to the fast engine's hot path (scanFeasible +
// kernels.nodePasses + kernels.nodeTotal): the partial total of a node is the weighted
// sum of the scores that need no normalisation over the feasible set.

import type { NodeTable } from '../../model/tables.js';
import { nodePasses, nodeTotal, type TotalRecipe } from './kernels.js';

/** Offsets inside one shard's summary in `results` (stride RESULT_STRIDE). */
export const RESULT_STRIDE = 4;
export const R_MAX = 0;
export const R_TIES = 1;
export const R_FEASIBLE = 2;

/** How a shard scores one pod: the per-node totals recipe (kernels.ts). */
export type ShardRecipe = TotalRecipe;

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
  /**
   * `order`: the scheduler's current node order (a new array when the node set changed);
   * `nodeVersion`: per-node change counters on a SharedArrayBuffer, which let shards memoise results.
   */
  job(plan: ShardPlan, nodes: NodeTable, order?: Int32Array, nodeVersion?: Int32Array): void;
}


/**
 * A shard's memo of one plan: per node row, the Filter result and total, valid while the node's
 * version (a shared counter bumped on every bind or removal on the node) is unchanged.
 */
export interface ShardCache {
  version: Int32Array;
  feasible: Uint8Array;
  total: Float64Array;
}

export function newShardCache(nodes: number): ShardCache {
  return { version: new Int32Array(nodes).fill(-1), feasible: new Uint8Array(nodes), total: new Float64Array(nodes) };
}

export function scoreShard(nodes: NodeTable, plan: ShardPlan, order: Int32Array, from: number, to: number,
  feasible: Uint8Array, partial: Float64Array, results: Float64Array, r: number, cache?: ShardCache, nodeVersion?: Int32Array): void {
  const rc = plan.recipe;
  const imageRaw = plan.imageRaw;
  let max = -Infinity;
  let ties = 0;
  let count = 0;
  if (cache && nodeVersion) {
    const { version, feasible: ok, total } = cache;
    for (let p = from; p < to; p++) {
      const n = order[p]!;
      if (version[n] !== nodeVersion[n]) {
        version[n] = nodeVersion[n]!;
        const pass = nodePasses(nodes, n, plan);
        ok[n] = pass ? 1 : 0;
        if (pass) total[n] = nodeTotal(nodes, n, rc, imageRaw);
      }
      if (ok[n] === 0) {
        feasible[p] = 0;
        continue;
      }
      feasible[p] = 1;
      count++;
      const t = total[n]!;
      partial[p] = t;
      if (t > max) {
        max = t;
        ties = 1;
      } else if (t === max) {
        ties++;
      }
    }
  } else {
    for (let p = from; p < to; p++) {
      const n = order[p]!;
      if (!nodePasses(nodes, n, plan)) {
        feasible[p] = 0;
        continue;
      }
      feasible[p] = 1;
      count++;
      const total = nodeTotal(nodes, n, rc, imageRaw);
      partial[p] = total;
      if (total > max) {
        max = total;
        ties = 1;
      } else if (total === max) {
        ties++;
      }
    }
  }
  results[r + R_MAX] = count === 0 ? 0 : max;
  results[r + R_TIES] = ties;
  results[r + R_FEASIBLE] = count;
}
