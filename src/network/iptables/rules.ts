// The rules kube-proxy's iptables mode writes for ONE service port (upstream
// pkg/proxy/iptables/proxier.go syncProxyRules, the body of the per-service loop, and
// writeServiceToEndpointRules). Argument order follows upstream exactly. The result is cached by
// the proxier and reused until the service port or its endpoints change.

import type { EndpointInfo } from '../endpoint-cache.js';
import { hash16 } from '../hash.js';
import { cidrContains } from '../ip.js';
import type { ServicePortInfo } from '../service.js';
import { categorizeEndpoints } from '../topology.js';

export const KUBE_SERVICES = 'KUBE-SERVICES';
export const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
export const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
export const KUBE_FORWARD = 'KUBE-FORWARD';
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
export const KUBE_FIREWALL = 'KUBE-FIREWALL';

export const CT_STATE_INVALID_COUNTER = 'ct_state_invalid_dropped_pkts';
export const LOCALHOST_NODEPORTS_COUNTER = 'localhost_nps_accepted_pkts';
/** upstream largeClusterEndpointsThreshold */
export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

/** Settings that shape the rules (constant for a proxier's lifetime). */
export interface RuleSettings {
  /** "0x4000" */
  masqueradeMark: string;
  masqueradeAll: boolean;
  /** "! -s <clusterCIDR>" / "-s <clusterCIDR>" detector; undefined = not implemented. */
  clusterCIDR: string | undefined;
  /** Primary node IP (loadBalancerSourceRanges allow-from-node check). */
  nodeIP: string | undefined;
  localhostNodePorts: boolean;
  /** nfacct counters kube-proxy managed to create. */
  nfacctLocalhostNodePorts: boolean;
  isIPv6: boolean;
}

export interface PortRules {
  info: ServicePortInfo;
  /** Rules in nat KUBE-SERVICES / KUBE-NODEPORTS (always rewritten). */
  natServices: string[];
  natNodePorts: string[];
  /** Rules in filter chains (always rewritten). */
  filterServices: string[];
  filterExternal: string[];
  filterNodePorts: string[];
  filterFirewall: string[];
  /** The port's own nat chains (SVC/SVL/EXT/FW/SEP) and their rules, in generation order. */
  chains: string[];
  /** Rules of each chain as one text (lines joined by "\n"), parallel to chains. One flat string per
   *  chain instead of one per rule keeps the retained object count (and GC time) low at scale. */
  chainText: string[];
  chainRuleCount: number;
  /** len(endpointsMap[svcPort]), for the large-cluster threshold. */
  endpointCount: number;
  noLocalInternal: boolean;
  noLocalExternal: boolean;
  largeClusterMode: boolean;
}

const probabilities: string[] = ['<bad value>'];
/** upstream computeProbability: fmt "%0.10f" of 1/n. */
export function probability(n: number): string {
  for (let i = probabilities.length; i <= n; i++) probabilities.push((1 / i).toFixed(10));
  return probabilities[n]!;
}

/** Endpoint chain names, memoised per service port ("KUBE-SEP-" + hash(svcPortName + proto + ip:port)). */
export function endpointChainName(info: ServicePortInfo, ep: EndpointInfo, memo?: Map<string, string>): string {
  let name = memo?.get(ep.str);
  if (name === undefined) {
    name = 'KUBE-SEP-' + hash16(info.nameString + info.proto + ep.str);
    memo?.set(ep.str, name);
  }
  return name;
}

