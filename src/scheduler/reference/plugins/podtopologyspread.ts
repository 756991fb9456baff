// podtopologyspread.PodTopologySpread (filtering.go, scoring.go).
// PreFilter: per DoNotSchedule constraint, matching pods per topology value over eligible nodes (nodes with every
// topology key that pass the inclusion policies), and the two smallest counts (criticalPaths).
// Filter: missing key -> UnschedulableAndUnresolvable; matchNum + self - globalMin > maxSkew -> Unschedulable.
// PreScore/Score: ScheduleAnyway constraints, counts per topology value among the filtered nodes' domains,
// weighted ln(domains + 2); NormalizeScore reversed between min and max.

import type { PodTopologySpreadArgs } from '../../config.js';
import type { PodInfo } from '../../podinfo.js';
import { MAX_NODE_SCORE } from '../../sampling.js';
import type { NodeInfo } from '../nodeinfo.js';
import { type CycleState, type Handle, type Plugin, skip, success, unresolvable, unschedulable } from '../framework.js';
import {
  countPodsMatchSelector, LABEL_HOSTNAME, matchNodeInclusionPolicies, nodeLabelsMatchSpreadConstraints, podConstraints,
  selectorMatches, type SpreadConstraint,
} from './podtopologyspread-common.js';
import { goRound } from './scorers.js';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + ' (missing required label)';

const PRE_FILTER_KEY = 'PreFilterPodTopologySpread';
const PRE_SCORE_KEY = 'PreScorePodTopologySpread';
const MAX_INT32 = 2147483647;

interface CriticalPath {
  value: string;
  num: number;
}

/** Upstream criticalPaths: [0] always holds the minimum; [1] is >= [0] but not necessarily the 2nd minimum. */
export class CriticalPaths {
  p: [CriticalPath, CriticalPath] = [{ value: '', num: MAX_INT32 }, { value: '', num: MAX_INT32 }];
  update(value: string, num: number): void {
    const p = this.p;
    const i = value === p[0].value ? 0 : value === p[1].value ? 1 : -1;
    if (i >= 0) {
      p[i as 0 | 1].num = num;
      if (p[0].num > p[1].num) this.p = [p[1], p[0]];
    } else if (num < p[0].num) {
      this.p = [{ value, num }, { ...p[0] }];
    } else if (num < p[1].num) {
      p[1] = { value, num };
    }
  }
  clone(): CriticalPaths {
    const c = new CriticalPaths();
    c.p = [{ ...this.p[0] }, { ...this.p[1] }];
    return c;
  }
}

export class PreFilterState {
  constructor(
    readonly constraints: SpreadConstraint[],
    readonly criticalPaths: CriticalPaths[],
    readonly tpValueToMatchNum: Map<string, number>[],
  ) {}
  /** Upstream minMatchNum: 0 while fewer domains than minDomains. */
  minMatchNum(i: number): number {
    const c = this.constraints[i]!;
    if (this.tpValueToMatchNum[i]!.size < c.minDomains) return 0;
    return this.criticalPaths[i]!.p[0].num;
  }
  clone(): PreFilterState {
    return new PreFilterState(this.constraints, this.criticalPaths.map((c) => c.clone()), this.tpValueToMatchNum.map((m) => new Map(m)));
  }
}

interface PreScoreState {
  constraints: SpreadConstraint[];
  ignoredNodes: Set<string>;
  /** Per constraint: topology value -> matching pods (hostname constraints are counted per node in Score). */
  topologyValueToPodCounts: Map<string, number>[];
  normalizingWeight: number[];
}

export function calPreFilterState(pod: PodInfo, constraints: SpreadConstraint[], allNodes: readonly NodeInfo[]): PreFilterState {
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of allNodes) {
    if (!nodeLabelsMatchSpreadConstraints(node.labels, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!matchNodeInclusionPolicies(c, pod, node)) return;
      const v = node.labels[c.topologyKey]!;
      counts[i]!.set(v, (counts[i]!.get(v) ?? 0) + countPodsMatchSelector(node.pods, c, pod.namespace));
    });
  }
  const paths = counts.map((m) => {
    const cp = new CriticalPaths();
    for (const [v, n] of m) cp.update(v, n);
    return cp;
  });
  return new PreFilterState(constraints, paths, counts);
}

function updateWithPod(s: PreFilterState, updated: PodInfo, preemptor: PodInfo, node: NodeInfo, delta: number): void {
  if (updated.namespace !== preemptor.namespace) return;
  if (!nodeLabelsMatchSpreadConstraints(node.labels, s.constraints)) return;
  s.constraints.forEach((c, i) => {
    if (!selectorMatches(c, updated.pod.metadata.labels)) return;
    if (!matchNodeInclusionPolicies(c, preemptor, node)) return;
    const v = node.labels[c.topologyKey]!;
    const n = (s.tpValueToMatchNum[i]!.get(v) ?? 0) + delta;
    s.tpValueToMatchNum[i]!.set(v, n);
    s.criticalPaths[i]!.update(v, n);
  });
}

/** Upstream topologyNormalizingWeight: ln(size + 2). */
export const topologyNormalizingWeight = (size: number): number => Math.log(size + 2);

