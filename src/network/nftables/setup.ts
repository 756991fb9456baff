// The part of a FULL sync that (re)creates kube-proxy's fixed nftables objects (upstream
// setupNFTables): the table, base chains hooked into netfilter, the jump chains, the
// masquerading chains, the dispatch sets/maps (flushed, then refilled by the service loop).

import * as N from './names.js';
import { CONTAINERS } from './rules.js';

interface BaseChain { name: string; type: 'filter' | 'nat'; hook: string; priority: number }

/** Base chains ("<type>-<hook>"), priorities as knftables prints them (dstnat = -100, srcnat = 100, filter = 0). */
export const BASE_CHAINS: readonly BaseChain[] = [
  { name: N.FILTER_PREROUTING_PRE_DNAT, type: 'filter', hook: 'prerouting', priority: -110 },
  { name: N.FILTER_OUTPUT_PRE_DNAT, type: 'filter', hook: 'output', priority: -110 },
  { name: N.FILTER_INPUT, type: 'filter', hook: 'input', priority: 0 },
  { name: N.FILTER_FORWARD, type: 'filter', hook: 'forward', priority: 0 },
  { name: N.FILTER_OUTPUT, type: 'filter', hook: 'output', priority: 0 },
  { name: N.NAT_PREROUTING, type: 'nat', hook: 'prerouting', priority: -100 },
  { name: N.NAT_OUTPUT, type: 'nat', hook: 'output', priority: -100 },
  { name: N.NAT_POSTROUTING, type: 'nat', hook: 'postrouting', priority: 100 },
];

/** Regular chains jumped to from base chains: [destination, source, extra match]. */
export const JUMP_CHAINS: readonly [string, string, string][] = [
  [N.NODEPORT_ENDPOINTS_CHECK, N.FILTER_INPUT, 'ct state new'],
  [N.SERVICE_ENDPOINTS_CHECK, N.FILTER_INPUT, 'ct state new'],
  [N.SERVICE_ENDPOINTS_CHECK, N.FILTER_FORWARD, 'ct state new'],
  [N.SERVICE_ENDPOINTS_CHECK, N.FILTER_OUTPUT, 'ct state new'],
  [N.FIREWALL_CHECK, N.FILTER_PREROUTING_PRE_DNAT, 'ct state new'],
  [N.FIREWALL_CHECK, N.FILTER_OUTPUT_PRE_DNAT, 'ct state new'],
  [N.SERVICES_CHAIN, N.NAT_OUTPUT, ''],
  [N.SERVICES_CHAIN, N.NAT_PREROUTING, ''],
  [N.MASQUERADING_CHAIN, N.NAT_POSTROUTING, ''],
  [N.CLUSTER_IPS_CHECK, N.FILTER_FORWARD, 'ct state new'],
  [N.CLUSTER_IPS_CHECK, N.FILTER_OUTPUT, 'ct state new'],
];

export interface SetupOptions {
  family: 'ip' | 'ip6';
  masqueradeMark: string;
  /** First setup of this proxier: base chains are added and deleted once so changed properties apply. */
  first: boolean;
  /** NodePort addresses; undefined = match all local addresses. */
  nodePortIPs: string[] | undefined;
  /** Service CIDRs of this family (comma-separated text); "" = unknown. */
  serviceCIDRs: string;
}

