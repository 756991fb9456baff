// MaxTree (the fast engine's sampled-scan index) against the plain round-robin scan it replaces, on
// seeded random totals with many ties and infeasible positions, through updates.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../src/model/rng.js';
import { MaxTree } from '../src/scheduler/fast/maxtree.js';

/** The linear scan: processed, found, max, ties, and the position of every tie in visiting order. */
function scan(score: Float64Array, start: number, numToFind: number) {
  const len = score.length;
  let processed = 0;
  let found = 0;
  let max = -Infinity;
  let pos = start;
  const visited: number[] = [];
  while (processed < len && found < numToFind) {
    const t = score[pos]!;
    visited.push(pos);
    if (t !== -Infinity) {
      found++;
      if (t > max) max = t;
    }
    processed++;
    if (++pos === len) pos = 0;
  }
  const ties = visited.filter((p) => score[p] === max && max !== -Infinity);
  return { processed, found, max, ties };
}

test('MaxTree answers span, max, ties and the k-th tie exactly as the linear scan', () => {
  const rng = createRng('maxtree');
  const out = new Float64Array(2);
  let checked = 0;
  for (let round = 0; round < 60; round++) {
    const len = 1 + rng.int(round < 20 ? 40 : 700);
    const distinct = 1 + rng.int(5);
    const infeasible = rng.next() * (round % 5 === 0 ? 1 : 0.4);
    const draw = () => (rng.next() < infeasible ? -Infinity : 100 + rng.int(distinct) * 0.5);
    const score = new Float64Array(len);
    for (let p = 0; p < len; p++) score[p] = draw();
    const tree = new MaxTree(len);
    tree.build(score);
    for (let q = 0; q < 40; q++) {
      if (q % 4 === 3) {
        const pos = rng.int(len);
        score[pos] = draw();
        tree.set(pos, score[pos]!);
      }
      const start = rng.int(len);
      const numToFind = 1 + rng.int(len + 2);
      const want = scan(score, start, numToFind);
      const processed = tree.span(start, numToFind);
      assert.equal(processed, want.processed, `span len=${len} start=${start} numToFind=${numToFind}`);
      assert.equal(Math.min(numToFind, tree.feasible()), want.found);
      tree.rangeMax(start, processed, out);
      assert.equal(out[0], want.max);
      assert.equal(out[1], want.ties.length);
      for (let k = 0; k < want.ties.length; k++) assert.equal(tree.nthTie(start, processed, want.max, k), want.ties[k], `tie ${k}`);
      checked++;
    }
  }
  assert.equal(checked, 60 * 40);
});

test('MaxTree of a single position and of all-infeasible positions', () => {
  const one = new MaxTree(1);
  one.build(Float64Array.of(7));
  assert.equal(one.span(0, 1), 1);
  assert.equal(one.nthTie(0, 1, 7, 0), 0);
  const none = new MaxTree(5);
  none.build(new Float64Array(5).fill(-Infinity));
  assert.equal(none.feasible(), 0);
  assert.equal(none.span(2, 3), 5);
  const out = new Float64Array(2);
  none.rangeMax(2, 5, out);
  assert.deepEqual([...out], [-Infinity, 0]);
});
