// The reference scheduling cycle, step for step as upstream's schedulingCycle/schedulePod, as a CycleBackend of the
// queue driver (../queue.ts): PreEnqueue -> PreFilter -> [nominated node first] -> Filter over sampled nodes
// (round-robin start index; nominated pods of >= priority counted, upstream RunFilterPluginsWithNominatedPods)
// -> [0 feasible: FitError; PostFilter = DefaultPreemption] [1 feasible: take it] -> PreScore -> Score ->
// NormalizeScore -> weight -> selectHost (seeded) -> assume/bind (requests added to the node at once).

import type { ClusterObjects, Node, Pod } from '../../k8s/types.js';
import { describeObject, FieldError, InputError } from '../../k8s/errors.js';
import { profileFor, type ExtensionPoint, type Profile, type PluginArgsByName, type SchedulerConfig } from '../config.js';
import { parsePod, type PodInfo } from '../podinfo.js';
import { numFeasibleNodesToFind, nodeTreeOrder, Rng, selectHost, zoneKey } from '../sampling.js';
import { scheduleAllPending, type CycleBackend } from '../queue.js';
import type {
  AttemptContext, AttemptResult, Engine, NodeExplain, Nominations, PodExplain, PodRef, PreemptionResult, ScheduleOptions, ScheduleOutcome,
} from '../types.js';
import { type CycleState, type Handle, type Plugin, type Status, cloneState, isRejected, message, SKIP_FILTER_KEY, success } from './framework.js';
import { buildImageStates, NodeInfo } from './nodeinfo.js';
import { customPluginFactory, REGISTRY } from './registry.js';
import type { CustomPlugins } from '../plugins/api.js';
import { SCHEDULING_GATED_MESSAGE } from './plugins/simple.js';
import { runPreemption, type PreemptionHost } from './preemption.js';

/** A profile's instantiated plugins per extension point (built ones only). */
export interface Framework {
  profile: Profile;
  points: Record<ExtensionPoint, Plugin[]>;
}

export function newFramework(profile: Profile, handle: Handle, custom?: CustomPlugins): Framework {
  const instances = new Map<string, Plugin>();
  const get = (name: string): Plugin | undefined => {
    const factory = REGISTRY[name] ?? customPluginFactory(custom, name);
    if (!factory) return undefined;
    let p = instances.get(name);
    if (!p) {
      p = factory(profile.args[name as keyof PluginArgsByName], handle);
      instances.set(name, p);
    }
    return p;
  };
  const points = {} as Record<ExtensionPoint, Plugin[]>;
  for (const [point, names] of Object.entries(profile.plugins) as [ExtensionPoint, string[]][]) {
    points[point] = names.map(get).filter((p): p is Plugin => p !== undefined);
  }
  return { profile, points };
}

/** Plugins the profile enables that the reference engine has no implementation for (treated as no-ops, reported). */
export function referenceSkipped(profile: Profile): string[] {
  return profile.notBuilt.filter((n) => !(n in REGISTRY));
}


/** Simulated start times sort after every real one (upstream uses time.Now() for pods that have not started). */
const SIM_EPOCH_MS = 1e15;

/** Node statuses of a failed cycle, kept for PostFilter. */
export interface FailedCycle {
  pod: PodInfo;
  fw: Framework;
  state: CycleState;
  statuses: Map<string, Status>;
  /** Status of nodes not in `statuses` (PreFilter rejection or narrowing); undefined = UnschedulableAndUnresolvable. */
  absent?: Status;
}

export class ReferenceScheduler implements CycleBackend, PreemptionHost {
  readonly nodes: NodeInfo[];
  private readonly byName = new Map<string, NodeInfo>();
  private readonly podNode = new Map<string, NodeInfo>();
  private readonly infos = new Map<string, PodInfo>();
  private readonly startTimes = new Map<string, number>();
  private nextStartNodeIndex = 0;
  readonly rng: Rng;
  readonly handle: Handle;
  private readonly frameworks: Map<string, Framework>;
  private lastFailure?: FailedCycle;
  now = 0;

  constructor(readonly cluster: ClusterObjects, readonly config: SchedulerConfig, seed: number) {
    const inputNodes = cluster.nodes.map((n) => new NodeInfo(n));
    this.nodes = nodeTreeOrder(inputNodes.map((n) => zoneKey(n.labels))).map((i) => inputNodes[i]!);
    for (const n of this.nodes) this.byName.set(n.name, n);
    buildImageStates(this.nodes);
    this.rng = new Rng(seed);
    this.handle = { nodes: this.nodes, cluster };
    this.frameworks = new Map(config.profiles.map((p) => [p.schedulerName, newFramework(p, this.handle, config.custom)]));
  }

