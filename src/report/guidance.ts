// The large-cluster guidance of ../../shared/spec/scale-guidance.md as data, and the placement of a
// results set against it: for each limit the largest size actually run, the cost measured there and
// whether it stays inside the envelope; upstream kube-scheduler thresholds beside our throughput;
// our network figures beside the published kube-proxy ones.

import type { BenchCase, Results, RunResult } from './schema.js';
import { fmtFigure, fmtNum } from './format.js';

export type LimitKey = 'nodes' | 'pods' | 'podsPerNode' | 'containers' | 'services' | 'endpointsPerService';

/** kubernetes.io "Considerations for large clusters" + SIG Scalability thresholds (per cluster). */
export const ENVELOPE: readonly { key: LimitKey; quantity: string; limit: number; note?: string }[] = [
  { key: 'nodes', quantity: 'nodes', limit: 5000 },
  { key: 'pods', quantity: 'pods', limit: 150_000 },
  { key: 'podsPerNode', quantity: 'pods per node', limit: 110, note: 'SIG threshold min(110, 10 x cores)' },
  { key: 'containers', quantity: 'containers', limit: 300_000 },
  { key: 'services', quantity: 'services', limit: 10_000, note: '5,000 per namespace' },
  { key: 'endpointsPerService', quantity: 'endpoints per service', limit: 250 },
];

/** sig-scalability/configs-and-limits/thresholds.md (null: no limit at that scope). */
export const SIG_THRESHOLDS: readonly { quantity: string; perNamespace: number | string | null; perCluster: number | string | null }[] = [
  { quantity: 'nodes', perNamespace: null, perCluster: 5000 },
  { quantity: 'namespaces', perNamespace: null, perCluster: 10_000 },
  { quantity: 'pods', perNamespace: 3000, perCluster: 150_000 },
  { quantity: 'pods per node', perNamespace: 'min(110, 10 x cores)', perCluster: 'min(110, 10 x cores)' },
  { quantity: 'services', perNamespace: 5000, perCluster: 10_000 },
  { quantity: 'endpoints per service', perNamespace: 250, perCluster: null },
  { quantity: 'deployments', perNamespace: 2000, perCluster: null },
];

/** SLOs (sig-scalability/slos), all assuming churn <= 20 changes/s. */
export const SLOS: readonly { slo: string; target: string }[] = [
  { slo: 'stateless pod startup p99', target: '<= 5 s' },
  { slo: 'mutating API calls p99', target: '<= 1 s' },
  { slo: 'network programming latency p99', target: 'defined, no published number' },
];

