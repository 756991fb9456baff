import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, parseAllDocuments } from 'yaml';
import { toYaml, yamlString, manifestChunks } from '../src/cli/commands/gen.js';
import { generateObjects, type GenOptions } from '../src/k8s/gen.js';

test('strings a YAML reader could take for something else are quoted', () => {
  const tricky = ['true', 'False', 'no', 'Yes', 'on', 'OFF', 'y', 'N', 'null', 'Null', '~', '', '1', '007', '1.5', '-1', '+1', '0x1F', '0o17',
    '1e3', '1E3', '.inf', '-.Inf', '.nan', '2024-01-01', '12:30', '1_000', 'a: b', 'a:', '- x', '#c', 'x #c', '@x', '`x', '!tag', '&a', '*a',
    '{a}', '[a]', '|', '>', "'q'", '"q"', '%x', 'a\nb', ' lead', 'trail ', 'tab\t', 'ünï', '10.0.0.1', '10.0.0.0/24', '1.27.3', '3.10'];
  for (const s of tricky) {
    const doc = `k: ${yamlString(s)}\n`;
    assert.equal(parse(doc).k, s, `YAML 1.2 reads back ${JSON.stringify(s)} from ${doc}`);
    assert.equal(parse(doc, { version: '1.1' }).k, s, `YAML 1.1 reads back ${JSON.stringify(s)} from ${doc}`);
  }
});

test('names, labels, images and quantities stay plain', () => {
  for (const s of ['node-0001', 'app.kubernetes.io/name', 'nvidia.com/gpu', 'nginx:1.27.3', 'docker.io/library/nginx@sha256:ab12',
    '100m', '2Gi', '15399364Ki', '0.5', 'PreferNoSchedule', 'kubernetes.io/hostname']) {
    if (s === '0.5') assert.equal(yamlString(s), '"0.5"');
    else assert.equal(yamlString(s), s);
  }
});

test('toYaml writes block style with kubectl-style sequences', () => {
  const out = toYaml({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', ports: [{ containerPort: 80 }], args: ['a', 'true'] }], tolerations: [], nodeSelector: {}, skip: undefined },
    status: { ok: true, none: null, nested: [[1, 2], []] } });
  assert.equal(out, [
    'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  labels:', '    app: web', 'spec:', '  containers:', '  - name: app', '    ports:',
    '    - containerPort: 80', '    args:', '    - a', '    - "true"', '  tolerations: []', '  nodeSelector: {}', 'status:', '  ok: true', '  none: null',
    '  nested:', '  -', '    - 1', '    - 2', '  - []', '',
  ].join('\n'));
});

test('generated YAML and JSON parse back to exactly the generated objects', () => {
  const o: GenOptions = { nodes: 20, pods: 300, zones: 3, services: 10, bound: 0.5, expand: false, seed: 2 };
  const objects = [...generateObjects(o)].map((x) => JSON.parse(JSON.stringify(x)));
  const docs = parseAllDocuments([...manifestChunks(generateObjects(o), 'yaml')].join(''));
  assert.equal(docs.length, objects.length);
  for (const d of docs) assert.deepEqual(d.errors, []);
  assert.deepEqual(docs.map((d) => d.toJS()), objects);
  const list = JSON.parse([...manifestChunks(generateObjects(o), 'json')].join(''));
  assert.equal(list.kind, 'List');
  assert.equal(list.apiVersion, 'v1');
  assert.deepEqual(list.items, objects);
});
