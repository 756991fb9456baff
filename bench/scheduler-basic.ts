// Issue 3 bench: 10,000 default pods (100m / 500Mi) onto 5,000 default nodes (4 cpu, 32Gi, 110 pods)
// with the default profile, one thread; fast engine against the reference engine in the same run.
// Usage: node dist/bench/scheduler-basic.js [nodes] [pods] [runs]

import os from 'node:os';
import type { ClusterObjects, Pod, PodSpec } from '../src/k8s/types.js';
import { emptyClusterObjects } from '../src/k8s/types.js';
import { defaultSchedulerConfig } from '../src/scheduler/config.js';
import { FastEngine } from '../src/scheduler/fast/engine.js';
import { ReferenceEngine } from '../src/scheduler/reference/scheduler.js';
import type { Engine } from '../src/scheduler/types.js';

export function basicCluster(nodeCount: number, podCount: number): ClusterObjects {
  const c = emptyClusterObjects();
  for (let i = 0; i < nodeCount; i++) {
    c.nodes.push({
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}` } },
      status: { capacity: { cpu: '4', memory: '32Gi', pods: '110' }, allocatable: { cpu: '4', memory: '32Gi', pods: '110' } },
    });
  }
  // scheduler_perf's default pod template; one spec object shared, as a controller's pods share it.
  const spec: PodSpec = { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } }] };
  for (let i = 0; i < podCount; i++) {
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace: 'sched-test' }, spec, status: { phase: 'Pending' } };
    c.pods.push(pod);
  }
  return c;
}

function run(engine: Engine, cluster: ClusterObjects): { seconds: number; scheduled: number; checksum: number } {
  const config = defaultSchedulerConfig();
  const t0 = process.hrtime.bigint();
  const out = engine.schedule(cluster, { config, seed: 1 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let scheduled = 0;
  let checksum = 0;
  for (const p of out.result.placements) {
    if (p.node) {
      scheduled++;
      checksum = (checksum * 31 + p.node.length + Number(p.node.slice(5))) >>> 0;
    }
  }
  return { seconds, scheduled, checksum };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function main(): void {
  const nodes = Number(process.argv[2] ?? 5000);
  const pods = Number(process.argv[3] ?? 10000);
  const runs = Number(process.argv[4] ?? 5);
  console.log(`machine: ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}`);
  console.log(`dataset: ${nodes} nodes (4 cpu, 32Gi, 110 pods), ${pods} pods (100m, 500Mi), default profile, seed 1, one thread`);
  const cluster = basicCluster(nodes, pods);
  const results: Record<string, number[]> = { fast: [], reference: [] };
  run(new FastEngine(), cluster); // warm-up (JIT), not counted
  let sums: Record<string, number> = {};
  for (let r = 0; r < runs; r++) {
    for (const engine of [new FastEngine(), new ReferenceEngine()]) {
      if (engine.name === 'reference' && r >= Math.max(1, Math.ceil(runs / 2))) continue; // the slow one needs fewer samples
      const res = run(engine, cluster);
      results[engine.name]!.push(pods / res.seconds);
      sums[engine.name] = res.checksum;
      if (res.scheduled !== pods) throw new Error(`${engine.name}: scheduled ${res.scheduled} of ${pods}`);
    }
  }
  const fast = median(results.fast!);
  const ref = median(results.reference!);
  console.log(`fast      median ${fast.toFixed(0)} pods/s over ${results.fast!.length} runs (${results.fast!.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`reference median ${ref.toFixed(0)} pods/s over ${results.reference!.length} runs (${results.reference!.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`ratio fast/reference ${(fast / ref).toFixed(1)}x; placements identical: ${sums.fast === sums.reference}`);
  sums = {};
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) main();
