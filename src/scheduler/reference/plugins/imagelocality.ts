// imagelocality.ImageLocality: sum over the pod's (init) container images present on the node of
// size * (nodes having it / all nodes), clamped to [23 MiB, 1000 MiB * containers], scaled to 0..100.
// No NormalizeScore.

import { type Handle, type Plugin } from '../framework.js';
import { MAX_NODE_SCORE } from '../../sampling.js';

const MB = 1024 * 1024;
export const MIN_THRESHOLD = 23 * MB;
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
  let s = sumScores;
  if (s < MIN_THRESHOLD) s = MIN_THRESHOLD;
  else if (s > maxThreshold) s = maxThreshold;
  return Math.trunc((MAX_NODE_SCORE * (s - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

export const newImageLocality = (_args: unknown, handle: Handle): Plugin => ({
  name: 'ImageLocality',
  score: (_s, pod, node) => {
    const total = handle.nodes.length;
    let sum = 0;
    for (const image of pod.images) {
      const st = node.imageStates.get(image);
      // Upstream scaledImageScore: int64(float64(size) * float64(numNodes)/float64(total)).
      if (st) sum += Math.trunc(st.size * (st.numNodes / total));
    }
    const containers = (pod.pod.spec.initContainers?.length ?? 0) + (pod.pod.spec.containers?.length ?? 0);
    return calculatePriority(sum, containers);
  },
});
