// Assembles the iptables-restore payload, in the canonical order described in proxier.ts.
// Top-level chains are always rewritten in full, from per-port lines the caller keeps joined (see
// ordered-ports.ts); per-port chains are rendered from their plans only for the ports passed as
// `written`; `deleted` chains are declared (flushed) and removed with -X.
//
// The text goes straight into a growing Buffer, byte by byte: at 10^5 chains (47 MB) this is ~3x
// cheaper than retaining one string per rule or chain and joining them, and nothing but the final
// text outlives the sync. Chains' rules are rendered in plan order (memory order: rendering them
// in name order instead jumps across the heap and costs 4-5x more) into a scratch area at the
// start of the buffer, then copied in name order behind it; chain declarations are written
// straight from the sorted names. Endpoint chains have no name strings: "KUBE-SEP-" plus 16
// characters of their plan's `sepHashes` are written as bytes.

import { chainKey, sepKey, sortedOrderByKeys } from './chain-order.js';
import type { PortPlan, RuleSettings } from './rules.js';
import { CT_STATE_INVALID_COUNTER, renderChain } from './rules.js';

/** Strings at least this long are copied by Buffer#write instead of the byte loop. */
const NATIVE_MIN = 256;
/** Largest buffer kept for the next sync. */
const MAX_SPARE = 256 << 20;

/** Writes the ASCII string s at o; returns the new offset (the caller has checked the room). */
function put(buf: Buffer, o: number, s: string): number {
  for (let i = 0, n = s.length; i < n; i++) buf[o++] = s.charCodeAt(i);
  return o;
}

/** Writes "KUBE-SEP-" and the 16 hash characters at hashes[hoff..]. */
function putSep(buf: Buffer, o: number, hashes: string, hoff: number): number {
  buf[o] = 75; buf[o + 1] = 85; buf[o + 2] = 66; buf[o + 3] = 69; buf[o + 4] = 45; // KUBE-
  buf[o + 5] = 83; buf[o + 6] = 69; buf[o + 7] = 80; buf[o + 8] = 45; // SEP-
  o += 9;
  for (let i = 0; i < 16; i++) buf[o++] = hashes.charCodeAt(hoff + i);
  return o;
}

/** Append-only text builder writing bytes straight into a growing Buffer (no string per rule). */
export class PayloadWriter {
  private buf: Buffer;
  private off = 0;
  private ascii = true;

  /** One buffer reused by every writer (syncs are synchronous): a fresh 10^8-byte allocation per
   *  sync is external memory that V8 answers with a full mark-compact. */
  private static spare: Buffer | undefined;

  constructor(sizeHint = 1 << 16) {
    const spare = PayloadWriter.spare;
    PayloadWriter.spare = undefined;
    this.buf = spare && spare.length >= sizeHint ? spare : Buffer.allocUnsafe(Math.max(1024, sizeHint));
  }

  /** Appends s (UTF-8). */
  s(str: string): void {
    const n = str.length;
    let off = this.off;
    if (off + 3 * n > this.buf.length) this.grow(3 * n);
    const buf = this.buf;
    if (n >= NATIVE_MIN) {
      const w = buf.write(str, off, 'utf8');
      if (w !== n) this.ascii = false;
      this.off = off + w;
      return;
    }
    for (let i = 0; i < n; i++) {
      const c = str.charCodeAt(i);
      if (c > 0x7f) {
        this.ascii = false;
        this.off = off + buf.write(str.slice(i), off, 'utf8');
        return;
      }
      buf[off++] = c;
    }
    this.off = off;
  }

  /** An endpoint chain's two rules (ASCII pieces only; SEP is "KUBE-SEP-" + hashes[hoff, hoff+16);
   *  `comment` is '' or " -m comment --comment NAME"):
   *  -A SEP<comment> -s IP -j KUBE-MARK-MASQ
   *  -A SEP<comment>[ -m recent --name SEP --set] PP -j DNAT --to-destination IP:PORT
   *  where IP:PORT is strA + strB. One capacity check and no call per piece: these are ~10^5
   *  chains per full sync. */
  sepRules(hashes: string, hoff: number, comment: string, ip: string, recent: boolean, pp: string, strA: string, strB: string): void {
    const need = 2 * comment.length + ip.length + pp.length + strA.length + strB.length + 192;
    if (this.off + need > this.buf.length) this.grow(need);
    const buf = this.buf;
    let o = put(buf, this.off, '-A ');
    o = putSep(buf, o, hashes, hoff); o = put(buf, o, comment); o = put(buf, o, ' -s '); o = put(buf, o, ip);
    o = put(buf, o, ' -j KUBE-MARK-MASQ\n-A '); o = putSep(buf, o, hashes, hoff); o = put(buf, o, comment);
    if (recent) { o = put(buf, o, ' -m recent --name '); o = putSep(buf, o, hashes, hoff); o = put(buf, o, ' --set'); }
    buf[o++] = 32; o = put(buf, o, pp); o = put(buf, o, ' -j DNAT --to-destination '); o = put(buf, o, strA); o = put(buf, o, strB);
    buf[o++] = 10;
    this.off = o;
  }

