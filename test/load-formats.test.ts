// Every input shape the loader accepts (cli.md "Inputs"): multi-document YAML, JSON objects, arrays and
// Lists, typed lists whose items omit kind and apiVersion, directories, generateName, defaulted namespaces.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadInputs } from '../src/k8s/load.js';
import { expandPaths } from '../src/k8s/parse.js';
import type { ClusterObjects } from '../src/k8s/types.js';

const DATA = fileURLToPath(new URL('../../test/data/load/', import.meta.url));
const F = (name: string) => join(DATA, 'formats', name);

async function load(paths: string[]): Promise<{ objects: ClusterObjects; warnings: string[] }> {
  const warnings: string[] = [];
  const objects = await loadInputs(paths, { warn: (m) => warnings.push(m) });
  return { objects, warnings };
}

const podNames = (o: ClusterObjects) => o.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);

test('multi-document YAML: empty documents, comments and the end marker are fine', async () => {
  const { objects, warnings } = await load([F('multi.yaml')]);
  assert.deepEqual(warnings, []);
  assert.deepEqual(objects.namespaces.map((n) => n.metadata.name), ['shop']);
  assert.deepEqual(objects.nodes.map((n) => n.metadata.name), ['node-a']);
  assert.equal(objects.nodes[0]!.metadata.labels!['topology.kubernetes.io/zone'], 'zone-a');
  assert.deepEqual(podNames(objects), ['shop/cart']);
  assert.equal(objects.pods[0]!.spec.nodeName, 'node-a');
  assert.deepEqual(objects.pods[0]!.spec.containers[0]!.resources!.requests, { cpu: '250m', memory: '256Mi' });
  // Cluster-scoped kinds get no namespace.
  assert.equal(objects.nodes[0]!.metadata.namespace, undefined);
  assert.equal(objects.namespaces[0]!.metadata.namespace, undefined);
});

test('a single JSON object', async () => {
  const { objects } = await load([F('pod.json')]);
  assert.deepEqual(podNames(objects), ['default/solo']);
  assert.equal(objects.pods[0]!.spec.containers[0]!.image, 'nginx:1.27');
});

test('a JSON array of objects', async () => {
  const { objects } = await load([F('array.json')]);
  assert.deepEqual(podNames(objects), ['default/first', 'default/second']);
});

test('YAML flow style in a .yaml file (looks like JSON, is not)', async () => {
  const { objects } = await load([F('flow.yaml')]);
  assert.deepEqual(podNames(objects), ['default/flow']);
});

test('JSON kind: List with mixed kinds; its Deployment is expanded', async () => {
  const { objects, warnings } = await load([F('list.json')]);
  assert.deepEqual(warnings, []);
  assert.deepEqual(objects.nodes.map((n) => n.metadata.name), ['node-1']);
  assert.deepEqual(objects.services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`), ['prod/web']);
  // The Deployment and the ReplicaSet it creates.
  assert.deepEqual(objects.workloads.map((w) => w.kind), ['Deployment', 'ReplicaSet']);
  assert.equal(objects.pods.length, 2);
  for (const p of objects.pods) {
    assert.equal(p.metadata.namespace, 'prod');
    assert.equal(p.metadata.labels!.app, 'web');
  }
});

test('a PodList as the API server returns it: items without kind and apiVersion', async () => {
  const { objects, warnings } = await load([F('podlist-api.json')]);
  assert.deepEqual(warnings, []);
  assert.deepEqual(podNames(objects), ['prod/web-7d4b9c8f6-x2k4q', 'jobs/batch-1']);
  for (const p of objects.pods) {
    assert.equal(p.kind, 'Pod');
    assert.equal(p.apiVersion, 'v1');
  }
  assert.equal(objects.pods[0]!.status!.phase, 'Running');
  assert.equal(objects.pods[0]!.metadata.ownerReferences![0]!.name, 'web-7d4b9c8f6');
  // A pod owned by a ReplicaSet that is not in the input is kept as is: nothing to expand.
  assert.deepEqual(objects.workloads, []);
});

test('kubectl get pods -o json: a List whose items name their kind; namespaces default', async () => {
  const { objects } = await load([F('podlist-kubectl.json')]);
  assert.deepEqual(podNames(objects), ['default/a', 'default/b']);
});

test('a directory: only .yaml, .yml and .json files (any case), in sorted order, not other files', async () => {
  const dir = join(DATA, 'dir');
  assert.deepEqual(expandPaths([dir]).map((f) => f.slice(dir.length + 1)), ['02-pods.yml', '10-nodes.yaml', '30-more.json', 'Z-upper.YAML']);
  const { objects } = await load([dir]);
  assert.deepEqual(podNames(objects), ['default/from-yml', 'default/from-json', 'default/from-upper-ext']);
  assert.deepEqual(objects.nodes.map((n) => n.metadata.name), ['node-1']);
});

test('files and directories mix; order follows the arguments', async () => {
  const { objects } = await load([F('pod.json'), join(DATA, 'dir'), F('array.json')]);
  assert.deepEqual(podNames(objects), ['default/solo', 'default/from-yml', 'default/from-json', 'default/from-upper-ext', 'default/first', 'default/second']);
});

test('generateName: a name from the prefix and 5 characters of the Kubernetes alphabet, deterministic, distinct', async () => {
  const a = (await load([F('generate.yaml')])).objects;
  const b = (await load([F('generate.yaml')])).objects;
  const names = a.pods.map((p) => p.metadata.name);
  assert.equal(names.length, 3);
  for (const n of names) assert.match(n, /^worker-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.equal(new Set(names).size, 3);
  assert.deepEqual(b.pods.map((p) => p.metadata.name), names);
  assert.deepEqual(a.pods.map((p) => p.metadata.namespace), ['default', 'default', 'batch']);
  // generateName itself is kept, as the API server keeps it.
  assert.equal(a.pods[0]!.metadata.generateName, 'worker-');
});

test('namespaces default to "default" for namespaced kinds only', async () => {
  const { objects } = await load([F('podlist-kubectl.json'), F('list.json')]);
  assert.equal(objects.pods.find((p) => p.metadata.name === 'b')!.metadata.namespace, 'default');
  assert.equal(objects.nodes[0]!.metadata.namespace, undefined);
});