  info(ref: PodRef): PodInfo {
    let pi = this.infos.get(ref.key);
    if (!pi) {
      try {
        pi = parsePod(ref.pod, this.cluster.priorityClasses);
      } catch (err) {
        if (err instanceof FieldError) throw new InputError({ object: describeObject('Pod', ref.pod.metadata), field: err.field }, err.detail);
        throw err;
      }
      this.infos.set(ref.key, pi);
    }
    return pi;
  }

  /** A pod already running (spec.nodeName set in the input). */
  addRunningPod(ref: PodRef): void {
    const node = this.byName.get(ref.pod.spec.nodeName!);
    if (!node) return;
    const pi = this.info(ref);
    node.addPod(pi);
    this.podNode.set(pi.key, node);
    const st = ref.pod.status?.startTime;
    const t = typeof st === 'string' ? Date.parse(st) : NaN;
    this.startTimes.set(pi.key, Number.isNaN(t) ? SIM_EPOCH_MS : t);
  }

  startTime(pi: PodInfo): number {
    return this.startTimes.get(pi.key) ?? SIM_EPOCH_MS + this.now;
  }

  podInfoOf(ref: PodRef): PodInfo {
    return this.info(ref);
  }

  frameworkFor(pod: Pod): Framework | undefined {
    const profile = profileFor(this.config, pod.spec.schedulerName);
    return profile && this.frameworks.get(profile.schedulerName);
  }

  // ---- CycleBackend ----

  admit(ref: PodRef): { reason: string; gated: boolean } | null {
    const fw = this.frameworkFor(ref.pod);
    if (!fw) return { reason: `no profile for schedulerName "${ref.pod.spec.schedulerName || 'default-scheduler'}"`, gated: false };
    const pi = this.info(ref);
    const gate = fw.points.preEnqueue.map((p) => p.preEnqueue?.(pi)).find((s) => s && s.code !== 'Success');
    return gate ? { reason: SCHEDULING_GATED_MESSAGE, gated: true } : null;
  }

  bind(ref: PodRef, nodeName: string, now: number): void {
    const node = this.byName.get(nodeName)!;
    const pi = this.info(ref);
    node.addPod(pi);
    this.podNode.set(pi.key, node);
    this.startTimes.set(pi.key, SIM_EPOCH_MS + now);
    ref.pod.spec.nodeName = nodeName;
  }

  remove(key: string): void {
    const node = this.podNode.get(key);
    const pi = this.infos.get(key);
    if (node && pi) node.removePod(pi);
    this.podNode.delete(key);
    if (pi) delete pi.pod.spec.nodeName;
  }

  addNode(node: Node): void {
    const ni = new NodeInfo(node);
    // A new node joins its zone at the end of the node tree order: rebuild the order (upstream nodeTree.addNode).
    const all = [...this.nodes, ni];
    const order = nodeTreeOrder(all.map((n) => zoneKey(n.labels))).map((i) => all[i]!);
    this.nodes.splice(0, this.nodes.length, ...order);
    this.byName.set(ni.name, ni);
    buildImageStates(this.nodes);
  }

  attempt(ref: PodRef, ctx: AttemptContext): AttemptResult {
    this.now = ctx.now;
    const pod = this.info(ref);
    const fw = this.frameworkFor(ref.pod)!;
    return this.scheduleOne(fw, pod, ctx);
  }

  preempt(ref: PodRef, _failure: AttemptResult, ctx: AttemptContext): PreemptionResult | null {
    const f = this.lastFailure;
    this.lastFailure = undefined;
    if (!f || f.pod.key !== ref.key) return null;
    const pl = f.fw.points.postFilter.find((p) => p.name === 'DefaultPreemption');
    if (!pl) return null;
    return runPreemption(this, f, ctx.nominations, f.fw.profile.args.DefaultPreemption!);
  }

  // ---- the cycle ----

