// What kube-proxy's nftables mode writes for ONE service port (upstream
// pkg/proxy/nftables/proxier.go syncProxyRules, the per-service loop, and
// writeServiceToEndpointRules): the chains it owns, the set/map elements that dispatch to them,
// and the rules inside them. Cached by the proxier until the port or its endpoints change.

import type { EndpointInfo } from '../endpoint-cache.js';
import { cidrContains } from '../ip.js';
import type { ServicePortInfo } from '../service.js';
import { usesClusterEndpoints, usesLocalEndpoints, externallyAccessible } from '../service.js';
import { categorizeEndpoints } from '../topology.js';
import {
  AFFINITY_PREFIX, CLUSTER_POLICY_PREFIX, ENDPOINT_PREFIX, EXTERNAL_PREFIX, FIREWALL_PREFIX, LOCAL_POLICY_PREFIX,
  MARK_MASQ_CHAIN, REJECT_CHAIN, endpointChainNameBase, servicePortChainNameBase,
} from './names.js';

/** Element containers, in the order upstream cleans up leftovers. */
export const enum Container { ClusterIPs = 0, ServiceIPs, FirewallIPs, NoEndpointServices, NoEndpointNodePorts, ServiceNodePorts }
export const CONTAINERS: readonly { kind: 'set' | 'map'; name: string }[] = [
  { kind: 'set', name: 'cluster-ips' },
  { kind: 'map', name: 'service-ips' },
  { kind: 'map', name: 'firewall-ips' },
  { kind: 'map', name: 'no-endpoint-services' },
  { kind: 'map', name: 'no-endpoint-nodeports' },
  { kind: 'map', name: 'service-nodeports' },
];

export interface NftSettings {
  /** "ip" or "ip6" */
  ipX: 'ip' | 'ip6';
  /** "ipv4_addr" or "ipv6_addr" */
  addrType: 'ipv4_addr' | 'ipv6_addr';
  /** "0x4000" */
  masqueradeMark: string;
  masqueradeAll: boolean;
  /** Pod CIDR of the local-traffic detector; undefined = detector not implemented. */
  clusterCIDR: string | undefined;
  nodeIP: string | undefined;
}

export interface NftElement {
  container: Container;
  /** Key parts joined by " . " (upstream joinNFTSlice). */
  key: string;
  /** Verdict for maps, "" for sets. */
  value: string;
  comment?: string;
}

export interface NftPortRules {
  info: ServicePortInfo;
  /** Chains this port owns, in the order upstream's ensureChain calls create them. */
  chains: string[];
  /** Affinity sets this port owns. */
  affinitySets: string[];
  elements: NftElement[];
  /** "add set"/"add rule" lines for this port's own chains, joined with "\n" (no trailing newline). */
  rulesText: string;
  ruleCount: number;
  endpointCount: number;
  noLocalInternal: boolean;
  noLocalExternal: boolean;
}

export interface EndpointNames { chain: string; affinity: string }

/** Endpoint chain and affinity-set names, memoised per service port by "ip:port". */
export function endpointNames(info: ServicePortInfo, ep: EndpointInfo, memo?: Map<string, EndpointNames>): EndpointNames {
  let n = memo?.get(ep.str);
  if (!n) {
    const base = endpointChainNameBase(info.namespace, info.name, info.proto, info.portName, ep.ip, ep.port);
    n = { chain: ENDPOINT_PREFIX + base, affinity: AFFINITY_PREFIX + base };
    memo?.set(ep.str, n);
  }
  return n;
}

export interface PortChainNames { cluster: string; local: string; external: string; firewall: string }

export function portChainNames(info: ServicePortInfo): PortChainNames {
  const base = servicePortChainNameBase(info.namespace, info.name, info.proto, info.portName);
  return { cluster: CLUSTER_POLICY_PREFIX + base, local: LOCAL_POLICY_PREFIX + base, external: EXTERNAL_PREFIX + base, firewall: FIREWALL_PREFIX + base };
}

