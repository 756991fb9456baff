// A segment tree over a plan's per-position totals (engine.ts TotalsCache), answering what one
// sampled Filter+Score scan answers without visiting every position:
//  - span: how many positions a round-robin visit from `start` processes until `numToFind`
//    feasible ones are found (upstream's numFeasibleNodesToFind stop), and
//  - the max total over those positions, how many reach it, and the k-th of them in visiting order
//    (selectHost's tie-break).
// Each costs O(log n), as does updating one position after a bind. A position holds the node's
// total, or -Infinity when the node fails a filter. Equal totals are compared exactly, as the
// linear scan compares them.

export class MaxTree {
  /** Leaves start here (a power of two >= len). */
  private readonly base: number;
  /** Per tree node: the max total below it (-Infinity: nothing feasible). */
  private readonly mx: Float64Array;
  /** Per tree node: how many positions below it reach `mx`. */
  private readonly ties: Int32Array;
  /** Per tree node: how many feasible positions lie below it. */
  private readonly fe: Int32Array;
  /** Canonical nodes of a range, in visiting order (scratch for nthTie). */
  private readonly stack: Int32Array;

  constructor(readonly len: number) {
    let b = 1;
    while (b < len) b <<= 1;
    this.base = b;
    this.mx = new Float64Array(2 * b).fill(-Infinity);
    this.ties = new Int32Array(2 * b);
    this.fe = new Int32Array(2 * b);
    this.stack = new Int32Array(128);
  }

  /** Sets every leaf from `score` (positions 0..len) and rebuilds the inner nodes. */
  build(score: Float64Array): void {
    const base = this.base;
    for (let p = 0; p < this.len; p++) this.leaf(base + p, score[p]!);
    for (let i = base - 1; i >= 1; i--) this.pull(i);
  }

  /** Position `pos` now holds `total` (-Infinity: infeasible). */
  set(pos: number, total: number): void {
    let i = this.base + pos;
    this.leaf(i, total);
    for (i >>= 1; i >= 1; i >>= 1) this.pull(i);
  }

  /** Feasible positions in all. */
  feasible(): number {
    return this.fe[1]!;
  }

  /**
   * Positions a visit from `start` (round-robin) processes before it has found `numToFind`
   * feasible ones, the last one included; every position when there are fewer.
   */
  span(start: number, numToFind: number): number {
    const total = this.fe[1]!;
    if (numToFind > total || numToFind <= 0) return numToFind <= 0 ? 0 : this.len;
    const before = this.feasibleBefore(start);
    const after = total - before;
    if (numToFind <= after) return this.select(before + numToFind) - start + 1;
    return this.len - start + this.select(numToFind - after) + 1;
  }

  /** The max total over `count` positions visited round-robin from `start`, and how many reach it: out = [max, ties]. */
  rangeMax(start: number, count: number, out: Float64Array): void {
    out[0] = -Infinity;
    out[1] = 0;
    const end = start + count;
    if (end <= this.len) {
      this.accumulate(start, end, out);
    } else {
      this.accumulate(start, this.len, out);
      this.accumulate(0, end - this.len, out);
    }
  }

  /** The position of the k-th (from 0) total equal to `max` among `count` positions visited round-robin from `start`. */
  nthTie(start: number, count: number, max: number, k: number): number {
    const end = start + count;
    if (end <= this.len) return this.nthIn(start, end, max, k);
    const first = this.tiesIn(start, this.len, max);
    if (k < first) return this.nthIn(start, this.len, max, k);
    return this.nthIn(0, end - this.len, max, k - first);
  }

  private leaf(i: number, total: number): void {
    const ok = total !== -Infinity;
    this.mx[i] = total;
    this.ties[i] = ok ? 1 : 0;
    this.fe[i] = ok ? 1 : 0;
  }

  private pull(i: number): void {
    const { mx, ties, fe } = this;
    const l = 2 * i;
    const r = l + 1;
    const a = mx[l]!;
    const b = mx[r]!;
    if (a > b) {
      mx[i] = a;
      ties[i] = ties[l]!;
    } else if (b > a) {
      mx[i] = b;
      ties[i] = ties[r]!;
    } else {
      mx[i] = a;
      ties[i] = ties[l]! + ties[r]!;
    }
    fe[i] = fe[l]! + fe[r]!;
  }

  /** Feasible positions in [0, pos). */
  private feasibleBefore(pos: number): number {
    let count = 0;
    let l = this.base;
    let r = this.base + pos;
    const fe = this.fe;
    while (l < r) {
      if (l & 1) count += fe[l++]!;
      if (r & 1) count += fe[--r]!;
      l >>= 1;
      r >>= 1;
    }
    return count;
  }

  /** The position of the rank-th (from 1) feasible position. */
  private select(rank: number): number {
    const fe = this.fe;
    let i = 1;
    while (i < this.base) {
      const l = 2 * i;
      if (fe[l]! >= rank) {
        i = l;
      } else {
        rank -= fe[l]!;
        i = l + 1;
      }
    }
    return i - this.base;
  }

  private accumulate(from: number, to: number, out: Float64Array): void {
    const { mx, ties } = this;
    let l = this.base + from;
    let r = this.base + to;
    while (l < r) {
      if (l & 1) {
        merge(out, mx[l]!, ties[l]!);
        l++;
      }
      if (r & 1) {
        r--;
        merge(out, mx[r]!, ties[r]!);
      }
      l >>= 1;
      r >>= 1;
    }
  }

  private tiesIn(from: number, to: number, max: number): number {
    const { mx, ties } = this;
    let count = 0;
    let l = this.base + from;
    let r = this.base + to;
    while (l < r) {
      if (l & 1) {
        if (mx[l] === max) count += ties[l]!;
        l++;
      }
      if (r & 1) {
        r--;
        if (mx[r] === max) count += ties[r]!;
      }
      l >>= 1;
      r >>= 1;
    }
    return count;
  }

  /** The k-th position equal to `max` in [from, to), or -1 with fewer than k+1 of them. */
  private nthIn(from: number, to: number, max: number, k: number): number {
    const { mx, ties, stack } = this;
    // The canonical nodes of [from, to): left ones in order from the front, right ones from the back.
    let front = 0;
    let back = stack.length;
    let l = this.base + from;
    let r = this.base + to;
    while (l < r) {
      if (l & 1) stack[front++] = l++;
      if (r & 1) stack[--back] = --r;
      l >>= 1;
      r >>= 1;
    }
    for (let s = 0; s < stack.length; s++) {
      if (s === front) s = back;
      if (s >= stack.length) break;
      let i = stack[s]!;
      const c = mx[i] === max ? ties[i]! : 0;
      if (k >= c) {
        k -= c;
        continue;
      }
      while (i < this.base) {
        const left = 2 * i;
        const cl = mx[left] === max ? ties[left]! : 0;
        if (k < cl) {
          i = left;
        } else {
          k -= cl;
          i = left + 1;
        }
      }
      return i - this.base;
    }
    return -1;
  }
}

function merge(out: Float64Array, m: number, t: number): void {
  if (m > out[0]!) {
    out[0] = m;
    out[1] = t;
  } else if (m === out[0] && m !== -Infinity) {
    out[1] = out[1]! + t;
  }
}
