// kube-proxy nftables mode at scale: 10,000 Services x 15 endpoints (seeded, deterministic).
//   1. full sync (first transaction: setup + every service)
//   2. one endpoint changed (informer event + partial sync): wall and CPU time, transaction size
//   3. the cleanup sync a moment later (stale endpoint chain deleted)
// Prints medians; run: node dist/bench/network-nft.js [services] [endpointsPerService] [rounds]

import type { EndpointSlice, Service } from '../src/k8s/types.js';
import { NftablesProxier } from '../src/network/nftables/proxier.js';
import { timed } from '../src/bench/measure.js';

const S = Number(process.argv[2] ?? 10_000);
const M = Number(process.argv[3] ?? 15);
const ROUNDS = Number(process.argv[4] ?? 201);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ip = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

export function nftDataset(s: number, m: number): { services: Service[]; slices: EndpointSlice[] } {
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < s; i++) {
    const ns = `ns-${i % 50}`;
    services.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}`, namespace: ns },
      spec: { clusterIP: `172.${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } });
    slices.push(sliceOf(ns, `svc-${i}`, Array.from({ length: m }, (_, e) => ip(i * m + e + 1))));
  }
  return { services, slices };
}

function sliceOf(ns: string, svc: string, ips: string[]): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { name: `${svc}-x`, namespace: ns, labels: { 'kubernetes.io/service-name': svc } },
    endpoints: ips.map((a, k) => ({ addresses: [a], nodeName: `node-${k % 500}`, conditions: { ready: true } })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] };
}

const { services, slices } = nftDataset(S, M);
console.log(`dataset: ${S} services x ${M} endpoints; node ${process.version}; ${ROUNDS} rounds`);
const p = new NftablesProxier({ nodeName: 'node-0', nodeIPs: ['192.168.0.2'], clusterCIDR: '10.0.0.0/8', serviceCIDRs: ['172.16.0.0/12'] });
for (const s of services) p.onServiceUpdate(s);
for (const s of slices) p.onEndpointSliceUpdate(s);
const full = timed(() => p.sync());
console.log(`full sync: ${full.wallMs.toFixed(0)} ms wall / ${full.cpuMs.toFixed(0)} ms CPU, ${(full.value.bytes / 1e6).toFixed(1)} MB, ${full.value.rules} rules`);

let sink = 0;
const wall: number[] = [], cpu: number[] = [], bytes: number[] = [], cleanWall: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const i = (r * 7919) % S;
  const ns = `ns-${i % 50}`;
  // One endpoint of service i moves to a fresh IP (a pod replaced).
  const ips = Array.from({ length: M }, (_, e) => ip(i * M + e + 1));
  ips[r % M] = `11.${(r >> 16) & 255}.${(r >> 8) & 255}.${r & 255}`;
  const next = sliceOf(ns, `svc-${i}`, ips);
  const t = timed(() => { p.onEndpointSliceUpdate(next); return p.sync(); });
  wall.push(t.wallMs); cpu.push(t.cpuMs); bytes.push(t.value.bytes);
  sink += t.value.payload.length;
  const c = timed(() => p.sync()); // a second later: the cleanup transaction
  cleanWall.push(c.wallMs);
  sink += c.value.cleanup.length;
}
console.log(`one endpoint change -> partial sync: median ${median(wall).toFixed(3)} ms wall / ${median(cpu).toFixed(3)} ms CPU (p90 ${pct(wall, 0.9).toFixed(3)} ms wall), transaction ${median(bytes)} bytes (${(median(bytes) / full.value.bytes * 100).toFixed(4)}% of full)`);
console.log(`cleanup sync (stale chain deleted): median ${median(cleanWall).toFixed(3)} ms wall`);
console.log(`sink ${sink}`);