export function buildNftPortRules(
  s: NftSettings, svc: ServicePortInfo, names: PortChainNames, allEndpoints: readonly EndpointInfo[],
  memo?: Map<string, EndpointNames>,
): NftPortRules {
  const table = `${s.ipX === 'ip' ? 'ip' : 'ip6'} kube-proxy`;
  const out: NftPortRules = {
    info: svc, chains: [], affinitySets: [], elements: [], rulesText: '', ruleCount: 0,
    endpointCount: allEndpoints.length, noLocalInternal: false, noLocalExternal: false,
  };
  const lines: string[] = [];
  const rule = (chain: string, body: string, comment?: string) => {
    lines.push(`add rule ${table} ${chain} ${body}${comment !== undefined ? ` comment ${JSON.stringify(comment)}` : ''}`);
    out.ruleCount++;
  };
  const ensure = (chain: string) => { if (!out.chains.includes(chain)) out.chains.push(chain); };
  const elem = (container: Container, key: string, value: string, comment?: string) => {
    out.elements.push(comment === undefined ? { container, key, value } : { container, key, value, comment });
  };

  const proto = svc.proto;
  const port = String(svc.port);
  const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints: hasEndpoints } = categorizeEndpoints(allEndpoints, svc);
  const affinity = svc.sessionAffinityClientIP;
  const epNames = (ep: EndpointInfo) => endpointNames(svc, ep, memo);

  for (const ep of allReachableEndpoints) {
    const n = epNames(ep);
    ensure(n.chain);
    if (affinity) out.affinitySets.push(n.affinity);
  }
  const clusterPolicyChain = names.cluster;
  const usesClusterPolicyChain = clusterEndpoints.length > 0 && usesClusterEndpoints(svc);
  if (usesClusterPolicyChain) ensure(clusterPolicyChain);
  const localPolicyChain = names.local;
  const usesLocalPolicyChain = localEndpoints.length > 0 && usesLocalEndpoints(svc);
  if (usesLocalPolicyChain) ensure(localPolicyChain);

  let internalTrafficChain = clusterPolicyChain;
  let hasInternalEndpoints = hasEndpoints;
  if (svc.internalPolicyLocal) {
    internalTrafficChain = localPolicyChain;
    if (localEndpoints.length === 0) hasInternalEndpoints = false;
  }
  let externalPolicyChain = clusterPolicyChain;
  let hasExternalEndpoints = hasEndpoints;
  if (svc.externalPolicyLocal) {
    externalPolicyChain = localPolicyChain;
    if (localEndpoints.length === 0) hasExternalEndpoints = false;
  }
  const externalTrafficChain = names.external;
  const usesExternalTrafficChain = hasEndpoints && externallyAccessible(svc);
  if (usesExternalTrafficChain) ensure(externalTrafficChain);

  let internalVerdict = '', externalVerdict = '';
  if (!hasEndpoints) {
    internalVerdict = `goto ${REJECT_CHAIN}`;
    externalVerdict = internalVerdict;
  } else {
    if (!hasInternalEndpoints) { internalVerdict = 'drop'; out.noLocalInternal = true; }
    if (!hasExternalEndpoints) { externalVerdict = 'drop'; out.noLocalExternal = true; }
  }
  const name = svc.nameString;

  // Capture the clusterIP.
  elem(Container.ClusterIPs, svc.clusterIP, '');
  const ipKey = (ip: string) => `${ip} . ${proto} . ${port}`;
  if (hasInternalEndpoints) elem(Container.ServiceIPs, ipKey(svc.clusterIP), `goto ${internalTrafficChain}`);
  else elem(Container.NoEndpointServices, ipKey(svc.clusterIP), internalVerdict, name);

  // Capture externalIPs.
  for (const ip of svc.externalIPs) {
    if (hasEndpoints) elem(Container.ServiceIPs, ipKey(ip), `goto ${externalTrafficChain}`);
    if (!hasExternalEndpoints) elem(Container.NoEndpointServices, ipKey(ip), externalVerdict, name);
  }

  // Firewall chain: upstream does not require endpoints here.
  const usesFWChain = svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0;
  const fwChain = names.firewall;
  if (usesFWChain) ensure(fwChain);

  // Capture load-balancer ingress.
  for (const ip of svc.loadBalancerVIPs) {
    if (hasEndpoints) elem(Container.ServiceIPs, ipKey(ip), `goto ${externalTrafficChain}`);
    if (usesFWChain) elem(Container.FirewallIPs, ipKey(ip), `goto ${fwChain}`);
  }
  if (!hasExternalEndpoints) {
    for (const ip of svc.loadBalancerVIPs) elem(Container.NoEndpointServices, ipKey(ip), externalVerdict, name);
  }

  // Capture nodeports.
  if (svc.nodePort !== 0) {
    const npKey = `${proto} . ${svc.nodePort}`;
    if (hasEndpoints) elem(Container.ServiceNodePorts, npKey, `goto ${externalTrafficChain}`);
    if (!hasExternalEndpoints) elem(Container.NoEndpointNodePorts, npKey, externalVerdict, name);
  }

  // Internal traffic: masquerade off-cluster sources (or everything with masqueradeAll).
  const ipX = s.ipX;
  if (hasInternalEndpoints) {
    if (s.masqueradeAll) rule(internalTrafficChain, `${ipX} daddr ${svc.clusterIP} jump ${MARK_MASQ_CHAIN}`);
    else if (s.clusterCIDR) rule(internalTrafficChain, `${ipX} daddr ${svc.clusterIP} ${ipX} saddr != ${s.clusterCIDR} jump ${MARK_MASQ_CHAIN}`);
  }

  if (usesExternalTrafficChain) {
    if (!svc.externalPolicyLocal) {
      rule(externalTrafficChain, `jump ${MARK_MASQ_CHAIN}`);
    } else {
      if (s.clusterCIDR) rule(externalTrafficChain, `${ipX} saddr ${s.clusterCIDR} goto ${clusterPolicyChain}`, 'short-circuit pod traffic');
      rule(externalTrafficChain, `fib saddr type local jump ${MARK_MASQ_CHAIN}`, 'masquerade local traffic');
      rule(externalTrafficChain, `fib saddr type local goto ${clusterPolicyChain}`, 'short-circuit local traffic');
    }
    if (hasExternalEndpoints) rule(externalTrafficChain, `goto ${externalPolicyChain}`);
  }

  if (usesFWChain) {
    const sources: string[] = [];
    let allowFromNode = false;
    for (const c of svc.loadBalancerSourceRanges) {
      sources.push(c.text);
      if (s.nodeIP && cidrContains(c, s.nodeIP)) allowFromNode = true;
    }
    if (allowFromNode) for (const ip of svc.loadBalancerVIPs) sources.push(ip);
    rule(fwChain, `${ipX} saddr != { ${sources.join(' , ')} } drop`);
  }

  if (affinity) {
    for (const ep of allReachableEndpoints) {
      lines.push(`add set ${table} ${epNames(ep).affinity} { type ${s.addrType} ; flags dynamic,timeout ; timeout ${svc.stickyMaxAgeSeconds}s ; }`);
    }
  }

  const writeServiceToEndpointRules = (chain: string, eps: readonly EndpointInfo[]) => {
    if (affinity) for (const ep of eps) { const n = epNames(ep); rule(chain, `${ipX} saddr @${n.affinity} goto ${n.chain}`); }
    let vmap = '';
    for (let i = 0; i < eps.length; i++) vmap += `${i ? ' , ' : ''}${i} : goto ${epNames(eps[i]!).chain}`;
    rule(chain, `numgen random mod ${eps.length} vmap { ${vmap} }`);
  };
  if (usesClusterPolicyChain) writeServiceToEndpointRules(clusterPolicyChain, clusterEndpoints);
  if (usesLocalPolicyChain) writeServiceToEndpointRules(localPolicyChain, localEndpoints);

  for (const ep of allReachableEndpoints) {
    const n = epNames(ep);
    rule(n.chain, `${ipX} saddr ${ep.ip} jump ${MARK_MASQ_CHAIN}`);
    if (affinity) rule(n.chain, `update @${n.affinity} { ${ipX} saddr }`);
    rule(n.chain, `meta l4proto ${proto} dnat to ${ep.str}`);
  }
  out.rulesText = lines.join('\n');
  return out;
}
