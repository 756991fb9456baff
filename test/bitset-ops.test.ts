// Bitset against a boolean-array model on edge sizes and seeded random operations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bitset, popcount32, wordsFor } from '../src/model/bitset.js';
import { createRng, type Rng } from '../src/model/rng.js';

const SIZES = [0, 1, 31, 32, 33, 63, 64, 65, 100, 5000];

function model(b: Bitset): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < b.size; i++) out.push(b.has(i));
  return out;
}

function random(size: number, rng: Rng, density = 0.3): [Bitset, boolean[]] {
  const b = new Bitset(size);
  const m: boolean[] = [];
  for (let i = 0; i < size; i++) {
    const v = rng.chance(density);
    m.push(v);
    if (v) b.set(i);
  }
  return [b, m];
}

function tailIsClean(b: Bitset): boolean {
  const r = b.size & 31;
  if (b.words.length !== wordsFor(b.size)) return false;
  return r === 0 || (b.words[b.words.length - 1]! >>> r) === 0;
}

test('popcount32 matches a bit loop', () => {
  const rng = createRng(7);
  const words = [0, 1, 0x80000000, 0xffffffff, 0x55555555, 0xaaaaaaaa, 0x0f0f0f0f];
  for (let i = 0; i < 200; i++) words.push(rng.int(0x100000000));
  for (const w of words) {
    let n = 0;
    for (let k = 0; k < 32; k++) if ((w >>> k) & 1) n++;
    assert.equal(popcount32(w), n, w.toString(16));
  }
});

test('set/clear/has/put and bounds', () => {
  for (const size of SIZES) {
    const b = new Bitset(size);
    assert.equal(b.words.length, wordsFor(size));
    assert.equal(b.popcount(), 0);
    assert.equal(b.isEmpty(), true);
    if (size > 0) {
      b.set(size - 1);
      b.set(0);
      assert.equal(b.has(0), true);
      assert.equal(b.has(size - 1), true);
      assert.equal(b.popcount(), size === 1 ? 1 : 2);
      b.clear(0);
      assert.equal(b.has(0), size === 1 ? false : false);
      b.put(0, true);
      assert.equal(b.has(0), true);
      b.put(0, false);
      assert.equal(b.has(0), false);
    }
    assert.throws(() => b.set(size), RangeError);
    assert.throws(() => b.set(-1), RangeError);
    assert.throws(() => b.clear(size), RangeError);
    assert.equal(b.has(size), false);
    assert.equal(b.has(-1), false);
    assert.ok(tailIsClean(b));
  }
  assert.throws(() => new Bitset(-1), RangeError);
  assert.throws(() => new Bitset(1.5), RangeError);
});

test('fill, not and clearAll keep the tail clean', () => {
  for (const size of SIZES) {
    const b = new Bitset(size).fill();
    assert.equal(b.popcount(), size, `fill ${size}`);
    assert.ok(tailIsClean(b));
    b.not();
    assert.equal(b.popcount(), 0, `not ${size}`);
    b.not();
    assert.equal(b.popcount(), size);
    assert.ok(tailIsClean(b));
    b.clearAll();
    assert.ok(b.isEmpty());
  }
});

test('and/or/andNot/xor in place and *Into forms agree with the model', () => {
  const rng = createRng('bitset-ops');
  for (const size of SIZES) {
    for (let round = 0; round < 5; round++) {
      const [a, ma] = random(size, rng, rng.next());
      const [b, mb] = random(size, rng, rng.next());
      const out = new Bitset(size);
      const cases: [string, (x: boolean, y: boolean) => boolean, (o: Bitset) => Bitset, () => Bitset][] = [
        ['and', (x, y) => x && y, (o) => Bitset.andInto(a, b, o), () => a.clone().and(b)],
        ['or', (x, y) => x || y, (o) => Bitset.orInto(a, b, o), () => a.clone().or(b)],
        ['andNot', (x, y) => x && !y, (o) => Bitset.andNotInto(a, b, o), () => a.clone().andNot(b)],
        ['xor', (x, y) => x !== y, (o) => Bitset.xorInto(a, b, o), () => a.clone().xor(b)],
      ];
      for (const [name, f, into, inPlace] of cases) {
        const want = ma.map((x, i) => f(x, mb[i]!));
        assert.deepEqual(model(into(out)), want, `${name}Into ${size}`);
        assert.deepEqual(model(inPlace()), want, `${name} ${size}`);
        assert.equal(out.popcount(), want.filter(Boolean).length);
        assert.ok(tailIsClean(out));
      }
      assert.equal(Bitset.andCount(a, b), ma.filter((x, i) => x && mb[i]).length);
      // aliasing: out === a
      const c = a.clone();
      Bitset.andInto(c, b, c);
      assert.deepEqual(model(c), ma.map((x, i) => x && mb[i]!));
    }
  }
});

