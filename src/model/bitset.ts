// Fixed-size bitsets over Uint32Array words: node masks for filters, selector results, feasibility sets.
//
// Invariant (tail hygiene): bits at positions >= size in the last word are always 0, so popcount,
// equals, nextSetBit and the word-wise operations never see phantom bits. Every method that could
// set them (fill, not, grow over a dirty buffer) masks the tail; wrapping a foreign buffer trusts it
// (call clearTail() once if unsure).
//
// Hot operations (set/clear/has, and/or/andNot/xor, the static *Into forms, popcount, nextSetBit,
// forEachSetBit) allocate nothing. Binary operations require equal sizes and throw RangeError
// otherwise: a silent mismatch would corrupt a filter result.

/** Words needed for n bits. */
export function wordsFor(bits: number): number {
  return (bits + 31) >>> 5;
}

/** Number of set bits in a 32-bit word (SWAR; Hacker's Delight 5-2). */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export class Bitset {
  /** Size in bits. */
  size: number;
  /** Backing words; bit i lives in words[i >>> 5] at (i & 31). Replaced by grow() when it must reallocate. */
  words: Uint32Array;

  /**
   * A zeroed bitset of `size` bits, or a view over `buffer` (a Uint32Array or an (Shared)ArrayBuffer at
   * `byteOffset`) holding at least wordsFor(size) words; a view shares memory, so another thread can wrap
   * the same SharedArrayBuffer.
   */
  constructor(size: number, buffer?: Uint32Array | ArrayBufferLike, byteOffset = 0) {
    if (!Number.isInteger(size) || size < 0 || size > 0x7fffffff) throw new RangeError(`bitset: invalid size ${size}`);
    this.size = size;
    const n = wordsFor(size);
    if (buffer === undefined) {
      this.words = new Uint32Array(n);
    } else if (buffer instanceof Uint32Array) {
      if (buffer.length < n) throw new RangeError(`bitset: ${buffer.length} words cannot hold ${size} bits`);
      this.words = buffer.length === n ? buffer : buffer.subarray(0, n);
    } else {
      this.words = new Uint32Array(buffer, byteOffset, n);
    }
  }

  /**
   * Grows to `size` bits (never shrinks); new bits are 0. Reallocates when more words are needed,
   * which ends the sharing of a wrapped buffer.
   */
  grow(size: number): void {
    if (!Number.isInteger(size) || size > 0x7fffffff) throw new RangeError(`bitset: invalid size ${size}`);
    if (size <= this.size) return;
    const n = wordsFor(size);
    if (n > this.words.length) {
      const words = new Uint32Array(n);
      words.set(this.words);
      this.words = words;
    }
    // Bits from the old size to the end of its last word are 0 by the tail invariant.
    this.size = size;
  }

  set(i: number): void {
    if (!(i >= 0 && i < this.size)) throw new RangeError(`bitset: index ${i} out of range [0, ${this.size})`);
    this.words[i >>> 5]! |= 1 << (i & 31);
  }

  clear(i: number): void {
    if (!(i >= 0 && i < this.size)) throw new RangeError(`bitset: index ${i} out of range [0, ${this.size})`);
    this.words[i >>> 5]! &= ~(1 << (i & 31));
  }

  /** Sets bit i to v. */
  put(i: number, v: boolean): void {
    if (v) this.set(i);
    else this.clear(i);
  }

  has(i: number): boolean {
    if (!(i >= 0 && i < this.size)) return false;
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  /** Sets every bit in [0, size). */
  fill(): this {
    this.words.fill(0xffffffff);
    this.clearTail();
    return this;
  }

  clearAll(): this {
    this.words.fill(0);
    return this;
  }

  /** Flips every bit in [0, size). */
  not(): this {
    const w = this.words;
    for (let i = 0; i < w.length; i++) w[i] = ~w[i]!;
    this.clearTail();
    return this;
  }

  /** Zeroes the bits past size in the last word. */
  clearTail(): void {
    const r = this.size & 31;
    if (r !== 0) this.words[this.words.length - 1]! &= (1 << r) - 1;
  }

  and(other: Bitset): this {
    Bitset.andInto(this, other, this);
    return this;
  }

  or(other: Bitset): this {
    Bitset.orInto(this, other, this);
    return this;
  }

  andNot(other: Bitset): this {
    Bitset.andNotInto(this, other, this);
    return this;
  }

  xor(other: Bitset): this {
    Bitset.xorInto(this, other, this);
    return this;
  }

  /** out = a & b. out may be a or b. */
  static andInto(a: Bitset, b: Bitset, out: Bitset): Bitset {
    sameSize(a, b, out);
    const aw = a.words, bw = b.words, ow = out.words;
    for (let i = 0; i < ow.length; i++) ow[i] = aw[i]! & bw[i]!;
    return out;
  }

  /** out = a | b. */
  static orInto(a: Bitset, b: Bitset, out: Bitset): Bitset {
    sameSize(a, b, out);
    const aw = a.words, bw = b.words, ow = out.words;
    for (let i = 0; i < ow.length; i++) ow[i] = aw[i]! | bw[i]!;
    return out;
  }

  /** out = a & ~b. */
  static andNotInto(a: Bitset, b: Bitset, out: Bitset): Bitset {
    sameSize(a, b, out);
    const aw = a.words, bw = b.words, ow = out.words;
    for (let i = 0; i < ow.length; i++) ow[i] = aw[i]! & ~bw[i]!;
    return out;
  }

  /** out = a ^ b. */
  static xorInto(a: Bitset, b: Bitset, out: Bitset): Bitset {
    sameSize(a, b, out);
    const aw = a.words, bw = b.words, ow = out.words;
    for (let i = 0; i < ow.length; i++) ow[i] = aw[i]! ^ bw[i]!;
    return out;
  }

  /** popcount(a & b) without materializing the intersection. */
  static andCount(a: Bitset, b: Bitset): number {
    sameSize(a, b, a);
    const aw = a.words, bw = b.words;
    let n = 0;
    for (let i = 0; i < aw.length; i++) n += popcount32(aw[i]! & bw[i]!);
    return n;
  }

  /** Number of set bits. */
  popcount(): number {
    const w = this.words;
    let n = 0;
    for (let i = 0; i < w.length; i++) {
      const x = w[i]!;
      if (x !== 0) n += popcount32(x);
    }
    return n;
  }

  isEmpty(): boolean {
    const w = this.words;
    for (let i = 0; i < w.length; i++) if (w[i] !== 0) return false;
    return true;
  }

  /** Index of the first set bit >= from, or -1. */
  nextSetBit(from: number): number {
    if (from < 0) from = 0;
    if (from >= this.size) return -1;
    const w = this.words;
    let wi = from >>> 5;
    let x = w[wi]! & (0xffffffff << (from & 31));
    for (;;) {
      if (x !== 0) return (wi << 5) + (31 - Math.clz32(x & -x));
      if (++wi >= w.length) return -1;
      x = w[wi]!;
    }
  }

  /** Calls fn with every set index in increasing order. */
  forEachSetBit(fn: (index: number) => void): void {
    const w = this.words;
    for (let wi = 0; wi < w.length; wi++) {
      let x = w[wi]!;
      const base = wi << 5;
      while (x !== 0) {
        const low = x & -x;
        fn(base + 31 - Math.clz32(low));
        x ^= low;
      }
    }
  }

  /** Writes set indices into out (from 0) and returns how many; stops when out is full. */
  toIndices(out: Int32Array | Uint32Array): number {
    const w = this.words;
    let n = 0;
    for (let wi = 0; wi < w.length && n < out.length; wi++) {
      let x = w[wi]!;
      const base = wi << 5;
      while (x !== 0 && n < out.length) {
        const low = x & -x;
        out[n++] = base + 31 - Math.clz32(low);
        x ^= low;
      }
    }
    return n;
  }

  equals(other: Bitset): boolean {
    if (other.size !== this.size) return false;
    const a = this.words, b = other.words;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** Copies other's bits; sizes must match. */
  copyFrom(other: Bitset): this {
    sameSize(this, other, this);
    this.words.set(other.words);
    return this;
  }

  /** A new bitset with its own words (allocates). */
  clone(): Bitset {
    return new Bitset(this.size, this.words.slice());
  }
}

function sameSize(a: Bitset, b: Bitset, out: Bitset): void {
  if (a.size !== b.size || a.size !== out.size) {
    throw new RangeError(`bitset: size mismatch (${a.size}, ${b.size}, ${out.size})`);
  }
}
