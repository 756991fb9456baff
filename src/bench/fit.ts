// Cost curves: cost = c * n^k fitted by least squares on log-log (log y = log c + k log n) with
// ml-matrix, r2 on the log scale. Also the synthetic check that the fit recovers known exponents.

import { Matrix, solve } from 'ml-matrix';
import { createRng } from '../model/rng.js';
import type { FitResult } from './types.js';

export interface PowerFit {
  exponent: number;
  coefficient: number;
  /** Coefficient of determination of the log-log regression. */
  r2: number;
}

/** Least-squares fit of y = c * x^k; needs >= 2 points with x, y > 0 and two distinct x. */
export function fitPowerLaw(xs: readonly number[], ys: readonly number[]): PowerFit {
  if (xs.length !== ys.length) throw new Error(`fitPowerLaw: ${xs.length} x values but ${ys.length} y values`);
  const pts = xs.map((x, i) => [x, ys[i]!] as const).filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y));
  if (pts.length < 2 || new Set(pts.map(([x]) => x)).size < 2) throw new Error('fitPowerLaw: needs at least two positive points with distinct x');
  const lx = pts.map(([x]) => Math.log(x));
  const ly = pts.map(([, y]) => Math.log(y));
  // Design matrix [1, log x]; solve() takes the least-squares route (QR) for a tall matrix.
  const A = new Matrix(lx.map((v) => [1, v]));
  const b = Matrix.columnVector(ly);
  const beta = solve(A, b);
  const logC = beta.get(0, 0);
  const k = beta.get(1, 0);
  const mean = ly.reduce((s, v) => s + v, 0) / ly.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < ly.length; i++) {
    const pred = logC + k * lx[i]!;
    ssRes += (ly[i]! - pred) ** 2;
    ssTot += (ly[i]! - mean) ** 2;
  }
  return { exponent: k, coefficient: Math.exp(logC), r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}

/** A fit over cases' points, as a FitResult (null when too few points finished). */
export function fitOf(suite: string, name: string, x: string, y: string, points: { x: number; y: number }[], expectedExponent?: number): FitResult | null {
  const usable = points.filter((p) => p.x > 0 && p.y > 0);
  if (usable.length < 2 || new Set(usable.map((p) => p.x)).size < 2) return null;
  const f = fitPowerLaw(usable.map((p) => p.x), usable.map((p) => p.y));
  return { suite, name, x, y, points: usable, ...f, ...(expectedExponent !== undefined ? { expectedExponent } : {}) };
}

/**
 * Synthetic data y = c * n^k * (1 + noise), noise uniform in [-amplitude, amplitude], seeded:
 * what the fit must recover before its figures on real data mean anything.
 */
export function syntheticPowerData(k: number, c: number, ns: readonly number[], amplitude: number, seed: number): { x: number; y: number }[] {
  const rng = createRng(seed);
  return ns.map((n) => ({ x: n, y: c * n ** k * (1 + amplitude * (2 * rng.next() - 1)) }));
}
