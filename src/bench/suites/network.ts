// network: Service networking at 1k/5k/10k/30k Services x 15 endpoints (--quick: 1k, 5k).
// Per size, three cases: EndpointSlices from scratch (controller sync), kube-proxy iptables mode
// (first full sync of a fresh proxier, forced full resync, partial sync after one endpoint move) and
// nftables mode (full transaction, incremental update after one endpoint move). Seeded data.

import type { EndpointSlice, Service } from '../../k8s/types.js';
import { EndpointSliceController } from '../../network/endpointslices/controller.js';
import { IptablesProxier } from '../../network/iptables/proxier.js';
import { NftablesProxier } from '../../network/nftables/proxier.js';
import { movedEndpointSlice, servicesWithPods, servicesWithSlices } from '../data.js';
import { fitOf } from '../fit.js';
import { checksumOf, median, percentile, repeat, timed } from '../measure.js';
import type { BenchContext, CaseDef, CaseResult, FitResult, SuiteDef } from '../types.js';

export const ENDPOINTS_PER_SERVICE = 15;

export function networkSizes(quick: boolean): number[] {
  return quick ? [1000, 5000] : [1000, 5000, 10000, 30000];
}

const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));

function slicesCase(S: number, M: number, runs: number): CaseDef {
  return {
    name: `${k(S)} services: EndpointSlices from scratch`,
    run(ctx: BenchContext): CaseResult {
      const dataset = `${S} Services x ${M} ready pods (one port, 50 namespaces, 500 nodes), seed-free deterministic names`;
      ctx.log(`network: ${dataset}`);
      const { services, pods } = servicesWithPods(S, M);
      const build = () => {
        const c = new EndpointSliceController({ seed: 1, requireNodes: false });
        for (const s of services) c.upsertService(s);
        for (const p of pods) c.upsertPod(p);
        return c;
      };
      const index = timed(build);
      const r = repeat({ runs }, build, (c) => {
        c.sync();
        return c;
      });
      const slices = r.last.allSlices();
      let endpoints = 0;
      for (const s of slices) endpoints += s.endpoints?.length ?? 0;
      return {
        suite: 'network', name: this.name, dataset, params: { services: S, endpointsPerService: M, step: 'endpointslices', runs },
        metrics: { medianMs: r.medianWallMs, medianCpuMs: r.medianCpuMs, indexBuildMs: index.wallMs, sliceCount: slices.length, totalEndpoints: endpoints, perServiceUs: (r.medianWallMs * 1000) / S },
        checksum: checksumOf(slices.map((s) => s.metadata.name).join(',')), samples: { medianMs: r.wallMs },
      };
    },
  };
}

function iptablesCase(S: number, M: number, runs: number, data: () => { services: Service[]; slices: EndpointSlice[] }): CaseDef {
  return {
    name: `${k(S)} services: iptables full + partial sync`,
    run(ctx: BenchContext): CaseResult[] {
      const { services, slices } = data();
      const dataset = `${S} Services x ${M} endpoints (one EndpointSlice each), node-1, clusterCIDR 10.0.0.0/8`;
      ctx.log(`network: ${dataset}`);
      const fresh = () => new IptablesProxier({ nodeName: 'node-1', clusterCIDR: '10.0.0.0/8' });
      const cold = repeat({ runs }, fresh, (p) => {
        for (const s of services) p.onServiceUpdate(s);
        for (const s of slices) p.onEndpointSliceUpdate(s);
        p.sync({ nowMs: 0 });
        return p;
      });
      const proxier = cold.last;
      let clock = 10_000;
      const full = repeat({ runs: Math.max(runs, 3) }, () => proxier.forceFullSync(), () => proxier.sync({ nowMs: (clock += 1000) }));
      const fullBytes = full.last.bytes;
      const partWall: number[] = [];
      const partBytes: number[] = [];
      const rounds = ctx.quick ? 11 : 21;
      for (let r = 0; r < rounds; r++) {
        proxier.onEndpointSliceUpdate(movedEndpointSlice(r, S, M).slice);
        const t = timed(() => proxier.sync({ nowMs: (clock += 60_000) }));
        if (t.value.kind !== 'partial') throw new Error(`round ${r}: expected a partial sync, got ${t.value.kind}`);
        partWall.push(t.wallMs);
        partBytes.push(t.value.bytes);
      }
      const params = { services: S, endpointsPerService: M, mode: 'iptables' };
      return [
        { suite: 'network', name: `${k(S)} services: iptables first full sync (fresh proxier)`, dataset, params: { ...params, step: 'iptables-cold', runs },
          metrics: { medianMs: cold.medianWallMs, medianCpuMs: cold.medianCpuMs } },
        { suite: 'network', name: `${k(S)} services: iptables full resync`, dataset, params: { ...params, step: 'iptables-full', runs: full.wallMs.length },
          metrics: { medianMs: full.medianWallMs, medianCpuMs: full.medianCpuMs, payloadBytes: fullBytes, natRules: full.last.rules.nat },
          checksum: checksumOf(full.last.payload) },
        { suite: 'network', name: `${k(S)} services: iptables partial sync (one endpoint moved)`, dataset, params: { ...params, step: 'iptables-partial', runs: rounds },
          samples: { medianMs: partWall },
          metrics: { medianMs: median(partWall), p90Ms: percentile(partWall, 90), payloadBytes: median(partBytes), fullSharePct: (100 * median(partBytes)) / fullBytes } },
      ];
    },
  };
}