/** scheduler_perf SchedulingThroughput Average thresholds (pods/s, real kube-scheduler with API server). */
export const UPSTREAM_THRESHOLDS: readonly { testCase: string; params: Record<string, number>; size: string; threshold: number }[] = [
  { testCase: 'SchedulingBasic', params: { initNodes: 5000, initPods: 1000, measurePods: 10000 }, size: '5000/1000/10000', threshold: 680 },
  { testCase: 'SchedulingBasic', params: { initNodes: 5000, initPods: 5000, measurePods: 50000 }, size: '5000/5000/50000', threshold: 810 },
  { testCase: 'SchedulingPodAntiAffinity', params: { initNodes: 5000, initPods: 1000, measurePods: 2000 }, size: '5000/1000/2000', threshold: 60 },
  { testCase: 'SchedulingPodAffinity', params: { initNodes: 5000, initPods: 5000, measurePods: 5000 }, size: '5000/5000/5000', threshold: 35 },
  { testCase: 'SchedulingPreferredPodAffinity', params: { initNodes: 5000, initPods: 5000, measurePods: 5000 }, size: '5000/5000/5000', threshold: 90 },
  { testCase: 'SchedulingPreferredPodAntiAffinity', params: { initNodes: 5000, initPods: 5000, measurePods: 5000 }, size: '5000/5000/5000', threshold: 90 },
  { testCase: 'SchedulingNodeAffinity', params: { initNodes: 5000, initPods: 5000, measurePods: 10000 }, size: '5000/5000/10000', threshold: 220 },
  { testCase: 'TopologySpreading', params: { initNodes: 5000, initPods: 5000, measurePods: 5000 }, size: '5000/5000/5000', threshold: 460 },
  { testCase: 'PreferredTopologySpreading', params: { initNodes: 5000, initPods: 5000, measurePods: 5000 }, size: '5000/5000/5000', threshold: 340 },
  { testCase: 'DefaultTopologySpreading', params: { initNodes: 5000, initPods: 5000, measurePods: 50000 }, size: '5000/5000/50000', threshold: 160 },
  { testCase: 'MixedSchedulingBasePod', params: { initNodes: 5000, initPods: 2000, measurePods: 5000 }, size: '5000/2000 each of 5 kinds/5000', threshold: 140 },
  { testCase: 'PreemptionAsync', params: { initNodes: 5000, initPods: 20000, measurePods: 5000 }, size: '5000/20000/5000', threshold: 570 },
  { testCase: 'Unschedulable', params: { initNodes: 5000, initPods: 100, measurePods: 10000 }, size: '5000/100/10000', threshold: 590 },
  { testCase: 'SchedulingWithMixedChurn', params: { initNodes: 5000, measurePods: 10000 }, size: '5000/-/10000', threshold: 710 },
  { testCase: 'SchedulingWithNodeInclusionPolicy', params: { normalNodes: 4000, taintNodes: 1000, measurePods: 4000 }, size: '4000 + 1000 tainted/-/4000', threshold: 270 },
  { testCase: 'SchedulingDaemonset', params: { initNodes: 15000, measurePods: 30000 }, size: '15000/-/30000', threshold: 1100 },
];

/** Other published scheduler figures, for context. */
export const PUBLISHED_SCHEDULER: readonly string[] = [
  'SchedulingBasic at 5,000 nodes: about 500 pods/s average on a 36-core machine (2023); about 1,150 pods/s in 2024 local runs',
  'KWOK with 30,000 nodes: about 300 pods/s',
  "ClusterLoader2's density test requires 90 pods/s at 500+ nodes",
];

/**
 * Which figure of a bench case answers a published network figure: a figure named for it
 * (fullSyncMs, partialSyncMs, applyMs/restoreMs, endpointChangeBytes), or the bench suites'
 * step-tagged cases (params.step iptables-full / iptables-partial with medianMs; the kernel suite's
 * kernelFullWallMs). Published kube-proxy figures are iptables mode: other modes never answer them.
 */
type FigureMatcher = (c: BenchCase) => string | undefined;

const named = (re: RegExp): FigureMatcher => (c) => Object.keys(c.figures).find((f) => re.test(f));
const step = (s: string, figure: string): FigureMatcher => (c) => (c.params.step === s && figure in c.figures ? figure : undefined);
const either = (...ms: FigureMatcher[]): FigureMatcher => (c) => {
  if (typeof c.params.mode === 'string' && c.params.mode !== 'iptables') return undefined;
  for (const m of ms) {
    const f = m(c);
    if (f !== undefined) return f;
  }
  return undefined;
};

