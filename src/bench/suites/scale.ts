// scale: how scheduling cost grows with cluster size. Sweeps of nodes (500 -> 15,000, fixed pods) and
// of pods (fixed nodes) through the fast engine, each fitted to cost = c * n^k on log-log; and the
// fit's own check: synthetic data with known exponents (n^1, n^1.5, n^2, 5 % noise) must come back.

import { defaultSchedulerConfig } from '../../scheduler/config.js';
import { FastEngine } from '../../scheduler/fast/engine.js';
import { basicCluster } from '../data.js';
import { fitOf, fitPowerLaw, syntheticPowerData } from '../fit.js';
import { repeat } from '../measure.js';
import type { BenchContext, CaseDef, CaseResult, FitResult, SuiteDef } from '../types.js';

export interface ScaleSizes {
  nodeSweep: number[];
  podsForNodeSweep: number;
  podSweep: number[];
  nodesForPodSweep: number;
  runs: number;
}

export function scaleSizes(quick: boolean): ScaleSizes {
  return quick
    ? { nodeSweep: [500, 1000, 2000, 4000], podsForNodeSweep: 1000, podSweep: [500, 1000, 2000, 4000], nodesForPodSweep: 1000, runs: 3 }
    : { nodeSweep: [500, 1000, 2000, 5000, 10000, 15000], podsForNodeSweep: 5000, podSweep: [1000, 2000, 5000, 10000, 20000, 50000], nodesForPodSweep: 5000, runs: 3 };
}

export const SYNTHETIC_EXPONENTS = [1, 1.5, 2];
export const SYNTHETIC_XS = [500, 1000, 2000, 5000, 10000, 15000];

/**
 * Brings the engine's hot paths to their optimised tiers before the first timed sweep point, so the
 * smallest size does not pay for JIT compilation (it would bend the fitted exponent).
 */
let warmed = false;
function warmUp(): void {
  if (warmed) return;
  warmed = true;
  const config = defaultSchedulerConfig();
  const cluster = basicCluster(2000, 2000);
  for (let i = 0; i < 4; i++) new FastEngine().schedule(cluster, { config, seed: 1 });
}

function scheduleCase(sweep: 'nodes' | 'pods', nodes: number, pods: number, runs: number): CaseDef {
  return {
    name: `${sweep} sweep: ${nodes} nodes, ${pods} pods`,
    run(ctx: BenchContext): CaseResult {
      const dataset = `${nodes} default nodes (4 cpu, 32Gi, 110 pods, 3 zones), ${pods} pending default pods (100m, 500Mi), default profile, fast engine, seed 1`;
      ctx.log(`scale: ${dataset}`);
      warmUp();
      const config = defaultSchedulerConfig();
      const cluster = basicCluster(nodes, pods);
      const r = repeat({ runs, warmup: 2 }, () => new FastEngine(), (engine) => engine.schedule(cluster, { config, seed: 1 }));
      // Checksum outside the timed region: how the placements spread over nodes.
      let bound = 0;
      let sum = 0;
      for (const p of r.last.result.placements) {
        if (!p.node) continue;
        bound++;
        sum = (Math.imul(sum, 31) + Number(p.node.slice(5))) >>> 0;
      }
      return {
        suite: 'scale', name: this.name, dataset, params: { sweep, nodes, pods, runs },
        metrics: { medianMs: r.medianWallMs, medianCpuMs: r.medianCpuMs, perPodUs: (r.medianWallMs * 1000) / pods, podsPerSec: pods / (r.medianWallMs / 1000), boundPods: bound },
        checksum: sum.toString(16), primary: 'medianMs', samples: { medianMs: r.wallMs, medianCpuMs: r.cpuMs },
      };
    },
  };
}

function syntheticCase(k: number, xs: number[]): CaseDef {
  return {
    name: `fit check: n^${k}`,
    run(): CaseResult {
      const pts = syntheticPowerData(k, 0.002, xs, 0.05, 7);
      const f = fitPowerLaw(pts.map((p) => p.x), pts.map((p) => p.y));
      return {
        suite: 'scale', name: this.name, dataset: `y = 0.002 * n^${k} * (1 + U(-5 %, +5 %)) at n = ${xs.join(', ')}, seed 7`,
        params: { sweep: 'synthetic', expectedExponent: k },
        metrics: { fittedExponentRatio: f.exponent, exponentErrorRatio: Math.abs(f.exponent - k), coefficientRatio: f.coefficient, r2Ratio: f.r2 },
        primary: 'fittedExponentRatio',
      };
    },
  };
}

function sweepFit(cases: CaseResult[], sweep: 'nodes' | 'pods'): FitResult | null {
  const pts = cases.filter((c) => c.params.sweep === sweep).map((c) => ({ x: Number(c.params[sweep]), y: c.metrics.medianMs! }));
  const fixed = sweep === 'nodes' ? `${cases.find((c) => c.params.sweep === 'nodes')?.params.pods} pods` : `${cases.find((c) => c.params.sweep === 'pods')?.params.nodes} nodes`;
  return fitOf('scale', `schedule time vs ${sweep} (${fixed})`, sweep, 'medianMs', pts);
}

export const scaleSuite: SuiteDef = {
  name: 'scale',
  description: 'node and pod sweeps through the fast engine, cost = c * n^k fitted on log-log (ml-matrix)',
  plan(ctx) {
    const z = scaleSizes(ctx.quick);
    return [
      ...SYNTHETIC_EXPONENTS.map((k) => syntheticCase(k, SYNTHETIC_XS)),
      ...z.nodeSweep.map((n) => scheduleCase('nodes', n, z.podsForNodeSweep, z.runs)),
      ...z.podSweep.map((p) => scheduleCase('pods', z.nodesForPodSweep, p, z.runs)),
    ];
  },
  fits(cases) {
    const out: FitResult[] = [];
    for (const c of cases.filter((x) => x.params.sweep === 'synthetic')) {
      const k = Number(c.params.expectedExponent);
      const f = fitOf('scale', `synthetic n^${k} (5 % noise)`, 'n', 'syntheticCostMs', syntheticPowerData(k, 0.002, SYNTHETIC_XS, 0.05, 7), k);
      if (f) out.push(f);
    }
    for (const s of ['nodes', 'pods'] as const) {
      const f = sweepFit(cases, s);
      if (f) out.push(f);
    }
    return out;
  },
};
