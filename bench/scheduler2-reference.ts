// Reference engine with the issue #4 plugins on: pods with zone/hostname spread constraints and anti-affinity on a
// zoned cluster, plus a high-priority wave that must preempt. Prints the median of 3 runs (wall ms) and queue metrics.
// Run: npx tsc -p . && node dist/bench/scheduler2-reference.js [nodes] [pods]

import { emptyClusterObjects, type Pod } from '../src/k8s/types.js';
import { defaultSchedulerConfig } from '../src/scheduler/config.js';
import { ReferenceEngine } from '../src/scheduler/reference/scheduler.js';

const nodes = Number(process.argv[2] ?? 200);
const pods = Number(process.argv[3] ?? 1000);
const c = emptyClusterObjects();
for (let i = 0; i < nodes; i++) {
  c.nodes.push({ metadata: { name: `n${i}`, labels: { 'kubernetes.io/hostname': `n${i}`, 'topology.kubernetes.io/zone': `z${i % 3}` } },
    status: { allocatable: { cpu: '4', memory: '16Gi', pods: '110' } } });
}
for (let i = 0; i < pods; i++) {
  const app = `app${i % 20}`;
  const high = i >= pods * 0.9;
  const pod: Pod = {
    metadata: { name: `p${i}`, namespace: 'default', labels: { app } },
    spec: {
      priority: high ? 1000 : 0,
      // The low-priority 90% already run (round-robin); the high-priority wave must preempt.
      ...(high ? {} : { nodeName: `n${i % nodes}` }),
      containers: [{ name: 'c', resources: { requests: { cpu: high ? '2' : '700m', memory: '1Gi' } } }],
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app } } }],
      ...(i % 10 === 0 ? { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' } }] } } } : {}),
    },
  };
  c.pods.push(pod);
}
const times: number[] = [];
let last;
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  last = new ReferenceEngine().schedule(c, { config: defaultSchedulerConfig(), seed: 1 });
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const placed = last!.result.placements.filter((p) => p.node).length;
const pending = c.pods.filter((p) => !p.spec.nodeName).length;
console.log(JSON.stringify({ nodes, pods, pending, medianMs: Math.round(times[1]!), pendingPerSecond: Math.round((pending / times[1]!) * 1000), placed, preemptions: last!.result.preemptions.length }));
