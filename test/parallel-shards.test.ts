// Sharded scheduling on worker threads: identical placements for every worker count, and a worker
// that throws or dies fails the run with a clear error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../src/model/rng.js';
import { emptyClusterObjects, type ClusterObjects, type PodSpec } from '../src/k8s/types.js';
import { parseSchedulerConfig } from '../src/scheduler/config.js';
import { FastEngine, FastScheduler } from '../src/scheduler/fast/engine.js';
import { ReferenceEngine } from '../src/scheduler/reference/scheduler.js';
import { ShardPool } from '../src/parallel/pool.js';
import { buildTables } from '../src/model/cluster.js';
import { RunFailure } from '../src/k8s/errors.js';
import * as L from '../src/parallel/layout.js';

function cluster(seed: number, nodes: number, pods: number): ClusterObjects {
  const rng = createRng(`shards-${seed}`);
  const c = emptyClusterObjects();
  for (let i = 0; i < nodes; i++) {
    c.nodes.push({
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: `n-${i}`, labels: { 'topology.kubernetes.io/zone': `z${i % 3}`, tier: rng.pick(['a', 'b']) } },
      spec: { taints: rng.chance(0.1) ? [{ key: 'spot', effect: rng.pick(['NoSchedule', 'PreferNoSchedule'] as const) }] : [] },
      status: {
        allocatable: { cpu: rng.pick(['2', '4', '8']), memory: rng.pick(['8Gi', '16Gi', '32Gi']), pods: '110' },
        images: rng.chance(0.3) ? [{ names: ['app:1'], sizeBytes: 300 * 2 ** 20 }] : [],
      },
    });
  }
  const specs: PodSpec[] = [
    { containers: [{ name: 'c', image: 'app:1', resources: { requests: { cpu: '500m', memory: '1Gi' } } }] },
    { containers: [{ name: 'c', resources: { requests: { cpu: '1', memory: '512Mi' } } }], tolerations: [{ key: 'spot', operator: 'Exists' }] },
    { containers: [{ name: 'c' }], affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] } }] } } },
    { containers: [{ name: 'c', resources: { requests: { cpu: '3', memory: '20Gi' } } }] },
    { containers: [{ name: 'c', resources: { requests: { cpu: '64' } } }] },
  ];
  for (let i = 0; i < pods; i++) c.pods.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: 'default' }, spec: rng.pick(specs) });
  return c;
}

