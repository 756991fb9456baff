// Chain-name hashing exactly as kube-proxy does it: sha256 over the text, standard base32
// (RFC 4648 alphabet, upper case), first 16 characters. 16 base32 characters are 80 bits, so only
// the first 10 digest bytes are ever encoded.

import { hash as nodeHash, createHash } from 'node:crypto';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

// crypto.hash (Node >= 20.12) skips the Hash object and is ~40% faster for short inputs.
const sha256: (s: string) => Buffer = typeof nodeHash === 'function'
  ? (s) => nodeHash('sha256', s, 'buffer') as unknown as Buffer
  : (s) => createHash('sha256').update(s).digest();

/** base32(sha256(text))[:16] */
export function hash16(text: string): string {
  const d = sha256(text);
  let out = '';
  // Two 5-byte groups -> 8 characters each.
  for (let g = 0; g < 10; g += 5) {
    const hi = d[g]!; // first byte
    const lo = d[g + 1]! * 0x1000000 + d[g + 2]! * 0x10000 + d[g + 3]! * 0x100 + d[g + 4]!; // 32 bits
    // 40 bits = hi(8) . lo(32); take 5 bits at a time from the top.
    const v = hi * 0x100000000 + lo;
    for (let s = 35; s >= 0; s -= 5) out += B32[Math.floor(v / 2 ** s) % 32];
  }
  return out;
}

/** base32(sha256(text))[:8], the nftables chain-name hash. */
export function hash8(text: string): string {
  return hash16(text).slice(0, 8);
}
