// The fast engine: the same cycle as the reference engine (queue -> PreFilter -> sampled Filter ->
// Score -> NormalizeScore -> weight -> seeded selectHost -> assume), computed on the typed-array
// tables. Per distinct pod spec a plan (plan.ts) holds the static filters as a bitset and the static
// raw scores; per pod only the dynamic parts run (resource fit, host ports, allocation scores), over
// the nodes the sampling visits, into reused scratch arrays. Reason texts and explain records are
// built on the side path only when a node fails or --explain asks for them.

import type { ClusterObjects, Node, Pod, PodSpec } from '../../k8s/types.js';
import { describeObject, FieldError, InputError } from '../../k8s/errors.js';
import { buildTables, addHostPorts, hostPortsOf, nodeAllocatable, type ClusterTables } from '../../model/cluster.js';
import { podRequests } from '../../model/requests.js';
import { accountPod, type NodeTable } from '../../model/tables.js';
import { NO_ID } from '../../model/intern.js';
import { profileFor, type Profile, type SchedulerConfig } from '../config.js';
import { scheduleAllPending, type CycleBackend } from '../queue.js';
import { podPriority } from '../podinfo.js';
import { nodeTreeOrder, numFeasibleNodesToFind, Rng, selectHostIn, zoneKey } from '../sampling.js';
import type {
  AttemptContext, AttemptResult, Engine, FitErrorData, NodeExplain, Nominations, PodExplain, PodRef, PluginScore, PreemptionResult, ScheduleOptions,
  ScheduleOutcome,
} from '../types.js';
import { IntLabelCache } from './nodeselector.js';
import { CounterRegistry } from './counters.js';
import { SpreadFilter, SpreadScore } from './spread.js';
import { runFastPreemption, type FailedCycleRows, type FastPreemptionHost } from './preemption.js';
import { AffinityIndex, buildAffinityState, hasTerms, normalizeAffinity, type AffinityState } from './affinity.js';
import { affinityInfo } from '../reference/plugins/interpodaffinity.js';
import { LocalShards, newShardPlanId, R_FEASIBLE, R_MAX, R_MAX_AFFINITY, R_MAX_TAINT, R_TIES, RESULT_STRIDE, type ShardPlan, type ShardRunner } from './shard.js';
import { FastCustom } from '../plugins/fast.js';
import { MaxTree } from './maxtree.js';

/**
 * Below this many nodes a sharded cycle is too short for the per-pod hand-off to worker threads to
 * pay. Measured on 2 cores (bench/scheduler-parallel.ts, pods whose NodeAffinity score is normalised,
 * percentageOfNodesToScore 100, chunked jobs posted ahead), 2 workers against one thread: 0.81x at
 * 300 nodes, 1.05x at 600, 1.22x at 1,000, 1.34x at 2,000, 1.37x at 3,000, ~1.6x at 5,000. (Cycles a
 * plan's totals cache answers never go to the shards.)
 */
export const PARALLEL_MIN_NODES = 1000;
import { compilePlan, isStaticFilter, staticReason, ERR_NODE_PORTS, type RunContext, type SpecPlan } from './plan.js';
import {
  balanced, defaultNormalize, fitReasons, leastAllocated, mostAllocated, portsFree, requestedToCapacityRatio, resolveScoringResources,
  scoreResources, isCpuMem, scoreCpuMem, nodePasses, nodeTotal, addTotals, type TotalRecipe, STRATEGY_BALANCED, STRATEGY_LEAST, STRATEGY_MOST, type ResourceScorer, type ScoringResources,
} from './kernels.js';

const SCHEDULING_GATED_MESSAGE = 'Scheduling is blocked due to non-empty scheduling gates';

interface FailStatus {
  reasons: string[];
  unresolvable: boolean;
  plugin: string;
}

/** One cycle's outcome on table rows (the AttemptResult before node rows become names). */
interface CycleOutcome {
  node: number;
  fitError?: FitErrorData;
  error?: string;
  plugins: string[];
  explain?: PodExplain;
  /** Nodes rejected as Unschedulable (not Unresolvable): where preemption could help. */
  potential: number;
}

/** Plugins the fast engine implements; enabled ones outside this set are reported as skipped. */
export const FAST_BUILT = new Set([
  'SchedulingGates', 'PrioritySort', 'NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit',
  'NodeResourcesBalancedAllocation', 'ImageLocality', 'DefaultBinder', 'PodTopologySpread', 'InterPodAffinity', 'DefaultPreemption',
]);

/** Simulated start times sort after every real one (as the reference engine does). */
const SIM_EPOCH_MS = 1e15;

/** Per-pod state of the plugins that depend on other pods (built once per distinct pod shape, kept current by binds). */
interface Dynamic {
  spreadF: SpreadFilter | null;
  spreadS: SpreadScore | null;
  affinity: AffinityState | null;
  /** Per cycle: InterPodAffinity's Filter runs (its PreFilter did not Skip). */
  affinityFilter: boolean;
}

/** Entries in the engine's change log (a power of two); a cache further behind re-evaluates every node. */
const CHANGE_LOG_SIZE = 4096;

/** The empty plugin list of a successful cycle (shared: never modified). */
const NO_PLUGINS: string[] = [];

const NO_DYNAMIC: Dynamic = { spreadF: null, spreadS: null, affinity: null, affinityFilter: false };

/**
 * A plan's Filter result and score total per visiting position, laid out in the order the cycle visits
 * nodes so the scan reads one contiguous array: the total when the node passes, -Infinity when it
 * fails, NaN when not evaluated since the node last changed. Nodes change through `account` only,
 * which appends the row to the engine's change log; a cache marks the positions of the rows logged
 * since it last looked (or all of them when it fell behind the log) and re-evaluates them lazily.
 */
interface TotalsCache {
  score: Float64Array;
  /** The node rows in visiting order (the engine's order, or the plan's allowed subset of it). */
  visit: Int32Array;
  /** Node row -> position in `visit`, -1 when the plan never visits it. */
  posOf: Int32Array;
  /** Change-log entries already applied. */
  logSeen: number;
  recipe: TotalRecipe;
  /** Cycles that used this cache; from TREE_AFTER_USES on, `tree` answers the scan. */
  uses: number;
  /** Built once the plan proved reused; then every position is evaluated and kept current. */
  tree: MaxTree | null;
}

/**
 * A plan's cache gets its MaxTree on its this-many-th cycle: building one evaluates every node, which
 * a plan used once or twice (pods of their own spec) should not pay.
 */
const TREE_AFTER_USES = 3;

/** What a profile needs resolved against the tables once. */
interface ProfileRuntime {
  profile: Profile;
  fitScorer: ResourceScorer;
  fitResources: ScoringResources;
  balancedResources: ScoringResources;
  /** Strategy code for scoreCpuMem when Fit scores exactly [cpu, memory] (Least/Most), else -1. */
  fitFast: number;
  balancedFast: boolean;
  /** Both NodeResourcesFit and NodeResourcesBalancedAllocation score in this profile. */
  scoresFitAndBalanced: boolean;
  plans: Map<PodSpec, SpecPlan>;
  caches: Map<SpecPlan, TotalsCache | null>;
  /** Per plan with allowedRows: the rows it visits, in snapshot order. */
  visits: Map<SpecPlan, Int32Array>;
  /** Dynamic plugin state per plan and pod shape (namespace, labels, owners). */
  dynamic: WeakMap<SpecPlan, Map<string, Dynamic>>;
  /** Custom plugins (--plugin) this profile enables, or null. */
  custom: FastCustom | null;
  /** InterPodAffinity filters or scores in this profile. */
  runsAffinity: boolean;
}

export class FastScheduler implements CycleBackend {
  readonly t: ClusterTables;
  ctx!: RunContext;
  counters!: CounterRegistry;
  affinityIndex!: AffinityIndex;
  /** Bumped whenever a node's bound pods change: TotalsCache entries of older versions are stale. */
  private nodeVersion!: Int32Array;
  /** Node rows in upstream's snapshot order (zones round-robin). */
  order!: Int32Array;
  private nextStartNodeIndex = 0;
  private readonly rng: Rng;
  private readonly runtimes = new Map<string, ProfileRuntime>();
  // Scratch, sized to the node count: no allocation per pod or per node.
  private rows!: Int32Array;
  private raw!: Float64Array;
  private norm!: Float64Array;
  private totals!: Float64Array;
  private failRows!: Int32Array;
  /** scanFeasible's outputs: found, processed, failed. */
  private readonly scanOut = new Int32Array(3);
  /** A cached scan's outputs: found, processed, max total, its ties. */
  private readonly scanMax = new Float64Array(4);
  /**
   * Node rows whose bound pods changed, in order (a ring of CHANGE_LOG_SIZE; `changes` counts every
   * entry ever written). Totals caches replay it to find what to re-evaluate.
   */
  private readonly changeLog = new Int32Array(CHANGE_LOG_SIZE);
  private changes = 0;
  private readonly reqScratch = new Float64Array(64);
  private readonly allocScratch = new Float64Array(64);

