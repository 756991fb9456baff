// The reference scheduling cycle, step for step as upstream's schedulingCycle/schedulePod:
// queue (PrioritySort) -> PreEnqueue -> PreFilter -> Filter over sampled nodes (round-robin start index)
// -> [0 feasible: FitError (+ PostFilter text)] [1 feasible: take it] -> PreScore -> Score -> NormalizeScore
// -> weight -> selectHost (seeded) -> assume/bind (requests added to the node at once).

import type { ClusterObjects, Pod } from '../../k8s/types.js';
import { describeObject, FieldError, InputError } from '../../k8s/errors.js';
import { profileFor, type ExtensionPoint, type Profile, type PluginArgsByName } from '../config.js';
import { parsePod, type PodInfo } from '../podinfo.js';
import { fitErrorMessage, nodeTreeOrder, numFeasibleNodesToFind, Rng, selectHost, zoneKey } from '../sampling.js';
import type { Engine, NodeExplain, Placement, PodExplain, ScheduleOptions, ScheduleOutcome } from '../types.js';
import { type CycleState, type Handle, type Plugin, type QueuedPod, type Status, isRejected, message } from './framework.js';
import { buildImageStates, NodeInfo } from './nodeinfo.js';
import { REGISTRY } from './registry.js';
import { SCHEDULING_GATED_MESSAGE } from './plugins/simple.js';
import { podPostFilterMessage } from './postfilter.js';

/** A profile's instantiated plugins per extension point (built ones only). */
export interface Framework {
  profile: Profile;
  points: Record<ExtensionPoint, Plugin[]>;
}

