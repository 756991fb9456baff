// The Service model shared by the EndpointSlice controller and every proxy mode: a Service is
// flattened into one ServicePortInfo per (port, IP family), with the defaults the API server
// would have filled in and the chain names kube-proxy derives from it. This mirrors upstream's
// pkg/proxy/serviceport.go (BaseServicePortInfo) and servicechangetracker.

import type { Protocol, Service, ServicePort } from '../k8s/types.js';
import { hash16 } from './hash.js';
import { canonicalIP, familyOf, parseCidr, type Cidr, type IPFamily } from './ip.js';

export const DEFAULT_CLIENTIP_TIMEOUT_SECONDS = 10800;

export interface ServicePortInfo {
  namespace: string;
  name: string;
  /** "namespace/name" */
  nsName: string;
  portName: string;
  protocol: Protocol;
  /** lower-case protocol as used in rules ("tcp") */
  proto: string;
  /** ServicePortName.String(): "namespace/name:portName" (or "namespace/name" for an unnamed port) */
  nameString: string;
  family: IPFamily;
  clusterIP: string;
  port: number;
  targetPort: number | string;
  nodePort: number;
  externalIPs: string[];
  loadBalancerVIPs: string[];
  loadBalancerSourceRanges: Cidr[];
  healthCheckNodePort: number;
  internalPolicyLocal: boolean;
  externalPolicyLocal: boolean;
  sessionAffinityClientIP: boolean;
  stickyMaxAgeSeconds: number;
  /** KUBE-SVC-, KUBE-SVL-, KUBE-EXT-, KUBE-FW- chains; computed once per ServicePortInfo. */
  clusterPolicyChain: string;
  localPolicyChain: string;
  externalChain: string;
  firewallChain: string;
  /** Equal fingerprints mean kube-proxy would see no change for this port. */
  fingerprint: string;
}