function nftCase(S: number, M: number, runs: number, data: () => { services: Service[]; slices: EndpointSlice[] }): CaseDef {
  return {
    name: `${k(S)} services: nftables full + incremental`,
    run(ctx: BenchContext): CaseResult[] {
      const { services, slices } = data();
      const dataset = `${S} Services x ${M} endpoints (one EndpointSlice each), node-0, serviceCIDR 172.16.0.0/12`;
      ctx.log(`network: ${dataset}`);
      const fresh = () => new NftablesProxier({ nodeName: 'node-0', nodeIPs: ['192.168.0.2'], clusterCIDR: '10.0.0.0/8', serviceCIDRs: ['172.16.0.0/12'] });
      const full = repeat({ runs }, () => {
        const p = fresh();
        for (const s of services) p.onServiceUpdate(s);
        for (const s of slices) p.onEndpointSliceUpdate(s);
        return p;
      }, (p) => ({ p, r: p.sync() }));
      const { p, r: fullResult } = full.last;
      const wall: number[] = [];
      const bytes: number[] = [];
      const rounds = ctx.quick ? 51 : 201;
      for (let r = 0; r < rounds; r++) {
        const next = movedEndpointSlice(r, S, M).slice;
        const t = timed(() => {
          p.onEndpointSliceUpdate(next);
          return p.sync();
        });
        wall.push(t.wallMs);
        bytes.push(t.value.bytes);
        p.sync(); // the cleanup transaction a moment later, not timed
      }
      const params = { services: S, endpointsPerService: M, mode: 'nftables' };
      return [
        { suite: 'network', name: `${k(S)} services: nftables full sync`, dataset, params: { ...params, step: 'nft-full', runs },
          metrics: { medianMs: full.medianWallMs, medianCpuMs: full.medianCpuMs, payloadBytes: fullResult.bytes, nftRules: fullResult.rules },
          checksum: checksumOf(fullResult.payload) },
        { suite: 'network', name: `${k(S)} services: nftables incremental (one endpoint moved)`, dataset, params: { ...params, step: 'nft-partial', runs: rounds },
          samples: { medianMs: wall },
          metrics: { medianMs: median(wall), p90Ms: percentile(wall, 90), payloadBytes: median(bytes), fullSharePct: (100 * median(bytes)) / fullResult.bytes } },
      ];
    },
  };
}

export const networkSuite: SuiteDef = {
  name: 'network',
  description: 'EndpointSlices, iptables full/partial and nftables full/incremental syncs at 1k-30k Services x 15 endpoints',
  plan(ctx) {
    const runs = ctx.quick ? 1 : 3;
    const cases: CaseDef[] = [];
    for (const S of networkSizes(ctx.quick)) {
      // kube-proxy's input, built once per size for the two proxier cases, dropped after them.
      let cache: { services: Service[]; slices: EndpointSlice[] } | undefined;
      const data = () => (cache ??= servicesWithSlices(S, ENDPOINTS_PER_SERVICE));
      cases.push(slicesCase(S, ENDPOINTS_PER_SERVICE, runs));
      cases.push(iptablesCase(S, ENDPOINTS_PER_SERVICE, S >= 30000 ? 1 : runs, data));
      const nft = nftCase(S, ENDPOINTS_PER_SERVICE, S >= 30000 ? 1 : runs, data);
      cases.push({ name: nft.name, run: (c) => { try { return nft.run(c); } finally { cache = undefined; } } });
    }
    return cases;
  },
  fits(cases) {
    const steps: [string, string][] = [['endpointslices', 'EndpointSlices from scratch'], ['iptables-full', 'iptables full resync'], ['nft-full', 'nftables full sync'], ['iptables-partial', 'iptables partial sync']];
    return steps.map(([step, label]) => fitOf('network', `${label} vs services`, 'services', 'medianMs',
      cases.filter((c) => c.params.step === step).map((c) => ({ x: Number(c.params.services), y: c.metrics.medianMs! })))).filter((f): f is FitResult => f !== null);
  },
};