/** Published kube-proxy / EndpointSlice figures, each with the matcher of ours that answers it. */
export const NETWORK_REFERENCE: readonly { id: string; what: string; published: string; ours: FigureMatcher | null; suites: readonly string[] }[] = [
  { id: 'full-sync', what: 'one full kube-proxy iptables sync (3,595 services, ~212,000 endpoints, 578,470 nat rules)', published: '17.5 s',
    ours: either(named(/^fullSync\w*Ms$/), step('iptables-full', 'medianMs')), suites: ['network'] },
  { id: 'restore', what: 'iptables-restore of that ruleset (real kernel)', published: '10.5 s',
    ours: either(named(/^(apply|restore)\w*Ms$/), named(/^kernelFullWallMs$/)), suites: ['kernel'] },
  { id: 'partial-sync', what: 'one sync with partial syncs (minimised iptables-restore input)', published: '2.8 s',
    ours: either(named(/^partialSync\w*Ms$/), step('iptables-partial', 'medianMs')), suites: ['network'] },
  { id: 'programming-latency', what: 'network programming latency p50, 5,000-node test', published: '~27 s -> ~13 s (partial syncs) -> ~5 s (minSyncPeriod 1 s)', ours: null, suites: [] },
  { id: 'first-packet', what: 'first-packet latency p50', published: 'iptables 0.05 ms at 5,000 services, 0.27 ms at 30,000; nftables flat ~0.012 ms', ours: null, suites: [] },
  { id: 'slice-bytes', what: 'bytes moved by one endpoint change (20,000 endpoints, 5,000 nodes)', published: '~10 GB with one Endpoints object vs ~50 MB with 100-endpoint slices',
    ours: either(named(/^endpointChange\w*Bytes$/)), suites: ['network', 'scale'] },
];

// ---------------------------------------------------------------------------------------------

type Sizes = Partial<Record<LimitKey, number>>;

export interface Observation {
  /** "run SchedulingBasic/5000Nodes_10000Pods", "bench network/iptables-10k". */
  source: string;
  /** A workload run labelled `short` (integration size, not a measurement of scale). */
  short?: boolean;
  sizes: Sizes;
  /** The headline cost measured at that size, formatted ("1,523 pods/s"); null when none. */
  cost: string | null;
}

function sumMatching(params: Record<string, unknown>, re: RegExp): number | undefined {
  let sum: number | undefined;
  for (const [k, v] of Object.entries(params)) if (re.test(k) && typeof v === 'number') sum = (sum ?? 0) + v;
  return sum;
}

function runSizes(r: RunResult): Sizes {
  if (r.cluster) {
    const c = r.cluster;
    const s: Sizes = { nodes: c.nodes, pods: c.pods, containers: c.containers, podsPerNode: c.maxPodsPerNode };
    if (c.services > 0) s.services = c.services;
    return s;
  }
  // Older results: sizes from the workload's parameters (bundled templates: one container per pod).
  const nodes = sumMatching(r.params, /^(init|normal|taint)?nodes$/i);
  const pods = sumMatching(r.params, /^(init|measure)?pods$/i);
  const s: Sizes = {};
  if (nodes !== undefined) s.nodes = nodes;
  if (pods !== undefined) s.pods = s.containers = pods;
  return s;
}

function caseSizes(c: BenchCase): Sizes {
  if (c.run) return runSizes(c.run);
  const p = c.params;
  const num = (k: string) => (typeof p[k] === 'number' ? (p[k] as number) : undefined);
  const s: Sizes = {};
  const nodes = num('nodes') ?? sumMatching(p, /^(init|normal|taint)nodes$/i);
  const pods = num('pods') ?? sumMatching(p, /^(init|measure)pods$/i);
  if (nodes !== undefined) s.nodes = nodes;
  if (pods !== undefined) {
    s.pods = pods;
    s.containers = num('containers') ?? pods * (num('containersPerPod') ?? 1);
  }
  const ppn = num('podsPerNode') ?? (nodes && pods !== undefined ? Math.ceil(pods / nodes) : undefined);
  if (ppn !== undefined) s.podsPerNode = ppn;
  const services = num('services');
  if (services !== undefined) s.services = services;
  const eps = num('endpointsPerService') ?? (services && num('endpoints') !== undefined ? Math.ceil(num('endpoints')! / services) : undefined);
  if (eps !== undefined) s.endpointsPerService = eps;
  return s;
}

export function primaryFigure(c: BenchCase): string | undefined {
  return c.primary ?? Object.keys(c.figures)[0];
}

