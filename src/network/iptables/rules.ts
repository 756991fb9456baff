// The rules kube-proxy's iptables mode writes for ONE service port (upstream
// pkg/proxy/iptables/proxier.go syncProxyRules, the body of the per-service loop, and
// writeServiceToEndpointRules). Argument order follows upstream exactly. The result is cached by
// the proxier and reused until the service port or its endpoints change.

import type { EndpointInfo } from '../endpoint-cache.js';
import { flat, hash16Into, prefixedHash16Of } from '../hash.js';
import { cidrContains } from '../ip.js';
import { usesClusterEndpoints, usesLocalEndpoints, type ServicePortInfo } from '../service.js';
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

/** What a service port programs, decided once per change of the port or its endpoints. The
 *  always-rewritten top-level lines are kept as text; the port's own chains are rendered from this
 *  plan only when they are written (renderChain), so nothing per rule is retained between syncs. */
export interface PortPlan {
  info: ServicePortInfo;
  /** Endpoints of the port (upstream endpointsMap[svcPort]), for change detection. */
  endpoints: readonly EndpointInfo[];
  /** Rules in nat KUBE-SERVICES / KUBE-NODEPORTS (always rewritten). */
  natServices: string[];
  natNodePorts: string[];
  /** Rules in filter chains (always rewritten). */
  filterServices: string[];
  filterExternal: string[];
  filterNodePorts: string[];
  filterFirewall: string[];
  /** The port's own nat chains in generation order: `chainCount` of them, the fixed ones (EXT,
   *  FW, SVC, SVL, see `kinds`), then one KUBE-SEP per reachable endpoint, whose names are
   *  "KUBE-SEP-" + 16 characters of `sepHashes` each (one string per port rather than ~10^5
   *  name strings per proxier: see chainNameOf / planChains for the names). */
  fixedChains: string[];
  kinds: ChainKind[];
  sepHashes: string;
  chainCount: number;
  chainRuleCount: number;
  /** len(endpointsMap[svcPort]), for the large-cluster threshold. */
  endpointCount: number;
  noLocalInternal: boolean;
  noLocalExternal: boolean;
  // ---- what renderChain needs ----
  pp: string;
  clusterEndpoints: readonly EndpointInfo[];
  /** Index into `reachable` (and `sepHashes`) of each cluster endpoint; null: the same order. */
  clusterSep: readonly number[] | null;
  localEndpoints: readonly EndpointInfo[];
  localSep: readonly number[] | null;
  reachable: readonly EndpointInfo[];
  hasInternalEndpoints: boolean;
  hasExternalEndpoints: boolean;
  internalTrafficChain: string;
  externalPolicyChain: string;
  /** Port name text and match are ASCII (always, for valid objects): the fast writers apply. */
  ascii: boolean;
  /** Comment pieces, made when first written (comments are only written outside large-cluster mode). */
  sepComment: string | undefined;
  jumpComment: string | undefined;
}

export const enum ChainKind { EXT = 0, FW = 1, SVC = 2, SVL = 3 }

const probabilities: string[] = ['<bad value>'];
/** upstream computeProbability: fmt "%0.10f" of 1/n. */
export function probability(n: number): string {
  for (let i = probabilities.length; i <= n; i++) probabilities.push((1 / i).toFixed(10));
  return probabilities[n]!;
}

/** Endpoint chain name: "KUBE-SEP-" + hash(svcPortName + proto + ip:port). */
export function endpointChainName(info: ServicePortInfo, ep: EndpointInfo): string {
  return prefixedHash16Of('KUBE-SEP-', info.nameString, info.proto, ep.str);
}

let hashScratch = Buffer.allocUnsafe(16 * 256);

/** The 16-character hashes of the endpoints' chain names, concatenated in one flat string. */
function chainHashes(info: ServicePortInfo, eps: readonly EndpointInfo[]): string {
  const n = eps.length;
  if (n === 0) return '';
  if (hashScratch.length < 16 * n) hashScratch = Buffer.allocUnsafe(32 * n);
  for (let i = 0; i < n; i++) {
    const ep = eps[i]!;
    // "ip:port" fed in two parts (IPv6 text has brackets: use it whole).
    if (ep.ip.includes(':')) hash16Into(info.nameString, info.proto, ep.str, '', hashScratch, 16 * i);
    else hash16Into(info.nameString, info.proto, ep.ip, ep.portSuffix, hashScratch, 16 * i);
  }
  return hashScratch.toString('latin1', 0, 16 * n);
}

/** Name of the plan's endpoint chain e (index into `reachable`). */
export function sepChainName(p: PortPlan, e: number): string {
  return 'KUBE-SEP-' + p.sepHashes.substr(16 * e, 16);
}

