// Generated manifests must load: every object passes the loader's validation and the loaded
// cluster has exactly the requested sizes. Skipped while src/k8s/load.ts is not in the tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateObjects, type GenOptions } from '../src/k8s/gen.js';
import { manifestChunks, writeChunksAtomic } from '../src/cli/commands/gen.js';
import type { ClusterObjects } from '../src/k8s/types.js';

type LoadInputs = (paths: string[], opts?: { warn?: (m: string) => void }) => Promise<ClusterObjects>;

async function loader(): Promise<LoadInputs | undefined> {
  try {
    const mod = (await import(new URL('../src/k8s/load.js', import.meta.url).href)) as { loadInputs?: LoadInputs };
    return mod.loadInputs;
  } catch {
    return undefined;
  }
}

const repo = new URL('../../', import.meta.url); // dist/test -> repo root

test('generated clusters load and validate with the requested sizes', async (t) => {
  const loadInputs = await loader();
  if (!loadInputs) return t.skip('src/k8s/load.ts not present');
  const dir = mkdtempSync(join(tmpdir(), 'kubescale-gen-test-'));
  try {
    const cases: [GenOptions, 'yaml' | 'json'][] = [
      [{ nodes: 30, pods: 600, zones: 3, services: 20, bound: 0.5, expand: false, seed: 1 }, 'yaml'],
      [{ nodes: 30, pods: 600, zones: 4, services: 20, bound: 0.5, expand: true, seed: 2 }, 'json'],
      [{ nodes: 10, pods: 90, zones: 2, services: 5, bound: 0, expand: false, seed: 3 }, 'yaml'],
      [{ nodes: 8, pods: 400, zones: 3, services: 3, bound: 1, expand: false, seed: 4 }, 'json'],
    ];
    for (const [o, format] of cases) {
      const file = join(dir, `c-${o.seed}.${format}`);
      writeChunksAtomic(file, manifestChunks(generateObjects(o), format));
      const warnings: string[] = [];
      const c = await loadInputs([file], { warn: (m) => warnings.push(m) });
      assert.deepEqual(warnings, []);
      assert.equal(c.nodes.length, o.nodes);
      assert.equal(c.pods.length, o.pods, `pods for ${JSON.stringify(o)}`);
      assert.equal(c.services.length, o.services);
      assert.equal(c.priorityClasses.length, 5);
      const generatedBound = [...generateObjects(o)].filter((x) => x.kind === 'Pod' && (x.spec as { nodeName?: string }).nodeName).length;
      assert.equal(c.pods.filter((p) => p.spec.nodeName).length, generatedBound);
      const names = new Set(c.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
      assert.equal(names.size, c.pods.length, 'pod names are unique');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('datasets/sample/cluster.yaml is what its documented command writes, and it loads', async (t) => {
  const committed = readFileSync(new URL('datasets/sample/cluster.yaml', repo), 'utf8');
  const again = [...manifestChunks(generateObjects({ nodes: 12, pods: 120, zones: 3, services: 6, bound: 0.6, expand: false, seed: 7 }), 'yaml')].join('');
  assert.equal(again, committed);
  const loadInputs = await loader();
  if (!loadInputs) return t.skip('src/k8s/load.ts not present');
  const c = await loadInputs([new URL('datasets/sample/cluster.yaml', repo).pathname]);
  assert.equal(c.nodes.length, 12);
  assert.equal(c.pods.length, 120);
  assert.equal(c.pods.filter((p) => p.spec.nodeName).length, 72);
  assert.equal(c.services.length, 6);
});

test('examples/tiny.yaml loads: 2 nodes, 3 pods, one of them bound', async (t) => {
  const loadInputs = await loader();
  if (!loadInputs) return t.skip('src/k8s/load.ts not present');
  const c = await loadInputs([new URL('examples/tiny.yaml', repo).pathname]);
  assert.equal(c.nodes.length, 2);
  assert.deepEqual(c.pods.map((p) => [p.metadata.name, p.spec.nodeName ?? null]), [['web-0', 'node-a'], ['web-1', null], ['batch-0', null]]);
});