  private readonly shards: ShardRunner | undefined;
  readonly config: SchedulerConfig;
  /** "namespace/name" -> PodTable row (the row of the input pod). */
  readonly podRows = new Map<string, number>();
  /** The ref of every bound or running pod, by PodTable row. */
  private readonly refsByRow: (PodRef | undefined)[] = [];
  /** Per-cycle scratch, reused: rejected node row -> its status. */
  private readonly failures = new Map<number, FailStatus>();
  private readonly noExplain = new Map<number, NodeExplain>();
  private readonly requestsBySpec = new WeakMap<PodSpec, ReturnType<typeof podRequests>>();
  private readonly portsBySpec = new WeakMap<PodSpec, ReturnType<typeof hostPortsOf>>();
  /** Namespaces holding at least one Service (system-default spreading needs a selecting Service or owner). */
  private servicesSeen = -1;
  private readonly serviceNamespaces = new Set<string>();
  /** The pod object of every PodTable row (input pods, then pods admitted later). */
  private readonly podObjects: Pod[];
  /** Per PodTable row: the canonical spec of the pod (plans, requests and host ports are cached by it). */
  private readonly specOf: PodSpec[];
  /** Spec content -> a representative spec object, so pods created from one template share plans. */
  private readonly specByContent = new Map<string, PodSpec>();
  private readonly canonicalSpec = new WeakMap<PodSpec, PodSpec>();
  private readonly specsByContainers = new WeakMap<object, PodSpec[]>();
  /** Nodes were added or removed since the node-derived state was built. */
  private nodesDirty = false;
  private readonly removedNodes = new Set<number>();
  private readonly nodeObjects: Node[];
  private lastFailure: (FailedCycleRows & { profile: Profile; rt: ProfileRuntime; plan: SpecPlan | null; dyn: Dynamic; priority: number; pod: Pod; noms: Nominations }) | undefined;
  /** The node the last successful attempt chose (bind usually follows with this name). */
  private lastChosenName: string | null = null;
  private lastChosenRow = -1;
  /** Pod rows bound to each node row, in bind order (preemption walks them as upstream walks NodeInfo.Pods). */
  private readonly podsOnNode: (number[] | undefined)[] = [];
  /** Per PodTable row: start time and priority of bound pods (NaN: not known here). */
  private startTimes = new Float64Array(0);
  private rowPriority = new Float64Array(0);
  /** Set when any pod may be nominated to a node: filters then count nominated pods (slow path). */
  private mayHaveNominations = false;
  private readonly shardPlans = new Map<SpecPlan, ShardPlan | null>();
  /** Cycles that ran on the shard workers (for tests and bench output). */
  shardedCycles = 0;

  constructor(readonly cluster: ClusterObjects, readonly options: ScheduleOptions, tables?: ClusterTables, shards?: ShardRunner) {
    this.t = tables ?? buildTables(cluster);
    this.shards = shards;
    this.config = options.config;
    this.nodeObjects = [...cluster.nodes];
    this.podObjects = [...cluster.pods];
    this.specOf = cluster.pods.map((p) => p.spec);
    cluster.pods.forEach((p, i) => {
      this.podRows.set(`${p.metadata.namespace || 'default'}/${p.metadata.name}`, i);
      if (p.status?.nominatedNodeName) this.mayHaveNominations = true;
    });
    this.rng = new Rng(options.seed);
    this.rebuildNodeState();
    const pc = this.t.pods.cols;
    for (let p = 0; p < this.t.pods.count; p++) {
      const n = pc.node[p]!;
      if (n < 0 || pc.phase[p] === 2 || pc.phase[p] === 3) continue;
      (this.podsOnNode[n] ??= []).push(p);
    }
  }

  /** Records a bound pod's ref, priority and start time under its row. */
  private track(p: number, ref: PodRef, start: number): void {
    if (p >= this.startTimes.length) {
      const size = Math.max(p + 1, this.startTimes.length * 2, 1024);
      const grow = (a: Float64Array) => {
        const b = new Float64Array(size).fill(NaN);
        b.set(a);
        return b;
      };
      this.startTimes = grow(this.startTimes);
      this.rowPriority = grow(this.rowPriority);
    }
    this.refsByRow[p] = ref;
    this.rowPriority[p] = ref.priority;
    this.startTimes[p] = start;
  }

  /**
   * Everything derived from the node set: image spread, the node-tree visiting order, scratch sizes,
   * compiled plans (their bitsets span the node rows). Rebuilt when a node joins.
   */
  private rebuildNodeState(): void {
    const nodes = this.t.nodes;
    const imageNodes = new Map<number, number>();
    const I = nodes.imageSlots;
    for (let n = 0; n < nodes.count; n++) {
      const seen = new Set<number>();
      for (let s = 0; s < nodes.cols.imageCount[n]!; s++) seen.add(nodes.cols.image[n * I + s]!);
      for (const id of seen) imageNodes.set(id, (imageNodes.get(id) ?? 0) + 1);
    }
    this.ctx = { nodes, ints: new IntLabelCache(nodes.interners), imageNodes };
    const live = this.nodeObjects.filter((n) => !this.removedNodes.has(this.t.nodeIndex.get(n.metadata.name) ?? -1));
    const zones = live.map((n) => zoneKey(n.metadata.labels));
    this.order = Int32Array.from(nodeTreeOrder(zones), (i) => this.t.nodeIndex.get(live[i]!.metadata.name)!);
    this.nodesDirty = false;
    const n = Math.max(nodes.count, 1);
    this.rows = new Int32Array(n);
    this.raw = new Float64Array(n);
    this.norm = new Float64Array(n);
    this.totals = new Float64Array(n);
    this.failRows = new Int32Array(n);
    // Shared, so shard workers can memoise per-node results too.
    this.nodeVersion = new Int32Array(new SharedArrayBuffer(n * 4));
    this.counters = new CounterRegistry(nodes, this.t.pods);
    this.affinityIndex = new AffinityIndex(nodes.count, (row) => this.podObjects[row]!, this.t.pods);
    this.runtimes.clear();
    this.shardPlans.clear();
    this.shardMaxima.clear();
  }

  /**
   * Cheap pre-check: a pod without its own constraints gets default ones only through a Service in its
   * namespace or a controlling ReplicaSet / StatefulSet / ReplicationController (helper.DefaultSelector).
   */
  private mayHaveSpreading(pod: Pod): boolean {
    if ((pod.spec.topologySpreadConstraints?.length ?? 0) > 0) return true;
    const owners = pod.metadata.ownerReferences;
    if (owners) for (const o of owners) if (o.controller && (o.kind === 'ReplicaSet' || o.kind === 'StatefulSet' || o.kind === 'ReplicationController')) return true;
    if (this.servicesSeen !== this.cluster.services.length) {
      this.serviceNamespaces.clear();
      for (const s of this.cluster.services) if (s.spec?.selector) this.serviceNamespaces.add(s.metadata.namespace || 'default');
      this.servicesSeen = this.cluster.services.length;
    }
    return this.serviceNamespaces.has(pod.metadata.namespace || 'default');
  }

  /** The dynamic plugins' state for this pod, or empty when the profile does not run them. */
  private dynamic(rt: ProfileRuntime, pod: Pod, plan: SpecPlan): Dynamic {
    const p = rt.profile;
    const spreading = this.mayHaveSpreading(pod);
    const runsAffinity = rt.runsAffinity
      && (this.affinityIndex.groups.length > 0 || ((pod.spec.affinity?.podAffinity || pod.spec.affinity?.podAntiAffinity) !== undefined && hasTerms(affinityInfo(pod))));
    if (!spreading && !runsAffinity) return NO_DYNAMIC;
    let byShape = rt.dynamic.get(plan);
    if (!byShape) rt.dynamic.set(plan, (byShape = new Map()));
    const meta = pod.metadata;
    const key = JSON.stringify([meta.namespace || 'default', meta.labels ?? null, (meta.ownerReferences ?? []).map((o) => [o.kind, o.name, o.controller === true])]);
    let d = byShape.get(key);
    if (!d) {
      const args = p.args.PodTopologySpread ?? { defaultConstraints: [], defaultingType: 'System' as const };
      const runsFilter = p.plugins.preFilter.includes('PodTopologySpread') && p.plugins.filter.includes('PodTopologySpread');
      const runsScore = p.plugins.score.includes('PodTopologySpread');
      d = {
        spreadF: spreading && runsFilter ? SpreadFilter.build(pod, args, this.cluster, plan, this.ctx, this.counters) : null,
        spreadS: spreading && runsScore ? SpreadScore.build(pod, args, this.cluster, plan, this.ctx, this.counters) : null,
        affinity: null,
        affinityFilter: false,
      };
      byShape.set(key, d);
    }
    if (runsAffinity && !d.affinity) {
      const ipaArgs = p.args.InterPodAffinity ?? { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false };
      d.affinity = buildAffinityState(pod, ipaArgs, this.cluster, this.counters, this.affinityIndex, this.t.pods);
    }
    return d;
  }

