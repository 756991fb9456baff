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

/** [rank, offset of the hash] for our chain-name prefixes, or undefined. */
function prefixOf(name: string): [number, number] | undefined {
  if (!name.startsWith('KUBE-')) return undefined;
  switch (name.charCodeAt(5)) {
    case 69: return name.startsWith('KUBE-EXT-') ? [0, 9] : undefined; // E
    case 70: return name.startsWith('KUBE-FW-') ? [1, 8] : undefined; // F
    case 77: return name === 'KUBE-MARK-MASQ' ? [2, -1] : undefined; // M
    case 80: return name === 'KUBE-POSTROUTING' ? [3, -1] : undefined; // P
    case 83: // S
      if (name.startsWith('KUBE-SEP-')) return [4, 9];
      if (name.startsWith('KUBE-SVC-')) return [5, 9];
      if (name.startsWith('KUBE-SVL-')) return [6, 9];
      return undefined;
    default: return undefined;
  }
}

/** Returns the indices of names in ascending (byte-wise) name order. */
export function sortedOrder(names: readonly string[]): Uint32Array {
  const n = names.length;
  const out = new Uint32Array(n);
  const fallback = () => {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
    out.set(idx);
    return out;
  };
  if (n >= INDEX_BITS) return fallback();
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const name = names[i]!;
    const p = prefixOf(name);
    if (!p) return fallback();
    let h = 0;
    if (p[1] >= 0) {
      for (let k = 0; k < 6; k++) {
        const r = ASCII_RANK[name.charCodeAt(p[1] + k)] ?? -1;
        if (r < 0) return fallback();
        h = h * 32 + r;
      }
    }
    keys[i] = (p[0] * HASH_BITS + h) * INDEX_BITS + i;
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
      run.sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
      out.set(run, i);
    }
    i = j;
  }
  return out;
}
