// Service networking at scale: 10,000 Services x 15 endpoints (seeded, deterministic data).
//   1. EndpointSlices from scratch (controller sync, indexes already built)
//   2. full iptables-restore payload (kube-proxy state already holds the slices)
//   3. one endpoint moved -> partial sync: time and payload size relative to the full one
// Prints medians; run: node dist/bench/network-scale.js [services] [endpointsPerService] [runs]
// Steps 1 and 2 first do one warm-up run (JIT, inline caches), printed separately as the cold
// run, then take the median of `runs` (default 5) timed runs.

import type { EndpointSlice, Pod, Service } from '../src/k8s/types.js';
import { EndpointSliceController } from '../src/network/endpointslices/controller.js';
import { IptablesProxier } from '../src/network/iptables/proxier.js';

import { loadavg } from 'node:os';
import { timed } from '../src/bench/measure.js';
import { servicesWithPods } from '../src/bench/data.js';

const S = Number(process.argv[2] ?? 10_000);
const M = Number(process.argv[3] ?? 15);
const RUNS = Number(process.argv[4] ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fmt = (w: number[], c: number[]) => `median ${median(w).toFixed(1)} ms wall / ${median(c).toFixed(1)} ms CPU`;
const runs = (w: number[], c: number[]) => w.map((x, i) => `${x.toFixed(0)}/${c[i]!.toFixed(0)}`).join(' ');
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** The shared bench dataset (src/bench/data.ts): S Services x M ready pods, 50 namespaces, 500 nodes. */
const dataset = () => servicesWithPods(S, M);

function buildController(services: Service[], pods: Pod[]): EndpointSliceController {
  const c = new EndpointSliceController({ seed: 1, requireNodes: false });
  for (const s of services) c.upsertService(s);
  for (const p of pods) c.upsertPod(p);
  return c;
}

const data = dataset();
const services = data.services;
let pods: Pod[] = data.pods;
console.log(`dataset: ${S} services x ${M} endpoints = ${S * M} pods; node ${process.version}; load average ${load()}`);

// 1. slices from scratch
const sliceTimes: number[] = [], sliceCpu: number[] = [];
let slices: EndpointSlice[] = [];
let sliceCold = '';
for (let i = 0; i <= RUNS; i++) {
  const c = buildController(services, pods);
  const r = timed(() => c.sync());
  if (i === 0) sliceCold = `${r.wallMs.toFixed(1)} ms wall / ${r.cpuMs.toFixed(1)} ms CPU`;
  else { sliceTimes.push(r.wallMs); sliceCpu.push(r.cpuMs); }
  slices = c.allSlices();
}
const indexT = performance.now();
buildController(services, pods);
const indexMs = performance.now() - indexT;
pods = []; // kube-proxy holds Services and EndpointSlices only; let the pods go before timing it
data.pods = [];
console.log(`endpointslices from scratch: ${fmt(sliceTimes, sliceCpu)} over ${RUNS} runs after one warm-up [${runs(sliceTimes, sliceCpu)}]; cold first run ${sliceCold} (${slices.length} slices; building the pod/service indexes: ${indexMs.toFixed(1)} ms)`);

// 2. full iptables payload
// What a user waits for: a fresh proxier given every Service and EndpointSlice, then its first
// (full) sync: ingest, endpoint merge, chain hashing, rendering. The payload is taken as bytes
// (sync({ payload: 'buffer' }), what `kubescale proxy-rules` writes out); the resync below also
// reports the cost with a 47 MB string made of it. One warm-up proxier (printed as
// the cold run), then RUNS fresh proxiers, median.
const coldWall: number[] = [], coldCpu: number[] = [];
let proxier = new IptablesProxier({ nodeName: 'node-1', clusterCIDR: '10.0.0.0/8' });
let proxierCold = '';
for (let i = 0; i <= RUNS; i++) {
  proxier = new IptablesProxier({ nodeName: 'node-1', clusterCIDR: '10.0.0.0/8' });
  const p = proxier;
  const cold = timed(() => {
    for (const s of services) p.onServiceUpdate(s);
    for (const s of slices) p.onEndpointSliceUpdate(s);
    return p.sync({ payload: 'buffer' });
  });
  if (i === 0) proxierCold = `${cold.wallMs.toFixed(1)} ms wall / ${cold.cpuMs.toFixed(1)} ms CPU`;
  else { coldWall.push(cold.wallMs); coldCpu.push(cold.cpuMs); }
}
console.log(`first full sync of a fresh proxier (ingest, endpoint merge, chain hashing, all rules): ${fmt(coldWall, coldCpu)} over ${RUNS} fresh proxiers after one warm-up [${runs(coldWall, coldCpu)}]; cold first run ${proxierCold}`);
// Steady state: kube-proxy's periodic/forced full resync with its state already ingested.
const fullTimes: number[] = [], fullCpu: number[] = [];
let fullBytes = 0, fullNat = 0, clock = 10_000;
const strTimes: number[] = [], strCpu: number[] = [];
for (let i = 0; i < 10; i++) {
  proxier.forceFullSync();
  const asString = i % 2 === 1;
  const r = timed(() => proxier.sync({ nowMs: (clock += 1000), payload: asString ? 'string' : 'buffer' }));
  (asString ? strTimes : fullTimes).push(r.wallMs);
  (asString ? strCpu : fullCpu).push(r.cpuMs);
  fullBytes = r.value.bytes;
  fullNat = r.value.rules.nat;
}
console.log(`full iptables sync: ${fmt(fullTimes, fullCpu)} (bytes); ${fmt(strTimes, strCpu)} with the payload as a string; ${(fullBytes / 1e6).toFixed(1)} MB, nat rules ${fullNat}`);

// 3. one endpoint moved -> partial
const partTimes: number[] = [], partCpu: number[] = [];
let partBytes = 0;
for (let i = 0; i < 21; i++) {
  const victim = slices[(i * 7919) % slices.length]!;
  const moved: EndpointSlice = { ...victim, endpoints: victim.endpoints!.map((e, j) => (j === 0 ? { ...e, addresses: [`10.250.${i}.1`] } : e)) };
  proxier.onEndpointSliceUpdate(moved);
  // 60 s apart: a partial sync that also runs the large-cluster stale-chain cleanup (-X).
  const t = timed(() => proxier.sync({ nowMs: (clock += 60_000) }));
  const r = t.value;
  partTimes.push(t.wallMs);
  partCpu.push(t.cpuMs);
  if (r.kind !== 'partial') throw new Error('expected a partial sync');
  partBytes = r.bytes;
}
console.log(`one endpoint moved -> partial sync: ${fmt(partTimes, partCpu)}, payload ${(partBytes / 1e3).toFixed(0)} kB = ${((100 * partBytes) / fullBytes).toFixed(2)}% of full`);
console.log(`load average at the end: ${load()}`);
