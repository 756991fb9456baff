// A pod spec compiled against the node tables, once per (profile, distinct spec): the PreFilter
// outcome, the static filters (NodeUnschedulable, TaintToleration, NodeAffinity: they depend only on
// the pod spec and node labels/taints, not on what is bound) folded into one pass bitset over node
// rows, and the static raw scores (TaintToleration, NodeAffinity, ImageLocality) for every node.
// The pods of one controller share a spec, so 10,000 replicas compile once.

import type { PodSpec } from '../../k8s/types.js';
import { NO_ID } from '../../model/intern.js';
import { EFFECT_NO_EXECUTE, EFFECT_NO_SCHEDULE, EFFECT_PREFER_NO_SCHEDULE, NODE_UNSCHEDULABLE, PROTOCOLS, resourceIndex, type NodeTable } from '../../model/tables.js';
import type { Profile } from '../config.js';
import { isScalarResourceName, nodeNamePins, normalizedImageName, podRequests, RESOURCE_CPU, RESOURCE_EPHEMERAL_STORAGE, RESOURCE_MEMORY } from '../podinfo.js';
import {
  compileNodeSelector, compileTerm, compileTolerations, IntLabelCache, nodeSelectorMatches, termsMatch, tolerates, type CompiledTerm,
  type CompiledTolerations,
} from './nodeselector.js';
import type { Pod } from '../../k8s/types.js';
import type { NodeFilterInputs } from './kernels.js';

export const ERR_UNSCHEDULABLE = 'node(s) were unschedulable';
export const ERR_NODE_AFFINITY_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_NODE_AFFINITY_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
export const ERR_AFFINITY_CONFLICT = 'pod affinity terms conflict';

export interface RunContext {
  nodes: NodeTable;
  ints: IntLabelCache;
  /** Image name id -> number of nodes reporting it. */
  imageNodes: Map<number, number>;
}

export interface PodResources {
  /** Resource column and amount of every resource the pod requests (> 0), in upstream's check order. */
  fitIndex: Int32Array;
  fitAmount: Float64Array;
  fitNames: string[];
  /** True when the pod requests nothing at all (only the pod count is checked). */
  requestsNothing: boolean;
  /** Per configured scoring resource: pod request as the Fit scorer sees it (non-zero defaults). */
  fitScoreReq: Float64Array;
  /** Per configured BalancedAllocation resource: actual request. */
  balancedReq: Float64Array;
  balancedSkip: boolean;
}

export interface SpecPlan {
  /** PreFilter rejected the pod (message), before any node was looked at. */
  preFilterReject?: string;
  /** Node rows allowed by PreFilter (NodeAffinity's metadata.name pins), or null for all. */
  allowedRows: Set<number> | null;
  /** Names of the plugins that narrowed the node set. */
  narrowedBy: string[];
  /** Filter plugins that run for this pod, in profile order (PreFilter skips removed). */
  filters: string[];
  /** Whether NodePorts / NodeResourcesFit run for this pod (precomputed for the hot loop). */
  runsPorts: boolean;
  runsFit: boolean;
  /** The per-node Filter inputs in one object (kernels.nodePasses). */
  filterInputs: NodeFilterInputs;
  /** Bit n set when node row n passes every static filter. */
  staticPass: Uint32Array;
  hostPorts: { protocol: number; port: number; hostIP: number }[];
  tolerations: CompiledTolerations;
  selector: Int32Array;
  required: CompiledTerm[] | null;
  addedRequired: CompiledTerm[] | null;
  res: PodResources;
  /** Static raw scores per node row, computed when the plugin scores this pod, else null (PreScore Skip). */
  taintRaw: Int32Array | null;
  affinityRaw: Int32Array | null;
  imageRaw: Int32Array | null;
  containers: number;
  /** The static raw score is the same on every node (so it cannot change a choice). */
  taintUniform: boolean;
  affinityUniform: boolean;
  imageUniform: boolean;
}

function uniform(a: Int32Array | null): boolean {
  if (!a) return true;
  for (let i = 1; i < a.length; i++) if (a[i] !== a[0]) return false;
  return true;
}