  runtime(profile: Profile): ProfileRuntime {
    let rt = this.runtimes.get(profile.schedulerName);
    if (!rt) {
      const nodes = this.t.nodes;
      const fit = profile.args.NodeResourcesFit;
      const strategy = fit?.scoringStrategy;
      const fitScorer = strategy?.type === 'MostAllocated' ? mostAllocated
        : strategy?.type === 'RequestedToCapacityRatio' ? requestedToCapacityRatio(strategy.requestedToCapacityRatio?.shape ?? [])
        : leastAllocated;
      const fitResources = resolveScoringResources(nodes, strategy?.resources ?? []);
      const balancedResources = resolveScoringResources(nodes, profile.args.NodeResourcesBalancedAllocation?.resources ?? []);
      const type = strategy?.type ?? 'LeastAllocated';
      rt = {
        profile, fitScorer, fitResources, balancedResources,
        fitFast: isCpuMem(fitResources) && type !== 'RequestedToCapacityRatio' ? (type === 'MostAllocated' ? STRATEGY_MOST : STRATEGY_LEAST) : -1,
        balancedFast: isCpuMem(balancedResources),
        scoresFitAndBalanced: profile.plugins.score.includes('NodeResourcesFit') && profile.plugins.score.includes('NodeResourcesBalancedAllocation'),
        plans: new Map(),
        caches: new Map(),
        visits: new Map(),
        dynamic: new WeakMap(),
        runsAffinity: profile.plugins.filter.includes('InterPodAffinity') || profile.plugins.score.includes('InterPodAffinity'),
        custom: FastCustom.forProfile(profile, this.config.custom, this.t, (row) => this.podObjects[row]),
      };
      this.runtimes.set(profile.schedulerName, rt);
    }
    return rt;
  }

  /** The compiled plan of a spec (pods of equal specs share one: `spec` is the canonical object). */
  private plan(rt: ProfileRuntime, pod: Pod, spec: PodSpec): SpecPlan {
    let plan = rt.plans.get(spec);
    if (!plan) {
      plan = compilePlan(pod, rt.profile, this.ctx);
      rt.plans.set(spec, plan);
    }
    return plan;
  }

  /** Filter result of every filter plugin on node n, in order, stopping at the first failure. */
  private filterTrail(plan: SpecPlan, dyn: Dynamic, n: number, record: ((name: string, result: string) => void) | null): FailStatus | null {
    const nodes = this.t.nodes;
    for (const name of plan.filters) {
      let fail: FailStatus | null = null;
      if (name === 'PodTopologySpread' || name === 'InterPodAffinity') {
        const checker = name === 'PodTopologySpread' ? dyn.spreadF : dyn.affinityFilter ? dyn.affinity : null;
        if (!checker) continue; // PreFilter Skip: the plugin does not run for this pod
        const r = checker.check(n);
        if (r) fail = { reasons: [r[0]], unresolvable: r[1], plugin: name };
        record?.(name, fail ? fail.reasons.join(', ') : 'ok');
        if (fail) return fail;
        continue;
      }
      if (isStaticFilter(name)) {
        const r = staticReason(name, plan, this.ctx, n);
        if (r !== null) fail = { reasons: [r], unresolvable: true, plugin: name };
      } else if (name === 'NodePorts') {
        if (!portsFree(nodes, n, plan.hostPorts)) fail = { reasons: [ERR_NODE_PORTS], unresolvable: false, plugin: name };
      } else if (name === 'NodeResourcesFit') {
        const f = fitReasons(nodes, n, plan.res);
        if (f.reasons.length > 0) fail = { ...f, plugin: name };
      }
      record?.(name, fail ? fail.reasons.join(', ') : 'ok');
      if (fail) return fail;
    }
    return this.cycleCustom?.trail(n, record) ?? null;
  }

  /** The current cycle's custom plugins (their filters run after the in-tree ones). */
  private cycleCustom: FastCustom | null = null;

  /**
   * Filter result on node n, with the pods nominated to it (priority >= the pod's) counted first, as
   * upstream's RunFilterPluginsWithNominatedPods: the node must pass with and without them.
   */
  private checkWithNominated(plan: SpecPlan, dyn: Dynamic, n: number, priority: number, key: string, noms: Nominations | undefined,
    record: ((name: string, result: string) => void) | null): FailStatus | null {
    const add = noms ? noms.podsOn(this.t.nodes.nodeName(n)).filter((r) => r.priority >= priority && r.key !== key) : [];
    if (add.length === 0) return this.filterTrail(plan, dyn, n, record);
    const rows = add.map((r) => this.podRows.get(r.key)!).filter((r) => r !== undefined);
    for (const r of rows) this.account(r, n, 1);
    let first: FailStatus | null;
    try {
      dyn.spreadF?.prepare();
      if (dyn.affinityFilter) dyn.affinity!.prepare();
      first = this.filterTrail(plan, dyn, n, record);
    } finally {
      for (const r of rows) this.account(r, n, -1);
      dyn.spreadF?.prepare();
      if (dyn.affinityFilter) dyn.affinity!.prepare();
    }
    if (first) return first;
    return this.filterTrail(plan, dyn, n, record);
  }

