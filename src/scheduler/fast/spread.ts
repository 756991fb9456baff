// PodTopologySpread in the fast engine: the same rules as reference/plugins/podtopologyspread.ts,
// on incremental counters (counters.ts). Per pod the constraints are derived with the shared
// constraint parsing; per distinct (constraints, node-eligibility) the per-domain sums are built once
// and then kept current by every bind, so a filter check is a table lookup and the score costs work
// in the nodes scored, not in the pods of the cluster.

import type { Pod } from '../../k8s/types.js';
import type { PodTopologySpreadArgs } from '../config.js';
import type { ClusterObjects } from '../../k8s/types.js';
import { LABEL_HOSTNAME, podConstraints, selectorMatches, type SpreadConstraint } from '../reference/plugins/podtopologyspread-common.js';
import { goRound } from '../reference/plugins/scorers.js';
import { staticReason, type RunContext, type SpecPlan } from './plan.js';
import type { CounterRegistry, DomainSum, MatchCounter, Topology } from './counters.js';

export const ERR_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_NODE_LABEL_NOT_MATCH = ERR_CONSTRAINTS_NOT_MATCH + ' (missing required label)';

interface FilterConstraint {
  c: SpreadConstraint;
  topo: Topology;
  sum: DomainSum;
  self: number;
}

interface ScoreConstraint {
  c: SpreadConstraint;
  topo: Topology;
  counter: MatchCounter;
  sum: DomainSum;
  hostname: boolean;
}

/** Upstream matchNodeInclusionPolicies over node rows, as a mask. */
function eligibility(cs: readonly SpreadConstraint[], c: SpreadConstraint, plan: SpecPlan, ctx: RunContext, topos: readonly Topology[], requireAll: boolean): Uint8Array {
  const n = ctx.nodes.count;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (requireAll && topos.some((t) => t.dom[i]! < 0)) continue;
    if (c.nodeAffinityPolicy === 'Honor' && staticReason('NodeAffinityPod', plan, ctx, i) !== null) continue;
    if (c.nodeTaintsPolicy === 'Honor' && staticReason('TaintToleration', plan, ctx, i) !== null) continue;
    out[i] = 1;
  }
  void cs;
  return out;
}

function eligibilityKey(pod: Pod, c: SpreadConstraint, topos: readonly Topology[], requireAll: boolean): string {
  const aff = c.nodeAffinityPolicy === 'Honor' ? JSON.stringify([pod.spec.nodeSelector ?? null, pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? null]) : '';
  const taints = c.nodeTaintsPolicy === 'Honor' ? JSON.stringify(pod.spec.tolerations ?? []) : '';
  return `${requireAll ? topos.map((t) => t.keyId).join(',') : ''}|${aff}|${taints}`;
}

function counterFor(reg: CounterRegistry, pod: Pod, c: SpreadConstraint, ctx: RunContext): MatchCounter {
  return reg.counter(new Set([podNamespaceId(pod, ctx)]), c.selector);
}

function podNamespaceId(pod: Pod, ctx: RunContext): number {
  return ctx.nodes.interners.namespaces.intern(pod.metadata.namespace || 'default');
}

/** The DoNotSchedule side for one pod: null when the pod has no such constraints (PreFilter Skip). */
export class SpreadFilter {
  private constructor(private readonly cs: FilterConstraint[], private readonly mins: Int32Array) {}

  static build(pod: Pod, args: PodTopologySpreadArgs, cluster: ClusterObjects, plan: SpecPlan, ctx: RunContext, reg: CounterRegistry): SpreadFilter | null {
    const cs = podConstraints(pod, args, cluster, 'DoNotSchedule');
    if (cs.length === 0) return null;
    const topos = cs.map((c) => reg.topology(c.topologyKey));
    const labels = pod.metadata.labels ?? {};
    const fcs = cs.map((c, i) => {
      const counter = counterFor(reg, pod, c, ctx);
      const topo = topos[i]!;
      const sum = reg.sum(counter, topo, `F|${eligibilityKey(pod, c, topos, true)}`, () => eligibility(cs, c, plan, ctx, topos, true));
      return { c, topo, sum, self: selectorMatches(c, labels) ? 1 : 0 };
    });
    return new SpreadFilter(fcs, new Int32Array(fcs.length));
  }

  /** Per cycle: the global minimum of every constraint (0 while fewer domains than minDomains). */
  prepare(): void {
    this.cs.forEach((f, i) => {
      this.mins[i] = f.sum.numDomains < f.c.minDomains ? 0 : f.sum.min();
    });
  }

