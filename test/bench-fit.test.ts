// The least-squares power fit (cost = c * n^k on log-log, ml-matrix): exact on exact data, recovers
// known exponents from seeded noisy data, and refuses data it cannot fit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitOf, fitPowerLaw, syntheticPowerData } from '../src/bench/fit.js';
import { median, percentile } from '../src/bench/measure.js';
import { SYNTHETIC_EXPONENTS, SYNTHETIC_XS } from '../src/bench/suites/scale.js';

test('exact power data: exponent, coefficient and r2 = 1', () => {
  // y = 2 n^2 at n = 1, 2, 4: log-log points (0, ln 2), (ln 2, 3 ln 2), (2 ln 2, 5 ln 2) -> slope 2.
  const f = fitPowerLaw([1, 2, 4], [2, 8, 32]);
  assert.ok(Math.abs(f.exponent - 2) < 1e-9, `exponent ${f.exponent}`);
  assert.ok(Math.abs(f.coefficient - 2) < 1e-9, `coefficient ${f.coefficient}`);
  assert.ok(Math.abs(f.r2 - 1) < 1e-12);
  const g = fitPowerLaw([500, 1000, 5000, 15000], [500, 1000, 5000, 15000].map((n) => 0.37 * n ** 1.5));
  assert.ok(Math.abs(g.exponent - 1.5) < 1e-9);
  assert.ok(Math.abs(g.coefficient - 0.37) < 1e-9);
});

test('fit recovers n^1, n^1.5, n^2 from seeded data with 5 % noise', () => {
  assert.deepEqual(SYNTHETIC_EXPONENTS, [1, 1.5, 2]);
  for (const k of SYNTHETIC_EXPONENTS) {
    const pts = syntheticPowerData(k, 0.002, SYNTHETIC_XS, 0.05, 7);
    // Noise really is there: no point lies exactly on the curve.
    assert.ok(pts.some((p) => Math.abs(p.y / (0.002 * p.x ** k) - 1) > 0.005));
    const f = fitPowerLaw(pts.map((p) => p.x), pts.map((p) => p.y));
    assert.ok(Math.abs(f.exponent - k) < 0.05, `n^${k}: fitted ${f.exponent}`);
    assert.ok(f.coefficient > 0.001 && f.coefficient < 0.004, `n^${k}: coefficient ${f.coefficient}`);
    assert.ok(f.r2 > 0.99 && f.r2 < 1, `n^${k}: r2 ${f.r2}`);
  }
});

test('fit over many seeds: mean error of the exponent stays small, 30 % noise is worse than 5 %', () => {
  const xs = [100, 300, 1000, 3000, 10000, 30000];
  const err = (amp: number) => {
    let s = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const pts = syntheticPowerData(1.5, 1, xs, amp, seed);
      s += Math.abs(fitPowerLaw(pts.map((p) => p.x), pts.map((p) => p.y)).exponent - 1.5);
    }
    return s / 50;
  };
  const small = err(0.05);
  const large = err(0.3);
  assert.ok(small < 0.02, `5 %: mean error ${small}`);
  assert.ok(large > small, `30 % (${large}) should fit worse than 5 % (${small})`);
});

test('a flat cost fits exponent 0; a non-power curve gets r2 below 1', () => {
  const flat = fitPowerLaw([1, 10, 100], [5, 5, 5]);
  assert.ok(Math.abs(flat.exponent) < 1e-12);
  assert.equal(flat.r2, 1); // no variance to explain
  const ns = [1, 2, 4, 8, 16, 32];
  const f = fitPowerLaw(ns, ns.map((n) => 2 ** n)); // exponential, not a power
  assert.ok(f.r2 < 0.95, `r2 ${f.r2}`);
});

test('unfit data: fewer than two usable points or one distinct x', () => {
  assert.throws(() => fitPowerLaw([10], [1]), /at least two/);
  assert.throws(() => fitPowerLaw([10, 10], [1, 2]), /distinct x/);
  assert.throws(() => fitPowerLaw([0, -1, 5], [1, 1, 1]), /at least two/);
  assert.throws(() => fitPowerLaw([1, 2], [1]), /2 x values but 1 y values/);
  assert.equal(fitOf('s', 'n', 'x', 'medianMs', [{ x: 5, y: 1 }]), null);
  const f = fitOf('scale', 'cost', 'nodes', 'medianMs', [{ x: 0, y: 3 }, { x: 10, y: 10 }, { x: 100, y: 100 }], 1);
  assert.ok(f);
  assert.equal(f.points.length, 2); // x = 0 dropped
  assert.ok(Math.abs(f.exponent - 1) < 1e-9);
  assert.equal(f.expectedExponent, 1);
});

test('median and nearest-rank percentile', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
  const ten = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  assert.equal(percentile(ten, 90), 9);
  assert.equal(percentile(ten, 99), 10);
  assert.equal(percentile(ten, 50), 5);
});
