// The Service model shared by the EndpointSlice controller and every proxy mode: a Service is
// flattened into one ServicePortInfo per (port, IP family), with the defaults the API server
// would have filled in and the chain names kube-proxy derives from it. This mirrors upstream's
// pkg/proxy/serviceport.go (BaseServicePortInfo) and servicechangetracker.

import type { Protocol, Service, ServicePort } from '../k8s/types.js';
import { flat, hash16Of } from './hash.js';
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
  const nsName = namespace + '/' + name;
  const type = serviceType(svc);
  // Empty lists (the common case) are one shared frozen array: these live as long as the port.
  const externalIPs = spec.externalIPs?.length ? ofFamily(spec.externalIPs, family) : NO_IPS;
  const ingress = type === 'LoadBalancer' ? svc.status?.loadBalancer?.ingress : undefined;
  const lbVIPs = ingress?.length
    ? ofFamily(ingress.filter((i) => i.ip && (i as { ipMode?: string }).ipMode !== 'Proxy').map((i) => i.ip!), family)
    : NO_IPS;
  let sourceRanges: Cidr[] = NO_CIDRS;
  for (const r of spec.loadBalancerSourceRanges ?? []) {
    const c = parseCidr(r.trim());
    if (c && c.family === family) {
      if (sourceRanges === NO_CIDRS) sourceRanges = [];
      sourceRanges.push(c);
    }
  }
  const internalPolicyLocal = spec.internalTrafficPolicy === 'Local';
  const clientIP = spec.sessionAffinity === 'ClientIP';
  const sticky = clientIP ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_CLIENTIP_TIMEOUT_SECONDS : 0;
  const accessibleBase = externalIPs.length > 0 || lbVIPs.length > 0;
  const ip = canonicalIP(clusterIP)!;
  // Text shared by every port's fingerprint.
  const common = '|' + externalIPs.join(',') + '|' + lbVIPs.join(',') + '|' + sourceRanges.map((c) => c.text).join(',')
    + '|' + internalPolicyLocal + '|' + sticky;
  const ports = spec.ports ?? [];
  const out = new Array<ServicePortInfo>(ports.length); // exact size: kept as long as the Service
  for (let pi = 0; pi < ports.length; pi++) {
    const sp = ports[pi]!;
    const protocol: Protocol = sp.protocol ?? 'TCP';
    const proto = PROTO_LOWER[protocol] ?? protocol.toLowerCase();
    const portName = sp.name ?? '';
    // Flat strings: these are read character by character when payloads are written.
    const nameString = flat(portNameString(nsName, portName));
    const nodePort = type === 'NodePort' || type === 'LoadBalancer' ? sp.nodePort ?? 0 : 0;
    // externalTrafficPolicy only means something for externally reachable services.
    const externalPolicyLocal = (nodePort !== 0 || accessibleBase) && spec.externalTrafficPolicy === 'Local';
    const healthCheckNodePort = type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local' ? spec.healthCheckNodePort ?? 0 : 0;
    const h = hash16Of(nameString, proto, '');
    const targetPort = targetPortOf(sp);
    out[pi] = {
      namespace, name, nsName, portName, protocol, proto, nameString, family,
      clusterIP: ip, port: sp.port, targetPort,
      nodePort, externalIPs, loadBalancerVIPs: lbVIPs, loadBalancerSourceRanges: sourceRanges, healthCheckNodePort,
      internalPolicyLocal, externalPolicyLocal, sessionAffinityClientIP: clientIP, stickyMaxAgeSeconds: sticky,
      clusterPolicyChain: flat('KUBE-SVC-' + h), localPolicyChain: flat('KUBE-SVL-' + h),
      externalChain: flat('KUBE-EXT-' + h), firewallChain: flat('KUBE-FW-' + h),
      // Flat: a rope of ~15 pieces would be retained as ~15 string objects per port.
      fingerprint: flat(ip + '|' + sp.port + '|' + protocol + '|' + nodePort + '|' + healthCheckNodePort + '|' + externalPolicyLocal + '|' + targetPort + common),
    };
  }
  return out;
}

const NO_IPS = Object.freeze([]) as unknown as string[];
const NO_CIDRS = Object.freeze([]) as unknown as Cidr[];

const PROTO_LOWER: Record<string, string> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

function ofFamily(ips: readonly string[], family: IPFamily): string[] {
  const out: string[] = [];
  for (const ip of ips) if (familyOf(ip) === family) out.push(canonicalIP(ip)!);
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
