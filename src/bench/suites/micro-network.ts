// micro (network kernels): EndpointSlice reconcile after one pod change, iptables and nftables rule
// rendering (forced full resync of 1,000 Services), route matching on a 10,000-entry table.

import type { Pod } from '../../k8s/types.js';
import { EndpointSliceController } from '../../network/endpointslices/controller.js';
import { IptablesProxier } from '../../network/iptables/proxier.js';
import { NftablesProxier } from '../../network/nftables/proxier.js';
import { Router } from '../../network/routes/router.js';
import { parseRequest, type Request } from '../../network/routes/table.js';
import { createRng } from '../../model/rng.js';
import { routeObjects, servicesWithPods, servicesWithSlices } from '../data.js';
import type { MicroKernel } from './micro.js';

export const MICRO_SERVICES = 1000;
export const MICRO_ENDPOINTS = 15;
export const MICRO_ROUTES = 10_000;
export const MICRO_REQUESTS = 4096;

export function reconcileKernel(): MicroKernel {
  const { services, pods } = servicesWithPods(MICRO_SERVICES, MICRO_ENDPOINTS);
  const c = new EndpointSliceController({ seed: 1, requireNodes: false });
  for (const s of services) c.upsertService(s);
  for (const p of pods) c.upsertPod(p);
  c.sync();
  // Each call flips one pod's readiness (a different pod each time) and reconciles its Service.
  let i = 0;
  const flipped = new Map<number, Pod>();
  return {
    name: 'EndpointSlice reconcile (one pod readiness change)',
    dataset: `${MICRO_SERVICES} Services x ${MICRO_ENDPOINTS} ready pods, slices in place; each call flips one pod's Ready condition`,
    items: 1,
    fn: () => {
      const k = (i = (i * 7 + 13) % pods.length);
      const base = pods[k]!;
      const ready = flipped.has(k);
      const next: Pod = ready ? base : { ...base, status: { ...base.status, conditions: [{ type: 'Ready', status: 'False' }] } };
      if (ready) flipped.delete(k);
      else flipped.set(k, next);
      c.upsertPod(next);
      return c.sync().length;
    },
  };
}

export function renderKernels(): MicroKernel[] {
  const { services, slices } = servicesWithSlices(MICRO_SERVICES, MICRO_ENDPOINTS);
  const ipt = new IptablesProxier({ nodeName: 'node-1', clusterCIDR: '10.0.0.0/8' });
  const nft = new NftablesProxier({ nodeName: 'node-0', nodeIPs: ['192.168.0.2'], clusterCIDR: '10.0.0.0/8', serviceCIDRs: ['172.16.0.0/12'] });
  for (const p of [ipt, nft]) {
    for (const s of services) p.onServiceUpdate(s);
    for (const s of slices) p.onEndpointSliceUpdate(s);
  }
  const first = ipt.sync({ nowMs: 0 });
  const nftFirst = nft.sync();
  let clock = 1000;
  const dataset = `${MICRO_SERVICES} Services x ${MICRO_ENDPOINTS} endpoints ingested; forced full resync`;
  return [
    { name: 'iptables rule rendering (full resync)', dataset: `${dataset}: ${(first.bytes / 1e6).toFixed(2)} MB, ${first.rules.nat} nat rules`, items: MICRO_SERVICES, fn: () => {
      ipt.forceFullSync();
      return ipt.sync({ nowMs: (clock += 1000) }).bytes;
    } },
    { name: 'nftables rule rendering (full resync)', dataset: `${dataset}: ${(nftFirst.bytes / 1e6).toFixed(2)} MB, ${nftFirst.rules} rules`, items: MICRO_SERVICES, fn: () => {
      nft.forceFullSync();
      return nft.sync().bytes;
    } },
  ];
}

export function routeKernel(): MicroKernel {
  const o = routeObjects(MICRO_ROUTES);
  const router = new Router(o);
  const rng = createRng(42);
  const reqs: Request[] = [];
  for (let i = 0; i < MICRO_REQUESTS; i++) {
    const kind = rng.int(10);
    const h = rng.int(o.hosts);
    const r = rng.int(8);
    let url: string;
    if (kind < 6) url = `http://${h % 10 === 0 ? `a.w${h}` : `h${h}`}.example.com/api/v${r}/items${r % 3 ? '/' + r : ''}${r === 0 ? '' : '/x'}`;
    else if (kind < 8) url = `http://i${rng.int(Math.max(1, Math.floor(o.ingressPaths / 10)))}.shop.com/p${rng.int(10)}/sub`;
    else url = `http://h${h}.example.com/nothing/here`;
    reqs.push(parseRequest(`${rng.int(3) ? 'GET' : 'POST'} ${url}`, rng.int(2) ? [`x-tenant: t${rng.int(8)}`] : []));
  }
  let hits = 0;
  for (const q of reqs) if (router.match(q)) hits++;
  return {
    name: `route matching (${MICRO_REQUESTS} requests per call)`,
    dataset: `${router.size}-entry table (${o.httpRoutes.length} HTTPRoutes x 8 rules, ${o.ingressPaths} Ingress paths); ${MICRO_REQUESTS} seeded requests, ${Math.round((hits / MICRO_REQUESTS) * 100)} % routed`,
    items: MICRO_REQUESTS,
    checksum: String(hits),
    fn: () => {
      let n = 0;
      for (let i = 0; i < reqs.length; i++) if (router.match(reqs[i]!)) n++;
      return n;
    },
  };
}