/** Name of the plan's chain i (0 <= i < chainCount). */
export function chainNameOf(p: PortPlan, i: number): string {
  const nFixed = p.fixedChains.length;
  return i < nFixed ? p.fixedChains[i]! : sepChainName(p, i - nFixed);
}

/** All the plan's chain names, in generation order. */
export function planChains(p: PortPlan): string[] {
  const out = new Array<string>(p.chainCount);
  for (let i = 0; i < p.chainCount; i++) out[i] = chainNameOf(p, i);
  return out;
}

const PP: Record<string, string> = { tcp: '-m tcp -p tcp', udp: '-m udp -p udp', sctp: '-m sctp -p sctp' };

/** upstream syncProxyRules' per-service-port decisions, the top-level lines and the chain list. */
export function planPort(s: RuleSettings, svc: ServicePortInfo, allEndpoints: readonly EndpointInfo[]): PortPlan {
  const proto = svc.proto;
  const name = svc.nameString;
  const dport = String(svc.port);
  const pp = PP[proto] ?? `-m ${proto} -p ${proto}`;
  const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints: hasEndpoints } = categorizeEndpoints(allEndpoints, svc);

  const clusterPolicyChain = svc.clusterPolicyChain;
  const usesClusterPolicyChain = clusterEndpoints.length > 0 && usesClusterEndpoints(svc);
  const localPolicyChain = svc.localPolicyChain;
  const usesLocalPolicyChain = localEndpoints.length > 0 && usesLocalEndpoints(svc);

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

  const out: PortPlan = {
    info: svc, endpoints: allEndpoints, natServices: [], natNodePorts: [], filterServices: [], filterExternal: [], filterNodePorts: [],
    filterFirewall: [], fixedChains: [], kinds: [], sepHashes: '', chainCount: 0, chainRuleCount: 0, endpointCount: allEndpoints.length,
    noLocalInternal: false, noLocalExternal: false,
    pp, clusterEndpoints, clusterSep: null, localEndpoints, localSep: null, reachable: allReachableEndpoints,
    hasInternalEndpoints, hasExternalEndpoints, internalTrafficChain, externalPolicyChain,
    ascii: isAscii(name) && isAscii(pp), sepComment: undefined, jumpComment: undefined,
  };

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

  // The port's own chains, in upstream's generation order; their rules are rendered by renderChain.
  // Rules are counted here (sync_proxy_rules_iptables_total) whether or not they are written.
  const masqInternal = hasInternalEndpoints && (s.masqueradeAll || !!s.clusterCIDR) ? 1 : 0;
  if (usesExternalTrafficChain) {
    out.fixedChains.push(externalTrafficChain);
    out.kinds.push(ChainKind.EXT);
    out.chainRuleCount += (!svc.externalPolicyLocal ? 1 : s.clusterCIDR ? 3 : 2) + (hasExternalEndpoints ? 1 : 0);
  }
  if (usesFWChain) {
    out.fixedChains.push(fwChain);
    out.kinds.push(ChainKind.FW);
    let allowFromNode = false;
    for (const cidr of svc.loadBalancerSourceRanges) if (s.nodeIP && cidrContains(cidr, s.nodeIP)) allowFromNode = true;
    out.chainRuleCount += svc.loadBalancerSourceRanges.length + (allowFromNode ? svc.loadBalancerVIPs.length : 0) + 1;
  }
  const perEndpoint = svc.sessionAffinityClientIP ? 2 : 1;
  if (usesClusterPolicyChain) {
    out.fixedChains.push(clusterPolicyChain);
    out.kinds.push(ChainKind.SVC);
    out.chainRuleCount += perEndpoint * clusterEndpoints.length;
  }
  if (usesLocalPolicyChain) {
    out.fixedChains.push(localPolicyChain);
    out.kinds.push(ChainKind.SVL);
    out.chainRuleCount += perEndpoint * localEndpoints.length;
  }
  // The internal masquerade rule lands in the internal policy chain (upstream adds it even when
  // that chain is not declared, which it never is without endpoints).
  out.chainRuleCount += masqInternal;

  // Endpoint chains: one hash per reachable endpoint, shared with the policy chains' jumps.
  out.sepHashes = chainHashes(svc, allReachableEndpoints);
  out.chainCount = out.fixedChains.length + allReachableEndpoints.length;
  out.chainRuleCount += 2 * allReachableEndpoints.length;
  out.clusterSep = clusterEndpoints === allReachableEndpoints ? null : sepIndexOf(clusterEndpoints, allReachableEndpoints);
  out.localSep = localEndpoints === allReachableEndpoints ? null : sepIndexOf(localEndpoints, allReachableEndpoints);

  // Template literals are ropes (ConsStrings); the always-rewritten lines are re-joined on every
  // sync, so flatten them once here (charCodeAt flattens in place) instead of on every join.
  for (const a of [out.natServices, out.natNodePorts, out.filterServices, out.filterExternal, out.filterNodePorts, out.filterFirewall]) {
    for (const l of a) l.charCodeAt(0);
  }
  // Plans live as long as their port: arrays grown by push carry spare capacity (17 slots for one
  // line), so keep exact copies, and one shared empty array / kinds list for the common shapes.
  out.natServices = compact(out.natServices);
  out.natNodePorts = compact(out.natNodePorts);
  out.filterServices = compact(out.filterServices);
  out.filterExternal = compact(out.filterExternal);
  out.filterNodePorts = compact(out.filterNodePorts);
  out.filterFirewall = compact(out.filterFirewall);
  out.kinds = sharedKinds(out.kinds);
  out.fixedChains = out.fixedChains.length ? out.fixedChains.slice() : NO_LINES;
  return out;
}