export const newPodTopologySpread = (rawArgs: unknown, handle: Handle): Plugin => {
  const args: PodTopologySpreadArgs = (rawArgs as PodTopologySpreadArgs | undefined) ?? { defaultConstraints: [], defaultingType: 'System' };
  const systemDefaulted = args.defaultingType === 'System';
  return {
    name: 'PodTopologySpread',
    preFilter: (state, pod, nodes) => {
      const cs = podConstraints(pod.pod, args, handle.cluster, 'DoNotSchedule');
      if (cs.length === 0) return { status: skip() };
      state.set(PRE_FILTER_KEY, calPreFilterState(pod, cs, nodes));
      return { status: success() };
    },
    addPod: (state, pod, add, node) => {
      const s = state.get(PRE_FILTER_KEY) as PreFilterState | undefined;
      if (s) updateWithPod(s, add, pod, node, 1);
      return success();
    },
    removePod: (state, pod, rm, node) => {
      const s = state.get(PRE_FILTER_KEY) as PreFilterState | undefined;
      if (s) updateWithPod(s, rm, pod, node, -1);
      return success();
    },
    filter: (state, pod, node) => {
      const s = state.get(PRE_FILTER_KEY) as PreFilterState | undefined;
      if (!s || s.constraints.length === 0) return success();
      const labels = pod.pod.metadata.labels ?? {};
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i]!;
        if (!Object.hasOwn(node.labels, c.topologyKey)) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
        const tpVal = node.labels[c.topologyKey]!;
        const minMatch = s.minMatchNum(i);
        const self = selectorMatches(c, labels) ? 1 : 0;
        const matchNum = s.tpValueToMatchNum[i]!.get(tpVal) ?? 0;
        if (matchNum + self - minMatch > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
      }
      return success();
    },
    preScore: (state: CycleState, pod, filtered) => {
      const all = handle.nodes;
      if (filtered.length === 0 || all.length === 0) return skip();
      const cs = podConstraints(pod.pod, args, handle.cluster, 'ScheduleAnyway');
      if (cs.length === 0) return skip();
      const requireAll = (pod.pod.spec.topologySpreadConstraints?.length ?? 0) > 0 || !systemDefaulted;
      const s: PreScoreState = { constraints: cs, ignoredNodes: new Set(), topologyValueToPodCounts: cs.map(() => new Map()), normalizingWeight: [] };
      const topoSize = cs.map(() => 0);
      for (const n of filtered) {
        if (requireAll && !nodeLabelsMatchSpreadConstraints(n.labels, cs)) {
          s.ignoredNodes.add(n.name);
          continue;
        }
        cs.forEach((c, i) => {
          if (c.topologyKey === LABEL_HOSTNAME) return;
          const v = n.labels[c.topologyKey] ?? '';
          if (!s.topologyValueToPodCounts[i]!.has(v)) {
            s.topologyValueToPodCounts[i]!.set(v, 0);
            topoSize[i]!++;
          }
        });
      }
      s.normalizingWeight = cs.map((c, i) => topologyNormalizingWeight(c.topologyKey === LABEL_HOSTNAME ? filtered.length - s.ignoredNodes.size : topoSize[i]!));
      for (const node of all) {
        if (requireAll && !nodeLabelsMatchSpreadConstraints(node.labels, cs)) continue;
        cs.forEach((c, i) => {
          if (!matchNodeInclusionPolicies(c, pod, node)) return;
          const v = node.labels[c.topologyKey] ?? '';
          const m = s.topologyValueToPodCounts[i]!;
          if (!m.has(v)) return;
          m.set(v, m.get(v)! + countPodsMatchSelector(node.pods, c, pod.namespace));
        });
      }
      state.set(PRE_SCORE_KEY, s);
      return success();
    },
    score: (state, pod, node) => {
      const s = state.get(PRE_SCORE_KEY) as PreScoreState;
      if (s.ignoredNodes.has(node.name)) return 0;
      let score = 0;
      s.constraints.forEach((c, i) => {
        if (!Object.hasOwn(node.labels, c.topologyKey)) return;
        const cnt = c.topologyKey === LABEL_HOSTNAME
          ? countPodsMatchSelector(node.pods, c, pod.namespace)
          : s.topologyValueToPodCounts[i]!.get(node.labels[c.topologyKey]!)!;
        score += cnt * s.normalizingWeight[i]! + (c.maxSkew - 1);
      });
      return goRound(score);
    },
    normalizeScore: (state, _pod, scores, nodes) => {
      const s = state.get(PRE_SCORE_KEY) as PreScoreState;
      const ignored = (i: number): boolean => nodes !== undefined && s.ignoredNodes.has(nodes[i]!.name);
      let min = Number.MAX_SAFE_INTEGER;
      let max = 0;
      scores.forEach((v, i) => {
        if (ignored(i)) return;
        if (v < min) min = v;
        if (v > max) max = v;
      });
      for (let i = 0; i < scores.length; i++) {
        if (ignored(i)) scores[i] = 0;
        else if (max === 0) scores[i] = MAX_NODE_SCORE;
        else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
      }
    },
  };
};
