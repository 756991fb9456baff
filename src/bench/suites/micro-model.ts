// micro (model and scheduler kernels): bitset word ops, the NodeResourcesFit filter, every score
// kernel, default normalisation and the spread/affinity counters, over seeded tables built once.

import { buildTables, type ClusterTables } from '../../model/cluster.js';
import { Bitset } from '../../model/bitset.js';
import { resourceAmount } from '../../model/quantity.js';
import { createRng } from '../../model/rng.js';
import { CounterRegistry, DomainSum, MatchCounter, buildTopology, selectorPredicate } from '../../scheduler/fast/counters.js';
import {
  balanced, defaultNormalize, fitsNode, leastAllocated, mostAllocated, requestedToCapacityRatio, resolveScoringResources, scoreCpuMem,
  addTotals, scoreResources, STRATEGY_BALANCED, STRATEGY_LEAST, STRATEGY_MOST, type ResourceScorer,
} from '../../scheduler/fast/kernels.js';
import type { PodResources } from '../../scheduler/fast/plan.js';
import { DEFAULT_POD_SPEC, defaultNodes } from '../data.js';
import type { MicroKernel } from './micro.js';

export const MICRO_BITS = 100_000;
export const MICRO_NODES = 5_000;
export const MICRO_BOUND_PODS = 50_000;

export function bitsetKernels(): MicroKernel[] {
  const rng = createRng(1);
  const a = new Bitset(MICRO_BITS);
  const b = new Bitset(MICRO_BITS);
  const out = new Bitset(MICRO_BITS);
  for (let i = 0; i < MICRO_BITS; i++) {
    if (rng.chance(0.5)) a.set(i);
    if (rng.chance(0.1)) b.set(i);
  }
  const dataset = `bitsets of ${MICRO_BITS} bits: a ~50 % set (${a.popcount()}), b ~10 % set (${b.popcount()}), seed 1`;
  let acc = 0;
  const add = (i: number) => {
    acc += i;
  };
  return [
    { name: 'bitset popcount', dataset, items: MICRO_BITS, fn: () => a.popcount() },
    { name: 'bitset andInto', dataset, items: MICRO_BITS, fn: () => Bitset.andInto(a, b, out).words[7]! },
    { name: 'bitset andCount', dataset, items: MICRO_BITS, fn: () => Bitset.andCount(a, b) },
    { name: 'bitset forEachSetBit', dataset, items: b.popcount(), fn: () => {
      acc = 0;
      b.forEachSetBit(add);
      return acc;
    } },
  ];
}

/** 5,000 default nodes in 3 zones with 50,000 default pods bound round-robin, labels app=a0..a9. */
function boundTables(): ClusterTables {
  const c = defaultNodes(MICRO_NODES);
  const rng = createRng(2);
  for (let i = 0; i < MICRO_BOUND_PODS; i++) {
    const spec = { ...DEFAULT_POD_SPEC, nodeName: `node-${rng.int(MICRO_NODES)}` };
    c.pods.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: `ns-${i % 5}`, labels: { app: `a${i % 10}` } }, spec, status: { phase: 'Running' } });
  }
  return buildTables(c);
}