const STATIC_FILTERS = new Set(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity']);

function podResources(pod: Pod, profile: Profile, nodes: NodeTable): PodResources {
  const actual = podRequests(pod, false);
  const nonZero = podRequests(pod, true);
  const fitArgs = profile.args.NodeResourcesFit;
  const ignored = new Set(fitArgs?.ignoredResources ?? []);
  const ignoredGroups = new Set(fitArgs?.ignoredResourceGroups ?? []);
  const names: string[] = [];
  const cpu = actual.get(RESOURCE_CPU) ?? 0;
  const mem = actual.get(RESOURCE_MEMORY) ?? 0;
  const eph = actual.get(RESOURCE_EPHEMERAL_STORAGE) ?? 0;
  const scalars = [...actual.keys()].filter(isScalarResourceName).sort();
  const requestsNothing = cpu === 0 && mem === 0 && eph === 0 && scalars.every((s) => (actual.get(s) ?? 0) === 0);
  if (cpu > 0) names.push(RESOURCE_CPU);
  if (mem > 0) names.push(RESOURCE_MEMORY);
  if (eph > 0) names.push(RESOURCE_EPHEMERAL_STORAGE);
  for (const s of scalars) {
    if ((actual.get(s) ?? 0) === 0 || ignored.has(s)) continue;
    const slash = s.indexOf('/');
    if (slash >= 0 && ignoredGroups.has(s.slice(0, slash))) continue;
    names.push(s);
  }
  const fitIndex = Int32Array.from(names, (n) => (nodes.interners.resources.lookup(n) === NO_ID ? -1 : resourceIndex(nodes.interners, n)));
  const fitAmount = Float64Array.from(names, (n) => actual.get(n)!);
  const fitRes = fitArgs?.scoringStrategy.resources ?? [];
  const balRes = profile.args.NodeResourcesBalancedAllocation?.resources ?? [];
  const balancedReq = Float64Array.from(balRes, (r) => actual.get(r.name) ?? 0);
  return {
    fitIndex, fitAmount, fitNames: names, requestsNothing,
    fitScoreReq: Float64Array.from(fitRes, (r) => nonZero.get(r.name) ?? 0),
    balancedReq, balancedSkip: balancedReq.every((x) => x === 0),
  };
}

export function compilePlan(pod: Pod, profile: Profile, ctx: RunContext): SpecPlan {
  const { nodes } = ctx;
  const interners = nodes.interners;
  const spec = pod.spec;
  const filterNames = profile.plugins.filter;
  const preFilterNames = new Set(profile.plugins.preFilter);
  const args = profile.args.NodeAffinity;
  const addedReq = args?.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const addedPref = args?.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const hostPorts: SpecPlan['hostPorts'] = [];
  for (const c of spec.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      const ip = p.hostIP && p.hostIP !== '0.0.0.0' ? interners.labels.intern(p.hostIP) : NO_ID;
      hostPorts.push({ protocol: PROTOCOLS.indexOf(p.protocol ?? 'TCP'), port: p.hostPort, hostIP: ip });
    }
  }

  const plan: SpecPlan = {
    allowedRows: null, narrowedBy: [], filters: [], runsPorts: false, runsFit: false, filterInputs: undefined as unknown as NodeFilterInputs, staticPass: new Uint32Array((nodes.count + 31) >>> 5), hostPorts,
    tolerations: compileTolerations(spec.tolerations ?? [], interners), selector: compileNodeSelector(spec.nodeSelector, interners),
    required: required ? (required.nodeSelectorTerms ?? []).map((t) => compileTerm(t, interners)) : null,
    addedRequired: addedReq ? (addedReq.nodeSelectorTerms ?? []).map((t) => compileTerm(t, interners)) : null,
    res: podResources(pod, profile, nodes), taintRaw: null, affinityRaw: null, imageRaw: null,
    containers: (spec.initContainers?.length ?? 0) + (spec.containers?.length ?? 0),
    taintUniform: true, affinityUniform: true, imageUniform: true,
  };

  // PreFilter, in profile order: which filters are skipped, and NodeAffinity's node-name narrowing.
  const skipped = new Set<string>();
  for (const name of profile.plugins.preFilter) {
    if (name === 'NodePorts' && hostPorts.length === 0) skipped.add(name);
    if (name === 'NodeAffinity') {
      if (!required && !addedReq && !spec.nodeSelector) {
        skipped.add(name);
        continue;
      }
      if (!required || (required.nodeSelectorTerms ?? []).length === 0) continue;
      const pins = nodeNamePins(spec);
      if (pins.conflict) {
        plan.preFilterReject = ERR_AFFINITY_CONFLICT;
        return plan;
      }
      if (pins.names) {
        const rows = new Set<number>();
        for (let n = 0; n < nodes.count; n++) if (pins.names.has(nodes.nodeName(n))) rows.add(n);
        plan.allowedRows = rows;
        plan.narrowedBy.push(name);
        if (rows.size === 0) {
          plan.preFilterReject = `node(s) didn't satisfy plugin ${name}`;
          return plan;
        }
      }
    }
  }
  plan.filters = filterNames.filter((n) => BUILT_FILTERS.has(n) && !(preFilterNames.has(n) && skipped.has(n)));
  plan.runsPorts = hostPorts.length > 0 && plan.filters.includes('NodePorts');
  plan.runsFit = plan.filters.includes('NodeResourcesFit');
  plan.filterInputs = {
    staticPass: plan.staticPass, runsPorts: plan.runsPorts, runsFit: plan.runsFit, hostPorts,
    fitIndex: plan.res.fitIndex, fitAmount: plan.res.fitAmount, requestsNothing: plan.res.requestsNothing,
  };

  // Static filters into the pass bitset.
  const runs = (n: string) => plan.filters.includes(n);
  const unsched = runs('NodeUnschedulable');
  const taints = runs('TaintToleration');
  const affinity = runs('NodeAffinity');
  for (let n = 0; n < nodes.count; n++) {
    if (unsched && staticReason('NodeUnschedulable', plan, ctx, n) !== null) continue;
    if (taints && staticReason('TaintToleration', plan, ctx, n) !== null) continue;
    if (affinity && staticReason('NodeAffinity', plan, ctx, n) !== null) continue;
    plan.staticPass[n >>> 5]! |= 1 << (n & 31);
  }

  // Static scores, only for the plugins whose PreScore does not skip this pod.
  const scores = new Set(profile.plugins.score);
  if (scores.has('TaintToleration')) {
    const raw = new Int32Array(nodes.count);
    const T = nodes.taintSlots;
    const c = nodes.cols;
    for (let n = 0; n < nodes.count; n++) {
      let k = 0;
      for (let s = 0; s < c.taintCount[n]!; s++) {
        if (c.taintEffect[n * T + s] !== EFFECT_PREFER_NO_SCHEDULE) continue;
        if (!toleratesPreferNoSchedule(plan.tolerations, c.taintKey[n * T + s]!, c.taintVal[n * T + s]!)) k++;
      }
      raw[n] = k;
    }
    plan.taintRaw = raw;
  }
  const preferred = spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  if (scores.has('NodeAffinity') && (preferred.length > 0 || addedPref.length > 0)) {
    const terms = [...addedPref, ...preferred].filter((t) => t.weight).map((t) => ({ w: t.weight, term: compileTerm(t.preference, interners) }));
    const raw = new Int32Array(nodes.count);
    for (let n = 0; n < nodes.count; n++) {
      let s = 0;
      for (const t of terms) if (termsMatch([t.term], nodes, n, ctx.ints)) s += t.w;
      raw[n] = s;
    }
    plan.affinityRaw = raw;
  }
  if (scores.has('ImageLocality')) plan.imageRaw = imageScores(spec, plan.containers, ctx);
  plan.taintUniform = uniform(plan.taintRaw);
  plan.affinityUniform = uniform(plan.affinityRaw);
  plan.imageUniform = uniform(plan.imageRaw);
  return plan;
}

