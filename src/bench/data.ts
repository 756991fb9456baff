// Seeded, deterministic datasets for the suites: scheduler_perf-style clusters, Services with their
// pods or EndpointSlices, route tables. Every generator is a pure function of its arguments.

import type { ClusterObjects, EndpointSlice, GenericObject, Pod, PodSpec, Service } from '../k8s/types.js';
import { emptyClusterObjects } from '../k8s/types.js';

export const ZONES = ['zone1', 'zone2', 'zone3'];

/** scheduler_perf's default node (4 cpu, 32Gi, 110 pods), spread over three zones. */
export function defaultNodes(count: number, c: ClusterObjects = emptyClusterObjects()): ClusterObjects {
  for (let i = 0; i < count; i++) {
    c.nodes.push({
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': ZONES[i % ZONES.length]! } },
      status: { capacity: { cpu: '4', memory: '32Gi', pods: '110' }, allocatable: { cpu: '4', memory: '32Gi', pods: '110' } },
    });
  }
  return c;
}

/** scheduler_perf's default pod template (100m / 500Mi); one spec object shared, as a controller's pods share it. */
export const DEFAULT_POD_SPEC: PodSpec = {
  containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } }],
};

/** `nodes` default nodes and `pods` pending default pods. */
export function basicCluster(nodes: number, pods: number): ClusterObjects {
  const c = defaultNodes(nodes);
  for (let i = 0; i < pods; i++) {
    c.pods.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace: 'sched-test', labels: { app: 'basic' } }, spec: DEFAULT_POD_SPEC, status: { phase: 'Pending' } });
  }
  return c;
}

const ip = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
const clusterIP = (s: number) => `172.${16 + (s >> 16)}.${(s >> 8) & 255}.${s & 255}`;

function service(s: number, withSelector: boolean): Service {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${s}`, namespace: `ns-${s % 50}`, uid: `u${s}` },
    spec: { clusterIP: clusterIP(s), ...(withSelector ? { selector: { app: `a${s}` } } : {}), ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
  };
}

/** S Services x M ready pods each (the EndpointSlice controller's input); one port, 50 namespaces, 500 nodes. */
export function servicesWithPods(S: number, M: number): { services: Service[]; pods: Pod[] } {
  const services: Service[] = [];
  const pods: Pod[] = [];
  for (let s = 0; s < S; s++) {
    services.push(service(s, true));
    for (let e = 0; e < M; e++) {
      const n = s * M + e + 1;
      pods.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${s}-${e}`, namespace: `ns-${s % 50}`, labels: { app: `a${s}` } },
        spec: { nodeName: `node-${n % 500}`, containers: [{ name: 'c' }] },
        status: { phase: 'Running', podIP: ip(n), podIPs: [{ ip: ip(n) }], conditions: [{ type: 'Ready', status: 'True' }] } });
    }
  }
  return { services, pods };
}

export function sliceOf(s: number, ips: string[]): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { name: `svc-${s}-x`, namespace: `ns-${s % 50}`, labels: { 'kubernetes.io/service-name': `svc-${s}` } },
    endpoints: ips.map((a, k) => ({ addresses: [a], nodeName: `node-${k % 500}`, conditions: { ready: true } })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] };
}

export function endpointIPs(s: number, M: number): string[] {
  return Array.from({ length: M }, (_, e) => ip(s * M + e + 1));
}

/** S Services with one M-endpoint slice each (kube-proxy's input). */
export function servicesWithSlices(S: number, M: number): { services: Service[]; slices: EndpointSlice[] } {
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let s = 0; s < S; s++) {
    services.push(service(s, false));
    slices.push(sliceOf(s, endpointIPs(s, M)));
  }
  return { services, slices };
}

/** Round `r`'s endpoint move: service (r * 7919) mod S gets one endpoint at a fresh IP. */
export function movedEndpointSlice(r: number, S: number, M: number): { service: number; slice: EndpointSlice } {
  const s = (r * 7919) % S;
  const ips = endpointIPs(s, M);
  ips[r % M] = `11.${(r >> 16) & 255}.${(r >> 8) & 255}.${r & 255}`;
  return { service: s, slice: sliceOf(s, ips) };
}

/** A route table: HTTPRoutes with 8 rules per hostname (80 %) plus Ingress paths; 10 % wildcard hosts. */
export function routeObjects(routes: number): { ingresses: GenericObject[]; httpRoutes: GenericObject[]; gateways: GenericObject[]; hosts: number; ingressPaths: number } {
  const hosts = Math.max(1, Math.floor((routes * 0.8) / 8));
  const httpRoutes: GenericObject[] = [];
  for (let h = 0; h < hosts; h++) {
    const rules = [];
    for (let r = 0; r < 8; r++) {
      const match: Record<string, unknown> = { path: { type: r === 0 ? 'Exact' : 'PathPrefix', value: `/api/v${r}/items${r % 3 ? '/' + r : ''}` } };
      if (r % 4 === 1) match.method = 'GET';
      if (r % 4 === 2) match.headers = [{ name: 'x-tenant', value: `t${r}` }];
      rules.push({ matches: [match], backendRefs: [{ name: `svc-${h}-${r}`, port: 80 }] });
    }
    httpRoutes.push({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: `r${h}`, namespace: `ns${h % 20}`, creationTimestamp: '2024-01-01T00:00:00Z' },
      spec: { parentRefs: [{ name: 'gw', namespace: 'default' }], hostnames: [h % 10 === 0 ? `*.w${h}.example.com` : `h${h}.example.com`], rules } });
  }
  const ingressPaths = routes - hosts * 8;
  const ingresses: GenericObject[] = [];
  for (let i = 0; i < ingressPaths; i += 10) {
    ingresses.push({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: `ing${i}`, namespace: 'web' },
      spec: { rules: [{ host: `i${i / 10}.shop.com`, http: { paths: Array.from({ length: Math.min(10, ingressPaths - i) }, (_, k) => ({ path: `/p${k}`, pathType: k % 2 ? 'Exact' : 'Prefix', backend: { service: { name: `isvc${k}`, port: { number: 80 } } } })) } }] } });
  }
  const gateways: GenericObject[] = [{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'default' },
    spec: { gatewayClassName: 'x', listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }] } }];
  return { ingresses, httpRoutes, gateways, hosts, ingressPaths };
}
