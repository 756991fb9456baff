// The per-shard Filter + Score kernel of the shard workers (and of the main thread's own shard).
// Arithmetic identical to the fast engine's single-thread path: kernels.nodePasses, kernels.nodeTotal
// (the scores that need no normalisation) and DefaultNormalizeScore for NodeAffinity and
// TaintToleration, whose maxima over the feasible set the caller passes in.

import type { NodeTable } from '../../model/tables.js';
import { nodePasses, nodeTotal, type TotalRecipe } from './kernels.js';

/** Upstream framework.MaxNodeScore. */
const MAX_NODE_SCORE = 100;

/** Offsets inside one shard's summary in `results` (stride RESULT_STRIDE). */
export const RESULT_STRIDE = 8;
/** The max total among the shard's feasible nodes, normalised with the job's maxima. */
export const R_MAX = 0;
/** How many of its feasible nodes reach R_MAX (their positions are in `ties`, from the shard's first position on). */
export const R_TIES = 1;
export const R_FEASIBLE = 2;
/** The max raw NodeAffinity / TaintToleration score among the shard's feasible nodes. */
export const R_MAX_AFFINITY = 3;
export const R_MAX_TAINT = 4;

/**
 * Positions per chunk. A job's positions are cut into chunks that the threads take one at a time
 * from a shared counter, so a thread that gets less CPU (V8's own background threads share the
 * cores) simply takes fewer chunks, and no thread waits for more than the chunk another is finishing.
 */
export const SHARD_CHUNK = 256;

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
  /**
   * The scores normalised over the feasible set (DefaultNormalizeScore): raw NodeAffinity and
   * TaintToleration scores per node row, and their weights (0: the plugin does not score, or scores
   * every node alike and cannot change the choice).
   */
  affinityRaw: Int32Array | null;
  affinityWeight: number;
  taintRaw: Int32Array | null;
  taintWeight: number;
}

/**
 * Runs one pod's Filter+Score over chunks of the node positions. Each chunk leaves a summary
 * (RESULT_STRIDE numbers) in `results` and the positions of its nodes that reach its max total in
 * `ties`, in increasing order from its first position. Implemented by the worker-thread pool
 * (src/parallel/pool.ts); the engine only sees this interface.
 */
export interface ShardRunner {
  readonly workers: number;
  /** How many result slots (chunks) the last job filled, in position order. */
  readonly chunks: number;
  /** The first position of chunk c (its ties are listed from there). */
  chunkStart(c: number): number;
  readonly ties: Int32Array;
  readonly results: Float64Array;
  /**
   * `order`: the scheduler's current node order (a new array when the node set changed);
   * `nodeVersion`: per-node change counters on a SharedArrayBuffer, which let shards memoise results;
   * `maxAffinity` / `maxTaint`: the max raw scores over the feasible set to normalise with (a guess:
   * the shards report the true ones, and the caller runs the job again when a guess was wrong).
   */
  job(plan: ShardPlan, nodes: NodeTable, order: Int32Array, nodeVersion: Int32Array, maxAffinity: number, maxTaint: number): void;
  /**
   * A job in two steps (runners with worker threads): post() starts it on the workers and returns;
   * complete(true) computes the caller's own shard and waits, after which results are as job()'s;
   * complete(false) waits and discards. The engine posts a pod's job before that pod's attempt, so
   * the workers compute while the caller finishes the previous pod.
   */
  post?(plan: ShardPlan, nodes: NodeTable, order: Int32Array, nodeVersion: Int32Array, maxAffinity: number, maxTaint: number): void;
  complete?(compute: boolean): void;
}

/**
 * A shard's memo of one plan: per node row, the Filter result and total, valid while the node's
 * version (a shared counter bumped on every bind or removal on the node) is unchanged.
 */
export interface ShardCache {
  /** The shared per-node change counters the memo is valid against. */
  nodeVersion: Int32Array;
  version: Int32Array;
  feasible: Uint8Array;
  total: Float64Array;
}