function isShort(r: RunResult): boolean {
  return r.labels?.includes('short') === true;
}

function runCost(r: RunResult): string {
  return `${fmtNum(r.metrics.SchedulingThroughput.Average)} pods/s`;
}

/** Every run, scheduling case and bench case with its sizes and headline cost. */
export function observations(results: Results): Observation[] {
  const out: Observation[] = [];
  for (const r of results.runs) out.push({ source: `run ${r.testCase}/${r.workload}`, sizes: runSizes(r), cost: runCost(r), ...(isShort(r) ? { short: true } : {}) });
  for (const s of results.bench) {
    for (const c of s.cases) {
      if (c.status === 'skipped' || c.status === 'errored') continue;
      const f = primaryFigure(c);
      const cost = c.run ? runCost(c.run) : f !== undefined ? fmtFigure(f, c.figures[f]!) : null;
      out.push({ source: `bench ${s.suite}/${c.name}`, sizes: caseSizes(c), cost, ...(c.run && isShort(c.run) ? { short: true } : {}) });
    }
  }
  for (const cmp of results.compare) {
    for (const p of cmp.profiles) {
      if (!p.run) continue;
      out.push({ source: `compare ${cmp.testCase}/${cmp.workload} ${p.profile}`, sizes: runSizes(p.run), cost: runCost(p.run) });
    }
  }
  return out;
}

export interface EnvelopeRow {
  key: LimitKey;
  quantity: string;
  limit: number;
  note?: string;
  /** Largest size run on this quantity, with where and what it cost. */
  sizeRun: number | null;
  source: string | null;
  cost: string | null;
  status: 'inside' | 'outside' | 'not run';
  /** A fitted cost curve over this quantity evaluated at the limit ("14.4 ms (fit filter+score ...)"). */
  fittedAtLimit?: string;
}

export interface ThroughputRow {
  source: string;
  testCase: string;
  workload: string;
  params: Record<string, number | string | boolean>;
  podsPerSec: number;
  ownThreshold: number | null;
  passed: boolean;
  upstream: { threshold: number; size: string; sameSize: boolean } | null;
}

export interface NetworkRow {
  what: string;
  published: string;
  /** Ours at the largest size measured ("291 ms at 10,000 services (network/iptables-10k)"), or why not. */
  ours: string;
}

export interface Placement {
  envelope: EnvelopeRow[];
  /** Runs labelled `short` (integration sizes): left out of the clusters and throughput tables. */
  shortRuns: number;
  /** Every measured run or case with some size on the envelope's quantities: inside, or which limits it exceeds. */
  clusters: { source: string; sizes: Sizes; exceeded: LimitKey[] }[];
  throughput: ThroughputRow[];
  network: NetworkRow[];
}

function upstreamFor(r: RunResult): ThroughputRow['upstream'] {
  const cands = UPSTREAM_THRESHOLDS.filter((u) => u.testCase === r.testCase);
  if (cands.length === 0) return null;
  const same = cands.find((u) => Object.entries(u.params).every(([k, v]) => r.params[k] === v));
  // A scaled run (--scale) keeps its workload's threshold: that names the upstream row.
  const u = same ?? cands.find((c) => c.threshold === r.threshold) ?? cands[0]!;
  return { threshold: u.threshold, size: u.size, sameSize: same !== undefined };
}

function throughputRow(source: string, r: RunResult): ThroughputRow {
  return {
    source, testCase: r.testCase, workload: r.workload, params: r.params,
    podsPerSec: r.metrics.SchedulingThroughput.Average, ownThreshold: r.threshold, passed: r.passed, upstream: upstreamFor(r),
  };
}