const NO_LINES: string[] = Object.freeze([]) as unknown as string[];
const compact = (a: string[]): string[] => (a.length === 0 ? NO_LINES : a.slice());
const KINDS = new Map<string, ChainKind[]>();
function sharedKinds(k: ChainKind[]): ChainKind[] {
  const key = k.join();
  let shared = KINDS.get(key);
  if (!shared) KINDS.set(key, (shared = Object.freeze(k.slice()) as ChainKind[]));
  return shared;
}

/** Where each of `eps` (a subset of `all`) is in `all`, so their chain names need no hashing again. */
function sepIndexOf(eps: readonly EndpointInfo[], all: readonly EndpointInfo[]): number[] {
  if (eps.length === 0) return [];
  const byStr = new Map<string, number>();
  for (let i = 0; i < all.length; i++) byStr.set(all[i]!.str, i);
  return eps.map((ep) => byStr.get(ep.str)!);
}

/** Where renderChain writes: appends text (restore.ts PayloadWriter, or a string collector). */
export interface TextSink {
  s(text: string): void;
  /** The hot rules, written without a call per piece; only for ASCII pieces (PortPlan.ascii). */
  sepRules(hashes: string, hoff: number, comment: string, ip: string, recent: boolean, pp: string, strA: string, strB: string): void;
  jumpRule(chain: string, comment: string, strA: string, strB: string, prob: string, hashes: string, hoff: number): void;
}

const isAscii = (t: string): boolean => {
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) > 0x7f) return false;
  return true;
};

/** " -m comment --comment NAME" of an endpoint chain's rules (made once per plan, when first written). */
function sepCommentOf(p: PortPlan): string {
  return (p.sepComment ??= flat(' -m comment --comment ' + p.info.nameString));
}

/** ' -m comment --comment "NAME -> ' of a policy chain's jumps. */
function jumpCommentOf(p: PortPlan): string {
  return (p.jumpComment ??= flat(' -m comment --comment "' + p.info.nameString + ' -> '));
}

/** Writes the rules of chain `i` of a plan (each line ending in "\n"), as upstream writes them.
 *  The hot chains (endpoint chains, policy-chain jumps) are written piece by piece: at 10^5
 *  chains, building a string per rule costs more than the bytes themselves. */