test('size mismatches throw instead of corrupting', () => {
  const a = new Bitset(33);
  const b = new Bitset(32);
  assert.throws(() => a.and(b), RangeError);
  assert.throws(() => Bitset.orInto(a, a, b), RangeError);
  assert.throws(() => a.copyFrom(b), RangeError);
  assert.equal(a.equals(b), false);
});

test('nextSetBit, forEachSetBit and toIndices list exactly the set bits in order', () => {
  const rng = createRng(42);
  for (const size of SIZES) {
    for (const density of [0, 0.01, 0.5, 1]) {
      const [b, m] = random(size, rng, density);
      const want = m.flatMap((v, i) => (v ? [i] : []));
      const viaNext: number[] = [];
      for (let i = b.nextSetBit(0); i !== -1; i = b.nextSetBit(i + 1)) viaNext.push(i);
      assert.deepEqual(viaNext, want, `nextSetBit ${size}/${density}`);
      const viaEach: number[] = [];
      b.forEachSetBit((i) => viaEach.push(i));
      assert.deepEqual(viaEach, want);
      const buf = new Int32Array(size);
      assert.deepEqual([...buf.subarray(0, b.toIndices(buf))], want);
      const short = new Int32Array(2);
      assert.equal(b.toIndices(short), Math.min(2, want.length));
      // from in the middle of a word, and out of range
      for (const from of [-5, 1, 31, 32, 33, size - 1, size, size + 40]) {
        const expect = want.find((i) => i >= Math.max(0, from)) ?? -1;
        assert.equal(b.nextSetBit(from), expect, `from ${from} size ${size}`);
      }
    }
  }
});

test('bit 31 of a word (the sign bit) behaves like any other', () => {
  const b = new Bitset(64);
  b.set(31);
  b.set(63);
  assert.equal(b.words[0], 0x80000000);
  assert.deepEqual(model(b).flatMap((v, i) => (v ? [i] : [])), [31, 63]);
  assert.equal(b.nextSetBit(0), 31);
  assert.equal(b.nextSetBit(32), 63);
  assert.equal(b.popcount(), 2);
  b.clear(31);
  assert.equal(b.words[0], 0);
});

test('equals, copyFrom, clone', () => {
  const rng = createRng(3);
  const [a] = random(5000, rng);
  const b = new Bitset(5000).copyFrom(a);
  assert.ok(a.equals(b));
  b.set(4999);
  b.clear(4999);
  assert.ok(a.equals(b));
  const c = a.clone();
  c.not();
  assert.ok(!a.equals(c));
  assert.notEqual(c.words, a.words);
});

test('grow keeps bits, zeroes the new range, and reallocates only when needed', () => {
  const b = new Bitset(31).fill();
  const words = b.words;
  b.grow(32);
  assert.equal(b.words, words, 'same word holds bit 31');
  assert.equal(b.popcount(), 31);
  assert.equal(b.has(31), false);
  b.grow(5000);
  assert.equal(b.size, 5000);
  assert.equal(b.popcount(), 31);
  assert.equal(b.nextSetBit(31), -1);
  b.set(4999);
  b.grow(10); // never shrinks
  assert.equal(b.size, 5000);
  assert.ok(tailIsClean(b));
  const empty = new Bitset(0);
  empty.grow(33);
  empty.fill();
  assert.equal(empty.popcount(), 33);
});

test('views over a shared buffer see each other; grow past the view reallocates', () => {
  const sab = new SharedArrayBuffer(64);
  const a = new Bitset(100, sab, 16);
  const b = new Bitset(100, new Uint32Array(sab, 16, 4));
  a.set(70);
  assert.equal(b.has(70), true);
  b.clear(70);
  assert.equal(a.has(70), false);
  assert.throws(() => new Bitset(200, new Uint32Array(4)), RangeError);
  a.set(99);
  a.grow(200);
  assert.equal(a.has(99), true);
  b.clear(99);
  assert.equal(a.has(99), true, 'a no longer shares memory after reallocating');
});
