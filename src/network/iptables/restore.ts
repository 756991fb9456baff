// Assembles the iptables-restore payload from cached per-port rules, in the canonical order
// described in proxier.ts. Top-level chains are always rewritten in full; per-port chains only
// for the ports passed as `written`; `deleted` chains are declared (flushed) and removed with -X.

import type { PortRules, RuleSettings } from './rules.js';
import { CT_STATE_INVALID_COUNTER } from './rules.js';

interface PortLike { rules: PortRules }

export interface Assembled {
  payload: string;
  filterRules: number;
  natRulesWritten: number;
  extraNatRules: number;
}

const chainLine = (c: string) => `:${c} - [0:0]`;

export function assemblePayload(
  s: RuleSettings,
  o: { localhostNodePorts: boolean; conntrackTCPLiberal: boolean; randomFully: boolean; nfacct: boolean },
  all: readonly PortLike[], written: readonly PortLike[], deleted: readonly string[],
): Assembled {
  const mark = s.masqueradeMark;
  const lines: string[] = [];

  // ---- filter ----
  const fNodePorts: string[] = [], fServices: string[] = [], fExternal: string[] = [], fFirewall: string[] = [];
  for (const p of all) {
    const r = p.rules;
    if (r.filterNodePorts.length) fNodePorts.push(...r.filterNodePorts);
    if (r.filterServices.length) fServices.push(...r.filterServices);
    if (r.filterExternal.length) fExternal.push(...r.filterExternal);
    if (r.filterFirewall.length) fFirewall.push(...r.filterFirewall);
  }
  const kubeletFirewall = !s.isIPv6 && o.localhostNodePorts;
  lines.push('*filter', chainLine('KUBE-NODEPORTS'), chainLine('KUBE-SERVICES'), chainLine('KUBE-EXTERNAL-SERVICES'));
  if (kubeletFirewall) lines.push(chainLine('KUBE-FIREWALL'));
  lines.push(chainLine('KUBE-FORWARD'), chainLine('KUBE-PROXY-FIREWALL'));
  const filterStart = lines.length;
  pushAll(lines, fNodePorts);
  pushAll(lines, fServices);
  pushAll(lines, fExternal);
  if (kubeletFirewall) {
    lines.push('-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP');
  }
  if (!o.conntrackTCPLiberal) {
    lines.push(`-A KUBE-FORWARD -m conntrack --ctstate INVALID${o.nfacct ? ` -m nfacct --nfacct-name ${CT_STATE_INVALID_COUNTER}` : ''} -j DROP`);
  }
  lines.push(`-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${mark}/${mark} -j ACCEPT`);
  lines.push('-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
  pushAll(lines, fFirewall);
  const filterRules = lines.length - filterStart;
  lines.push('COMMIT');

  // ---- nat ----
  // Chains other than KUBE-NODEPORTS/KUBE-SERVICES, sorted by name; each with its rules.
  const chainRules = new Map<string, readonly string[]>();
  const names: string[] = ['KUBE-MARK-MASQ', 'KUBE-POSTROUTING'];
  chainRules.set('KUBE-MARK-MASQ', [`-A KUBE-MARK-MASQ -j MARK --or-mark ${mark}`]);
  chainRules.set('KUBE-POSTROUTING', [
    `-A KUBE-POSTROUTING -m mark ! --mark ${mark}/${mark} -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark ${mark}`,
    `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE${o.randomFully ? ' --random-fully' : ''}`,
  ]);
  let natRulesWritten = 4;
  for (const p of written) {
    const r = p.rules;
    for (let i = 0; i < r.chains.length; i++) {
      names.push(r.chains[i]!);
      chainRules.set(r.chains[i]!, r.chainRules[i]!);
    }
    natRulesWritten += r.chainRuleCount;
  }
  for (const c of deleted) if (!chainRules.has(c)) { names.push(c); chainRules.set(c, []); }
  names.sort();

  lines.push('*nat', chainLine('KUBE-NODEPORTS'), chainLine('KUBE-SERVICES'));
  for (const c of names) lines.push(chainLine(c));
  for (const p of all) if (p.rules.natNodePorts.length) { pushAll(lines, p.rules.natNodePorts); natRulesWritten += p.rules.natNodePorts.length; }
  for (const p of all) if (p.rules.natServices.length) { pushAll(lines, p.rules.natServices); natRulesWritten += p.rules.natServices.length; }
  const dst = s.isIPv6 ? ' ! -d ::1/128' : o.localhostNodePorts ? '' : ' ! -d 127.0.0.0/8';
  lines.push(`-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL${dst} -j KUBE-NODEPORTS`);
  natRulesWritten += 1;
  for (const c of names) pushAll(lines, chainRules.get(c)!);
  for (const c of deleted) lines.push(`-X ${c}`);
  lines.push('COMMIT', '');
  return { payload: lines.join('\n'), filterRules, natRulesWritten, extraNatRules: 0 };
}

function pushAll(dst: string[], src: readonly string[]): void {
  for (let i = 0; i < src.length; i++) dst.push(src[i]!);
}