export function renderChain(w: TextSink, s: RuleSettings, p: PortPlan, i: number, largeClusterMode: boolean): void {
  const svc = p.info;
  const name = svc.nameString;
  const nFixed = p.kinds.length;
  if (i >= nFixed) {
    const e = i - nFixed;
    const ep = p.reachable[e]!;
    if (p.ascii) {
      const v6 = s.isIPv6;
      w.sepRules(p.sepHashes, 16 * e, largeClusterMode ? '' : sepCommentOf(p), ep.ip, svc.sessionAffinityClientIP, p.pp, v6 ? ep.str : ep.ip, v6 ? '' : ep.portSuffix);
      return;
    }
    const chain = sepChainName(p, e);
    // -A SEP [-m comment --comment name] -s ip -j KUBE-MARK-MASQ
    // -A SEP [-m comment --comment name] [-m recent --name SEP --set] pp -j DNAT --to-destination ip:port
    w.s('-A '); w.s(chain);
    if (!largeClusterMode) { w.s(' -m comment --comment '); w.s(name); }
    w.s(' -s '); w.s(ep.ip); w.s(' -j KUBE-MARK-MASQ\n-A '); w.s(chain);
    if (!largeClusterMode) { w.s(' -m comment --comment '); w.s(name); }
    if (svc.sessionAffinityClientIP) { w.s(' -m recent --name '); w.s(chain); w.s(' --set'); }
    w.s(' '); w.s(p.pp); w.s(' -j DNAT --to-destination '); w.s(ep.str); w.s('\n');
    return;
  }
  const chain = p.fixedChains[i]!;
  switch (p.kinds[i]!) {
    case ChainKind.EXT: {
      if (!svc.externalPolicyLocal) {
        w.s(`-A ${chain} -m comment --comment "masquerade traffic for ${name} external destinations" -j KUBE-MARK-MASQ\n`);
      } else {
        const cpc = svc.clusterPolicyChain;
        if (s.clusterCIDR) w.s(`-A ${chain} -m comment --comment "pod traffic for ${name} external destinations" -s ${s.clusterCIDR} -j ${cpc}\n`);
        w.s(`-A ${chain} -m comment --comment "masquerade LOCAL traffic for ${name} external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ\n`);
        w.s(`-A ${chain} -m comment --comment "route LOCAL traffic for ${name} external destinations" -m addrtype --src-type LOCAL -j ${cpc}\n`);
      }
      if (p.hasExternalEndpoints) w.s(`-A ${chain} -j ${p.externalPolicyChain}\n`);
      return;
    }
    case ChainKind.FW: {
      const args = `-A ${chain} -m comment --comment "${name} loadbalancer IP"`;
      const ext = svc.externalChain;
      let allowFromNode = false;
      for (const cidr of svc.loadBalancerSourceRanges) {
        w.s(`${args} -s ${cidr.text} -j ${ext}\n`);
        if (s.nodeIP && cidrContains(cidr, s.nodeIP)) allowFromNode = true;
      }
      if (allowFromNode) for (const ip of svc.loadBalancerVIPs) w.s(`${args} -s ${ip} -j ${ext}\n`);
      w.s(`-A ${chain} -m comment --comment "other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL"\n`);
      return;
    }
    case ChainKind.SVC:
    case ChainKind.SVL: {
      const local = p.kinds[i] === ChainKind.SVL;
      if (p.hasInternalEndpoints && p.internalTrafficChain === chain) {
        const args = `-m comment --comment "${name} cluster IP" ${p.pp} -d ${svc.clusterIP} --dport ${svc.port}`;
        if (s.masqueradeAll) w.s(`-A ${chain} ${args} -j KUBE-MARK-MASQ\n`);
        else if (s.clusterCIDR) w.s(`-A ${chain} ${args} ! -s ${s.clusterCIDR} -j KUBE-MARK-MASQ\n`);
      }
      serviceToEndpointRules(w, p, chain, name, svc, local ? p.localEndpoints : p.clusterEndpoints, local ? p.localSep : p.clusterSep, largeClusterMode);
    }
  }
}

/** upstream writeServiceToEndpointRules */
function serviceToEndpointRules(
  w: TextSink, p: PortPlan, chain: string, name: string, svc: ServicePortInfo, eps: readonly EndpointInfo[], seps: readonly number[] | null, largeClusterMode: boolean,
): void {
  if (svc.sessionAffinityClientIP) {
    for (let i = 0; i < eps.length; i++) {
      const c = sepChainName(p, seps ? seps[i]! : i);
      const comment = largeClusterMode ? '' : ` -m comment --comment "${name} -> ${eps[i]!.str}"`;
      w.s(`-A ${chain}${comment} -m recent --name ${c} --rcheck --seconds ${svc.stickyMaxAgeSeconds} --reap -j ${c}\n`);
    }
  }
  const n = eps.length;
  if (p.ascii) {
    const comment = largeClusterMode ? '' : jumpCommentOf(p);
    const h = p.sepHashes;
    for (let i = 0; i < n; i++) {
      const ep = eps[i]!;
      const v6 = comment !== '' && ep.ip.includes(':');
      w.jumpRule(chain, comment, v6 ? ep.str : ep.ip, v6 ? '' : ep.portSuffix, i < n - 1 ? probability(n - i) : '', h, 16 * (seps ? seps[i]! : i));
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    w.s('-A '); w.s(chain);
    if (!largeClusterMode) { w.s(' -m comment --comment "'); w.s(name); w.s(' -> '); w.s(eps[i]!.str); w.s('"'); }
    if (i < n - 1) { w.s(' -m statistic --mode random --probability '); w.s(probability(n - i)); }
    w.s(' -j '); w.s(sepChainName(p, seps ? seps[i]! : i)); w.s('\n');
  }
}