export function setupLines(o: SetupOptions): string[] {
  const t = `${o.family} kube-proxy`;
  const addr = o.family === 'ip' ? 'ipv4_addr' : 'ipv6_addr';
  const noLocalhost = o.family === 'ip' ? 'ip daddr != 127.0.0.0/8' : 'ip6 daddr != ::1';
  const L: string[] = [];
  const created = new Set<string>();
  const ensure = (c: string) => {
    if (created.has(c)) return;
    created.add(c);
    L.push(`add chain ${t} ${c}`, `flush chain ${t} ${c}`);
  };
  L.push(`add table ${t} { comment "rules for kube-proxy" ; }`);
  if (o.first) for (const bc of BASE_CHAINS) L.push(`add chain ${t} ${bc.name}`, `delete chain ${t} ${bc.name}`);
  for (const bc of BASE_CHAINS) {
    L.push(`add chain ${t} ${bc.name} { type ${bc.type} hook ${bc.hook} priority ${bc.priority} ; }`, `flush chain ${t} ${bc.name}`);
  }
  for (const [dst, src, extra] of JUMP_CHAINS) {
    ensure(dst);
    L.push(`add rule ${t} ${src} ${extra ? extra + ' ' : ''}jump ${dst}`);
  }
  for (const c of [N.SERVICES_CHAIN, N.CLUSTER_IPS_CHECK, N.MASQUERADING_CHAIN, N.MARK_MASQ_CHAIN]) ensure(c);
  const m = o.masqueradeMark;
  L.push(
    `add rule ${t} ${N.MARK_MASQ_CHAIN} mark set mark or ${m}`,
    `add rule ${t} ${N.MASQUERADING_CHAIN} mark and ${m} == 0 return`,
    `add rule ${t} ${N.MASQUERADING_CHAIN} mark set mark xor ${m}`,
    `add rule ${t} ${N.MASQUERADING_CHAIN} masquerade fully-random`,
    `add set ${t} ${N.CLUSTER_IPS_SET} { type ${addr} ; comment "Active ClusterIPs" ; }`,
    `add rule ${t} ${N.CLUSTER_IPS_CHECK} ${o.family} daddr @${N.CLUSTER_IPS_SET} reject comment "Reject traffic to invalid ports of ClusterIPs"`,
  );
  if (o.serviceCIDRs) {
    L.push(`add rule ${t} ${N.CLUSTER_IPS_CHECK} ${o.family} daddr { ${o.serviceCIDRs} } drop comment "Drop traffic to unallocated ClusterIPs"`);
  }
  L.push(`add set ${t} ${N.NODEPORT_IPS_SET} { type ${addr} ; comment "IPs that accept NodePort traffic" ; }`);
  if (!o.nodePortIPs) {
    L.push(`delete set ${t} ${N.NODEPORT_IPS_SET}`);
  } else {
    L.push(`flush set ${t} ${N.NODEPORT_IPS_SET}`);
    for (const ip of o.nodePortIPs) L.push(`add element ${t} ${N.NODEPORT_IPS_SET} { ${ip} }`);
  }
  L.push(
    `add map ${t} ${N.NO_ENDPOINT_SERVICES_MAP} { type ${addr} . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }`,
    `add map ${t} ${N.NO_ENDPOINT_NODEPORTS_MAP} { type inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to service nodeports with no endpoints" ; }`,
    `add chain ${t} ${N.REJECT_CHAIN} { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }`,
    `flush chain ${t} ${N.REJECT_CHAIN}`,
    `add rule ${t} ${N.REJECT_CHAIN} reject`,
    `add rule ${t} ${N.SERVICE_ENDPOINTS_CHECK} ${o.family} daddr . meta l4proto . th dport vmap @${N.NO_ENDPOINT_SERVICES_MAP}`,
    o.nodePortIPs
      ? `add rule ${t} ${N.NODEPORT_ENDPOINTS_CHECK} ${o.family} daddr @${N.NODEPORT_IPS_SET} meta l4proto . th dport vmap @${N.NO_ENDPOINT_NODEPORTS_MAP}`
      : `add rule ${t} ${N.NODEPORT_ENDPOINTS_CHECK} ${noLocalhost} meta l4proto . th dport vmap @${N.NO_ENDPOINT_NODEPORTS_MAP}`,
    `add map ${t} ${N.FIREWALL_IPS_MAP} { type ${addr} . inet_proto . inet_service : verdict ; comment "destinations that are subject to LoadBalancerSourceRanges" ; }`,
  );
  ensure(N.FIREWALL_CHECK);
  L.push(
    `add rule ${t} ${N.FIREWALL_CHECK} ${o.family} daddr . meta l4proto . th dport vmap @${N.FIREWALL_IPS_MAP}`,
    `add map ${t} ${N.SERVICE_IPS_MAP} { type ${addr} . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }`,
    `add map ${t} ${N.SERVICE_NODEPORTS_MAP} { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }`,
    `add rule ${t} ${N.SERVICES_CHAIN} ${o.family} daddr . meta l4proto . th dport vmap @${N.SERVICE_IPS_MAP}`,
    o.nodePortIPs
      ? `add rule ${t} ${N.SERVICES_CHAIN} ${o.family} daddr @${N.NODEPORT_IPS_SET} meta l4proto . th dport vmap @${N.SERVICE_NODEPORTS_MAP}`
      : `add rule ${t} ${N.SERVICES_CHAIN} fib daddr type local ${noLocalhost} meta l4proto . th dport vmap @${N.SERVICE_NODEPORTS_MAP}`,
  );
  // Flush the element containers; the service loop refills them.
  for (const c of CONTAINERS) L.push(`flush ${c.kind} ${t} ${c.name}`);
  return L;
}

/** Rules the setup writes (for rule counts). */
export function setupRuleCount(lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) if (l.startsWith('add rule ')) n++;
  return n;
}
