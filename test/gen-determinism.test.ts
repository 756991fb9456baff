import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateObjects, type GenOptions } from '../src/k8s/gen.js';
import { manifestChunks } from '../src/cli/commands/gen.js';

const base: GenOptions = { nodes: 30, pods: 400, zones: 3, services: 12, bound: 0.4, expand: false, seed: 5 };
const text = (o: GenOptions, format: 'yaml' | 'json' = 'yaml') => [...manifestChunks(generateObjects(o), format)].join('');

test('same seed and options give byte-identical YAML and JSON', () => {
  assert.equal(text(base), text({ ...base }));
  assert.equal(text(base, 'json'), text({ ...base }, 'json'));
  assert.equal(text({ ...base, expand: true }), text({ ...base, expand: true }));
});

test('a different seed gives a different cluster', () => {
  assert.notEqual(text(base), text({ ...base, seed: 6 }));
});

test('--bound and --expand do not reshuffle nodes, workloads or services', () => {
  const kinds = (o: GenOptions) => {
    const nodes: string[] = [], services: string[] = [], owners = new Set<string>();
    for (const obj of generateObjects(o)) {
      if (obj.kind === 'Node') nodes.push(JSON.stringify(obj));
      else if (obj.kind === 'Service') services.push(JSON.stringify(obj));
      else if (obj.kind === 'Pod') owners.add(`${obj.metadata!.namespace}/${(obj.metadata!.labels ?? {}).app}`);
      else if (['Deployment', 'StatefulSet', 'Job', 'DaemonSet'].includes(obj.kind!)) owners.add(`${obj.metadata!.namespace}/${obj.metadata!.name}`);
    }
    return { nodes, services, owners: [...owners].sort() };
  };
  const a = kinds(base), b = kinds({ ...base, bound: 0 }), c = kinds({ ...base, expand: true, bound: 0.9 });
  assert.deepEqual(a.nodes, b.nodes);
  assert.deepEqual(a.nodes, c.nodes);
  assert.deepEqual(a.services, b.services);
  assert.deepEqual(a.owners, b.owners);
  assert.deepEqual(a.owners, c.owners);
});

test('pod names do not depend on --expand', () => {
  const names = (o: GenOptions) => [...generateObjects(o)].filter((x) => x.kind === 'Pod' && (x.spec as { nodeName?: string }).nodeName)
    .map((x) => `${x.metadata!.namespace}/${x.metadata!.name}@${(x.spec as { nodeName?: string }).nodeName}`).sort();
  assert.deepEqual(names(base), names({ ...base, expand: true }));
});