function networkRow(ref: (typeof NETWORK_REFERENCE)[number], results: Results): NetworkRow {
  if (ref.ours === null) return { what: ref.what, published: ref.published, ours: 'not measured (no API server or data path is simulated)' };
  let best: { c: BenchCase; suite: string; figure: string } | null = null;
  let skipped: string | null = null;
  for (const s of results.bench) {
    if (!ref.suites.includes(s.suite)) continue;
    if (s.status === 'skipped') skipped = `${s.suite} suite skipped${s.note ? `: ${s.note}` : ''}`;
    for (const c of s.cases) {
      const figure = ref.ours(c);
      if (!figure) continue;
      const size = (x: BenchCase) => (typeof x.params.services === 'number' ? x.params.services : 0);
      if (!best || size(c) > size(best.c)) best = { c, suite: s.suite, figure };
    }
  }
  if (!best) return { what: ref.what, published: ref.published, ours: skipped ?? 'not in these results' };
  const { c, suite, figure } = best;
  const at: string[] = [];
  const sv = c.params.services;
  if (typeof sv === 'number') at.push(`${fmtNum(sv)} services`);
  if (typeof c.params.endpointsPerService === 'number' && typeof sv === 'number') at.push(`${fmtNum(c.params.endpointsPerService * sv)} endpoints`);
  const rules = Object.keys(c.figures).find((f) => /^nat\w*Rules$/.test(f));
  if (rules) at.push(`${fmtNum(c.figures[rules]!)} nat rules`);
  if (typeof c.params.mode === 'string') at.push(c.params.mode);
  return { what: ref.what, published: ref.published, ours: `${fmtFigure(figure, c.figures[figure]!)}${at.length ? ` at ${at.join(', ')}` : ''} (${suite}/${c.name})` };
}

/** Places a results set against the large-cluster guidance. */
export function placeResults(results: Results): Placement {
  const obs = observations(results);
  const envelope: EnvelopeRow[] = ENVELOPE.map((l) => {
    let best: Observation | null = null;
    for (const o of obs) {
      const v = o.sizes[l.key];
      if (v !== undefined && (best === null || v > best.sizes[l.key]!)) best = o;
    }
    const size = best?.sizes[l.key] ?? null;
    // The best-fitting curve over this quantity (several sweeps may share it), R² shown: a poor fit is a poor forecast.
    const fit = results.bench.flatMap((b) => b.fits ?? []).filter((f) => f.x === l.key).sort((a, b) => b.r2 - a.r2)[0];
    return {
      ...(fit ? { fittedAtLimit: `${fmtFigure(fit.y, fit.coefficient * l.limit ** fit.exponent)} (fit ${fit.name}, exponent ${fit.exponent.toFixed(2)}, R² ${fit.r2.toFixed(2)})` } : {}),
      key: l.key, quantity: l.quantity, limit: l.limit, ...(l.note ? { note: l.note } : {}),
      sizeRun: size, source: best?.source ?? null, cost: best?.cost ?? null,
      status: size === null ? 'not run' : size <= l.limit ? 'inside' : 'outside',
    };
  });
  const clusters = obs
    .filter((o) => !o.short && ENVELOPE.some((l) => o.sizes[l.key] !== undefined))
    .map((o) => ({ source: o.source, sizes: o.sizes, exceeded: ENVELOPE.filter((l) => (o.sizes[l.key] ?? 0) > l.limit).map((l) => l.key) }));
  const throughput: ThroughputRow[] = [];
  let shortRuns = 0;
  const add = (source: string, r: RunResult) => (isShort(r) ? shortRuns++ : throughput.push(throughputRow(source, r)));
  for (const r of results.runs) add(`run ${r.testCase}/${r.workload}`, r);
  for (const s of results.bench) for (const c of s.cases) if (c.run) add(`bench ${s.suite}/${c.name}`, c.run);
  for (const cmp of results.compare) for (const p of cmp.profiles) if (p.run) add(`compare ${p.profile}`, p.run);
  return { envelope, shortRuns, clusters, throughput, network: NETWORK_REFERENCE.map((ref) => networkRow(ref, results)) };
}
