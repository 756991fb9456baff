// Cycle arithmetic shared by both engines so they make the same decisions: how many nodes to examine
// (upstream numFeasibleNodesToFind), the seeded tie-break among top scores (upstream selectHost's
// reservoir sampling), and upstream's FitError text.

import { createRng } from '../model/rng.js';

/** Upstream minFeasibleNodesToFind. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** Upstream minFeasibleNodesPercentageToFind. */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
export const MAX_NODE_SCORE = 100;

/**
 * How many feasible nodes to look for among `numAllNodes` candidates. `percentage` is the profile's
 * percentageOfNodesToScore when set, else the global one; 0 means adaptive.
 */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage;
  if (pct === 0) {
    pct = 50 - Math.trunc(numAllNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const n = Math.trunc((numAllNodes * pct) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

/**
 * The schedulers' seeded generator: the project's one PRNG (model/rng.ts, mulberry32 over an FNV-folded
 * seed). Both engines must draw from it in the same order.
 */
export class Rng {
  private readonly rng: ReturnType<typeof createRng>;
  constructor(seed: number) {
    this.rng = createRng(seed);
  }
  /** Uniform integer in [0, n). */
  intn(n: number): number {
    return this.rng.int(n);
  }
}

/**
 * Index of the chosen node among `totals` (feasible nodes in the order they were found): the max total,
 * ties broken uniformly at random. Upstream's selectHost does reservoir sampling (one draw per tie); we
 * draw once, uniform over the tied nodes in visiting order: the same distribution, reproducible from
 * the seed, and one draw instead of hundreds when a homogeneous cluster ties everywhere.
 */
export function selectHost(totals: ArrayLike<number>, rng: Rng): number {
  return selectHostIn(totals instanceof Float64Array ? totals : Float64Array.from(totals), totals.length, rng);
}

/** selectHost over the first `count` entries of a Float64Array (the fast engine's scratch totals). */
export function selectHostIn(totals: Float64Array, count: number, rng: Rng): number {
  let max = totals[0]!;
  let cnt = 1;
  for (let i = 1; i < count; i++) {
    const t = totals[i]!;
    if (t > max) {
      max = t;
      cnt = 1;
    } else if (t === max) {
      cnt++;
    }
  }
  let k = cnt === 1 ? 0 : rng.intn(cnt);
  for (let i = 0; i < count; i++) {
    if (totals[i] === max && k-- === 0) return i;
  }
  return 0;
}

/**
 * Upstream FitError.Error(): "0/N nodes are available: " + the histogram "<count> <reason>" sorted as strings,
 * joined by ", ", then "."; or the PreFilter message instead of the histogram; then " <postFilterMsg>." if any.
 */
export function fitErrorMessage(numAllNodes: number, reasonsPerNode: Iterable<readonly string[]>, preFilterMsg?: string, postFilterMsg?: string): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (preFilterMsg) {
    msg += ` ${preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    for (const reasons of reasonsPerNode) for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort(goStringLess);
    if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  }
  if (postFilterMsg) msg += ` ${postFilterMsg}.`;
  return msg;
}

/** Go's sort.Strings orders by bytes (UTF-8); for the ASCII reason texts this is code-unit order. */
function goStringLess(a: string, b: string): number {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ab, bb);
}

/**
 * Upstream GetZoneKey: region + ":\0:" + zone from the (beta or GA) topology labels; "" when neither is set.
 */
export function zoneKey(labels: Record<string, string> | undefined): string {
  if (!labels) return '';
  const zone = labels['failure-domain.beta.kubernetes.io/zone'] ?? labels['topology.kubernetes.io/zone'] ?? '';
  const region = labels['failure-domain.beta.kubernetes.io/region'] ?? labels['topology.kubernetes.io/region'] ?? '';
  if (region === '' && zone === '') return '';
  return `${region}:\u0000:${zone}`;
}

/**
 * The order of upstream's snapshot node list (nodeTree.list()): zones in order of first appearance,
 * nodes taken round-robin across zones, each zone in its own input order. Returns input indices.
 */
export function nodeTreeOrder(zoneKeys: readonly string[]): number[] {
  const zones: string[] = [];
  const tree = new Map<string, number[]>();
  zoneKeys.forEach((z, i) => {
    let list = tree.get(z);
    if (!list) {
      list = [];
      tree.set(z, list);
      zones.push(z);
    }
    list.push(i);
  });
  const out: number[] = [];
  for (let idx = 0; out.length < zoneKeys.length; idx++) {
    for (const z of zones) {
      const list = tree.get(z)!;
      if (idx < list.length) out.push(list[idx]!);
    }
  }
  return out;
}