  /** RunFilterPlugins: the first rejecting plugin's status (with its name), or success. */
  runFilters(fw: Framework, state: CycleState, pod: PodInfo, node: NodeInfo, ne?: NodeExplain): { status: Status; plugin?: string } {
    const skipped = (state.get(SKIP_FILTER_KEY) as Set<string> | undefined) ?? new Set<string>();
    if (ne) ne.filters = {};
    for (const pl of fw.points.filter) {
      if (!pl.filter || skipped.has(pl.name)) continue;
      const s = pl.filter(state, pod, node);
      if (ne) ne.filters[pl.name] = s.code === 'Success' ? 'ok' : message(s);
      if (s.code !== 'Success') return { status: s, plugin: pl.name };
    }
    return { status: success() };
  }

  /** Upstream RunFilterPluginsWithNominatedPods: first with nominated pods of >= priority added, then without. */
  runFiltersWithNominated(fw: Framework, state: CycleState, pod: PodInfo, node: NodeInfo, noms: Nominations, ne?: NodeExplain): { status: Status; plugin?: string } {
    const add = noms.podsOn(node.name).filter((r) => r.priority >= pod.priority && r.key !== pod.key);
    if (add.length === 0) return this.runFilters(fw, state, pod, node, ne);
    const nodeCopy = node.snapshot();
    const stateCopy = cloneState(state);
    const skipped = (state.get(SKIP_FILTER_KEY) as Set<string> | undefined) ?? new Set<string>();
    for (const r of add) {
      const pi = this.info(r);
      nodeCopy.addPod(pi);
      for (const pl of fw.points.preFilter) if (pl.addPod && !skipped.has(pl.name)) pl.addPod(stateCopy, pod, pi, nodeCopy);
    }
    const first = this.runFilters(fw, stateCopy, pod, nodeCopy, ne);
    if (first.status.code !== 'Success') return first;
    return this.runFilters(fw, state, pod, node, ne);
  }

  private fail(fw: Framework, pod: PodInfo, state: CycleState, statuses: Map<string, Status>, plugins: Set<string>, absent: Status | undefined,
    ex: PodExplain | undefined, preFilterMsg?: string): AttemptResult {
    this.lastFailure = { pod, fw, state, statuses, absent };
    const reasonsPerNode = preFilterMsg !== undefined ? [] : [...statuses.values()].map((s) => s.reasons);
    if (preFilterMsg === undefined && absent) for (let i = statuses.size; i < this.nodes.length; i++) reasonsPerNode.push(absent.reasons);
    return { node: null, fitError: { numAllNodes: this.nodes.length, reasonsPerNode, preFilterMsg }, unschedulablePlugins: [...plugins].sort(), explain: ex };
  }

