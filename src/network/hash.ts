// Chain-name hashing exactly as kube-proxy does it: sha256 over the text, standard base32
// (RFC 4648 alphabet, upper case), first 16 characters. 16 base32 characters are 80 bits, so only
// the first 10 digest bytes are ever encoded.
//
// A full sync hashes one name per endpoint (10^5 and more). node:crypto costs ~2 µs per call for
// these short texts (object + binding overhead), so SHA-256 is computed here in plain JS over a
// reused Int32Array message schedule: the texts are ASCII and short (usually one 64-byte block),
// and the parts (service port name, protocol, "ip:port") are fed without concatenating them.

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Message bytes (grown on demand), the schedule and the running state. */
let msg = new Uint8Array(256);
const W = new Int32Array(64);
const H = new Int32Array(8);

/** Writes `s` at `off` as UTF-8; returns the new offset. */
function put(s: string, off: number): number {
  const n = s.length;
  if (off + 3 * n + 72 > msg.length) {
    const bigger = new Uint8Array(2 * (off + 3 * n + 72));
    bigger.set(msg.subarray(0, off));
    msg = bigger;
  }
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) msg[off++] = c;
    else return off + putUtf8(s.slice(i), off);
  }
  return off;
}

function putUtf8(rest: string, off: number): number {
  const b = Buffer.from(rest, 'utf8');
  if (off + b.length + 72 > msg.length) {
    const bigger = new Uint8Array(2 * (off + b.length + 72));
    bigger.set(msg.subarray(0, off));
    msg = bigger;
  }
  msg.set(b, off);
  return b.length;
}

function compress(block: number): void {
  const m = msg, w = W, k = K;
  let a = H[0]!, b = H[1]!, c = H[2]!, d = H[3]!, e = H[4]!, f = H[5]!, g = H[6]!, h = H[7]!;
  for (let t = 0; t < 64; t++) {
    let wt: number;
    if (t < 16) {
      const o = block + 4 * t;
      wt = (m[o]! << 24) | (m[o + 1]! << 16) | (m[o + 2]! << 8) | m[o + 3]!;
    } else {
      const w15 = w[t - 15]!, w2 = w[t - 2]!;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      wt = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
    }
    w[t] = wt;
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + k[t]! + wt) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0;
    d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  H[0] = (H[0]! + a) | 0; H[1] = (H[1]! + b) | 0; H[2] = (H[2]! + c) | 0; H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0; H[5] = (H[5]! + f) | 0; H[6] = (H[6]! + g) | 0; H[7] = (H[7]! + h) | 0;
}

/** SHA-256 of the bytes msg[0..len); leaves the digest words in H. */
function digest(len: number): void {
  // Padding: 0x80, zeros, 64-bit big-endian bit length.
  const total = ((len + 8) >> 6) * 64 + 64;
  const m = msg;
  m[len] = 0x80;
  for (let i = len + 1; i < total; i++) m[i] = 0;
  const bits = len * 8;
  m[total - 4] = (bits >>> 24) & 255; m[total - 3] = (bits >>> 16) & 255; m[total - 2] = (bits >>> 8) & 255; m[total - 1] = bits & 255;
  m[total - 5] = Math.floor(bits / 2 ** 32) & 255;
  H[0] = 0x6a09e667; H[1] = 0xbb67ae85 | 0; H[2] = 0x3c6ef372; H[3] = 0xa54ff53a | 0;
  H[4] = 0x510e527f; H[5] = 0x9b05688c | 0; H[6] = 0x1f83d9ab; H[7] = 0x5be0cd19;
  for (let o = 0; o < total; o += 64) compress(o);
}

const B32C = Array.from(B32, (ch) => ch.charCodeAt(0));

/** base32 of the first 80 digest bits (H[0], H[1], top half of H[2]), as one flat string. */
function base32Of80(): string {
  const x = H[0]! >>> 0, y = H[1]! >>> 0, z = H[2]! >>> 16;
  const c = B32C;
  // 80 bits = x(32) y(32) z(16); characters are 5-bit groups from the top.
  return String.fromCharCode(
    c[x >>> 27]!, c[(x >>> 22) & 31]!, c[(x >>> 17) & 31]!, c[(x >>> 12) & 31]!,
    c[(x >>> 7) & 31]!, c[(x >>> 2) & 31]!, c[((x & 3) << 3) | (y >>> 29)]!, c[(y >>> 24) & 31]!,
    c[(y >>> 19) & 31]!, c[(y >>> 14) & 31]!, c[(y >>> 9) & 31]!, c[(y >>> 4) & 31]!,
    c[((y & 15) << 1) | (z >>> 15)]!, c[(z >>> 10) & 31]!, c[(z >>> 5) & 31]!, c[z & 31]!,
  );
}

