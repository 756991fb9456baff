// Assembles the iptables-restore payload from cached per-port rules, in the canonical order
// described in proxier.ts. Top-level chains are always rewritten in full; per-port chains only
// for the ports passed as `written`; `deleted` chains are declared (flushed) and removed with -X.

import type { PortRules, RuleSettings } from './rules.js';
import { CT_STATE_INVALID_COUNTER } from './rules.js';
import { sortedOrder } from './chain-order.js';

interface PortLike { rules: PortRules }

export interface Assembled {
  payload: string;
  filterRules: number;
  natRulesWritten: number;
  extraNatRules: number;
}

const chainLine = (c: string) => `:${c} - [0:0]`;

/** The per-service parts of the always-rewritten chains, joined; cached by the proxier while unchanged. */
export interface TopBlocks {
  filterNodePorts: string; filterServices: string; filterExternal: string; filterFirewall: string;
  natNodePorts: string; natServices: string;
  filterCount: number; natCount: number;
}

export function buildTopBlocks(all: readonly PortLike[]): TopBlocks {
  const f: string[][] = [[], [], [], []];
  const nNp: string[] = [], nSvc: string[] = [];
  for (const p of all) {
    const r = p.rules;
    if (r.filterNodePorts.length) pushAll(f[0]!, r.filterNodePorts);
    if (r.filterServices.length) pushAll(f[1]!, r.filterServices);
    if (r.filterExternal.length) pushAll(f[2]!, r.filterExternal);
    if (r.filterFirewall.length) pushAll(f[3]!, r.filterFirewall);
    if (r.natNodePorts.length) pushAll(nNp, r.natNodePorts);
    if (r.natServices.length) pushAll(nSvc, r.natServices);
  }
  return {
    filterNodePorts: f[0]!.join('\n'), filterServices: f[1]!.join('\n'), filterExternal: f[2]!.join('\n'), filterFirewall: f[3]!.join('\n'),
    natNodePorts: nNp.join('\n'), natServices: nSvc.join('\n'),
    filterCount: f[0]!.length + f[1]!.length + f[2]!.length + f[3]!.length, natCount: nNp.length + nSvc.length,
  };
}

export function assemblePayload(
  s: RuleSettings,
  o: { localhostNodePorts: boolean; conntrackTCPLiberal: boolean; randomFully: boolean; nfacct: boolean },
  all: readonly PortLike[], written: readonly PortLike[], deleted: readonly string[], top: TopBlocks = buildTopBlocks(all),
): Assembled {
  const mark = s.masqueradeMark;
  const lines: string[] = [];

  // ---- filter ----
  const kubeletFirewall = !s.isIPv6 && o.localhostNodePorts;
  lines.push('*filter', chainLine('KUBE-NODEPORTS'), chainLine('KUBE-SERVICES'), chainLine('KUBE-EXTERNAL-SERVICES'));
  if (kubeletFirewall) lines.push(chainLine('KUBE-FIREWALL'));
  lines.push(chainLine('KUBE-FORWARD'), chainLine('KUBE-PROXY-FIREWALL'));
  let filterRules = top.filterCount;
  if (top.filterNodePorts) lines.push(top.filterNodePorts);
  if (top.filterServices) lines.push(top.filterServices);
  if (top.filterExternal) lines.push(top.filterExternal);
  const fixedStart = lines.length;
  if (kubeletFirewall) {
    lines.push('-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP');
  }
  if (!o.conntrackTCPLiberal) {
    lines.push(`-A KUBE-FORWARD -m conntrack --ctstate INVALID${o.nfacct ? ` -m nfacct --nfacct-name ${CT_STATE_INVALID_COUNTER}` : ''} -j DROP`);
  }
  lines.push(`-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${mark}/${mark} -j ACCEPT`);
  lines.push('-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
  filterRules += lines.length - fixedStart;
  if (top.filterFirewall) lines.push(top.filterFirewall);
  lines.push('COMMIT');

  // ---- nat ----
  // Chains other than KUBE-NODEPORTS/KUBE-SERVICES, sorted by name; each with its rules
  // (parallel arrays, no Map: at 10^5 chains the Map alone costs more than the rest).
  const names: string[] = ['KUBE-MARK-MASQ', 'KUBE-POSTROUTING'];
  const texts: string[] = [
    `-A KUBE-MARK-MASQ -j MARK --or-mark ${mark}`,
    [
      `-A KUBE-POSTROUTING -m mark ! --mark ${mark}/${mark} -j RETURN`,
      `-A KUBE-POSTROUTING -j MARK --xor-mark ${mark}`,
      `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE${o.randomFully ? ' --random-fully' : ''}`,
    ].join('\n'),
  ];
  let natRulesWritten = 4;
  for (const p of written) {
    const r = p.rules;
    for (let i = 0; i < r.chains.length; i++) {
      names.push(r.chains[i]!);
      texts.push(r.chainText[i]!);
    }
    natRulesWritten += r.chainRuleCount;
  }
  // Deleted chains are never also written (a chain is active or stale, not both).
  for (const c of deleted) { names.push(c); texts.push(''); }
  const order = sortedOrder(names);

  lines.push('*nat', chainLine('KUBE-NODEPORTS'), chainLine('KUBE-SERVICES'));
  for (let i = 0; i < order.length; i++) lines.push(chainLine(names[order[i]!]!));
  if (top.natNodePorts) lines.push(top.natNodePorts);
  if (top.natServices) lines.push(top.natServices);
  natRulesWritten += top.natCount;
  const dst = s.isIPv6 ? ' ! -d ::1/128' : o.localhostNodePorts ? '' : ' ! -d 127.0.0.0/8';
  lines.push(`-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL${dst} -j KUBE-NODEPORTS`);
  natRulesWritten += 1;
  // Chain texts are multi-line chunks; join('\n') below puts them together unchanged.
  for (let i = 0; i < order.length; i++) {
    const text = texts[order[i]!]!;
    if (text) lines.push(text);
  }
  for (const c of deleted) lines.push(`-X ${c}`);
  lines.push('COMMIT', '');
  return { payload: lines.join('\n'), filterRules, natRulesWritten, extraNatRules: 0 };
}

function pushAll(dst: string[], src: readonly string[]): void {
  for (let i = 0; i < src.length; i++) dst.push(src[i]!);
}