/** Upstream PreScore keeps tolerations with an empty effect or PreferNoSchedule. */
function toleratesPreferNoSchedule(c: CompiledTolerations, key: number, value: number): boolean {
  for (let i = 0; i < c.key.length; i++) {
    if (c.effect[i] !== 0 && c.effect[i] !== EFFECT_PREFER_NO_SCHEDULE) continue;
    if (c.invalid[i]) continue;
    if (c.key[i] !== NO_ID && c.key[i] !== key) continue;
    if (c.exists[i] || c.value[i] === value) return true;
  }
  return false;
}

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

function imageScores(spec: PodSpec, containers: number, ctx: RunContext): Int32Array {
  const { nodes } = ctx;
  const ids: number[] = [];
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if (c.image) ids.push(nodes.interners.images.lookup(normalizedImageName(c.image)));
  }
  const raw = new Int32Array(nodes.count);
  const total = nodes.count;
  const I = nodes.imageSlots;
  const c = nodes.cols;
  const maxThreshold = MAX_CONTAINER_THRESHOLD * containers;
  for (let n = 0; n < nodes.count; n++) {
    let sum = 0;
    for (const id of ids) {
      if (id === NO_ID) continue;
      for (let s = 0; s < c.imageCount[n]!; s++) {
        if (c.image[n * I + s] !== id) continue;
        sum += Math.trunc(c.imageSize[n * I + s]! * (ctx.imageNodes.get(id)! / total));
        break;
      }
    }
    if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
    else if (sum > maxThreshold) sum = maxThreshold;
    raw[n] = Math.trunc((100 * (sum - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
  }
  return raw;
}

export const BUILT_FILTERS = new Set(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity']);

export function isStaticFilter(name: string): boolean {
  return STATIC_FILTERS.has(name);
}

/** Reason a static filter rejects node n ("UnschedulableAndUnresolvable" in every case), or null. */
export function staticReason(name: string, plan: SpecPlan, ctx: RunContext, n: number): string | null {
  const { nodes } = ctx;
  const c = nodes.cols;
  switch (name) {
    case 'NodeUnschedulable':
      if ((c.flags[n]! & NODE_UNSCHEDULABLE) === 0) return null;
      return tolerates(plan.tolerations, nodes.interners.labels.intern('node.kubernetes.io/unschedulable'), nodes.interners.labels.intern(''), EFFECT_NO_SCHEDULE) ? null : ERR_UNSCHEDULABLE;
    case 'NodeName':
      return null; // pending pods carry no spec.nodeName
    case 'TaintToleration': {
      const T = nodes.taintSlots;
      for (let s = 0; s < c.taintCount[n]!; s++) {
        const e = c.taintEffect[n * T + s]!;
        if (e !== EFFECT_NO_SCHEDULE && e !== EFFECT_NO_EXECUTE) continue;
        const key = c.taintKey[n * T + s]!;
        const val = c.taintVal[n * T + s]!;
        if (!tolerates(plan.tolerations, key, val, e)) {
          return `node(s) had untolerated taint {${nodes.interners.labels.get(key)}: ${nodes.interners.labels.get(val)}}`;
        }
      }
      return null;
    }
    case 'NodeAffinityPod':
      // The pod's own nodeSelector and required affinity, without the profile's addedAffinity
      // (upstream GetRequiredNodeAffinity(pod), used by PodTopologySpread's inclusion policy).
      if (!nodeSelectorMatches(plan.selector, nodes, n)) return ERR_NODE_AFFINITY_POD;
      if (plan.required && !termsMatch(plan.required, nodes, n, ctx.ints)) return ERR_NODE_AFFINITY_POD;
      return null;
    case 'NodeAffinity':
      if (plan.addedRequired && !termsMatch(plan.addedRequired, nodes, n, ctx.ints)) return ERR_NODE_AFFINITY_ENFORCED;
      if (!nodeSelectorMatches(plan.selector, nodes, n)) return ERR_NODE_AFFINITY_POD;
      if (plan.required && !termsMatch(plan.required, nodes, n, ctx.ints)) return ERR_NODE_AFFINITY_POD;
      return null;
  }
  return null;
}