const config = parseSchedulerConfig({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', percentageOfNodesToScore: 100 });

test('placements are identical with 0, 1, 2 and 3 shard workers', async () => {
  const c = cluster(1, 4100, 400);
  const base = new FastEngine().schedule(c, { config, seed: 7 });
  for (const workers of [1, 2, 3]) {
    const tables = buildTables(c);
    const order = new FastScheduler(c, { config, seed: 7 }, tables).order;
    const pool = await ShardPool.open(workers, tables.nodes, order);
    try {
      const engine = new FastEngine(tables, pool);
      const out = engine.schedule(c, { config, seed: 7 });
      assert.ok(engine.lastShardedCycles > 300, `${workers} workers: only ${engine.lastShardedCycles} sharded cycles`);
      // With worker threads the next pod's job is posted ahead; most are taken, some discarded (the pod differed).
      if (workers > 1) assert.ok(engine.lastAheadUsed > 100 && engine.lastAheadUsed < engine.lastShardedCycles, `${workers} workers: ${engine.lastAheadUsed} of ${engine.lastShardedCycles} jobs posted ahead were used`);
      assert.deepEqual(out.result.placements, base.result.placements, `${workers} workers`);
    } finally {
      await pool.close();
    }
  }
  // Some pods must have failed to fit, so the fallback path for reasons ran too.
  assert.ok(base.result.placements.some((p) => p.node === null));
});

test('the shard kernel on one thread places every pod as the reference engine does', () => {
  // Small clusters: every node is visited, and pods with PreferNoSchedule taints or a preferred node
  // affinity have scores normalised over the feasible set, so their cycles run the shard kernel.
  let sharded = 0;
  for (let seed = 1; seed <= 12; seed++) {
    const c = cluster(100 + seed, 40 + seed * 7, 60);
    const ref = new ReferenceEngine().schedule(c, { config, seed });
    const engine = new FastEngine();
    const fast = engine.schedule(c, { config, seed });
    sharded += engine.lastShardedCycles;
    assert.deepEqual(fast.result.placements, ref.result.placements, `seed ${seed}`);
  }
  assert.ok(sharded > 200, `only ${sharded} cycles ran the shard kernel`);
});

test('a shard worker that throws fails the job with its message; one that exits is reported', async () => {
  const c = cluster(2, 4100, 1);
  const tables = buildTables(c);
  const order = new FastScheduler(c, { config, seed: 1 }, tables).order;
  const pool = await ShardPool.open(2, tables.nodes, order);
  try {
    assert.throws(() => pool.injectFault(1, 'throw'), (e: unknown) => e instanceof RunFailure && /injected fault in shard 1/.test(e.message));
    assert.throws(() => new FastEngine(tables, pool).schedule(c, { config, seed: 1 }), (e: unknown) => e instanceof RunFailure && /closed/.test(e.message));
  } finally {
    await pool.close();
  }
  const pool2 = await ShardPool.open(2, tables.nodes, order);
  try {
    assert.throws(() => pool2.injectFault(1, 'exit'), (e: unknown) => e instanceof RunFailure && /stopped answering/.test(e.message));
  } finally {
    await pool2.close();
  }
});

test('a worker that dies between jobs fails the run once its heartbeat stops while jobs go on', async () => {
  const c = cluster(3, 4100, 1);
  const tables = buildTables(c);
  const sched = new FastScheduler(c, { config, seed: 1 }, tables);
  const s = sched as unknown as { plan(rt: unknown, pod: unknown, spec: unknown): unknown; shardPlan(rt: unknown, plan: unknown): import('../src/scheduler/fast/shard.js').ShardPlan | null };
  const rt = sched.runtime(config.profiles[0]!);
  const pod = { apiVersion: 'v1' as const, kind: 'Pod' as const, metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c' }] } };
  const sp = s.shardPlan(rt, s.plan(rt, pod, pod.spec))!;
  const nodeVersion = new Int32Array(new SharedArrayBuffer(tables.nodes.count * 4));
  const pool = await ShardPool.open(2, tables.nodes, sched.order);
  try {
    pool.job(sp, tables.nodes, sched.order, nodeVersion, 0, 0);
    pool.injectFault(1, 'exit', false);
    // Let the worker read the fault before the next job overwrites the command.
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    assert.throws(() => {
      // The main thread takes every chunk itself meanwhile, so jobs still complete until the check fires.
      while (Date.now() - t0 < 20_000) pool.job(sp, tables.nodes, sched.order, nodeVersion, 0, 0);
    }, (e: unknown) => e instanceof RunFailure && /shard worker 1 took no job/.test(e.message));
  } finally {
    await pool.close();
  }
});


test('control block: named slots are distinct and every worker (1..MAX_WORKERS) has a heartbeat slot inside it', () => {
  const named = [L.C_SEQ, L.C_CMD, L.C_PLAN, L.C_DONE, L.C_READY, L.C_TABLE, L.C_ERROR, L.C_FAULT, L.C_MAX_AFFINITY, L.C_MAX_TAINT,
    L.C_SLEEPERS, L.C_MAIN_SLEEPING, L.C_CHUNKS, L.C_NEXT_CHUNK, L.C_CHUNKS_DONE, L.C_JOB_TAG, L.C_MESSAGES];
  assert.equal(new Set(named).size, named.length);
  for (const s of named) assert.ok(s < L.C_HEARTBEAT + 1, `slot ${s} overlaps the heartbeats`);
  assert.ok(L.C_HEARTBEAT + L.MAX_WORKERS < L.CONTROL_WORDS);
});