export function newFramework(profile: Profile, handle: Handle): Framework {
  const instances = new Map<string, Plugin>();
  const get = (name: string): Plugin | undefined => {
    const factory = REGISTRY[name];
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

function terminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

interface Decision {
  node: NodeInfo | null;
  reason?: string;
  explain?: PodExplain;
}

export class ReferenceScheduler {
  readonly nodes: NodeInfo[];
  private readonly byName = new Map<string, NodeInfo>();
  private nextStartNodeIndex = 0;
  private readonly rng: Rng;

  constructor(readonly cluster: ClusterObjects, readonly options: ScheduleOptions) {
    const inputNodes = cluster.nodes.map((n) => new NodeInfo(n));
    this.nodes = nodeTreeOrder(inputNodes.map((n) => zoneKey(n.labels))).map((i) => inputNodes[i]!);
    for (const n of this.nodes) this.byName.set(n.name, n);
    buildImageStates(this.nodes);
    this.rng = new Rng(options.seed);
  }

  addRunningPod(pi: PodInfo): void {
    this.byName.get(pi.pod.spec.nodeName!)?.addPod(pi);
  }

  /** schedulePod: one attempt for one pod. */
  scheduleOne(fw: Framework, pod: PodInfo, explain: boolean): Decision {
    const state: CycleState = new Map();
    const all = this.nodes;
    const ex: PodExplain | undefined = explain ? { pod: pod.key, nodes: [] } : undefined;
    if (all.length === 0) return { node: null, reason: 'no nodes available to schedule pods', explain: ex };

    // PreFilter
    const skipFilter = new Set<string>();
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
        const statuses = all.map(() => out.status);
        return { node: null, reason: fitErrorMessage(all.length, [], msg, this.postFilter(fw, pod, statuses, all.length)), explain: ex };
      }
      if (out.nodeNames) {
        withNodes.push(pl.name);
        allowed = allowed ? new Set([...allowed].filter((n) => out.nodeNames!.has(n))) : new Set(out.nodeNames);
        if (allowed.size === 0) {
          const msg = withNodes.length === 1 ? `node(s) didn't satisfy plugin ${withNodes[0]}` : `node(s) didn't satisfy plugin(s) [${withNodes.join(' ')}] simultaneously`;
          if (ex) ex.preFilter = msg;
          const st: Status = { code: 'Unschedulable', reasons: [msg] };
          return { node: null, reason: fitErrorMessage(all.length, [], msg, this.postFilter(fw, pod, all.map(() => st), all.length)), explain: ex };
        }
      }
    }
    // Upstream iterates the PreFilterResult set (random order); we keep snapshot order for reproducibility.
    const nodes = allowed ? all.filter((n) => allowed!.has(n.name)) : all;
    const absent: Status | undefined = allowed
      ? { code: 'UnschedulableAndUnresolvable', reasons: [`node(s) didn't satisfy plugin(s) [${[...withNodes].sort().join(' ')}]`] }
      : undefined;

    // Filter over sampled nodes, round-robin from nextStartNodeIndex.
    const numToFind = numFeasibleNodesToFind(fw.profile.percentageOfNodesToScore, nodes.length);
    const feasible: NodeInfo[] = [];
    const failed: Status[] = [];
    const filterPlugins = fw.points.filter.filter((p) => p.filter && !skipFilter.has(p.name));
    const exByNode = new Map<NodeInfo, NodeExplain>();
    let processed = 0;
    for (let i = 0; i < nodes.length && feasible.length < numToFind; i++) {
      const node = nodes[(this.nextStartNodeIndex + i) % nodes.length]!;
      processed++;
      const ne: NodeExplain | undefined = ex ? { node: node.name, feasible: true, filters: {} } : undefined;
      let status: Status | undefined;
      for (const pl of filterPlugins) {
        const s = pl.filter!(state, pod, node);
        if (ne) ne.filters[pl.name] = s.code === 'Success' ? 'ok' : message(s);
        if (s.code !== 'Success') {
          status = s;
          break;
        }
      }
      if (status && isRejected(status)) failed.push(status);
      else feasible.push(node);
      if (ne) {
        ne.feasible = !status;
        ex!.nodes.push(ne);
        exByNode.set(node, ne);
      }
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % all.length;

    if (feasible.length === 0) {
      const statuses = [...failed];
      const absentCount = all.length - failed.length;
      if (absent) for (let i = 0; i < absentCount; i++) statuses.push(absent);
      return { node: null, reason: fitErrorMessage(all.length, statuses.map((s) => s.reasons), undefined, this.postFilter(fw, pod, statuses, all.length)), explain: ex };
    }
    if (feasible.length === 1) return { node: feasible[0]!, explain: ex };

    // PreScore, Score, NormalizeScore, weight.
    const totals = new Array<number>(feasible.length).fill(0);
    for (const pl of fw.points.score) {
      if (!pl.score) continue;
      const pre = fw.points.preScore.includes(pl) && pl.preScore ? pl.preScore(state, pod, feasible) : undefined;
      if (pre && pre.code === 'Skip') continue;
      const raw = feasible.map((n) => pl.score!(state, pod, n));
      const normalized = [...raw];
      pl.normalizeScore?.(state, pod, normalized);
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
    return { node: feasible[selectHost(totals, this.rng)]!, explain: ex };
  }

  private postFilter(fw: Framework, pod: PodInfo, statuses: Status[], numAllNodes: number): string | undefined {
    if (!fw.profile.plugins.postFilter.includes('DefaultPreemption')) return undefined;
    return podPostFilterMessage(pod, this.nodes, statuses, numAllNodes);
  }
}

export class ReferenceEngine implements Engine {
  readonly name = 'reference' as const;

  schedule(cluster: ClusterObjects, options: ScheduleOptions): ScheduleOutcome {
    const sched = new ReferenceScheduler(cluster, options);
    const handle: Handle = { nodes: sched.nodes };
    const frameworks = new Map(options.config.profiles.map((p) => [p.schedulerName, newFramework(p, handle)]));
    const pods = cluster.pods.map((p) => ({ ...p, spec: { ...p.spec } }));
    const queue: QueuedPod[] = [];
    pods.forEach((pod, seq) => {
      if (terminal(pod)) return;
      let info: PodInfo;
      try {
        info = parsePod(pod, cluster.priorityClasses);
      } catch (err) {
        if (err instanceof FieldError) throw new InputError({ object: describeObject('Pod', pod.metadata), field: err.field }, err.detail);
        throw err;
      }
      if (pod.spec.nodeName) sched.addRunningPod(info);
      else queue.push({ info, seq });
    });
    const first = frameworks.values().next().value as Framework | undefined;
    const sorter = first?.points.queueSort[0];
    queue.sort((a, b) => (sorter?.less ? (sorter.less(a, b) ? -1 : sorter.less(b, a) ? 1 : a.seq - b.seq) : a.seq - b.seq));

    const placements: Placement[] = [];
    const explain: PodExplain[] = [];
    const skipped = new Set<string>();
    for (const q of queue) {
      const pod = q.info;
      const profile = profileFor(options.config, pod.pod.spec.schedulerName);
      if (!profile) {
        placements.push({ pod: pod.key, node: null, reason: `no profile for schedulerName "${pod.schedulerName}"` });
        continue;
      }
      const fw = frameworks.get(profile.schedulerName)!;
      for (const n of profile.notBuilt) skipped.add(n);
      const gate = fw.points.preEnqueue.map((p) => p.preEnqueue?.(pod)).find((s) => s && s.code !== 'Success');
      if (gate) {
        placements.push({ pod: pod.key, node: null, reason: SCHEDULING_GATED_MESSAGE });
        continue;
      }
      const d = sched.scheduleOne(fw, pod, options.explain === true);
      if (d.explain) explain.push(d.explain);
      if (d.node) {
        // Reserve/Permit/Bind: assume at once, then DefaultBinder sets spec.nodeName.
        d.node.addPod(pod);
        pod.pod.spec.nodeName = d.node.name;
        placements.push({ pod: pod.key, node: d.node.name });
      } else {
        placements.push({ pod: pod.key, node: null, reason: d.reason! });
      }
    }
    const result: ScheduleOutcome['result'] = { placements, preemptions: [] };
    if (options.explain) result.explain = explain;
    if (skipped.size > 0) result.skippedPlugins = [...skipped];
    return { result, pods };
  }
}
