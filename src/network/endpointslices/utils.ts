// Helpers of the EndpointSlice controller (upstream kubernetes/endpointslice utils.go and
// util/endpointslice_tracker, pod.go): pod -> endpoint, service ports -> endpoint ports,
// labels, ownership and the endpoint identity used to match desired against existing endpoints.

import type { Endpoint, EndpointPort, EndpointSlice, Node, Pod, Service } from '../../k8s/types.js';
import { familyOf, type IPFamily } from '../ip.js';
import { clusterIPsOf, isServiceIPSet } from '../service.js';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

export type AddressType = IPFamily;

/** upstream util.ShouldPodBeInEndpoints(pod, includeTerminating=true) */
export function shouldPodBeInEndpoints(pod: Pod): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') return false;
  return !!(pod.status?.podIP || pod.status?.podIPs?.length);
}

export function isPodReady(pod: Pod): boolean {
  const cs = pod.status?.conditions;
  if (!cs) return false;
  for (let i = 0; i < cs.length; i++) if (cs[i]!.type === 'Ready' && cs[i]!.status === 'True') return true;
  return false;
}

/** Ready condition's lastTransitionTime (the pod's trigger time), or undefined. */
export function podTriggerTime(pod: Pod): string | undefined {
  const cs = pod.status?.conditions;
  if (!cs) return undefined;
  for (let i = 0; i < cs.length; i++) if (cs[i]!.type === 'Ready') return (cs[i] as { lastTransitionTime?: string }).lastTransitionTime;
  return undefined;
}

/** upstream getAddressTypesForService */
export function addressTypesForService(svc: Service): AddressType[] {
  const fams = svc.spec?.ipFamilies;
  if (fams && fams.length) return [...new Set(fams)];
  const out = new Set<AddressType>();
  for (const ip of clusterIPsOf(svc)) {
    const f = ip === 'None' ? undefined : familyOf(ip);
    if (f) out.add(f);
  }
  if (out.size === 0) out.add('IPv4');
  return [...out];
}

/** The pod's IPs of one family (status.podIPs, else status.podIP), in order. */
function podIPsOf(pod: Pod, family: IPFamily): string[] {
  const list = pod.status?.podIPs;
  const out: string[] = [];
  if (list && list.length) {
    for (let i = 0; i < list.length; i++) {
      const ip = list[i]!.ip;
      if (familyOf(ip) === family) out.push(ip);
    }
  } else {
    const ip = pod.status?.podIP;
    if (ip && familyOf(ip) === family) out.push(ip);
  }
  return out;
}