export function buildPortRules(
  s: RuleSettings, svc: ServicePortInfo, allEndpoints: readonly EndpointInfo[], largeClusterMode: boolean,
  sepMemo?: Map<string, string>,
): PortRules {
  const out: PortRules = {
    info: svc, natServices: [], natNodePorts: [], filterServices: [], filterExternal: [], filterNodePorts: [],
    filterFirewall: [], chains: [], chainText: [], chainRuleCount: 0, endpointCount: allEndpoints.length,
    noLocalInternal: false, noLocalExternal: false, largeClusterMode,
  };
  const proto = svc.proto;
  const name = svc.nameString;
  const dport = String(svc.port);
  const pp = `-m ${proto} -p ${proto}`;
  const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints: hasEndpoints } = categorizeEndpoints(allEndpoints, svc);

  const clusterPolicyChain = svc.clusterPolicyChain;
  const usesClusterPolicyChain = clusterEndpoints.length > 0 && usesClusterEndpointsOf(svc);
  const localPolicyChain = svc.localPolicyChain;
  const usesLocalPolicyChain = localEndpoints.length > 0 && usesLocalEndpointsOf(svc);

  let internalPolicyChain = clusterPolicyChain;
  let hasInternalEndpoints = hasEndpoints;
  if (svc.internalPolicyLocal) {
    internalPolicyChain = localPolicyChain;
    if (localEndpoints.length === 0) hasInternalEndpoints = false;
  }
  const internalTrafficChain = internalPolicyChain;

  let externalPolicyChain = clusterPolicyChain;
  let hasExternalEndpoints = hasEndpoints;
  if (svc.externalPolicyLocal) {
    externalPolicyChain = localPolicyChain;
    if (localEndpoints.length === 0) hasExternalEndpoints = false;
  }
  const externalTrafficChain = svc.externalChain;
  const accessible = svc.nodePort !== 0 || svc.loadBalancerVIPs.length > 0 || svc.externalIPs.length > 0;
  const usesExternalTrafficChain = hasEndpoints && accessible;

  let loadBalancerTrafficChain = externalTrafficChain;
  const fwChain = svc.firewallChain;
  const usesFWChain = hasEndpoints && svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0;
  if (usesFWChain) loadBalancerTrafficChain = fwChain;

  let internalFilterTarget = '', internalFilterComment = '', externalFilterTarget = '', externalFilterComment = '';
  if (!hasEndpoints) {
    internalFilterTarget = 'REJECT';
    internalFilterComment = `"${name} has no endpoints"`;
    externalFilterTarget = 'REJECT';
    externalFilterComment = internalFilterComment;
  } else {
    if (!hasInternalEndpoints) {
      internalFilterTarget = 'DROP';
      internalFilterComment = `"${name} has no local endpoints"`;
      out.noLocalInternal = true;
    }
    if (!hasExternalEndpoints) {
      externalFilterTarget = 'DROP';
      externalFilterComment = `"${name} has no local endpoints"`;
      out.noLocalExternal = true;
    }
  }

  // Capture the clusterIP.
  if (hasInternalEndpoints) {
    out.natServices.push(`-A KUBE-SERVICES -m comment --comment "${name} cluster IP" ${pp} -d ${svc.clusterIP} --dport ${dport} -j ${internalTrafficChain}`);
  } else {
    out.filterServices.push(`-A KUBE-SERVICES -m comment --comment ${internalFilterComment} ${pp} -d ${svc.clusterIP} --dport ${dport} -j ${internalFilterTarget}`);
  }

  // Capture externalIPs.
  for (const ip of svc.externalIPs) {
    if (hasEndpoints) {
      out.natServices.push(`-A KUBE-SERVICES -m comment --comment "${name} external IP" ${pp} -d ${ip} --dport ${dport} -j ${externalTrafficChain}`);
    }
    if (!hasExternalEndpoints) {
      out.filterExternal.push(`-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalFilterComment} ${pp} -d ${ip} --dport ${dport} -j ${externalFilterTarget}`);
    }
  }

  // Capture load-balancer ingress.
  for (const ip of svc.loadBalancerVIPs) {
    if (hasEndpoints) {
      out.natServices.push(`-A KUBE-SERVICES -m comment --comment "${name} loadbalancer IP" ${pp} -d ${ip} --dport ${dport} -j ${loadBalancerTrafficChain}`);
    }
    if (usesFWChain) {
      out.filterFirewall.push(`-A KUBE-PROXY-FIREWALL -m comment --comment "${name} traffic not accepted by ${fwChain}" ${pp} -d ${ip} --dport ${dport} -j DROP`);
    }
  }
  if (!hasExternalEndpoints) {
    for (const ip of svc.loadBalancerVIPs) {
      out.filterExternal.push(`-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalFilterComment} ${pp} -d ${ip} --dport ${dport} -j ${externalFilterTarget}`);
    }
  }

  // Capture nodeports.
  if (svc.nodePort !== 0) {
    const np = String(svc.nodePort);
    if (hasEndpoints) {
      if (s.localhostNodePorts && !s.isIPv6 && s.nfacctLocalhostNodePorts) {
        out.natNodePorts.push(`-A KUBE-NODEPORTS -m comment --comment ${name} ${pp} -d 127.0.0.0/8 --dport ${np} -m nfacct --nfacct-name ${LOCALHOST_NODEPORTS_COUNTER} -j ${externalTrafficChain}`);
      }
      out.natNodePorts.push(`-A KUBE-NODEPORTS -m comment --comment ${name} ${pp} --dport ${np} -j ${externalTrafficChain}`);
    }
    if (!hasExternalEndpoints) {
      out.filterExternal.push(`-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalFilterComment} -m addrtype --dst-type LOCAL ${pp} --dport ${np} -j ${externalFilterTarget}`);
    }
  }

  // Capture healthCheckNodePorts.
  if (svc.healthCheckNodePort !== 0) {
    out.filterNodePorts.push(`-A KUBE-NODEPORTS -m comment --comment "${name} health check node port" -m tcp -p tcp --dport ${svc.healthCheckNodePort} -j ACCEPT`);
  }

  // The port's own chains. Rules are collected per chain; a chain may receive rules before its
  // chain line is declared (internal masquerade goes into SVC/SVL first), as upstream does.
  const rulesOf = new Map<string, string[]>();
  const add = (chain: string, rule: string) => {
    let r = rulesOf.get(chain);
    if (!r) rulesOf.set(chain, (r = []));
    r.push(rule);
    out.chainRuleCount++;
  };
  const declare = (chain: string) => {
    out.chains.push(chain);
    if (!rulesOf.has(chain)) rulesOf.set(chain, []);
  };

  if (hasInternalEndpoints) {
    const args = `-m comment --comment "${name} cluster IP" ${pp} -d ${svc.clusterIP} --dport ${dport}`;
    if (s.masqueradeAll) add(internalTrafficChain, `-A ${internalTrafficChain} ${args} -j KUBE-MARK-MASQ`);
    else if (s.clusterCIDR) add(internalTrafficChain, `-A ${internalTrafficChain} ${args} ! -s ${s.clusterCIDR} -j KUBE-MARK-MASQ`);
  }

  if (usesExternalTrafficChain) {
    declare(externalTrafficChain);
    if (!svc.externalPolicyLocal) {
      add(externalTrafficChain, `-A ${externalTrafficChain} -m comment --comment "masquerade traffic for ${name} external destinations" -j KUBE-MARK-MASQ`);
    } else {
      if (s.clusterCIDR) {
        add(externalTrafficChain, `-A ${externalTrafficChain} -m comment --comment "pod traffic for ${name} external destinations" -s ${s.clusterCIDR} -j ${clusterPolicyChain}`);
      }
      add(externalTrafficChain, `-A ${externalTrafficChain} -m comment --comment "masquerade LOCAL traffic for ${name} external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`);
      add(externalTrafficChain, `-A ${externalTrafficChain} -m comment --comment "route LOCAL traffic for ${name} external destinations" -m addrtype --src-type LOCAL -j ${clusterPolicyChain}`);
    }
    if (hasExternalEndpoints) add(externalTrafficChain, `-A ${externalTrafficChain} -j ${externalPolicyChain}`);
  }

  if (usesFWChain) {
    declare(fwChain);
    const args = `-A ${fwChain} -m comment --comment "${name} loadbalancer IP"`;
    let allowFromNode = false;
    for (const cidr of svc.loadBalancerSourceRanges) {
      add(fwChain, `${args} -s ${cidr.text} -j ${externalTrafficChain}`);
      if (s.nodeIP && cidrContains(cidr, s.nodeIP)) allowFromNode = true;
    }
    if (allowFromNode) {
      for (const ip of svc.loadBalancerVIPs) add(fwChain, `${args} -s ${ip} -j ${externalTrafficChain}`);
    }
    add(fwChain, `-A ${fwChain} -m comment --comment "other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL"`);
  }

  const sep = (ep: EndpointInfo) => endpointChainName(svc, ep, sepMemo);
  const writeServiceToEndpointRules = (chain: string, eps: readonly EndpointInfo[]) => {
    if (svc.sessionAffinityClientIP) {
      for (const ep of eps) {
        const c = sep(ep);
        const comment = largeClusterMode ? '' : ` -m comment --comment "${name} -> ${ep.str}"`;
        add(chain, `-A ${chain}${comment} -m recent --name ${c} --rcheck --seconds ${svc.stickyMaxAgeSeconds} --reap -j ${c}`);
      }
    }
    const n = eps.length;
    for (let i = 0; i < n; i++) {
      const ep = eps[i]!;
      const comment = largeClusterMode ? '' : ` -m comment --comment "${name} -> ${ep.str}"`;
      const prob = i < n - 1 ? ` -m statistic --mode random --probability ${probability(n - i)}` : '';
      add(chain, `-A ${chain}${comment}${prob} -j ${sep(ep)}`);
    }
  };
  if (usesClusterPolicyChain) {
    declare(clusterPolicyChain);
    writeServiceToEndpointRules(clusterPolicyChain, clusterEndpoints);
  }
  if (usesLocalPolicyChain) {
    declare(localPolicyChain);
    writeServiceToEndpointRules(localPolicyChain, localEndpoints);
  }

  for (const ep of allReachableEndpoints) {
    const c = sep(ep);
    declare(c);
    const head = largeClusterMode ? `-A ${c}` : `-A ${c} -m comment --comment ${name}`;
    add(c, `${head} -s ${ep.ip} -j KUBE-MARK-MASQ`);
    const affinity = svc.sessionAffinityClientIP ? ` -m recent --name ${c} --set` : '';
    add(c, `${head}${affinity} ${pp} -j DNAT --to-destination ${ep.str}`);
  }

  // Rules written into a chain that was never declared (internal masquerade when the policy
  // chain is not created) are still emitted by upstream; iptables-restore would reject them,
  // but upstream never produces that combination: hasInternalEndpoints implies the chain exists.
  for (const c of out.chains) out.chainText.push(rulesOf.get(c)!.join('\n'));
  // Template literals are ropes (ConsStrings); the always-rewritten lines are re-joined on every
  // sync, so flatten them once here (charCodeAt flattens in place) instead of on every join.
  for (const a of [out.natServices, out.natNodePorts, out.filterServices, out.filterExternal, out.filterNodePorts, out.filterFirewall]) {
    for (const l of a) l.charCodeAt(0);
  }
  return out;
}

function usesClusterEndpointsOf(p: ServicePortInfo): boolean {
  const acc = p.nodePort !== 0 || p.loadBalancerVIPs.length > 0 || p.externalIPs.length > 0;
  return !p.internalPolicyLocal || (acc && !p.externalPolicyLocal);
}

function usesLocalEndpointsOf(p: ServicePortInfo): boolean {
  const acc = p.nodePort !== 0 || p.loadBalancerVIPs.length > 0 || p.externalIPs.length > 0;
  return p.internalPolicyLocal || (acc && p.externalPolicyLocal);
}