  /** One scheduling cycle: PreFilter, the nominated node, sampled Filter, Score, selectHost. No side effects but the start index. */
  cycle(rt: ProfileRuntime, pod: Pod, priority: number, key: string, ctx: AttemptContext, spec: PodSpec = pod.spec): CycleOutcome {
    const all = this.order.length;
    // The common cycle, kept lean: no --explain, no nominations, no custom plugins, no plugin state
    // that depends on other pods, and a totals cache. Such cycles never go to the shard workers: the
    // cache answers in O(log n) what a shard would scan.
    if (!ctx.explain && ctx.nominatedNode === undefined && !this.mayHaveNominations && rt.custom === null && all > 0) {
      const plan = this.plan(rt, pod, spec);
      if (plan.preFilterReject === undefined) {
        const dyn = this.dynamic(rt, pod, plan);
        const cache = dyn.spreadF || dyn.spreadS || dyn.affinity ? null : this.totalsCache(rt, plan);
        if (cache !== null && cache.visit.length > 0) {
          this.lastPlan = plan;
          this.cycleCustom = null;
          dyn.affinityFilter = false;
          if (this.failures.size > 0) this.failures.clear();
          const n = this.cachedChoice(plan, dyn, cache, numFeasibleNodesToFind(rt.profile.percentageOfNodesToScore, cache.visit.length), -1);
          return n >= 0 ? { node: n, plugins: NO_PLUGINS, potential: 0 } : this.noFit(plan, all, undefined);
        }
        // Scores normalised over the feasible set and every node visited: the shard kernel.
        const runner = cache === null && !dyn.spreadF && !dyn.spreadS && !dyn.affinity
          ? this.shardRunner(plan, numFeasibleNodesToFind(rt.profile.percentageOfNodesToScore, all), all) : null;
        const sp = runner ? this.shardPlan(rt, plan) : null;
        if (sp) {
          this.lastPlan = plan;
          this.cycleCustom = null;
          dyn.affinityFilter = false;
          if (this.failures.size > 0) this.failures.clear();
          const n = this.scheduleSharded(sp, runner!, key, ctx, pod, spec);
          if (n !== null) return { node: n, plugins: NO_PLUGINS, potential: 0 };
          // No feasible node: the general path below collects the reasons.
        }
      }
    }
    const nodes = this.t.nodes;
    const ex: PodExplain | undefined = ctx.explain ? { pod: key, nodes: [] } : undefined;
    if (all === 0) return { node: -1, error: 'no nodes available to schedule pods', plugins: [], explain: ex, potential: 0 };
    const profile = rt.profile;
    let plan = this.plan(rt, pod, spec);
    this.lastPlan = plan;
    this.failures.clear();
    if (plan.preFilterReject !== undefined) {
      const msg = plan.preFilterReject;
      if (ex) ex.preFilter = msg;
      // A conflict is UnschedulableAndUnresolvable; an empty narrowing is Unschedulable on every node.
      const potential = plan.allowedRows ? all : 0;
      return { node: -1, fitError: { numAllNodes: all, reasonsPerNode: [], preFilterMsg: msg }, plugins: plan.allowedRows ? [...plan.narrowedBy] : ['NodeAffinity'], explain: ex, potential };
    }
    const dyn = this.dynamic(rt, pod, plan);
    dyn.spreadF?.prepare();
    dyn.affinityFilter = dyn.affinity !== null && profile.plugins.preFilter.includes('InterPodAffinity') && dyn.affinity.prepare();
    // Custom plugins: prepared per cycle; their filters folded into a per-cycle copy of the pass bitset.
    this.cycleCustom = rt.custom;
    if (rt.custom) {
      rt.custom.begin(pod, key, priority);
      plan = rt.custom.derivePlan(plan, this.order);
    }
    const noms = this.mayHaveNominations ? ctx.nominations : undefined;
    const failures = this.failures;
    failures.clear();
    const exRows = ex ? new Map<number, NodeExplain>() : this.noExplain;
    // The per-node slow path (explain, nominated pods); built only when a cycle needs it.
    const makeCheck = () => (n: number): boolean => {
      const ne: NodeExplain | undefined = ex ? { node: nodes.nodeName(n), feasible: true, filters: {} } : undefined;
      const fail = this.checkWithNominated(plan, dyn, n, priority, key, noms, ne ? (name, r) => { ne.filters[name] = r; } : null);
      if (fail && !failures.has(n)) failures.set(n, fail);
      if (ne) {
        ne.feasible = !fail;
        ex!.nodes.push(ne);
        exRows.set(n, ne);
      }
      return !fail;
    };

    // Upstream evaluateNominatedNode: the nominated node alone first.
    const nominatedRow = ctx.nominatedNode !== undefined ? this.t.nodeIndex.get(ctx.nominatedNode) ?? -1 : -1;
    if (nominatedRow >= 0) {
      const ok = makeCheck()(nominatedRow);
      this.nextStartNodeIndex = 0;
      if (ok) return { node: nominatedRow, plugins: [], explain: ex, potential: 0 };
    }

    // The nodes this cycle may visit, in snapshot order.
    const cache = !rt.custom && !ex && !noms && !dyn.spreadF && !dyn.spreadS && !dyn.affinity ? this.totalsCache(rt, plan) : null;
    const visit = cache ? cache.visit : plan.allowedRows ? this.visitOf(rt, plan) : this.order;
    const len = visit.length;
    const numToFind = numFeasibleNodesToFind(profile.percentageOfNodesToScore, len);
    const runner = !cache && !rt.custom && !ex && !noms && !dyn.spreadF && !dyn.spreadS && !dyn.affinity && failures.size === 0 ? this.shardRunner(plan, numToFind, len) : null;
    if (runner) {
      const sp = this.shardPlan(rt, plan);
      if (sp) {
        const node = this.scheduleSharded(sp, runner, key, ctx, pod, spec);
        if (node !== null) return { node, plugins: [], potential: 0 };
        // No feasible node: the single-thread path below states the reasons.
      }
    }
    const rows = this.rows;
    let found = 0;
    let visitedSlowly = false;
    if (cache && len > 0) {
      const n = this.cachedChoice(plan, dyn, cache, numToFind, nominatedRow);
      if (n >= 0) return { node: n, plugins: NO_PLUGINS, potential: 0 };
    } else if (!ex && !noms) {
      const failRows = this.failRows;
      scanFeasible(nodes, plan, dyn.spreadF, dyn.affinityFilter ? dyn.affinity : null, visit, len, this.nextStartNodeIndex % len, numToFind, rows, failRows, this.scanOut);
      found = this.scanOut[0]!;
      this.collectFailures(plan, dyn, failRows, this.scanOut[2]!, found, nominatedRow);
      this.nextStartNodeIndex = (this.nextStartNodeIndex + found + this.failedCount) % all;
    } else {
      visitedSlowly = true;
      const check = makeCheck();
      for (let i = 0; i < len && found < numToFind; i++) {
        const n = visit[(this.nextStartNodeIndex + i) % len]!;
        if (check(n)) rows[found++] = n;
      }
    }
    if (visitedSlowly) this.nextStartNodeIndex = (this.nextStartNodeIndex + found + failures.size) % all;

    if (found === 0) return this.noFit(plan, all, ex);
    if (found === 1) return { node: rows[0]!, plugins: [], explain: ex, potential: 0 };

    const totals = this.totals;
    totals.fill(0, 0, found);
    // Default profile without --explain: both allocation scores in one pass.
    const fused = !ex && rt.fitFast >= 0 && rt.balancedFast && !plan.res.balancedSkip && rt.scoresFitAndBalanced;
    if (fused) {
      const recipe: TotalRecipe = {
        fitStrategy: rt.fitFast, fitWeight: profile.scoreWeights.NodeResourcesFit ?? 1,
        fitCpuWeight: rt.fitResources.weights[0]!, fitMemWeight: rt.fitResources.weights[1]!,
        podNzCpu: plan.res.fitScoreReq[0]!, podNzMem: plan.res.fitScoreReq[1]!,
        balancedWeight: profile.scoreWeights.NodeResourcesBalancedAllocation ?? 1, podCpu: plan.res.balancedReq[0]!, podMem: plan.res.balancedReq[1]!,
        imageWeight: 0,
      };
      addTotals(nodes, rows, found, recipe, null, totals);
    }
    for (const name of profile.plugins.score) {
      if (fused && (name === 'NodeResourcesFit' || name === 'NodeResourcesBalancedAllocation')) continue;
      const w = profile.scoreWeights[name] ?? 1;
      if (!ex && this.accumulateFast(rt, plan, name, found, w)) continue;
      if (!this.rawScores(rt, plan, dyn, name, found)) continue;
      const raw = this.raw;
      const norm = this.norm;
      for (let j = 0; j < found; j++) norm[j] = raw[j]!;
      if (name === 'TaintToleration') defaultNormalize(norm, found, true);
      else if (name === 'NodeAffinity') defaultNormalize(norm, found, false);
      else if (name === 'PodTopologySpread') dyn.spreadS!.normalize(rows, found, norm);
      else if (name === 'InterPodAffinity') normalizeAffinity(norm, found);
      else rt.custom?.normalize(name, norm, found);
      for (let j = 0; j < found; j++) totals[j]! += norm[j]! * w;
      if (ex) {
        for (let j = 0; j < found; j++) {
          const ne = exRows.get(rows[j]!)!;
          const s: PluginScore = { raw: raw[j]!, normalized: norm[j]!, weighted: norm[j]! * w };
          (ne.scores ??= {})[name] = s;
        }
      }
    }
    if (ex) {
      for (let j = 0; j < found; j++) {
        const ne = exRows.get(rows[j]!)!;
        ne.scores ??= {};
        ne.total = totals[j]!;
      }
    }
    return { node: rows[selectHostIn(totals, found, this.rng)]!, plugins: [], explain: ex, potential: 0 };
  }

  /**
   * The cycle's Filter+Score through the plan's totals cache: a tree query once the plan is reused,
   * else one pass over the dense per-position results, then the k-th of the max's ties in visiting
   * order. Advances the start index. Returns the chosen row, or -1 when no visited node is feasible
   * (the rejected nodes' statuses are then in `failures`).
   */
  private cachedChoice(plan: SpecPlan, dyn: Dynamic, cache: TotalsCache, numToFind: number, nominatedRow: number): number {
    const visit = cache.visit;
    const len = visit.length;
    this.syncCache(cache, plan);
    const start = this.nextStartNodeIndex % len;
    const out = this.scanMax;
    const tree = cache.tree;
    let found: number;
    if (tree) {
      const processed = tree.span(start, numToFind);
      found = Math.min(numToFind, tree.feasible());
      tree.rangeMax(start, processed, out);
      out[3] = out[1]!;
      out[2] = out[0]!;
      out[0] = found;
      out[1] = processed;
    } else {
      scanDense(this.t.nodes, plan, cache, start, numToFind, out);
      found = out[0]!;
    }
    const processed = out[1]!;
    if (found === 0 || this.failures.size > 0) {
      let f = 0;
      const failRows = this.failRows;
      const score = cache.score;
      for (let i = 0, pos = start; i < processed; i++, pos = pos + 1 === len ? 0 : pos + 1) if (score[pos] === -Infinity) failRows[f++] = visit[pos]!;
      this.collectFailures(plan, dyn, failRows, f, found, nominatedRow);
    } else {
      this.failedCount = processed - found;
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + found + this.failedCount) % this.order.length;
    if (found === 0) return -1;
    const ties = out[3]!;
    const k = ties === 1 ? 0 : this.rng.intn(ties);
    return visit[tree ? tree.nthTie(start, processed, out[2]!, k) : nthTie(cache.score, len, start, processed, out[2]!, k)]!;
  }

  /** The outcome of a cycle that found no feasible node: the FitError from the collected failures. */
  private noFit(plan: SpecPlan, all: number, ex: PodExplain | undefined): CycleOutcome {
    const failures = this.failures;
    const reasons: string[][] = [];
    const plugins = new Set<string>();
    let potential = 0;
    for (const f of failures.values()) {
      reasons.push(f.reasons);
      plugins.add(f.plugin);
      if (!f.unresolvable) potential++;
    }
    if (plan.allowedRows) {
      const absent = `node(s) didn't satisfy plugin(s) [${[...plan.narrowedBy].sort().join(' ')}]`;
      for (let i = failures.size; i < all; i++) reasons.push([absent]);
    }
    return { node: -1, fitError: { numAllNodes: all, reasonsPerNode: reasons }, plugins: [...plugins].sort(), explain: ex, potential };
  }

  /**
   * Without --explain only the totals matter: a plugin whose raw score is the same on every node
   * adds the same amount to every total and cannot change the choice, so it is skipped; the
   * [cpu, memory] allocation scores add straight into the totals. Returns false to take the general path.
   */
  private accumulateFast(rt: ProfileRuntime, plan: SpecPlan, name: string, count: number, w: number): boolean {
    switch (name) {
      case 'TaintToleration': return plan.taintUniform;
      case 'NodeAffinity': return plan.affinityRaw === null || plan.affinityUniform;
      case 'ImageLocality': return plan.imageUniform;
      case 'NodeResourcesFit': {
        if (rt.fitFast < 0) return false;
        const r = plan.res.fitScoreReq;
        scoreCpuMem(this.t.nodes, this.rows, count, rt.fitFast, false, r[0]!, r[1]!, rt.fitResources.weights[0]!, rt.fitResources.weights[1]!, this.totals, w);
        return true;
      }
      case 'NodeResourcesBalancedAllocation': {
        if (plan.res.balancedSkip) return true;
        if (!rt.balancedFast) return false;
        const r = plan.res.balancedReq;
        scoreCpuMem(this.t.nodes, this.rows, count, STRATEGY_BALANCED, true, r[0]!, r[1]!, 1, 1, this.totals, w);
        return true;
      }
      default:
        return false;
    }
  }

