import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, seedToState, K8S_NAME_ALPHABET } from '../src/model/rng.js';

test('same seed gives the same sequence; different seeds differ', () => {
  const a = createRng(42), b = createRng(42), c = createRng(43);
  const sa = Array.from({ length: 50 }, () => a.next());
  const sb = Array.from({ length: 50 }, () => b.next());
  const sc = Array.from({ length: 50 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test('mulberry32 step matches the reference algorithm from a known state', () => {
  // Reference mulberry32 (Tommy Ettinger), written out independently of src/model/rng.ts.
  function ref(seed: number) {
    let a = seed >>> 0;
    return () => {
      a |= 0; a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const r = ref(seedToState(7));
  const ours = createRng(7);
  for (let i = 0; i < 20; i++) assert.equal(ours.next(), r());
});

test('seedToState is FNV-1a over the decimal text', () => {
  assert.equal(seedToState(''), 0x811c9dc5);
  assert.equal(seedToState('a'), 0xe40c292c); // published FNV-1a 32 test vector
  assert.equal(seedToState('foobar'), 0xbf9cf968); // published FNV-1a 32 test vector
  assert.equal(seedToState(1), seedToState('1'));
});

test('int, range, pick, chance, weighted and string stay in bounds', () => {
  const r = createRng(1);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 6000; i++) {
    const v = r.int(6);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 6);
    counts[v]++;
  }
  for (const c of counts) assert.ok(c > 850 && c < 1150, `roughly uniform: ${counts}`);
  for (let i = 0; i < 200; i++) {
    const v = r.range(-3, 3);
    assert.ok(v >= -3 && v <= 3);
    assert.ok(['x', 'y'].includes(r.pick(['x', 'y'])));
    assert.equal(r.weighted([0, 0, 5, 0]), 2);
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
  }
  assert.equal(r.chance(0), false);
  assert.equal(r.chance(1), true);
  const s = r.string(5, K8S_NAME_ALPHABET);
  assert.match(s, /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.throws(() => r.int(0), RangeError);
  assert.throws(() => r.pick([]), RangeError);
});
