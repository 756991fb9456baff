// Sorting chain names fast. A full sync at scale sorts ~10^5 names like "KUBE-SEP-<16 base32>";
// a generic string sort (plus a Map from name to rules) costs hundreds of ms. Every name we emit
// is a known prefix plus a hash, so we sort packed numeric keys instead:
//   key = prefixRank (3 bits) | first 6 hash characters in ASCII order (30 bits) | index (18 bits)
// which fits a float64 exactly; Float64Array#sort is a native numeric sort. Names whose first 33
// key bits collide are re-sorted by full text. Anything unexpected falls back to a string sort.

const ASCII_RANK = new Int8Array(128).fill(-1);
'234567ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').forEach((c, i) => { ASCII_RANK[c.charCodeAt(0)] = i; });

const INDEX_BITS = 2 ** 18;
const HASH_BITS = 2 ** 30;

/** rank * 16 + offset of the hash (0 when there is none) for our chain-name prefixes, or -1. */
function prefixOf(name: string): number {
  if (name.length < 9 || name.charCodeAt(0) !== 75 || !name.startsWith('KUBE-')) return -1;
  switch (name.charCodeAt(5)) {
    case 69: return name.startsWith('KUBE-EXT-') ? 0 * 16 + 9 : -1; // E
    case 70: return name.startsWith('KUBE-FW-') ? 1 * 16 + 8 : -1; // F
    case 77: return name === 'KUBE-MARK-MASQ' ? 2 * 16 : -1; // M
    case 80: return name === 'KUBE-POSTROUTING' ? 3 * 16 : -1; // P
    case 83: // S
      if (name.charCodeAt(8) !== 45) return -1;
      if (name.charCodeAt(6) === 69 && name.charCodeAt(7) === 80) return 4 * 16 + 9; // KUBE-SEP-
      if (name.charCodeAt(6) === 86 && name.charCodeAt(7) === 67) return 5 * 16 + 9; // KUBE-SVC-
      if (name.charCodeAt(6) === 86 && name.charCodeAt(7) === 76) return 6 * 16 + 9; // KUBE-SVL-
      return -1;
    default: return -1;
  }
}

/** The 33-bit sort key of one of our chain names (prefix rank, first 6 hash characters), or -1. */
export function chainKey(name: string): number {
  const p = prefixOf(name);
  if (p < 0) return -1;
  const at = p & 15;
  return at > 0 ? hashKey(name, at, p >> 4) : (p >> 4) * HASH_BITS;
}

/** The sort key of "KUBE-SEP-" + hashes.substr(off, 16), or -1. */
export function sepKey(hashes: string, off: number): number {
  return hashKey(hashes, off, 4);
}

function hashKey(text: string, at: number, rank: number): number {
  if (text.length < at + 6) return -1;
  let h = 0;
  for (let k = 0; k < 6; k++) {
    const c = text.charCodeAt(at + k);
    const r = c < 128 ? ASCII_RANK[c]! : -1;
    if (r < 0) return -1;
    h = h * 32 + r;
  }
  return rank * HASH_BITS + h;
}

/** Returns the indices of names in ascending (byte-wise) name order. */
export function sortedOrder(names: readonly string[]): Uint32Array {
  const keys = new Float64Array(names.length);
  for (let i = 0; i < names.length; i++) keys[i] = chainKey(names[i]!);
  return sortedOrderByKeys(keys, (i) => names[i]!);
}

/**
 * Indices in ascending name order, given each name's key (chainKey/sepKey; -1 for a name that is
 * not one of ours) and the names themselves, which are only made for keys that collide (or for
 * the string-sort fallback). `keys` is overwritten.
 */
export function sortedOrderByKeys(keys: Float64Array, nameAt: (i: number) => string): Uint32Array {
  const n = keys.length;
  const out = new Uint32Array(n);
  const fallback = () => {
    const names = Array.from({ length: n }, (_, i) => nameAt(i));
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
    out.set(idx);
    return out;
  };
  if (n >= INDEX_BITS) return fallback();
  for (let i = 0; i < n; i++) {
    const key = keys[i]!;
    if (key < 0) return fallback();
    keys[i] = key * INDEX_BITS + i;
  }
  keys.sort();
  for (let i = 0; i < n; i++) out[i] = keys[i]! % INDEX_BITS;
  // Re-sort runs that share prefix and the first 6 hash characters.
  for (let i = 0; i < n;) {
    const hi = Math.floor(keys[i]! / INDEX_BITS);
    let j = i + 1;
    while (j < n && Math.floor(keys[j]! / INDEX_BITS) === hi) j++;
    if (j - i > 1) {
      const run = Array.from(out.subarray(i, j));
      const names = new Map(run.map((x) => [x, nameAt(x)]));
      run.sort((a, b) => (names.get(a)! < names.get(b)! ? -1 : names.get(a)! > names.get(b)! ? 1 : 0));
      out.set(run, i);
    }
    i = j;
  }
  return out;
}