  /** Fills this.raw[0..count) with plugin `name`'s raw scores; false when the plugin does not score this pod. */
  private rawScores(rt: ProfileRuntime, plan: SpecPlan, dyn: Dynamic, name: string, count: number): boolean {
    const raw = this.raw;
    const rows = this.rows;
    if (name === 'PodTopologySpread') {
      if (!dyn.spreadS) return false;
      dyn.spreadS.score(rows, count, raw);
      return true;
    }
    if (name === 'InterPodAffinity') return dyn.affinity !== null && dyn.affinity.score(rows, count, raw);
    if (rt.custom?.score(name, rows, count, raw)) return true;
    const pick = (src: Int32Array) => {
      for (let j = 0; j < count; j++) raw[j] = src[rows[j]!]!;
    };
    switch (name) {
      case 'TaintToleration':
        pick(plan.taintRaw!);
        return true;
      case 'NodeAffinity':
        if (!plan.affinityRaw) return false;
        pick(plan.affinityRaw);
        return true;
      case 'ImageLocality':
        pick(plan.imageRaw!);
        return true;
      case 'NodeResourcesFit':
        if (rt.fitFast >= 0) {
          const r = plan.res.fitScoreReq;
          scoreCpuMem(this.t.nodes, rows, count, rt.fitFast, false, r[0]!, r[1]!, rt.fitResources.weights[0]!, rt.fitResources.weights[1]!, raw, 0);
          return true;
        }
        scoreResources(this.t.nodes, rows, count, rt.fitResources, plan.res.fitScoreReq, false, rt.fitScorer, raw, this.reqScratch, this.allocScratch);
        return true;
      case 'NodeResourcesBalancedAllocation':
        if (plan.res.balancedSkip) return false;
        if (rt.balancedFast) {
          const r = plan.res.balancedReq;
          scoreCpuMem(this.t.nodes, rows, count, STRATEGY_BALANCED, true, r[0]!, r[1]!, 1, 1, raw, 0);
          return true;
        }
        scoreResources(this.t.nodes, rows, count, rt.balancedResources, plan.res.balancedReq, true, balanced, raw, this.reqScratch, this.allocScratch);
        return true;
      default:
        return false; // not built: reported among skippedPlugins
    }
  }

  /**
   * Whether a cycle of this plan goes to the shard workers: one without a totals cache (its scores
   * are normalised over the feasible set) and without per-pod plugin state, that examines every
   * node of a large cluster.
   */
  private shardRunner(plan: SpecPlan, numToFind: number, len: number): ShardRunner | null {
    if (plan.allowedRows || numToFind < len) return null;
    return this.shards !== undefined && len >= this.parallelMinNodes ? this.shards : this.localShards;
  }

  /** Cycles over fewer nodes than this run the shard kernel on this thread even with a pool. */
  parallelMinNodes = PARALLEL_MIN_NODES;

  /** The shard kernel on this thread (clusters below PARALLEL_MIN_NODES, or no pool). */
  private readonly localShards = new LocalShards();

  /** The shard form of a plan, or null when a score plugin needs the single-thread path. */
  private shardPlan(rt: ProfileRuntime, plan: SpecPlan): ShardPlan | null {
    const cached = this.shardPlans.get(plan);
    if (cached !== undefined) return cached;
    const { profile } = rt;
    const scores = new Set(profile.plugins.score);
    const w = (n: string) => profile.scoreWeights[n] ?? 1;
    let sp: ShardPlan | null = null;
    const fitOk = !scores.has('NodeResourcesFit') || rt.fitFast >= 0;
    const balOk = !scores.has('NodeResourcesBalancedAllocation') || plan.res.balancedSkip || rt.balancedFast;
    if (fitOk && balOk) {
      sp = {
        id: newShardPlanId(),
        staticPass: plan.staticPass, runsPorts: plan.runsPorts, runsFit: plan.runsFit, hostPorts: plan.hostPorts,
        fitIndex: plan.res.fitIndex, fitAmount: plan.res.fitAmount, requestsNothing: plan.res.requestsNothing,
        imageRaw: plan.imageRaw,
        recipe: {
          fitStrategy: scores.has('NodeResourcesFit') ? rt.fitFast : -1,
          fitWeight: w('NodeResourcesFit'),
          fitCpuWeight: rt.fitResources.weights[0] ?? 0, fitMemWeight: rt.fitResources.weights[1] ?? 0,
          podNzCpu: plan.res.fitScoreReq[0] ?? 0, podNzMem: plan.res.fitScoreReq[1] ?? 0,
          balancedWeight: scores.has('NodeResourcesBalancedAllocation') && !plan.res.balancedSkip ? w('NodeResourcesBalancedAllocation') : 0,
          podCpu: plan.res.balancedReq[0] ?? 0, podMem: plan.res.balancedReq[1] ?? 0,
          imageWeight: scores.has('ImageLocality') && !plan.imageUniform ? w('ImageLocality') : 0,
        },
        affinityRaw: null, affinityWeight: 0, taintRaw: null, taintWeight: 0,
      };
      if (scores.has('NodeAffinity') && plan.affinityRaw !== null && !plan.affinityUniform) {
        sp.affinityRaw = plan.affinityRaw;
        sp.affinityWeight = w('NodeAffinity');
      }
      if (scores.has('TaintToleration') && plan.taintRaw !== null && !plan.taintUniform) {
        sp.taintRaw = plan.taintRaw;
        sp.taintWeight = w('TaintToleration');
      }
    }
    this.shardPlans.set(plan, sp);
    return sp;
  }

  /**
   * One cycle on the shard workers, for cycles that examine every node: each shard filters and
   * scores its range, normalising NodeAffinity and TaintToleration with the maxima over the feasible
   * set. Those maxima are known only when every shard has reported, so the job is given the plan's
   * last maxima and run again in the rare cycle where they changed (memo hits make the rerun cheap).
   * The host is then the k-th node reaching the max total in visiting order, as selectHostIn picks
   * it. Returns the chosen row, or null when no node is feasible.
   */
  private scheduleSharded(sp: ShardPlan, shards: ShardRunner, key: string, ctx: AttemptContext, pod: Pod, spec: PodSpec): number | null {
    const guess = this.shardMaxima.get(sp) ?? [0, 0];
    // The job posted ahead for this pod (see speculate) counts only if nothing it read has changed since.
    const ahead = this.ahead;
    this.ahead = null;
    if (ahead && ahead.runner === shards && ahead.key === key && ahead.sp === sp && ahead.changes === this.changes && ahead.order === this.order
      && ahead.nodeVersion === this.nodeVersion && ahead.maxAffinity === guess[0] && ahead.maxTaint === guess[1]) {
      shards.complete!(true);
      this.aheadUsed++;
    } else {
      ahead?.runner.complete!(false);
      shards.job(sp, this.t.nodes, this.order, this.nodeVersion, guess[0]!, guess[1]!);
    }
    this.shardedCycles++;
    // Read after the job: a job may have reallocated the result arrays (the node set grew).
    let results = shards.results;
    let found = 0;
    let ma = 0;
    let mt = 0;
    for (let c = 0; c < shards.chunks; c++) {
      const r = c * RESULT_STRIDE;
      found += results[r + R_FEASIBLE]!;
      ma = Math.max(ma, results[r + R_MAX_AFFINITY]!);
      mt = Math.max(mt, results[r + R_MAX_TAINT]!);
    }
    if (found === 0) return null;
    if ((sp.affinityWeight !== 0 && ma !== guess[0]) || (sp.taintWeight !== 0 && mt !== guess[1])) {
      this.shardMaxima.set(sp, [ma, mt]);
      shards.job(sp, this.t.nodes, this.order, this.nodeVersion, ma, mt);
      results = shards.results;
    }
    const chunks = shards.chunks;
    let max = -Infinity;
    let ties = 0;
    for (let c = 0; c < chunks; c++) {
      const r = c * RESULT_STRIDE;
      if (results[r + R_FEASIBLE] === 0) continue;
      const m = results[r + R_MAX]!;
      if (m > max) {
        max = m;
        ties = results[r + R_TIES]!;
      } else if (m === max) {
        ties += results[r + R_TIES]!;
      }
    }
    let k = ties === 1 ? 0 : this.rng.intn(ties);
    // Visiting order: positions start..len-1, then 0..start-1. Each chunk listed its ties in position order.
    const len = this.order.length;
    const start = this.nextStartNodeIndex % len;
    const tiePos = shards.ties;
    for (let seg = 0; seg < 2; seg++) {
      const lo = seg === 0 ? start : 0;
      const hi = seg === 0 ? len : start;
      for (let c = 0; c < chunks; c++) {
        const r = c * RESULT_STRIDE;
        if (results[r + R_FEASIBLE] === 0 || results[r + R_MAX] !== max) continue;
        const from = shards.chunkStart(c);
        const to = c + 1 < chunks ? shards.chunkStart(c + 1) : len;
        if (to <= lo || from >= hi) continue;
        const end = from + results[r + R_TIES]!;
        // Only the chunk the segment boundary cuts needs a search; the others lie wholly in or out.
        const inside = from >= lo && to <= hi;
        const a = inside ? from : lowerBound(tiePos, from, end, lo);
        const b = inside ? end : lowerBound(tiePos, a, end, hi);
        if (k < b - a) {
          const node = this.order[tiePos[a + k]!]!;
          if (shards.post && shards.workers > 1 && ctx.next) this.speculate(node, key, ctx.next(), { pod, spec, sp });
          return node;
        }
        k -= b - a;
      }
    }
    throw new Error('sharded cycle: the chosen tie was not found');
  }

