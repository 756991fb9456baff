// tainttoleration.TaintToleration. Filter: the first untolerated NoSchedule/NoExecute taint fails
// (UnschedulableAndUnresolvable). Score: count of untolerated PreferNoSchedule taints, normalized reversed.

import type { Toleration } from '../../../k8s/types.js';
import { doNotScheduleTaint, findUntoleratedTaint, tolerationsTolerateTaint } from '../../podinfo.js';
import { type Plugin, defaultNormalizeScore, success, unresolvable } from '../framework.js';
import { MAX_NODE_SCORE } from '../../sampling.js';

const STATE_KEY = 'PreScoreTaintToleration';

export const newTaintToleration = (): Plugin => ({
  name: 'TaintToleration',
  filter: (_s, pod, node) => {
    const taint = findUntoleratedTaint(node.taints, pod.tolerations, doNotScheduleTaint);
    if (!taint) return success();
    return unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  },
  preScore: (state, pod) => {
    const prefer: Toleration[] = pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    state.set(STATE_KEY, prefer);
    return success();
  },
  score: (state, _pod, node) => {
    const tolerations = state.get(STATE_KEY) as Toleration[];
    let n = 0;
    for (const taint of node.taints) {
      if (taint.effect !== 'PreferNoSchedule') continue;
      if (!tolerationsTolerateTaint(tolerations, taint)) n++;
    }
    return n;
  },
  normalizeScore: (_s, _p, scores) => defaultNormalizeScore(MAX_NODE_SCORE, true, scores),
});