  /** schedulePod: one attempt for one pod. */
  scheduleOne(fw: Framework, pod: PodInfo, ctx: AttemptContext): AttemptResult {
    this.lastFailure = undefined;
    const state: CycleState = new Map();
    const all = this.nodes;
    const ex: PodExplain | undefined = ctx.explain ? { pod: pod.key, nodes: [] } : undefined;
    if (all.length === 0) return { node: null, error: 'no nodes available to schedule pods', unschedulablePlugins: [], explain: ex };

    // PreFilter
    const skipFilter = new Set<string>();
    state.set(SKIP_FILTER_KEY, skipFilter);
    let allowed: Set<string> | undefined;
    const withNodes: string[] = [];
    for (const pl of fw.points.preFilter) {
      if (!pl.preFilter) continue;
      const out = pl.preFilter(state, pod, all);
      if (out.status.code === 'Skip') {
        skipFilter.add(pl.name);
        continue;
      }
      if (out.status.code !== 'Success') {
        const msg = message(out.status);
        if (ex) ex.preFilter = msg;
        return this.fail(fw, pod, state, new Map(), new Set([pl.name]), out.status, ex, msg);
      }
      if (out.nodeNames) {
        withNodes.push(pl.name);
        allowed = allowed ? new Set([...allowed].filter((n) => out.nodeNames!.has(n))) : new Set(out.nodeNames);
        if (allowed.size === 0) {
          const msg = withNodes.length === 1 ? `node(s) didn't satisfy plugin ${withNodes[0]}` : `node(s) didn't satisfy plugin(s) [${withNodes.join(' ')}] simultaneously`;
          if (ex) ex.preFilter = msg;
          return this.fail(fw, pod, state, new Map(), new Set(withNodes), { code: 'UnschedulableAndUnresolvable', reasons: [msg] }, ex, msg);
        }
      }
    }
    // Upstream iterates the PreFilterResult set (random order); we keep snapshot order for reproducibility.
    const nodes = allowed ? all.filter((n) => allowed!.has(n.name)) : all;
    const absent: Status | undefined = allowed
      ? { code: 'UnschedulableAndUnresolvable', reasons: [`node(s) didn't satisfy plugin(s) [${[...withNodes].sort().join(' ')}]`] }
      : undefined;
    const statuses = new Map<string, Status>();
    const rejectors = new Set<string>();
    const exByNode = new Map<NodeInfo, NodeExplain>();

    const check = (node: NodeInfo): boolean => {
      const ne: NodeExplain | undefined = ex ? { node: node.name, feasible: true, filters: {} } : undefined;
      const r = this.runFiltersWithNominated(fw, state, pod, node, ctx.nominations, ne);
      const ok = !isRejected(r.status) && r.status.code === 'Success';
      if (!ok) {
        statuses.set(node.name, r.status);
        if (r.plugin) rejectors.add(r.plugin);
      }
      if (ne) {
        ne.feasible = ok;
        ex!.nodes.push(ne);
        exByNode.set(node, ne);
      }
      return ok;
    };

    // Upstream evaluateNominatedNode: the nominated node alone first (its pass moves the start index modulo 1).
    const nominated = ctx.nominatedNode ? this.byName.get(ctx.nominatedNode) : undefined;
    if (nominated) {
      const ok = check(nominated);
      this.nextStartNodeIndex = 0;
      if (ok) return { node: nominated.name, unschedulablePlugins: [], explain: ex };
    }

    // Filter over sampled nodes, round-robin from nextStartNodeIndex.
    const numToFind = numFeasibleNodesToFind(fw.profile.percentageOfNodesToScore, nodes.length);
    const feasible: NodeInfo[] = [];
    for (let i = 0; i < nodes.length && feasible.length < numToFind; i++) {
      const node = nodes[(this.nextStartNodeIndex + i) % nodes.length]!;
      if (check(node)) feasible.push(node);
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + feasible.length + statuses.size) % all.length;

    if (feasible.length === 0) return this.fail(fw, pod, state, statuses, rejectors, absent, ex);
    if (feasible.length === 1) return { node: feasible[0]!.name, unschedulablePlugins: [], explain: ex };

    // PreScore, Score, NormalizeScore, weight.
    const totals = new Array<number>(feasible.length).fill(0);
    for (const pl of fw.points.score) {
      if (!pl.score) continue;
      const pre = fw.points.preScore.includes(pl) && pl.preScore ? pl.preScore(state, pod, feasible) : undefined;
      if (pre && pre.code === 'Skip') continue;
      const raw = feasible.map((n) => pl.score!(state, pod, n));
      const normalized = [...raw];
      pl.normalizeScore?.(state, pod, normalized, feasible);
      const weight = fw.profile.scoreWeights[pl.name] ?? 1;
      normalized.forEach((s, i) => {
        totals[i]! += s * weight;
        const ne = exByNode.get(feasible[i]!);
        if (ne) (ne.scores ??= {})[pl.name] = { raw: raw[i]!, normalized: s, weighted: s * weight };
      });
    }
    // PreScore plugins that do not score still run (upstream runs every PreScore plugin).
    for (const pl of fw.points.preScore) if (pl.preScore && !fw.points.score.includes(pl)) pl.preScore(state, pod, feasible);
    feasible.forEach((n, i) => {
      const ne = exByNode.get(n);
      if (ne) {
        ne.scores ??= {};
        ne.total = totals[i]!;
      }
    });
    return { node: feasible[selectHost(totals, this.rng)]!.name, unschedulablePlugins: [], explain: ex };
  }

  nodeByName(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  /** Every bound pod (PDB accounting). */
  boundPods(): PodInfo[] {
    return this.nodes.flatMap((n) => n.pods);
  }
}

export class ReferenceEngine implements Engine {
  readonly name = 'reference' as const;

  schedule(cluster: ClusterObjects, options: ScheduleOptions): ScheduleOutcome {
    const sched = new ReferenceScheduler(cluster, options.config, options.seed);
    return scheduleAllPending(sched, cluster, options,
      (pod) => sched.info({ key: `${pod.metadata.namespace || 'default'}/${pod.metadata.name}`, pod, priority: 0 }).priority,
      (ref) => sched.addRunningPod(ref), referenceSkipped);
  }
}
