// Shared builders for the network tests (not a test file itself).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EndpointSlice, KubeObject, Pod, Service, Node } from '../src/k8s/types.js';

export const DATA = fileURLToPath(new URL('../../test/data/network/', import.meta.url));

export function readData(name: string): string {
  return readFileSync(DATA + name, 'utf8');
}

export function loadList(name: string): { services: Service[]; slices: EndpointSlice[]; pods: Pod[]; nodes: Node[] } {
  const items = (JSON.parse(readData(name)) as { items: KubeObject[] }).items;
  return {
    services: items.filter((o) => o.kind === 'Service') as Service[],
    slices: items.filter((o) => o.kind === 'EndpointSlice') as EndpointSlice[],
    pods: items.filter((o) => o.kind === 'Pod') as Pod[],
    nodes: items.filter((o) => o.kind === 'Node') as Node[],
  };
}

export function clusterIPService(ns: string, name: string, ip: string, port: number, extra: Partial<NonNullable<Service['spec']>> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns },
    spec: { type: 'ClusterIP', clusterIP: ip, ports: [{ name: `p${port}`, port, protocol: 'TCP' }], ...extra } };
}

export function sliceFor(svc: Service, ips: string[], opts: { port?: number; portName?: string; protocol?: 'TCP' | 'UDP' | 'SCTP'; nodeName?: (i: number) => string | undefined; ready?: boolean; serving?: boolean; terminating?: boolean; name?: string } = {}): EndpointSlice {
  const sp = svc.spec!.ports![0]!;
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: opts.name ?? `${svc.metadata.name}-x`, namespace: svc.metadata.namespace, labels: { 'kubernetes.io/service-name': svc.metadata.name } },
    addressType: 'IPv4',
    endpoints: ips.map((ip, i) => {
      const nodeName = opts.nodeName?.(i);
      return { addresses: [ip], conditions: { ready: opts.ready ?? true, serving: opts.serving ?? true, terminating: opts.terminating ?? false }, ...(nodeName ? { nodeName } : {}) };
    }),
    ports: [{ name: opts.portName ?? sp.name ?? '', port: opts.port ?? sp.port, protocol: opts.protocol ?? sp.protocol ?? 'TCP' }],
  };
}

/** n consecutive IPv4 addresses starting at base ("10.0.0.1"). */
export function ipRange(base: string, n: number): string[] {
  const p = base.split('.').map(Number);
  let v = ((p[0]! << 24) >>> 0) + (p[1]! << 16) + (p[2]! << 8) + p[3]!;
  const out: string[] = [];
  for (let i = 0; i < n; i++, v++) out.push(`${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`);
  return out;
}