  /**
   * Starts the next pod's sharded job before this pod's attempt has even returned, so the worker
   * threads compute while this thread finishes the pod (the queue's and the runner's bookkeeping)
   * and moves to the next: the pod just placed on `node` is accounted on the tables now (bind()
   * then skips it), and the next pod's job is posted if its cycle will be a sharded one. When that
   * pod's attempt comes, scheduleSharded uses the job only if the pod, its plan, the node order and
   * every node (the change log's count) are as they were when it was posted; else it is discarded.
   */
  private speculate(node: number, key: string, next: PodRef | undefined, cur: { pod: Pod; spec: PodSpec; sp: ShardPlan }): void {
    if (!next || next.key === key || this.mayHaveNominations || this.nodesDirty) return;
    const p = this.podRows.get(key);
    if (p === undefined) return;
    const known = this.podRows.get(next.key);
    const pod = known !== undefined ? this.podObjects[known]! : next.pod;
    const spec = known !== undefined ? this.specOf[known]! : this.canonical(pod);
    let sp: ShardPlan | null = cur.sp;
    const runner = this.shards;
    // A pod like this one (a controller's next replica): its cycle takes the same path, and the
    // checks below would all answer as they did for this pod. This runs while the workers wait.
    const like = spec === cur.spec && pod.spec.schedulerName === cur.pod.spec.schedulerName
      && pod.metadata.namespace === cur.pod.metadata.namespace && pod.metadata.ownerReferences === cur.pod.metadata.ownerReferences;
    if (!like) {
      const profile = profileFor(this.config, pod.spec.schedulerName);
      if (!profile) return;
      const rt = this.runtime(profile);
      if (rt.custom !== null) return;
      const plan = this.plan(rt, pod, spec);
      if (plan.preFilterReject !== undefined || (pod.spec.schedulingGates?.length ?? 0) > 0) return;
      const dyn = this.dynamic(rt, pod, plan);
      if (dyn.spreadF || dyn.spreadS || dyn.affinity || this.totalsCache(rt, plan) !== null) return;
      const all = this.order.length;
      if (this.shardRunner(plan, numFeasibleNodesToFind(rt.profile.percentageOfNodesToScore, all), all) !== runner) return;
      sp = this.shardPlan(rt, plan);
    }
    if (!sp || !runner || !runner.post) return;
    this.account(p, node, 1);
    this.prebound = { key, node };
    const guess = this.shardMaxima.get(sp) ?? [0, 0];
    runner.post(sp, this.t.nodes, this.order, this.nodeVersion, guess[0]!, guess[1]!);
    // The next pod's row, while the workers compute (its attempt would make it anyway).
    this.register(next);
    this.ahead = { runner, key: next.key, sp, changes: this.changes, order: this.order, nodeVersion: this.nodeVersion, maxAffinity: guess[0]!, maxTaint: guess[1]! };
  }

  /** The job posted ahead for the next pod (speculate), until that pod's attempt takes or discards it. */
  private ahead: { runner: ShardRunner; key: string; sp: ShardPlan; changes: number; order: Int32Array; nodeVersion: Int32Array; maxAffinity: number; maxTaint: number } | null = null;
  /** A pod accounted on its node ahead of its bind (speculate). */
  private prebound: { key: string; node: number } | null = null;
  /** Sharded cycles that used a job posted ahead (tests, bench output). */
  aheadUsed = 0;

  /** Completes (and discards) a job posted ahead that no attempt took: the pool is free again. */
  settle(): void {
    const a = this.ahead;
    this.ahead = null;
    a?.runner.complete!(false);
  }

  /** Per shard plan: the NodeAffinity and TaintToleration maxima of its last sharded cycle. */
  private readonly shardMaxima = new Map<ShardPlan, number[]>();

  /**
   * The per-node totals cache of a plan, when every score of this profile is per node (no
   * normalisation over the feasible set that could change a choice): NodeResourcesFit Least/Most and
   * BalancedAllocation on [cpu, memory], ImageLocality, and uniform TaintToleration / NodeAffinity
   * (which add the same to every node). Null otherwise.
   */
  private totalsCache(rt: ProfileRuntime, plan: SpecPlan): TotalsCache | null {
    const hit = rt.caches.get(plan);
    if (hit !== undefined) return hit;
    const p = rt.profile;
    const w = (n: string) => p.scoreWeights[n] ?? 1;
    let ok = true;
    const recipe: TotalRecipe = {
      fitStrategy: -1, fitWeight: 0, fitCpuWeight: rt.fitResources.weights[0] ?? 0, fitMemWeight: rt.fitResources.weights[1] ?? 0,
      podNzCpu: plan.res.fitScoreReq[0] ?? 0, podNzMem: plan.res.fitScoreReq[1] ?? 0, balancedWeight: 0,
      podCpu: plan.res.balancedReq[0] ?? 0, podMem: plan.res.balancedReq[1] ?? 0, imageWeight: 0,
    };
    for (const name of p.plugins.score) {
      switch (name) {
        case 'NodeResourcesFit':
          if (rt.fitFast < 0) ok = false;
          recipe.fitStrategy = rt.fitFast;
          recipe.fitWeight = w(name);
          break;
        case 'NodeResourcesBalancedAllocation':
          if (plan.res.balancedSkip) break;
          if (!rt.balancedFast) ok = false;
          recipe.balancedWeight = w(name);
          break;
        case 'ImageLocality':
          if (!plan.imageUniform) recipe.imageWeight = w(name);
          break;
        case 'TaintToleration':
          if (!plan.taintUniform) ok = false;
          break;
        case 'NodeAffinity':
          if (plan.affinityRaw !== null && !plan.affinityUniform) ok = false;
          break;
        case 'PodTopologySpread':
        case 'InterPodAffinity':
          break; // the cache is used only for pods without their state (see cycle)
        default:
          if (FAST_BUILT.has(name)) ok = false;
      }
    }
    let cache: TotalsCache | null = null;
    if (ok) {
      const visit = plan.allowedRows ? this.visitOf(rt, plan) : this.order;
      const posOf = new Int32Array(this.t.nodes.count).fill(-1);
      for (let i = 0; i < visit.length; i++) posOf[visit[i]!] = i;
      cache = { score: new Float64Array(visit.length).fill(NaN), visit, posOf, logSeen: this.changes, recipe, uses: 0, tree: null };
    }
    rt.caches.set(plan, cache);
    return cache;
  }

  /** The rows a plan with a node-set narrowing (allowedRows) visits, in snapshot order; kept per plan. */
  private visitOf(rt: ProfileRuntime, plan: SpecPlan): Int32Array {
    let v = rt.visits.get(plan);
    if (!v) rt.visits.set(plan, (v = this.order.filter((n) => plan.allowedRows!.has(n))));
    return v;
  }

  /**
   * Brings a cache up to the change log: the positions of nodes changed since it last looked are
   * marked not evaluated, or — once it has a tree — evaluated again and updated in the tree.
   */
  private syncCache(cache: TotalsCache, plan: SpecPlan): void {
    const behind = this.changes - cache.logSeen;
    const { score, posOf, tree } = cache;
    if (behind > CHANGE_LOG_SIZE) {
      score.fill(NaN);
      if (tree) {
        evaluateAll(this.t.nodes, plan, cache);
        tree.build(score);
      }
    } else if (behind > 0) {
      const log = this.changeLog;
      for (let i = cache.logSeen; i < this.changes; i++) {
        const pos = posOf[log[i & (CHANGE_LOG_SIZE - 1)]!]!;
        if (pos < 0) continue;
        if (tree) {
          const n = cache.visit[pos]!;
          const t = nodePasses(this.t.nodes, n, plan.filterInputs) ? nodeTotal(this.t.nodes, n, cache.recipe, plan.imageRaw) : -Infinity;
          if (t !== score[pos]) {
            score[pos] = t;
            tree.set(pos, t);
          }
        } else {
          score[pos] = NaN;
        }
      }
    }
    cache.logSeen = this.changes;
    if (!tree && ++cache.uses >= TREE_AFTER_USES && score.length > 0) {
      evaluateAll(this.t.nodes, plan, cache);
      cache.tree = new MaxTree(score.length);
      cache.tree.build(score);
    }
  }

  /** The plan of the last cycle (PostFilter re-runs its filters). */
  private lastPlan: SpecPlan | null = null;

  /** Distinct rejected nodes of the last hot-path scan (the nominated node counted once). */
  private failedCount = 0;

  /**
   * After a hot-path scan: how many distinct nodes were rejected and — only when no node is
   * feasible, the one case that needs them — their statuses for the FitError. A scheduled pod's
   * rejected nodes cost nothing but the count.
   */
  private collectFailures(plan: SpecPlan, dyn: Dynamic, failRows: Int32Array, failed: number, found: number, nominatedRow: number): void {
    const failures = this.failures;
    let count = failed;
    if (failures.has(nominatedRow)) {
      let seen = false;
      for (let i = 0; i < failed && !seen; i++) seen = failRows[i] === nominatedRow;
      if (!seen) count++;
    }
    this.failedCount = count;
    if (found > 0) return;
    for (let i = 0; i < failed; i++) {
      const n = failRows[i]!;
      if (!failures.has(n)) failures.set(n, this.filterTrail(plan, dyn, n, null)!);
    }
  }

