// Sharded cycles before and after the node set grows (test/data/parallel/grow.yaml): with 1, 2 and 3
// workers the final placements are the same, through the new node order, result arrays and memos.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShardPool } from '../src/parallel/pool.js';
import { NodeTable, clusterInterners } from '../src/model/tables.js';
import { runWorkloadFile } from '../src/runner/runner.js';
import type { ClusterObjects } from '../src/k8s/types.js';

const WORKLOAD = new URL('../../test/data/parallel/grow.yaml', import.meta.url).pathname;

test('placements are identical for 1, 2 and 3 workers when nodes join between sharded phases', async () => {
  const placements: string[][] = [];
  for (const workers of [1, 2, 3]) {
    const shards = workers > 1 ? await ShardPool.open(workers, NodeTable.create(clusterInterners(), 1), new Int32Array(0)) : undefined;
    try {
      let state: ClusterObjects | undefined;
      const [r] = runWorkloadFile(WORKLOAD, { engine: 'fast', seed: 3, workers, warmup: workers === 2, ...(shards ? { shards } : {}), onState: (s) => (state = s) });
      assert.equal(r!.metrics.scheduled, 200);
      placements.push(state!.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}=${p.spec.nodeName}`));
    } finally {
      await shards?.close();
    }
  }
  assert.equal(placements[0]!.length, 400);
  assert.deepEqual(placements[1], placements[0]);
  assert.deepEqual(placements[2], placements[0]);
});
