// Issue 4 bench: one thread, 5,000 nodes in 3 zones, fast engine against the reference engine.
//   spread:   pods with maxSkew 5 on topology.kubernetes.io/zone, DoNotSchedule (target >= 20,000 pods/s)
//   anti:     pods with required anti-affinity on kubernetes.io/hostname among themselves (>= 5,000 pods/s)
//   affinity: pods with preferred pod affinity on the zone to a set of running pods (>= 5,000 pods/s)
// Usage: node dist/bench/scheduler-constraints.js [nodes] [pods] [runs]

import os from 'node:os';
import type { ClusterObjects, PodSpec } from '../src/k8s/types.js';
import { emptyClusterObjects } from '../src/k8s/types.js';
import { defaultSchedulerConfig } from '../src/scheduler/config.js';
import { FastEngine } from '../src/scheduler/fast/engine.js';
import { ReferenceEngine } from '../src/scheduler/reference/scheduler.js';
import type { Engine } from '../src/scheduler/types.js';

const req = { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } };

function cluster(nodes: number, pods: number, kind: string): ClusterObjects {
  const c = emptyClusterObjects();
  for (let i = 0; i < nodes; i++) {
    const name = `node-${i}`;
    c.nodes.push({
      apiVersion: 'v1', kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone${(i % 3) + 1}` } },
      status: { allocatable: { cpu: '4', memory: '32Gi', pods: '110' } },
    });
  }
  let spec: PodSpec;
  let labels: Record<string, string>;
  if (kind === 'spread') {
    labels = { color: 'blue' };
    spec = { containers: [{ name: 'c', resources: req }], topologySpreadConstraints: [{ maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { color: 'blue' } } }] };
  } else if (kind === 'anti') {
    labels = { color: 'green' };
    spec = { containers: [{ name: 'c', resources: req }], affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { color: 'green' } } }] } } };
  } else {
    labels = { color: 'blue' };
    spec = { containers: [{ name: 'c', resources: req }], affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { color: 'blue' } } } }] } } };
    // Running pods the new ones are attracted to, as in scheduler_perf's preferred-affinity case.
    for (let i = 0; i < 300; i++) c.pods.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `init-${i}`, namespace: 'sched', labels: { color: 'blue' } }, spec: { containers: [{ name: 'c', resources: req }], nodeName: `node-${(i * 7) % nodes}` }, status: { phase: 'Running' } });
  }
  for (let i = 0; i < pods; i++) c.pods.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace: 'sched', labels }, spec, status: { phase: 'Pending' } });
  return c;
}

function rate(engine: Engine, c: ClusterObjects, pods: number): { podsPerSec: number; signature: string } {
  const config = defaultSchedulerConfig();
  const t0 = process.hrtime.bigint();
  const out = engine.schedule(c, { config, seed: 1 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const scheduled = out.result.placements.filter((p) => p.node).length;
  if (scheduled !== pods) throw new Error(`${engine.name}: ${scheduled} of ${pods} scheduled`);
  return { podsPerSec: pods / s, signature: out.result.placements.map((p) => p.node).join(',') };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function main(): void {
  const nodes = Number(process.argv[2] ?? 5000);
  const pods = Number(process.argv[3] ?? 3000);
  const runs = Number(process.argv[4] ?? 3);
  console.log(`machine: ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(`dataset: ${nodes} nodes in 3 zones (4 cpu, 32Gi, 110 pods), ${pods} pods per case, default profile, seed 1, one thread`);
  for (const kind of ['spread', 'anti', 'affinity']) {
    const c = cluster(nodes, pods, kind);
    const fast: number[] = [];
    let sig = '';
    rate(new FastEngine(), c, pods); // warm-up (JIT), not counted
    for (let r = 0; r < runs; r++) {
      const out = rate(new FastEngine(), c, pods);
      fast.push(out.podsPerSec);
      sig = out.signature;
    }
    const refPods = Math.min(pods, 500);
    const ref = rate(new ReferenceEngine(), cluster(nodes, refPods, kind), refPods);
    const fastSmall = rate(new FastEngine(), cluster(nodes, refPods, kind), refPods);
    const same = fastSmall.signature === ref.signature;
    console.log(`${kind.padEnd(9)} fast median ${median(fast).toFixed(0)} pods/s (${fast.map((x) => x.toFixed(0)).join(', ')}); reference ${ref.podsPerSec.toFixed(0)} pods/s on the first ${refPods}; placements identical on those: ${same}${sig ? '' : ''}`);
  }
}

main();