/** A memo for every node row; on SharedArrayBuffers when `shared` (one memo for all the pool's threads). */
export function newShardCache(nodeVersion: Int32Array, shared = false): ShardCache {
  const n = nodeVersion.length;
  const buf = (bytes: number) => (shared ? new SharedArrayBuffer(Math.max(bytes, 8)) : new ArrayBuffer(Math.max(bytes, 8)));
  return {
    nodeVersion,
    version: new Int32Array(buf(n * 4), 0, n).fill(-1),
    feasible: new Uint8Array(buf(n), 0, n),
    total: new Float64Array(buf(n * 8), 0, n),
  };
}

/**
 * Filter and Score of positions [from, to) of `order`: per feasible node the partial total (from
 * the memo while the node is unchanged) plus the normalised NodeAffinity and TaintToleration scores
 * (DefaultNormalizeScore with the given maxima: ×100/max, reversed for taints, 0 and 100 when the
 * max is 0). Scores are integers, so the sums are exact whatever the order of addition.
 */
export function scoreShard(nodes: NodeTable, plan: ShardPlan, order: Int32Array, from: number, to: number,
  ties: Int32Array, results: Float64Array, r: number, maxAffinity: number, maxTaint: number, cache: ShardCache): void {
  const rc = plan.recipe;
  const imageRaw = plan.imageRaw;
  const { affinityRaw, affinityWeight, taintRaw, taintWeight } = plan;
  const { version, feasible: ok, total } = cache;
  const nodeVersion = cache.nodeVersion;
  let max = -Infinity;
  let nt = 0;
  let count = 0;
  let ma = 0;
  let mt = 0;
  for (let p = from; p < to; p++) {
    const n = order[p]!;
    if (version[n] !== nodeVersion[n]) {
      version[n] = nodeVersion[n]!;
      const pass = nodePasses(nodes, n, plan);
      ok[n] = pass ? 1 : 0;
      if (pass) total[n] = nodeTotal(nodes, n, rc, imageRaw);
    }
    if (ok[n] === 0) continue;
    count++;
    let t = total[n]!;
    if (affinityRaw !== null) {
      const a = affinityRaw[n]!;
      if (a > ma) ma = a;
      if (affinityWeight !== 0 && maxAffinity !== 0) t += Math.trunc((MAX_NODE_SCORE * a) / maxAffinity) * affinityWeight;
    }
    if (taintRaw !== null) {
      const c = taintRaw[n]!;
      if (c > mt) mt = c;
      if (taintWeight !== 0) t += (maxTaint === 0 ? MAX_NODE_SCORE : MAX_NODE_SCORE - Math.trunc((MAX_NODE_SCORE * c) / maxTaint)) * taintWeight;
    }
    if (t > max) {
      max = t;
      nt = 0;
      ties[from + nt++] = p;
    } else if (t === max) {
      ties[from + nt++] = p;
    }
  }
  results[r + R_MAX] = count === 0 ? 0 : max;
  results[r + R_TIES] = nt;
  results[r + R_FEASIBLE] = count;
  results[r + R_MAX_AFFINITY] = ma;
  results[r + R_MAX_TAINT] = mt;
}

/**
 * The shard kernel on the calling thread over every position: the single-thread form of a sharded
 * cycle (the same memo and arithmetic as one shard of the pool), used when no pool is open or the
 * cluster is too small for threads to pay.
 */
export class LocalShards implements ShardRunner {
  readonly workers = 1;
  readonly chunks = 1;
  chunkStart(): number {
    return 0;
  }
  ties = new Int32Array(0);
  readonly results = new Float64Array(RESULT_STRIDE);
  private readonly caches = new Map<number, ShardCache>();
  private nodeVersion: Int32Array | undefined;

  job(plan: ShardPlan, nodes: NodeTable, order: Int32Array, nodeVersion: Int32Array, maxAffinity: number, maxTaint: number): void {
    if (nodeVersion !== this.nodeVersion) {
      this.nodeVersion = nodeVersion;
      this.caches.clear();
    }
    if (this.ties.length < order.length) this.ties = new Int32Array(order.length);
    let cache = this.caches.get(plan.id);
    if (!cache) this.caches.set(plan.id, (cache = newShardCache(nodeVersion)));
    scoreShard(nodes, plan, order, 0, order.length, this.ties, this.results, 0, maxAffinity, maxTaint, cache);
  }
}

let nextShardPlanId = 1;

/** A process-wide unique id for a new ShardPlan (pools outlive schedulers and remember plans by id). */
export function newShardPlanId(): number {
  return nextShardPlanId++;
}
