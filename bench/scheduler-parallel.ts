// Issue 5 bench: percentageOfNodesToScore 100 on 5,000 nodes — one thread against shard workers.
// Usage: node dist/bench/scheduler-parallel.js [nodes] [pods] [runs] [default|preferred] [--threads-from N]
//  --threads-from N: shard from N nodes instead of PARALLEL_MIN_NODES (0: always), to see where threads pay.
//  - preferred (the default): pods with a preferred NodeAffinity term on a label a third of the nodes
//    carry. Their NodeAffinity score is normalised over the feasible set, so no per-plan totals cache
//    applies and every cycle filters and scores every node: the cycles the shard workers take.
//  - default: scheduler_perf's default pod. Its cycles are answered by the totals cache's MaxTree in
//    O(log n) on one thread and never go to the shards; shown for the contrast.

import os from 'node:os';
import { parseSchedulerConfig } from '../src/scheduler/config.js';
import { FastEngine, FastScheduler } from '../src/scheduler/fast/engine.js';
import { LocalShards, type ShardPlan, type ShardRunner } from '../src/scheduler/fast/shard.js';
import { ShardPool } from '../src/parallel/pool.js';
import { buildTables } from '../src/model/cluster.js';
import { basicCluster } from './scheduler-basic.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const nodes = Number(process.argv[2] ?? 5000);
  const pods = Number(process.argv[3] ?? 4000);
  const runs = Number(process.argv[4] ?? 3);
  console.log(`machine: ${os.cpus()[0]?.model} x${os.cpus().length}, node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(`dataset: ${nodes} default nodes, ${pods} ${process.argv[5] ?? 'preferred'} pods, percentageOfNodesToScore 100, seed 1`);
  const kind = process.argv[5] ?? 'preferred';
  const at = process.argv.indexOf('--threads-from');
  const threadsFrom = at > 0 ? Number(process.argv[at + 1]) : undefined;
  if (kind !== 'default' && kind !== 'preferred') throw new Error(`pods must be default or preferred, got ${kind}`);
  const cluster = basicCluster(nodes, pods);
  if (kind === 'preferred') {
    cluster.nodes.forEach((n, i) => {
      n.metadata.labels!.tier = ['a', 'b', 'c'][i % 3]!;
    });
    const spec = { ...cluster.pods[0]!.spec, affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['a'] }] } }] } } };
    for (const p of cluster.pods) p.spec = spec;
  }
  const config = parseSchedulerConfig({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', percentageOfNodesToScore: 100 });
  const rates: Record<string, number[]> = {};
  let reference: string | undefined;
  // One pool per worker count for the whole run (as `kubescale run` keeps one per process), and one
  // untimed run per configuration first: every configuration is measured with its threads' JIT warm.
  const tables0 = buildTables(cluster);
  const order0 = new FastScheduler(cluster, { config, seed: 1 }, tables0).order;
  const pools = new Map<number, ShardPool>();
  for (const workers of [1, 2]) pools.set(workers, await ShardPool.open(workers, tables0.nodes, order0));
  for (let r = -1; r < runs; r++) {
    for (const workers of [0, 1, 2]) {
      const tables = buildTables(cluster);
      const engine = new FastEngine(tables, pools.get(workers), threadsFrom);
      const t0 = process.hrtime.bigint();
      const out = engine.schedule(cluster, { config, seed: 1 });
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      const sig = out.result.placements.map((p) => p.node).join(',');
      reference ??= sig;
      if (sig !== reference) throw new Error(`placements differ with ${workers} workers`);
      if (r >= 0) (rates[workers === 0 ? 'one thread' : `${workers} workers`] ??= []).push(pods / s);
    }
  }
  for (const p of pools.values()) await p.close();
  const one = median(rates['one thread']!);
  for (const [k, v] of Object.entries(rates)) {
    const m = median(v);
    console.log(`${k.padEnd(11)} median ${m.toFixed(0)} pods/s (${v.map((x) => x.toFixed(0)).join(', ')}), ${(m / one).toFixed(2)}x one thread`);
  }
  console.log('placements identical across worker counts: true');
  if (kind === 'preferred') await kernelOnly(cluster, config, nodes);
}

/**
 * The parallel part alone: one sharded Filter+Score job per "pod" on an unchanging pod spec, one node
 * changed between jobs (as a bind changes one), no queue, no bind, no pod objects. Shows how the shard
 * kernel itself scales; the end-to-end figures above add the per-pod work the main thread does alone.
 */
async function kernelOnly(cluster: ReturnType<typeof basicCluster>, config: ReturnType<typeof parseSchedulerConfig>, nodes: number): Promise<void> {
  const tables = buildTables(cluster);
  const sched = new FastScheduler(cluster, { config, seed: 1 }, tables);
  const pod = cluster.pods[0]!;
  const s = sched as unknown as { plan(rt: unknown, pod: unknown, spec: unknown): unknown; shardPlan(rt: unknown, plan: unknown): ShardPlan; nodeVersion: Int32Array };
  const rt = sched.runtime(config.profiles[0]!);
  const sp = s.shardPlan(rt, s.plan(rt, pod, pod.spec));
  const jobs = 5000;
  const perJob: Record<string, number[]> = {};
  for (let r = 0; r < 3; r++) {
    for (const workers of [1, 2]) {
      const runner: ShardRunner & { close?(): Promise<void> } = workers === 1 ? new LocalShards() : await ShardPool.open(workers, tables.nodes, sched.order);
      const nv = s.nodeVersion;
      for (let i = 0; i < 1000; i++) runner.job(sp, tables.nodes, sched.order, nv, 10, 0);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < jobs; i++) {
        nv[(i * 7919) % nodes]!++;
        runner.job(sp, tables.nodes, sched.order, nv, 10, 0);
      }
      (perJob[workers === 1 ? 'one thread' : `${workers} workers`] ??= []).push(Number(process.hrtime.bigint() - t0) / 1e3 / jobs);
      await runner.close?.();
    }
  }
  const one = median(perJob['one thread']!);
  for (const [k, v] of Object.entries(perJob)) {
    const m = median(v);
    console.log(`kernel only, ${k.padEnd(11)} median ${m.toFixed(1)} µs per job (${v.map((x) => x.toFixed(1)).join(', ')}), ${(one / m).toFixed(2)}x one thread`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
