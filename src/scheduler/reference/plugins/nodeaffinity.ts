// nodeaffinity.NodeAffinity: Filter on nodeSelector AND required node affinity (plus the addedAffinity arg);
// PreFilter narrows to node names when every required term pins metadata.name with In;
// Score = sum of weights of matching preferred terms (pod's and added), normalized to 0..100.

import type { NodeSelector } from '../../../k8s/types.js';
import type { NodeAffinityArgs } from '../../config.js';
import { nodeNamePins, type PodInfo } from '../../podinfo.js';
import type { NodeInfo } from '../nodeinfo.js';
import { type Plugin, defaultNormalizeScore, skip, success, unresolvable } from '../framework.js';
import { MAX_NODE_SCORE } from '../../sampling.js';
import { matchNodeSelectorTerms, requiredNodeAffinityMatches, scorePreferredSchedulingTerms } from '../../../model/selector.js';

export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

function requiredOf(pod: PodInfo): NodeSelector | undefined {
  return pod.pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
}

/** Upstream GetRequiredNodeAffinity(pod).Match(node). */
export function podMatchesNodeSelectorAndAffinity(pod: PodInfo, node: NodeInfo): boolean {
  return requiredNodeAffinityMatches(pod.pod.spec, node);
}

export const newNodeAffinity = (rawArgs: unknown): Plugin => {
  const args = (rawArgs ?? {}) as NodeAffinityArgs;
  const addedRequired = args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const addedPreferred = args.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  const hasAddedPreferred = addedPreferred.length > 0;
  return {
    name: 'NodeAffinity',
    preFilter: (_s, pod) => {
      const req = requiredOf(pod);
      if (!req && !addedRequired && !pod.pod.spec.nodeSelector) return { status: skip() };
      if (!req || (req.nodeSelectorTerms ?? []).length === 0) return { status: success() };
      const pins = nodeNamePins(pod.pod.spec);
      if (pins.conflict) return { status: unresolvable(ERR_REASON_CONFLICT) };
      return pins.names ? { nodeNames: pins.names, status: success() } : { status: success() };
    },
    filter: (_s, pod, node) => {
      if (addedRequired && !matchNodeSelectorTerms(addedRequired.nodeSelectorTerms, node)) {
        return unresolvable(ERR_REASON_ENFORCED);
      }
      return podMatchesNodeSelectorAndAffinity(pod, node) ? success() : unresolvable(ERR_REASON_POD);
    },
    preScore: (_s, pod) => {
      const pref = pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
      return !hasAddedPreferred && pref.length === 0 ? skip() : success();
    },
    score: (_s, pod, node) => {
      const pref = pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
      return scorePreferredSchedulingTerms(addedPreferred, node) + scorePreferredSchedulingTerms(pref, node);
    },
    normalizeScore: (_s, _p, scores) => defaultNormalizeScore(MAX_NODE_SCORE, false, scores),
  };
};