  /** Filter on node n: null when it passes, else [reason, unresolvable]. */
  check(n: number): [string, boolean] | null {
    const cs = this.cs;
    for (let i = 0; i < cs.length; i++) {
      const f = cs[i]!;
      const d = f.topo.dom[n]!;
      if (d < 0) return [ERR_NODE_LABEL_NOT_MATCH, true];
      const matchNum = f.sum.present[d] ? f.sum.counts[d]! : 0;
      if (matchNum + f.self - this.mins[i]! > f.c.maxSkew) return [ERR_CONSTRAINTS_NOT_MATCH, false];
    }
    return null;
  }
}

/** The ScheduleAnyway side for one pod: null when the pod has no such constraints (PreScore Skip). */
export class SpreadScore {
  private readonly seen: Int32Array[];
  private stamp = 0;
  private readonly ignored: Uint8Array;

  private constructor(private readonly cs: ScoreConstraint[], private readonly requireAll: boolean, nodes: number) {
    this.seen = cs.map((c) => new Int32Array(c.topo.size));
    this.ignored = new Uint8Array(nodes);
  }

  static build(pod: Pod, args: PodTopologySpreadArgs, cluster: ClusterObjects, plan: SpecPlan, ctx: RunContext, reg: CounterRegistry): SpreadScore | null {
    const cs = podConstraints(pod, args, cluster, 'ScheduleAnyway');
    if (cs.length === 0) return null;
    const requireAll = (pod.spec.topologySpreadConstraints?.length ?? 0) > 0 || args.defaultingType !== 'System';
    const topos = cs.map((c) => reg.topology(c.topologyKey));
    const scs = cs.map((c, i) => {
      const counter = counterFor(reg, pod, c, ctx);
      const topo = topos[i]!;
      const sum = reg.sum(counter, topo, `S|${eligibilityKey(pod, c, topos, requireAll)}`, () => eligibility(cs, c, plan, ctx, topos, requireAll));
      return { c, topo, counter, sum, hostname: c.topologyKey === LABEL_HOSTNAME };
    });
    return new SpreadScore(scs, requireAll, ctx.nodes.count);
  }

  /** Raw scores of the feasible rows into out[0..count); remembers which rows are ignored for normalize. */
  score(rows: Int32Array, count: number, out: Float64Array): void {
    const cs = this.cs;
    const ignored = this.ignored;
    // PreScore: ignored nodes, and per constraint the number of distinct domains among the others.
    let scored = 0;
    const sizes = cs.map(() => 0);
    const stamp = ++this.stamp;
    for (let j = 0; j < count; j++) {
      const n = rows[j]!;
      let ign = 0;
      if (this.requireAll) for (const s of cs) if (s.topo.dom[n]! < 0) ign = 1;
      ignored[n] = ign;
      if (ign) continue;
      scored++;
      cs.forEach((s, i) => {
        if (s.hostname) return;
        const d = s.topo.dom[n]!;
        // Without requireAll a node lacking the key counts as the "" value (a domain of its own).
        const slot = d < 0 ? -1 : d;
        if (slot < 0) {
          if (this.missingStamp[i] !== stamp) {
            this.missingStamp[i] = stamp;
            sizes[i]!++;
          }
          return;
        }
        if (this.seen[i]![slot] !== stamp) {
          this.seen[i]![slot] = stamp;
          sizes[i]!++;
        }
      });
    }
    const weights = cs.map((s, i) => Math.log((s.hostname ? scored : sizes[i]!) + 2));
    for (let j = 0; j < count; j++) {
      const n = rows[j]!;
      if (ignored[n]) {
        out[j] = 0;
        continue;
      }
      let score = 0;
      for (let i = 0; i < cs.length; i++) {
        const s = cs[i]!;
        const d = s.topo.dom[n]!;
        if (d < 0) continue;
        const cnt = s.hostname ? s.counter.perNode[n]! : s.sum.counts[d]!;
        score += cnt * weights[i]! + (s.c.maxSkew - 1);
      }
      out[j] = goRound(score);
    }
  }

  private readonly missingStamp: number[] = [];

  /** Upstream NormalizeScore: ignored nodes 0; else 100 * (max + min - s) / max over the others. */
  normalize(rows: Int32Array, count: number, scores: Float64Array): void {
    let min = Number.MAX_SAFE_INTEGER;
    let max = 0;
    for (let j = 0; j < count; j++) {
      if (this.ignored[rows[j]!]) continue;
      const v = scores[j]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    for (let j = 0; j < count; j++) {
      if (this.ignored[rows[j]!]) scores[j] = 0;
      else if (max === 0) scores[j] = 100;
      else scores[j] = Math.trunc((100 * (max + min - scores[j]!)) / max);
    }
  }
}