  /** A policy chain's jump to endpoint chain "KUBE-SEP-" + hashes[hoff, hoff+16) (ASCII pieces only;
   *  `comment` is '' or ' -m comment --comment "NAME -> ', followed by strA + strB and '"'; `prob` '' for the last one). */
  jumpRule(chain: string, comment: string, strA: string, strB: string, prob: string, hashes: string, hoff: number): void {
    const need = chain.length + comment.length + strA.length + strB.length + prob.length + 96;
    if (this.off + need > this.buf.length) this.grow(need);
    const buf = this.buf;
    let o = put(buf, this.off, '-A ');
    o = put(buf, o, chain);
    if (comment) { o = put(buf, o, comment); o = put(buf, o, strA); o = put(buf, o, strB); buf[o++] = 34; }
    if (prob) { o = put(buf, o, ' -m statistic --mode random --probability '); o = put(buf, o, prob); }
    o = put(buf, o, ' -j '); o = putSep(buf, o, hashes, hoff);
    buf[o++] = 10;
    this.off = o;
  }

  /** ":KUBE-SEP-<hashes[hoff, hoff+16)> - [0:0]\n" */
  chainDeclSep(hashes: string, hoff: number): void {
    if (this.off + 48 > this.buf.length) this.grow(48);
    const buf = this.buf;
    buf[this.off] = 58;
    this.off = put(buf, putSep(buf, this.off + 1, hashes, hoff), ' - [0:0]\n');
  }

  /** ":NAME - [0:0]\n" */
  chainDecl(name: string): void {
    const n = name.length;
    if (this.off + n + 16 > this.buf.length) this.grow(n + 16);
    const buf = this.buf;
    const start = this.off;
    let o = start;
    buf[o++] = 58;
    for (let i = 0; i < n; i++) {
      const c = name.charCodeAt(i);
      if (c > 0x7f) {
        this.off = start;
        this.s(':'); this.s(name); this.s(' - [0:0]\n');
        return;
      }
      buf[o++] = c;
    }
    this.off = put(buf, o, ' - [0:0]\n');
  }

  private grow(extra: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.off + extra, 2 * this.buf.length));
    this.buf.copy(bigger, 0, 0, this.off);
    this.buf = bigger;
  }

  get offset(): number {
    return this.off;
  }

  /** Appends a copy of bytes [start, end) already written. */
  copy(start: number, end: number): void {
    const n = end - start;
    if (this.off + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    if (n < 96) {
      let o = this.off;
      for (let i = start; i < end; i++) buf[o++] = buf[i]!;
    } else {
      buf.copyWithin(this.off, start, end);
    }
    this.off += n;
  }

  /** The text written from `from` on. */
  finish(from = 0): { text: string; bytes: number } {
    const text = this.ascii ? this.buf.toString('latin1', from, this.off) : this.buf.toString('utf8', from, this.off);
    if (this.buf.length <= MAX_SPARE) PayloadWriter.spare = this.buf;
    return { text, bytes: this.off - from };
  }

  /** The bytes written from `from` on, as a view of the shared buffer: valid until the next
   *  writer (the next sync of any iptables proxier) reuses it. No 10^7-character string is made. */
  finishBytes(from = 0): Buffer {
    if (this.buf.length <= MAX_SPARE) PayloadWriter.spare = this.buf;
    return this.buf.subarray(from, this.off);
  }
}

/** The always-rewritten per-port lines, each already joined and "\n"-terminated, in output order. */
export interface TopText {
  filterNodePorts: readonly string[]; filterServices: readonly string[]; filterExternal: readonly string[]; filterFirewall: readonly string[];
  natNodePorts: readonly string[]; natServices: readonly string[];
  filterCount: number; natCount: number;
}

export interface Assembled {
  /** The text; '' when the bytes were asked for instead. */
  payload: string;
  /** The UTF-8 bytes (a view valid until the next sync), when asked for. */
  payloadBuffer: Buffer | undefined;
  bytes: number;
  filterRules: number;
  natRulesWritten: number;
}

const chainLine = (c: string) => `:${c} - [0:0]\n`;

function addAll(w: PayloadWriter, parts: readonly string[]): void {
  for (let i = 0; i < parts.length; i++) w.s(parts[i]!);
}