export function serviceKey(svc: Service): string {
  return `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
}

export function serviceType(svc: Service): 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName' {
  return svc.spec?.type ?? 'ClusterIP';
}

/** All cluster IPs of a service (clusterIPs wins over clusterIP, as the API server keeps them equal). */
export function clusterIPsOf(svc: Service): string[] {
  const s = svc.spec ?? {};
  if (s.clusterIPs && s.clusterIPs.length) return s.clusterIPs;
  return s.clusterIP ? [s.clusterIP] : [];
}

/** Headless: clusterIP "None" (upstream helper.IsServiceIPSet is false for "None" and ""). */
export function isServiceIPSet(svc: Service): boolean {
  const ip = clusterIPsOf(svc)[0];
  return !!ip && ip !== 'None';
}

export function isHeadless(svc: Service): boolean {
  return clusterIPsOf(svc)[0] === 'None';
}

/** upstream proxyutil.ShouldSkipService */
export function shouldSkipService(svc: Service): boolean {
  return !isServiceIPSet(svc) || serviceType(svc) === 'ExternalName';
}

export function externallyAccessible(p: Pick<ServicePortInfo, 'nodePort' | 'loadBalancerVIPs' | 'externalIPs'>): boolean {
  return p.nodePort !== 0 || p.loadBalancerVIPs.length > 0 || p.externalIPs.length > 0;
}

/**
 * upstream ServicePort.UsesClusterEndpoints: internal policy Cluster, or externally accessible at
 * all (even with externalTrafficPolicy Local, the short-circuit rules for pod and node traffic
 * jump to the Cluster chain).
 */
export function usesClusterEndpoints(p: ServicePortInfo): boolean {
  return !p.internalPolicyLocal || externallyAccessible(p);
}

/** upstream ServicePort.UsesLocalEndpoints */
export function usesLocalEndpoints(p: ServicePortInfo): boolean {
  return p.internalPolicyLocal || (externallyAccessible(p) && p.externalPolicyLocal);
}

export function portNameString(nsName: string, portName: string): string {
  return portName ? `${nsName}:${portName}` : nsName;
}

/**
 * The service ports kube-proxy of the given family would program, in spec order. Empty for
 * headless, ExternalName and services without a cluster IP of this family.
 */
export function servicePortInfos(svc: Service, family: IPFamily = 'IPv4'): ServicePortInfo[] {
  if (shouldSkipService(svc)) return [];
  const spec = svc.spec ?? {};
  const clusterIP = clusterIPsOf(svc).find((ip) => familyOf(ip) === family);
  if (!clusterIP) return [];
  const namespace = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name;
  const nsName = `${namespace}/${name}`;
  const type = serviceType(svc);
  const ofFamily = (ips: readonly string[] | undefined) =>
    (ips ?? []).filter((ip) => familyOf(ip) === family).map((ip) => canonicalIP(ip)!);
  const externalIPs = ofFamily(spec.externalIPs);
  const lbVIPs = type === 'LoadBalancer'
    ? ofFamily((svc.status?.loadBalancer?.ingress ?? [])
      .filter((i) => i.ip && (i as { ipMode?: string }).ipMode !== 'Proxy').map((i) => i.ip!))
    : [];
  const sourceRanges: Cidr[] = [];
  for (const r of spec.loadBalancerSourceRanges ?? []) {
    const c = parseCidr(r.trim());
    if (c && c.family === family) sourceRanges.push(c);
  }
  const internalPolicyLocal = spec.internalTrafficPolicy === 'Local';
  const clientIP = spec.sessionAffinity === 'ClientIP';
  const sticky = clientIP ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_CLIENTIP_TIMEOUT_SECONDS : 0;
  const out: ServicePortInfo[] = [];
  for (const sp of spec.ports ?? []) {
    const protocol: Protocol = sp.protocol ?? 'TCP';
    const proto = protocol.toLowerCase();
    const portName = sp.name ?? '';
    const nameString = portNameString(nsName, portName);
    const nodePort = type === 'NodePort' || type === 'LoadBalancer' ? sp.nodePort ?? 0 : 0;
    const info: Omit<ServicePortInfo, 'fingerprint' | 'clusterPolicyChain' | 'localPolicyChain' | 'externalChain' | 'firewallChain' | 'externalPolicyLocal' | 'healthCheckNodePort'> = {
      namespace, name, nsName, portName, protocol, proto, nameString, family,
      clusterIP: canonicalIP(clusterIP)!, port: sp.port, targetPort: targetPortOf(sp),
      nodePort, externalIPs, loadBalancerVIPs: lbVIPs, loadBalancerSourceRanges: sourceRanges,
      internalPolicyLocal, sessionAffinityClientIP: clientIP, stickyMaxAgeSeconds: sticky,
    };
    // externalTrafficPolicy only means something for externally reachable services.
    const externalPolicyLocal = externallyAccessible(info) && spec.externalTrafficPolicy === 'Local';
    const healthCheckNodePort = type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local' ? spec.healthCheckNodePort ?? 0 : 0;
    const h = hash16(nameString + proto);
    const full: ServicePortInfo = {
      ...info, externalPolicyLocal, healthCheckNodePort,
      clusterPolicyChain: 'KUBE-SVC-' + h, localPolicyChain: 'KUBE-SVL-' + h,
      externalChain: 'KUBE-EXT-' + h, firewallChain: 'KUBE-FW-' + h, fingerprint: '',
    };
    full.fingerprint = [
      full.clusterIP, full.port, full.protocol, full.nodePort, full.externalIPs.join(','), full.loadBalancerVIPs.join(','),
      full.loadBalancerSourceRanges.map((c) => c.text).join(','), full.healthCheckNodePort, full.internalPolicyLocal,
      full.externalPolicyLocal, full.stickyMaxAgeSeconds, String(full.targetPort),
    ].join('|');
    out.push(full);
  }
  return out;
}

function targetPortOf(sp: ServicePort): number | string {
  const t = sp.targetPort;
  if (t === undefined || t === 0 || t === '') return sp.port;
  if (typeof t === 'string' && /^\d+$/.test(t)) return Number(t);
  return t;
}

/** Orders service ports the way upstream's test sorter orders KUBE-SERVICES: by "ns/name", then port. */
export function compareServicePorts(a: ServicePortInfo, b: ServicePortInfo): number {
  if (a.nsName !== b.nsName) return a.nsName < b.nsName ? -1 : 1;
  if (a.portName !== b.portName) return a.portName < b.portName ? -1 : 1;
  return a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0;
}