  /** Adds (sign 1) or removes (sign -1) pod row p's requests, pod count and host ports on node n. */
  private account(p: number, n: number, sign: 1 | -1): void {
    const nodes = this.t.nodes;
    this.nodeVersion[n]!++;
    this.changeLog[this.changes++ & (CHANGE_LOG_SIZE - 1)] = n;
    accountPod(nodes, this.t.pods, p, n, sign);
    this.counters.onAccount(p, n, sign);
    this.affinityIndex.onAccount(p, n, sign);
    const spec = this.specOf[p] ?? this.podObjects[p]!.spec;
    let ports = this.portsBySpec.get(spec);
    if (!ports) this.portsBySpec.set(spec, (ports = hostPortsOf(spec)));
    if (ports.length === 0) return;
    if (sign === 1) addHostPorts(nodes, n, spec);
    else for (const hp of ports) nodes.removeHostPort(n, hp.protocol, hp.port, hp.hostIP ? nodes.interners.labels.lookup(hp.hostIP) : NO_ID);
  }

  // ---- CycleBackend (the queue driver's contract, ../queue.ts) ----

  admit(ref: PodRef): { reason: string; gated: boolean } | null {
    // The pod gets its PodTable row at its first attempt (register), not here: creating many pods
    // at once then costs the queue alone, and with shard workers the row is made while they compute.
    const profile = profileFor(this.config, ref.pod.spec.schedulerName);
    if (!profile) return { reason: `no profile for schedulerName "${ref.pod.spec.schedulerName || 'default-scheduler'}"`, gated: false };
    if (profile.plugins.preEnqueue.includes('SchedulingGates') && (ref.pod.spec.schedulingGates?.length ?? 0) > 0) {
      return { reason: SCHEDULING_GATED_MESSAGE, gated: true };
    }
    return null;
  }

  /** Undoes an accounting made ahead of a bind that did not come. */
  private unprebind(pre: { key: string; node: number }): void {
    const p = this.podRows.get(pre.key);
    if (p !== undefined) this.account(p, pre.node, -1);
  }

  attempt(ref: PodRef, ctx: AttemptContext): AttemptResult {
    if (this.prebound) {
      this.unprebind(this.prebound);
      this.prebound = null;
    }
    const row = this.register(ref);
    const profile = profileFor(this.config, ref.pod.spec.schedulerName)!;
    // The input pod's spec object is the plan cache key (a controller's pods share it).
    if (this.nodesDirty) this.rebuildNodeState();
    const out = this.cycle(this.runtime(profile), this.podObjects[row]!, ref.priority, ref.key, ctx, this.specOf[row]);
    if (out.node < 0) {
      const statuses = new Map<number, { reasons: string[]; unresolvable: boolean }>();
      for (const [n, f] of this.failures) statuses.set(n, { reasons: f.reasons, unresolvable: f.unresolvable });
      const rt = this.runtime(profile);
      const pod = this.podObjects[row]!;
      const plan = this.lastPlan;
      this.lastFailure = {
        key: ref.key, statuses, absentUnresolvable: true, profile, rt, plan, dyn: plan ? this.dynamic(rt, pod, plan) : NO_DYNAMIC,
        priority: ref.priority, pod, noms: ctx.nominations,
      };
    } else {
      this.lastFailure = undefined;
    }
    const name = out.node >= 0 ? this.t.nodes.nodeName(out.node) : null;
    if (name !== null) {
      this.lastChosenName = name;
      this.lastChosenRow = out.node;
    }
    const result: AttemptResult = { node: name, unschedulablePlugins: out.plugins };
    if (out.fitError) result.fitError = out.fitError;
    if (out.error) result.error = out.error;
    if (out.explain) result.explain = out.explain;
    return result;
  }

  bind(ref: PodRef, node: string, _now: number): void {
    const p = this.podRows.get(ref.key)!;
    const n = node === this.lastChosenName ? this.lastChosenRow : this.t.nodeIndex.get(node)!;
    const pre = this.prebound;
    this.prebound = null;
    if (pre && pre.key === ref.key && pre.node === n) {
      // Accounted ahead (speculate).
    } else {
      if (pre) this.unprebind(pre);
      this.account(p, n, 1);
    }
    this.t.pods.cols.node[p] = n;
    this.track(p, ref, SIM_EPOCH_MS + _now);
    (this.podsOnNode[n] ??= []).push(p);
    ref.pod.spec.nodeName = node;
  }

  /** A pod running in the input (already in the tables): its ref, priority and start time, for preemption. */
  trackRunning(ref: PodRef): void {
    const p = this.podRows.get(ref.key);
    if (p === undefined) return;
    const st = ref.pod.status?.startTime;
    const t = typeof st === 'string' ? Date.parse(st) : NaN;
    this.track(p, ref, Number.isNaN(t) ? SIM_EPOCH_MS : t);
  }

  remove(key: string): void {
    if (this.prebound?.key === key) {
      this.unprebind(this.prebound);
      this.prebound = null;
    }
    const p = this.podRows.get(key);
    if (p === undefined) return;
    const n = this.t.pods.cols.node[p]!;
    if (n >= 0) {
      this.account(p, n, -1);
      this.t.pods.cols.node[p] = -1;
      const list = this.podsOnNode[n];
      const i = list ? list.indexOf(p) : -1;
      if (i >= 0) list!.splice(i, 1);
    }
    const ref = this.refsByRow[p];
    if (ref) delete ref.pod.spec.nodeName;
    // A pod created again under the same name gets a new row.
    this.podRows.delete(key);
    this.refsByRow[p] = undefined;
  }

  addNode(node: Node): void {
    const nodes = this.t.nodes;
    const a = nodeAllocatable(node);
    const row = nodes.add({
      name: node.metadata.name, allocatable: a.amounts, allowedPods: a.pods, unschedulable: node.spec?.unschedulable === true,
      labels: node.metadata.labels ?? {}, taints: node.spec?.taints ?? [],
      images: (node.status?.images ?? []).flatMap((im) => (im.names ?? []).map((name) => ({ name, sizeBytes: im.sizeBytes ?? 0 }))),
    });
    this.t.nodeIndex.set(node.metadata.name, row);
    this.nodeObjects.push(node);
    // Rebuilt lazily at the next attempt: 5,000 nodes added one by one cost one rebuild, not 5,000.
    this.nodesDirty = true;
    this.lastChosenName = null;
  }

  /** A node leaves the cluster: it is no longer visited (its row stays, unused). */
  removeNode(name: string): void {
    const row = this.t.nodeIndex.get(name);
    if (row === undefined) return;
    this.removedNodes.add(row);
    this.lastChosenName = null;
    this.nodeObjects.splice(this.nodeObjects.findIndex((n) => n.metadata.name === name), 1);
    this.nodesDirty = true;
  }

  /**
   * A pod the scheduler was not constructed with (the workload runner creates pods as it goes):
   * it gets a PodTable row. Pods whose spec has the same content share one spec object, so a
   * template's pods share compiled plans.
   */
  private register(ref: PodRef): number {
    let row = this.podRows.get(ref.key);
    if (row !== undefined) return row;
    const pod = ref.pod;
    const spec = this.canonical(pod);
    let r = this.requestsBySpec.get(spec);
    if (!r) this.requestsBySpec.set(spec, (r = podRequests(spec)));
    row = this.t.pods.add({
      namespace: pod.metadata.namespace || 'default', name: pod.metadata.name, key: ref.key, node: -1, priority: ref.priority, phase: 0,
      terminating: !!pod.metadata.deletionTimestamp, gated: (spec.schedulingGates?.length ?? 0) > 0,
      ownerKind: 0, owner: '', spec: -1, requests: r.requests, nonZeroCpu: r.nonZeroCpu, nonZeroMemory: r.nonZeroMemory,
      labels: pod.metadata.labels ?? {},
    });
    this.podObjects[row] = pod;
    this.specOf[row] = spec;
    this.podRows.set(ref.key, row);
    return row;
  }

  /** The last spec canonicalised, its containers and its canonical spec: a template's pods come in runs. */
  private lastSpec: PodSpec | null = null;
  private lastCanonical: PodSpec | null = null;

  /**
   * The canonical spec of a pod: pods whose specs have the same content share one spec object, so a
   * template's pods share compiled plans, requests and host ports.
   */
  private canonical(pod: Pod): PodSpec {
    const s = pod.spec;
    const last = this.lastSpec;
    if (last !== null && (last === s || (last.containers === s.containers && shallowSameSpec(last, s)))) return this.lastCanonical!;
    let spec = this.canonicalSpec.get(s);
    if (!spec) {
      // Shallow copies of one template share their nested objects: compare those by identity first
      // (cheap), and only serialise specs never seen before.
      const cands = this.specsByContainers.get(s.containers);
      if (cands) {
        for (const c of cands) {
          if (shallowSameSpec(c, s)) {
            spec = this.canonicalSpec.get(c) ?? c;
            break;
          }
        }
      }
      if (!spec) {
        const content = JSON.stringify({ ...s, nodeName: undefined });
        spec = this.specByContent.get(content);
        if (!spec) this.specByContent.set(content, (spec = s));
        if (cands) cands.push(s);
        else this.specsByContainers.set(s.containers, [s]);
        // Only the candidates are remembered: a shallow copy of one of them finds its spec through them.
        this.canonicalSpec.set(s, spec);
      }
    }
    this.lastSpec = s;
    this.lastCanonical = spec;
    return spec;
  }