export function assemblePayload(
  s: RuleSettings,
  o: { localhostNodePorts: boolean; conntrackTCPLiberal: boolean; randomFully: boolean; nfacct: boolean },
  top: TopText, written: readonly PortPlan[], deleted: readonly string[], largeClusterMode: boolean, sizeHint: number,
  asBuffer = false,
): Assembled {
  const mark = s.masqueradeMark;
  const w = new PayloadWriter(2 * sizeHint);

  // ---- scratch: the rules of every nat chain other than KUBE-NODEPORTS/KUBE-SERVICES, in plan
  // order; chain k's rules are [at[k], at[k+1]). Chain lines are written later, from the names.
  // Chain k is a fixed or deleted chain named names[k], or endpoint chain sepOff[k]/16 of sepPlan[k].
  let n = 2 + deleted.length;
  for (const p of written) n += p.chainCount;
  const names = new Array<string | undefined>(n);
  const sepPlan = new Array<PortPlan | undefined>(n);
  const sepOff = new Int32Array(n);
  const keys = new Float64Array(n);
  const at = new Int32Array(n + 1);
  let k = 0;
  const line = (name: string) => {
    names[k] = name;
    keys[k] = chainKey(name);
    at[k] = w.offset;
  };
  line('KUBE-MARK-MASQ');
  w.s(`-A KUBE-MARK-MASQ -j MARK --or-mark ${mark}\n`);
  k++;
  line('KUBE-POSTROUTING');
  w.s(`-A KUBE-POSTROUTING -m mark ! --mark ${mark}/${mark} -j RETURN\n-A KUBE-POSTROUTING -j MARK --xor-mark ${mark}\n`
    + `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE${o.randomFully ? ' --random-fully' : ''}\n`);
  k++;
  let natRulesWritten = 4;
  for (const p of written) {
    const fixed = p.fixedChains, nFixed = fixed.length, hashes = p.sepHashes;
    for (let i = 0; i < p.chainCount; i++, k++) {
      if (i < nFixed) line(fixed[i]!);
      else {
        const hoff = 16 * (i - nFixed);
        sepPlan[k] = p;
        sepOff[k] = hoff;
        keys[k] = sepKey(hashes, hoff);
        at[k] = w.offset;
      }
      renderChain(w, s, p, i, largeClusterMode);
    }
    natRulesWritten += p.chainRuleCount;
  }
  // Deleted chains are never also written (a chain is active or stale, not both).
  for (const c of deleted) { line(c); k++; }
  at[n] = w.offset;
  const order = sortedOrderByKeys(keys, (j) => names[j] ?? 'KUBE-SEP-' + sepPlan[j]!.sepHashes.substr(sepOff[j]!, 16));
  const from = w.offset;

  // ---- filter ----
  const kubeletFirewall = !s.isIPv6 && o.localhostNodePorts;
  w.s('*filter\n' + chainLine('KUBE-NODEPORTS') + chainLine('KUBE-SERVICES') + chainLine('KUBE-EXTERNAL-SERVICES'));
  if (kubeletFirewall) w.s(chainLine('KUBE-FIREWALL'));
  w.s(chainLine('KUBE-FORWARD') + chainLine('KUBE-PROXY-FIREWALL'));
  let filterRules = top.filterCount;
  addAll(w, top.filterNodePorts);
  addAll(w, top.filterServices);
  addAll(w, top.filterExternal);
  if (kubeletFirewall) {
    w.s('-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP\n');
    filterRules++;
  }
  if (!o.conntrackTCPLiberal) {
    w.s(`-A KUBE-FORWARD -m conntrack --ctstate INVALID${o.nfacct ? ` -m nfacct --nfacct-name ${CT_STATE_INVALID_COUNTER}` : ''} -j DROP\n`);
    filterRules++;
  }
  w.s(`-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${mark}/${mark} -j ACCEPT\n`);
  w.s('-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n');
  filterRules += 2;
  addAll(w, top.filterFirewall);
  w.s('COMMIT\n');

  // ---- nat ----
  w.s('*nat\n' + chainLine('KUBE-NODEPORTS') + chainLine('KUBE-SERVICES'));
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    const name = names[j];
    if (name !== undefined) w.chainDecl(name);
    else w.chainDeclSep(sepPlan[j]!.sepHashes, sepOff[j]!);
  }
  addAll(w, top.natNodePorts);
  addAll(w, top.natServices);
  natRulesWritten += top.natCount;
  const dst = s.isIPv6 ? ' ! -d ::1/128' : o.localhostNodePorts ? '' : ' ! -d 127.0.0.0/8';
  w.s(`-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL${dst} -j KUBE-NODEPORTS\n`);
  natRulesWritten += 1;
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    const a = at[j]!, b = at[j + 1]!;
    if (b > a) w.copy(a, b);
  }
  for (const c of deleted) w.s(`-X ${c}\n`);
  w.s('COMMIT\n');
  if (asBuffer) {
    const payloadBuffer = w.finishBytes(from);
    return { payload: '', payloadBuffer, bytes: payloadBuffer.length, filterRules, natRulesWritten };
  }
  const { text, bytes } = w.finish(from);
  return { payload: text, payloadBuffer: undefined, bytes, filterRules, natRulesWritten };
}
