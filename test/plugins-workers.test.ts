// Plugin modules reach the shard worker threads: every worker imports the --plugin modules before it
// reports ready; a module that fails there fails the pool's start with a RunFailure (pool torn down).

import test from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { RunFailure } from '../src/k8s/errors.js';
import { emptyClusterObjects } from '../src/k8s/types.js';
import { buildTables } from '../src/model/cluster.js';
import { ShardPool } from '../src/parallel/pool.js';
import { mkNode } from './scheduler-helpers.js';

process.chdir(fileURLToPath(new URL('../../', import.meta.url)));

function tables() {
  const c = emptyClusterObjects();
  for (let i = 0; i < 4; i++) c.nodes.push(mkNode({ name: `n${i}` }));
  return buildTables(c);
}

test('workers import the plugin modules and report the plugins they hold', async () => {
  const t = tables();
  const pool = await ShardPool.open(2, t.nodes, Int32Array.from([0, 1, 2, 3]), ['examples/gpu-binpack.mjs', 'examples/rack-filter.mjs']);
  try {
    assert.deepEqual([...pool.pluginsLoaded].sort(), ['GpuBinPack', 'RackSpread']);
  } finally {
    await pool.close();
  }
});

test('a module that does not load in the workers fails the pool start with a RunFailure', async () => {
  const t = tables();
  await assert.rejects(ShardPool.open(2, t.nodes, Int32Array.from([0, 1, 2, 3]), ['test/data/plugins/no-default.mjs']), (err: unknown) => {
    assert.ok(err instanceof RunFailure);
    assert.equal(err.message, 'shard workers could not load the plugin modules: shard 1: test/data/plugins/no-default.mjs: plugin module has no default export (export default a plugin object or an array of them)');
    return true;
  });
});