  /** PostFilter: DefaultPreemption (fast/preemption.ts) when the profile enables it. */
  preempt(ref: PodRef, _failure: AttemptResult, _ctx: AttemptContext): PreemptionResult | null {
    const f = this.lastFailure;
    this.lastFailure = undefined;
    if (!f || f.key !== ref.key) return null;
    if (!f.profile.plugins.postFilter.includes('DefaultPreemption')) return null;
    const args = f.profile.args.DefaultPreemption ?? { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 };
    const plan = f.plan;
    const dyn = f.dyn;
    const noms = this.mayHaveNominations ? f.noms : undefined;
    const host: FastPreemptionHost = {
      order: this.order, rng: this.rng, cluster: this.cluster,
      nodeName: (n) => this.t.nodes.nodeName(n),
      podsOn: (n) => this.podsOnNode[n] ?? [],
      priorityOf: (r) => (r < this.rowPriority.length && !Number.isNaN(this.rowPriority[r]) ? this.rowPriority[r]! : this.t.pods.cols.priority[r]!),
      podOf: (r) => this.refsByRow[r]?.pod ?? this.podObjects[r]!,
      keyOf: (r) => this.keyOfRow(r),
      startTime: (r) => (r < this.startTimes.length && !Number.isNaN(this.startTimes[r]) ? this.startTimes[r]! : SIM_EPOCH_MS),
      account: (p, n, sign) => this.account(p, n, sign),
      check: (n) => {
        if (!plan) return { reasons: [], unresolvable: true };
        dyn.spreadF?.prepare();
        if (dyn.affinity) dyn.affinityFilter = f.rt.profile.plugins.preFilter.includes('InterPodAffinity') && dyn.affinity.prepare();
        const fail = this.checkWithNominated(plan, dyn, n, f.priority, f.key, noms, null);
        return fail ? { reasons: fail.reasons, unresolvable: fail.unresolvable } : null;
      },
      boundRows: () => this.podsOnNode.flatMap((list) => list ?? []),
    };
    const result = runFastPreemption(host, f.pod, f.priority, f, args);
    // Restore the per-cycle plugin state to the real cluster.
    dyn.spreadF?.prepare();
    if (result.nominatedNode) this.mayHaveNominations = true;
    return result;
  }

  private keyOfRow(r: number): string {
    return this.t.pods.podName(r);
  }
}

/**
 * The Filter phase's hot loop, kept small so V8 optimises it on its own: visits `visit` round-robin
 * from `start`, writes feasible rows into `rows` until `numToFind` are found, failing rows into
 * `failRows`; out = [found, processed, failed]. Every column is read through a local.
 */
function scanFeasible(nodes: NodeTable, plan: SpecPlan, spread: SpreadFilter | null, affinity: AffinityState | null, visit: Int32Array, len: number, start: number, numToFind: number,
  rows: Int32Array, failRows: Int32Array, out: Int32Array): void {
  // The hottest loop of the engine: nodePasses' checks with every input in a local (a call per node
  // with property loads measured 2x slower here).
  const f = plan.filterInputs;
  const sp = f.staticPass;
  const c = nodes.cols;
  const podCount = c.podCount;
  const allowedPods = c.allowedPods;
  const alloc = c.alloc;
  const req = c.req;
  const cap = nodes.capacity;
  const { fitIndex, fitAmount, requestsNothing, runsFit, runsPorts } = f;
  const nres = fitIndex.length;
  let found = 0;
  let failed = 0;
  let processed = 0;
  let idx = start;
  while (processed < len && found < numToFind) {
    const n = visit[idx]!;
    if (++idx === len) idx = 0;
    processed++;
    let ok = ((sp[n >>> 5]! >>> (n & 31)) & 1) === 1;
    if (ok && runsPorts) ok = portsFree(nodes, n, f.hostPorts);
    if (ok && runsFit) {
      if (podCount[n]! + 1 > allowedPods[n]!) ok = false;
      else if (!requestsNothing) {
        for (let k = 0; k < nres; k++) {
          const r = fitIndex[k]!;
          if (r < 0 || fitAmount[k]! > alloc[r * cap + n]! - req[r * cap + n]!) {
            ok = false;
            break;
          }
        }
      }
    }
    if (ok && spread !== null && spread.check(n) !== null) ok = false;
    if (ok && affinity !== null && affinity.check(n) !== null) ok = false;
    if (ok) rows[found++] = n;
    else failRows[failed++] = n;
  }
  out[0] = found;
  out[1] = processed;
  out[2] = failed;
}

/**
 * scanFeasible + the per-node scores in one loop over a plan's TotalsCache, from position `start`
 * round-robin until `numToFind` feasible nodes are found or every position was visited. A position not
 * evaluated since its node changed (NaN) is evaluated here.
 * out = [found, processed, max total, how many feasible positions reach it].
 */
function scanDense(nodes: NodeTable, plan: SpecPlan, cache: TotalsCache, start: number, numToFind: number, out: Float64Array): void {
  const { score, visit, recipe } = cache;
  const f = plan.filterInputs;
  const imageRaw = plan.imageRaw;
  const len = score.length;
  let max = -Infinity;
  let ties = 0;
  let found = 0;
  let processed = 0;
  let pos = start;
  while (processed < len && found < numToFind) {
    let t = score[pos]!;
    if (t !== t) {
      const n = visit[pos]!;
      t = nodePasses(nodes, n, f) ? nodeTotal(nodes, n, recipe, imageRaw) : -Infinity;
      score[pos] = t;
    }
    if (t !== -Infinity) {
      if (t > max) {
        max = t;
        ties = 1;
      } else if (t === max) {
        ties++;
      }
      found++;
    }
    processed++;
    if (++pos === len) pos = 0;
  }
  out[0] = found;
  out[1] = processed;
  out[2] = max;
  out[3] = ties;
}

/** The position of the k-th (from 0) score equal to `max` among `count` positions visited round-robin from `start`. */
function nthTie(score: Float64Array, len: number, start: number, count: number, max: number, k: number): number {
  let pos = start;
  for (let i = 0; i < count; i++) {
    if (score[pos] === max && k-- === 0) return pos;
    if (++pos === len) pos = 0;
  }
  throw new Error('totals cache: the chosen tie was not found');
}

/** Evaluates every position of a cache not evaluated since its node changed. */
function evaluateAll(nodes: NodeTable, plan: SpecPlan, cache: TotalsCache): void {
  const { score, visit, recipe } = cache;
  const f = plan.filterInputs;
  for (let pos = 0; pos < score.length; pos++) {
    if (score[pos] === score[pos]) continue;
    const n = visit[pos]!;
    score[pos] = nodePasses(nodes, n, f) ? nodeTotal(nodes, n, recipe, plan.imageRaw) : -Infinity;
  }
}

/** The first index in [from, to) of sorted `a` whose value is >= x (to when none). */
function lowerBound(a: Int32Array, from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Same own fields by identity, spec.nodeName aside (no allocation: called once per admitted pod). */
function shallowSameSpec(a: PodSpec, b: PodSpec): boolean {
  let n = 0;
  for (const k in a) {
    if (k === 'nodeName') continue;
    if (a[k] !== b[k]) return false;
    n++;
  }
  let m = 0;
  for (const k in b) if (k !== 'nodeName') m++;
  return n === m;
}


export class FastEngine implements Engine {
  readonly name = 'fast' as const;
  /** Set after schedule(): how many cycles ran on the shard workers, and how many of them used a job posted ahead. */
  lastShardedCycles = 0;
  lastAheadUsed = 0;
  /** `parallelMinNodes` overrides PARALLEL_MIN_NODES (benches measuring where threads pay off). */
  constructor(private readonly tables?: ClusterTables, private readonly shards?: ShardRunner, private readonly parallelMinNodes?: number) {}

  schedule(cluster: ClusterObjects, options: ScheduleOptions): ScheduleOutcome {
    const sched = new FastScheduler(cluster, options, this.tables, this.shards);
    if (this.parallelMinNodes !== undefined) sched.parallelMinNodes = this.parallelMinNodes;
    const priorityOf = (pod: Pod): number => {
      try {
        return podPriority(pod, cluster.priorityClasses);
      } catch (err) {
        if (err instanceof FieldError) throw new InputError({ object: describeObject('Pod', pod.metadata), field: err.field }, err.detail);
        throw err;
      }
    };
    // Running pods are already accounted in the tables; the scheduler only needs their refs.
    const out = scheduleAllPending(sched, cluster, options, priorityOf, (ref) => sched.trackRunning(ref),
      (profile) => profile.notBuilt.filter((n) => !FAST_BUILT.has(n)));
    sched.settle();
    this.lastShardedCycles = sched.shardedCycles;
    this.lastAheadUsed = sched.aheadUsed;
    return out;
  }
}