/** base32(sha256(text))[:16] */
export function hash16(text: string): string {
  digest(put(text, 0));
  return base32Of80();
}

/** hash16(a + b + c) without building the concatenation. */
export function hash16Of(a: string, b: string, c: string): string {
  digest(put(c, put(b, put(a, 0))));
  return base32Of80();
}

const PREFIX_CODES = new Map<string, number[]>();

/**
 * prefix + hash16(a + b + c) as ONE flat string (no 16-character intermediate, no rope to flatten
 * later): at 10^5 endpoint chains per full sync, the two extra strings per name are a large part
 * of what the young-generation GC has to copy. Prefixes of 8 or 9 ASCII characters ("KUBE-SEP-",
 * "KUBE-FW-") take the fast path.
 */
export function prefixedHash16Of(prefix: string, a: string, b: string, c: string): string {
  digest(put(c, put(b, put(a, 0))));
  let p = PREFIX_CODES.get(prefix);
  if (!p) {
    p = Array.from(prefix, (ch) => ch.charCodeAt(0));
    if (p.some((x) => x > 0x7f)) p = [];
    PREFIX_CODES.set(prefix, p);
  }
  const x = H[0]! >>> 0, y = H[1]! >>> 0, z = H[2]! >>> 16;
  const k = B32C;
  const c0 = k[x >>> 27]!, c1 = k[(x >>> 22) & 31]!, c2 = k[(x >>> 17) & 31]!, c3 = k[(x >>> 12) & 31]!;
  const c4 = k[(x >>> 7) & 31]!, c5 = k[(x >>> 2) & 31]!, c6 = k[((x & 3) << 3) | (y >>> 29)]!, c7 = k[(y >>> 24) & 31]!;
  const c8 = k[(y >>> 19) & 31]!, c9 = k[(y >>> 14) & 31]!, c10 = k[(y >>> 9) & 31]!, c11 = k[(y >>> 4) & 31]!;
  const c12 = k[((y & 15) << 1) | (z >>> 15)]!, c13 = k[(z >>> 10) & 31]!, c14 = k[(z >>> 5) & 31]!, c15 = k[z & 31]!;
  if (p.length === 9) {
    return String.fromCharCode(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, p[7]!, p[8]!,
      c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15);
  }
  if (p.length === 8) {
    return String.fromCharCode(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, p[7]!,
      c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15);
  }
  return flat(prefix + base32Of80());
}

/** Writes the 16 characters of hash16(a + b + c + d) as ASCII bytes at dst[off..off+16). */
export function hash16Into(a: string, b: string, c: string, d: string, dst: Uint8Array, off: number): void {
  digest(put(d, put(c, put(b, put(a, 0)))));
  const x = H[0]! >>> 0, y = H[1]! >>> 0, z = H[2]! >>> 16;
  const k = B32C;
  dst[off] = k[x >>> 27]!; dst[off + 1] = k[(x >>> 22) & 31]!; dst[off + 2] = k[(x >>> 17) & 31]!; dst[off + 3] = k[(x >>> 12) & 31]!;
  dst[off + 4] = k[(x >>> 7) & 31]!; dst[off + 5] = k[(x >>> 2) & 31]!; dst[off + 6] = k[((x & 3) << 3) | (y >>> 29)]!; dst[off + 7] = k[(y >>> 24) & 31]!;
  dst[off + 8] = k[(y >>> 19) & 31]!; dst[off + 9] = k[(y >>> 14) & 31]!; dst[off + 10] = k[(y >>> 9) & 31]!; dst[off + 11] = k[(y >>> 4) & 31]!;
  dst[off + 12] = k[((y & 15) << 1) | (z >>> 15)]!; dst[off + 13] = k[(z >>> 10) & 31]!; dst[off + 14] = k[(z >>> 5) & 31]!; dst[off + 15] = k[z & 31]!;
}

/** base32(sha256(text))[:8], the nftables chain-name hash. */
export function hash8(text: string): string {
  return hash16(text).slice(0, 8);
}

/**
 * s, flattened. Concatenations are ropes (cons strings) in V8, and reading a rope character by
 * character (as the payload writer does for every chain name and address, at 10^5 chains per
 * sync) takes a slow path; strings kept for rendering are flattened once when they are made.
 * charCodeAt flattens in place, and the next GC drops the rope nodes (cons short-cutting), so a
 * kept "ip:port" costs one sequential string instead of a rope plus, later, a flat copy.
 * (`[s].join('')`, used before, returns the rope itself: it flattened nothing.)
 */
export function flat(s: string): string {
  if (s.length >= 13) s.charCodeAt(0);
  return s;
}
