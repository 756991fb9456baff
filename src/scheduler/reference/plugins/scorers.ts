// NodeResourcesFit scoring strategies and BalancedAllocation's formula, integer arithmetic as upstream
// (Go int64 division truncates toward zero; RequestedToCapacityRatio rounds the weighted mean half away from zero).

import type { ResourceSpec, UtilizationShapePoint } from '../../config.js';
import { MAX_NODE_SCORE } from '../../sampling.js';

const MAX_UTILIZATION = 100;
/** Upstream config.MaxCustomPriorityScore: shape scores are 0..10, scaled by MaxNodeScore / 10. */
const MAX_CUSTOM_PRIORITY_SCORE = 10;

export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  const r = requested > capacity ? capacity : requested;
  return Math.trunc((r * MAX_NODE_SCORE) / capacity);
}

function weightedMean(resources: readonly ResourceSpec[], f: (req: number, cap: number) => number) {
  return (requested: number[], allocatable: number[]): number => {
    let score = 0;
    let weights = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const w = resources[i]!.weight;
      score += f(requested[i]!, allocatable[i]!) * w;
      weights += w;
    }
    return weights === 0 ? 0 : Math.trunc(score / weights);
  };
}

export const leastAllocatedScorer = (resources: readonly ResourceSpec[]) => weightedMean(resources, leastRequestedScore);
export const mostAllocatedScorer = (resources: readonly ResourceSpec[]) => weightedMean(resources, mostRequestedScore);

/** Upstream helper.BuildBrokenLinearFunction over points with scores already scaled to 0..100. */
export function brokenLinear(shape: readonly { utilization: number; score: number }[]): (p: number) => number {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      if (p <= shape[i]!.utilization) {
        if (i === 0) return shape[0]!.score;
        const a = shape[i - 1]!;
        const b = shape[i]!;
        return a.score + Math.trunc(((b.score - a.score) * (p - a.utilization)) / (b.utilization - a.utilization));
      }
    }
    return shape[shape.length - 1]!.score;
  };
}

export function requestedToCapacityRatioScorer(resources: readonly ResourceSpec[], shape: readonly UtilizationShapePoint[]) {
  const f = brokenLinear(shape.map((p) => ({ utilization: p.utilization, score: p.score * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE) })));
  const resourceScore = (requested: number, capacity: number) =>
    capacity === 0 || requested > capacity ? f(MAX_UTILIZATION) : f(Math.trunc((requested * MAX_UTILIZATION) / capacity));
  return (requested: number[], allocatable: number[]): number => {
    let score = 0;
    let weights = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const w = resources[i]!.weight;
      const s = resourceScore(requested[i]!, allocatable[i]!);
      if (s > 0) {
        score += s * w;
        weights += w;
      }
    }
    if (weights === 0) return 0;
    return goRound(score / weights);
  };
}

/** Go math.Round: half away from zero. */
export function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** BalancedAllocation (v1.35): 1 - std of min(requested/allocatable, 1) over resources, times 100, truncated. */
export function balancedResourceScorer(requested: number[], allocatable: number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    let f = requested[i]! / allocatable[i]!;
    if (f > 1) f = 1;
    total += f;
    fractions.push(f);
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}
