// micro: tinybench over the kernels. Each kernel's data is built (seeded) before its group is timed
// and printed as the case's dataset; results go to a sink; checksums come from one untimed call.

import { micro } from '../measure.js';
import type { BenchContext, CaseDef, CaseResult, SuiteDef } from '../types.js';
import { bitsetKernels, schedulerKernels } from './micro-model.js';
import { reconcileKernel, renderKernels, routeKernel } from './micro-network.js';

export interface MicroKernel {
  name: string;
  dataset: string;
  /** Items one call processes (nodes, bits, requests): gives items per second. */
  items: number;
  fn: () => number;
  checksum?: string;
}

/** Kernel groups in run order; each builds its data when first asked. */
export const MICRO_GROUPS: { group: string; build: () => MicroKernel[] }[] = [
  { group: 'bitset', build: bitsetKernels },
  { group: 'scheduler', build: schedulerKernels },
  { group: 'endpointslices', build: () => [reconcileKernel()] },
  { group: 'proxy rules', build: renderKernels },
  { group: 'routes', build: () => [routeKernel()] },
];

export function microTimeMs(quick: boolean): number {
  return quick ? 100 : 600;
}

function kernelCase(group: string, index: number, name: string, kernels: () => MicroKernel[]): CaseDef {
  return {
    name,
    run(ctx: BenchContext): CaseResult {
      const k = kernels()[index]!;
      ctx.log(`micro: ${k.name}: ${k.dataset}`);
      const checksum = k.checksum ?? String(k.fn()); // untimed call: the checksum and a first warm-up
      const s = micro(k.name, k.fn, microTimeMs(ctx.quick));
      return {
        suite: 'micro', name: k.name, dataset: k.dataset, params: { group, items: k.items, timeMs: microTimeMs(ctx.quick) },
        metrics: { ...s, itemsPerSec: s.medianNs > 0 ? (k.items * 1e9) / s.medianNs : 0, perItemNs: s.medianNs / k.items },
        checksum, primary: 'medianNs',
      };
    },
  };
}

export const KERNEL_NAMES: Record<string, string[]> = {
  bitset: ['bitset popcount', 'bitset andInto', 'bitset andCount', 'bitset forEachSetBit'],
  scheduler: [
    'NodeResourcesFit filter (fitsNode, all nodes)', 'score LeastAllocated (generic)', 'score MostAllocated (generic)', 'score BalancedAllocation (generic)',
    'score RequestedToCapacityRatio (generic)', 'score LeastAllocated (cpu+memory kernel)', 'score MostAllocated (cpu+memory kernel)',
    'score BalancedAllocation (cpu+memory kernel)', 'score Least+Balanced fused (default profile)', 'DefaultNormalizeScore',
    'spread counter build (scan of bound pods)', 'spread DomainSum.min (3 zones)', 'counter update: bind+unbind, 10 selectors',
  ],
  endpointslices: ['EndpointSlice reconcile (one pod readiness change)'],
  'proxy rules': ['iptables rule rendering (full resync)', 'nftables rule rendering (full resync)'],
  routes: ['route matching (4096 requests per call)'],
};

export const microSuite: SuiteDef = {
  name: 'micro',
  description: 'tinybench over the kernels: bitsets, fit filter, score kernels, counters, slice reconcile, rule rendering, route matching',
  plan() {
    const cases: CaseDef[] = [];
    for (const g of MICRO_GROUPS) {
      // Data for a group is built on its first case and released after its last.
      let built: MicroKernel[] | undefined;
      const names = KERNEL_NAMES[g.group]!;
      names.forEach((name, i) => {
        const c = kernelCase(g.group, i, name, () => (built ??= g.build()));
        const last = i === names.length - 1;
        cases.push(last ? { name, run: (ctx) => { try { return c.run(ctx); } finally { built = undefined; } } } : c);
      });
    }
    return cases;
  },
};