export function schedulerKernels(): MicroKernel[] {
  const t = boundTables();
  const { nodes, pods } = t;
  const N = nodes.count;
  const dataset = `${N} nodes (4 cpu, 32Gi, 3 zones), ${MICRO_BOUND_PODS} bound pods (100m, 500Mi) placed at random (seed 2)`;
  const cpu = resourceAmount('cpu', '100m');
  const mem = resourceAmount('memory', '500Mi');
  const res: PodResources = {
    fitIndex: Int32Array.of(0, 1), fitAmount: Float64Array.of(cpu, mem), fitNames: ['cpu', 'memory'], requestsNothing: false,
    fitScoreReq: Float64Array.of(cpu, mem), balancedReq: Float64Array.of(cpu, mem), balancedSkip: false,
  };
  const rows = Int32Array.from({ length: N }, (_, i) => i);
  const sr = resolveScoringResources(nodes, [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }]);
  const scores = new Float64Array(N);
  const reqScratch = new Float64Array(2);
  const allocScratch = new Float64Array(2);
  const podReq = Float64Array.of(cpu, mem);
  const generic = (scorer: ResourceScorer) => () => {
    scoreResources(nodes, rows, N, sr, podReq, false, scorer, scores, reqScratch, allocScratch);
    return scores[N >> 1]!;
  };
  const rtcr = requestedToCapacityRatio([{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }]);
  const raw = Float64Array.from({ length: N }, (_, i) => (i * 37) % 101);
  const norm = new Float64Array(N);
  const fits = () => {
    let n = 0;
    for (let i = 0; i < N; i++) if (fitsNode(nodes, i, res)) n++;
    return n;
  };
  const cpuMem = (strategy: number) => () => {
    scoreCpuMem(nodes, rows, N, strategy, false, cpu, mem, 1, 1, scores, 0);
    return scores[N >> 1]!;
  };

  // Counters: the per-node count of pods app=a3 and its per-zone sums; bind/unbind keeps them current.
  const selector = { matchLabels: { app: 'a3' } };
  const zone = buildTopology(nodes, 'topology.kubernetes.io/zone');
  const all = new Uint8Array(N).fill(1);
  const counter = new MatchCounter('bench', selectorPredicate(null, selector, pods), nodes, pods);
  const sum = counter.subscribe(new DomainSum(counter, zone, all));
  const registry = new CounterRegistry(nodes, pods);
  for (let i = 0; i < 10; i++) registry.sum(registry.counter(null, { matchLabels: { app: `a${i}` } }), zone, 'all', () => all);
  let flip = 0;
  const cdata = `${dataset}; selector app=a3 (${counter.perNode.reduce((s, v) => s + v, 0)} matching pods), zone topology`;
  return [
    { name: 'NodeResourcesFit filter (fitsNode, all nodes)', dataset, items: N, fn: fits },
    { name: 'score LeastAllocated (generic)', dataset, items: N, fn: generic(leastAllocated) },
    { name: 'score MostAllocated (generic)', dataset, items: N, fn: generic(mostAllocated) },
    { name: 'score BalancedAllocation (generic)', dataset, items: N, fn: generic(balanced) },
    { name: 'score RequestedToCapacityRatio (generic)', dataset, items: N, fn: generic(rtcr) },
    { name: 'score LeastAllocated (cpu+memory kernel)', dataset, items: N, fn: cpuMem(STRATEGY_LEAST) },
    { name: 'score MostAllocated (cpu+memory kernel)', dataset, items: N, fn: cpuMem(STRATEGY_MOST) },
    { name: 'score BalancedAllocation (cpu+memory kernel)', dataset, items: N, fn: cpuMem(STRATEGY_BALANCED) },
    { name: 'score Least+Balanced fused (default profile)', dataset, items: N, fn: () => {
      const recipe = { fitStrategy: STRATEGY_LEAST, fitWeight: 1, fitCpuWeight: 1, fitMemWeight: 1, podNzCpu: cpu, podNzMem: mem, balancedWeight: 1, podCpu: cpu, podMem: mem, imageWeight: 0 };
      scores.fill(0);
      addTotals(nodes, rows, N, recipe, null, scores);
      return scores[N >> 1]!;
    } },
    { name: 'DefaultNormalizeScore', dataset, items: N, fn: () => {
      norm.set(raw);
      defaultNormalize(norm, N, false);
      return norm[N >> 1]!;
    } },
    { name: 'spread counter build (scan of bound pods)', dataset: cdata, items: MICRO_BOUND_PODS, fn: () => new MatchCounter('b', selectorPredicate(null, selector, pods), nodes, pods).perNode[0]! },
    { name: 'spread DomainSum.min (3 zones)', dataset: cdata, items: 1, fn: () => sum.min() },
    { name: 'counter update: bind+unbind, 10 selectors', dataset: cdata, items: 2, fn: () => {
      const p = (flip = (flip + 1) % MICRO_BOUND_PODS);
      const n = pods.cols.node[p]!;
      registry.onAccount(p, n, -1);
      registry.onAccount(p, n, 1);
      return n;
    } },
  ];
}
