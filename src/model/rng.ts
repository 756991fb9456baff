// A small, fast, seeded pseudo-random generator (mulberry32) shared by the generator, the
// schedulers' tie-breaking and the EndpointSlice name suffixes, so every run is reproducible.
// Not cryptographic; the point is identical sequences for identical seeds on every platform.

export interface Rng {
  /** Float in [0, 1). */
  next(): number;
  /** Integer in [0, n); n must be a positive integer below 2^32. */
  int(n: number): number;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(arr: readonly T[]): T;
  /** Integer in [lo, hi] (both inclusive). */
  range(lo: number, hi: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Index chosen with probability proportional to weights[i] (weights >= 0, sum > 0). */
  weighted(weights: readonly number[]): number;
  /** n characters drawn from alphabet. */
  string(n: number, alphabet: string): string;
  /** The raw 32-bit state, for forking or checkpointing. */
  readonly state: number;
}

/** Upstream's rand.String alphabet (k8s.io/apimachinery/pkg/util/rand): no vowels, no 0/1/3. */
export const K8S_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const TWO_POW_32 = 4294967296;

/**
 * Seeds accept any finite number or string; they are folded into 32 bits so that seed 1 and
 * seed 2 start far apart (mulberry32 seeds that differ in low bits would otherwise start close).
 */
export function seedToState(seed: number | string): number {
  let h = 0x811c9dc5; // FNV-1a over the seed's decimal text: exact for every integer seed
  const s = typeof seed === 'string' ? seed : String(seed);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function createRng(seed: number | string): Rng {
  let a = seedToState(seed);

  // mulberry32: one 32-bit add, two multiplies and shifts per draw.
  const next32 = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => next32() / TWO_POW_32;

  const int = (n: number): number => {
    if (!(n >= 1) || n > TWO_POW_32 || !Number.isInteger(n)) throw new RangeError(`rng.int: bound must be an integer in [1, 2^32], got ${n}`);
    // Rejection sampling keeps every outcome equally likely even when n does not divide 2^32.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = next32();
    while (x >= limit) x = next32();
    return x % n;
  };

  return {
    next,
    int,
    pick<T>(arr: readonly T[]): T {
      if (arr.length === 0) throw new RangeError('rng.pick: empty array');
      return arr[int(arr.length)]!;
    },
    range(lo: number, hi: number): number {
      return lo + int(hi - lo + 1);
    },
    chance(p: number): boolean {
      return next() < p;
    },
    weighted(weights: readonly number[]): number {
      let total = 0;
      for (const w of weights) total += w;
      let x = next() * total;
      for (let i = 0; i < weights.length; i++) {
        x -= weights[i]!;
        if (x < 0) return i;
      }
      return weights.length - 1;
    },
    string(n: number, alphabet: string): string {
      let out = '';
      for (let i = 0; i < n; i++) out += alphabet[int(alphabet.length)];
      return out;
    },
    get state() {
      return a >>> 0;
    },
  };
}
