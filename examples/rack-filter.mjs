// RackSpread — a per-node Filter plugin for kubescale (`--plugin examples/rack-filter.mjs`).
//
// Pods labelled `rack-spread: "true"` may not land in a rack (node label example.com/rack) that already
// holds MAX_PER_RACK of them, so losing one rack loses at most MAX_PER_RACK replicas. Other pods, and
// nodes without a rack label, are not affected. `prepare` counts the pods per rack once per scheduling
// cycle; `filter` answers per node.
//
// Enable it in a profile: plugins: { multiPoint: { enabled: [{ name: RackSpread }] } }

export const RACK_LABEL = 'example.com/rack';
export const SPREAD_LABEL = 'rack-spread';
export const MAX_PER_RACK = 2;

const REASON = `node(s) in a rack that already holds ${MAX_PER_RACK} rack-spread pods`;
let perRack = new Map();

export default {
  name: 'RackSpread',

  prepare(pod, cluster) {
    perRack = new Map();
    if (pod.labels[SPREAD_LABEL] !== 'true') return;
    for (const node of cluster.nodes) {
      const rack = node.labels[RACK_LABEL];
      if (rack === undefined) continue;
      let n = 0;
      for (const p of node.pods) if (p.labels[SPREAD_LABEL] === 'true') n++;
      perRack.set(rack, (perRack.get(rack) ?? 0) + n);
    }
  },

  filter(pod, node) {
    if (pod.labels[SPREAD_LABEL] !== 'true') return true;
    const rack = node.labels[RACK_LABEL];
    if (rack === undefined) return true;
    return (perRack.get(rack) ?? 0) < MAX_PER_RACK ? true : REASON;
  },
};