/** upstream FindPort: a named targetPort resolves through the pod's container ports. */
export function findPort(pod: Pod, targetPort: number | string, protocol: string): number | undefined {
  if (typeof targetPort === 'number') return targetPort;
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === targetPort && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** upstream getEndpointPorts */
export function endpointPorts(svc: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const protocol = sp.protocol ?? 'TCP';
    let target = sp.targetPort ?? sp.port;
    if (typeof target === 'string' && /^\d+$/.test(target)) target = Number(target);
    if (target === 0) target = sp.port;
    const port = findPort(pod, target, protocol);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name ?? '', port, protocol };
    if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/** Identity of a port set (upstream PortMapKey, order-insensitive). */
export function portMapKey(ports: readonly EndpointPort[] | undefined): string {
  if (!ports || ports.length === 0) return '';
  const parts = ports.map((p) => `${p.name ?? ''}/${p.protocol ?? 'TCP'}/${p.port ?? ''}/${p.appProtocol ?? ''}`);
  parts.sort();
  return parts.join(',');
}

/** upstream podToEndpoint */
export function podToEndpoint(pod: Pod, node: Node | undefined, svc: Service, addressType: AddressType): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = !!svc.spec?.publishNotReadyAddresses || (serving && !terminating);
  const ep: Endpoint = {
    addresses: podIPsOf(pod, addressType),
    conditions: { ready, serving, terminating },
  };
  const hostname = pod.spec.hostname;
  if (hostname && pod.spec.subdomain === svc.metadata.name && (pod.metadata.namespace ?? 'default') === (svc.metadata.namespace ?? 'default')) {
    ep.hostname = hostname;
  }
  const uid = pod.metadata.uid;
  ep.targetRef = uid
    ? { kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, uid }
    : { kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name };
  if (pod.spec.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.[LABEL_TOPOLOGY_ZONE];
  if (zone) ep.zone = zone;
  return ep;
}

/** upstream hashEndpoint: sorted addresses, hostname, targetRef namespace/name. */
export function endpointKey(ep: Endpoint): string {
  const a = ep.addresses;
  const addrs = a.length === 1 ? a[0]! : a.length > 1 ? [...a].sort().join(',') : '';
  return `${addrs}|${ep.hostname ?? ''}|${ep.targetRef?.namespace ?? ''}/${ep.targetRef?.name ?? ''}`;
}

/** upstream EndpointsEqualBeyondHash */
export function endpointsEqualBeyondHash(a: Endpoint, b: Endpoint): boolean {
  if ((a.nodeName ?? null) !== (b.nodeName ?? null)) return false;
  if ((a.zone ?? null) !== (b.zone ?? null)) return false;
  const ca = a.conditions ?? {}, cb = b.conditions ?? {};
  if ((ca.ready ?? null) !== (cb.ready ?? null)) return false;
  if ((ca.serving ?? null) !== (cb.serving ?? null)) return false;
  if ((ca.terminating ?? null) !== (cb.terminating ?? null)) return false;
  if (JSON.stringify(a.hints ?? null) !== JSON.stringify(b.hints ?? null)) return false;
  const ta = a.targetRef, tb = b.targetRef;
  if (!ta || !tb) return !ta && !tb;
  return ta.kind === tb.kind && ta.namespace === tb.namespace && ta.name === tb.name && (ta.uid ?? '') === (tb.uid ?? '');
}

const RESERVED = new Set([LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS]);

/** upstream setEndpointSliceLabels: the labels a slice should carry, and whether the Service's own labels changed. */
export function endpointSliceLabels(slice: EndpointSlice | undefined, svc: Service): { labels: Record<string, string>; changed: boolean } {
  const epLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(slice?.metadata.labels ?? {})) if (!RESERVED.has(k)) epLabels[k] = v;
  const svcLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) if (!RESERVED.has(k)) svcLabels[k] = v;
  let changed = false;
  for (const [k, v] of Object.entries(epLabels)) if (svcLabels[k] !== v) { changed = true; break; }
  if (Object.keys(epLabels).length !== Object.keys(svcLabels).length) changed = true;
  if (!isServiceIPSet(svc)) svcLabels[LABEL_HEADLESS] = '';
  svcLabels[LABEL_SERVICE_NAME] = svc.metadata.name;
  svcLabels[LABEL_MANAGED_BY] = CONTROLLER_NAME;
  return { labels: svcLabels, changed };
}

/** upstream ownedBy: an ownerReference to this Service (by UID; missing UIDs compare equal). */
export function ownedBy(slice: EndpointSlice, svc: Service): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.kind === 'Service' && o.apiVersion === 'v1' && (o.uid ?? '') === (svc.metadata.uid ?? ''));
}

/** generateName prefix, truncated as the API server's name generator does (63 - 5 characters). */
export function generateNamePrefix(serviceName: string): string {
  const prefix = `${serviceName}-`;
  return prefix.length > 58 ? prefix.slice(0, 58) : prefix;
}

/** A new, unnamed slice for a Service (upstream newEndpointSlice). */
export function newEndpointSlice(svc: Service, ports: EndpointPort[], addressType: AddressType): EndpointSlice {
  const owner = { apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, ...(svc.metadata.uid ? { uid: svc.metadata.uid } : {}), controller: true, blockOwnerDeletion: true };
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: {
      name: '', generateName: generateNamePrefix(svc.metadata.name), namespace: svc.metadata.namespace ?? 'default',
      labels: endpointSliceLabels(undefined, svc).labels, ownerReferences: [owner],
    },
    addressType, endpoints: [], ports,
  };
}
