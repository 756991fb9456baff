// Snapshots: a generated cluster written and read back gives byte-identical tables, equal objects and
// equal interners; foreign or future snapshots are refused as InputErrors; the CLI path
// (`snapshot` then `summary`) agrees with loading the manifests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode } from '@msgpack/msgpack';
import { generateObjects, type GenOptions } from '../src/k8s/gen.js';
import { manifestChunks } from '../src/cli/commands/gen.js';
import { loadCluster, loadInputs } from '../src/k8s/load.js';
import { InputError } from '../src/k8s/errors.js';
import { buildTables } from '../src/model/cluster.js';
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_VERSION } from '../src/model/snapshot.js';
import type { Interners } from '../src/model/intern.js';

const BIN = fileURLToPath(new URL('../../bin/kubescale.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kubescale-snapshot-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

// Controllers (expanded by the loader), bound and pending pods, DaemonSets, services, GPU/tainted nodes.
// Small: the yaml library parses about 0.6 MB/s, and the CLI test loads the file twice more.
const GEN: GenOptions = { nodes: 20, pods: 360, zones: 3, services: 6, bound: 0.6, expand: false, seed: 7 };
const yamlFile = join(dir, 'cluster.yaml');
writeFileSync(yamlFile, [...manifestChunks(generateObjects(GEN), 'yaml')].join(''));
const loaded = loadInputs([yamlFile]);

const internerStrings = (i: Interners) => ({
  labels: i.labels.strings, namespaces: i.namespaces.strings, images: i.images.strings, names: i.names.strings, resources: i.resources.strings,
});

test('decode(encode(cluster)) gives byte-identical tables, equal objects and equal interners', async () => {
  const objects = await loaded;
  assert.ok(objects.nodes.length === 20 && objects.pods.length >= 300, `${objects.nodes.length} nodes, ${objects.pods.length} pods`);
  assert.ok(objects.workloads.some((w) => w.kind === 'DaemonSet') && objects.workloads.some((w) => w.kind === 'ReplicaSet'), 'controllers expanded');
  assert.ok(objects.pods.some((p) => p.spec.nodeName) && objects.pods.some((p) => !p.spec.nodeName), 'bound and pending pods');
  const tables = buildTables(objects);
  const bytes = encodeSnapshot(objects, tables);
  const snap = decodeSnapshot(bytes, 'mem.msgpack');

  const nodesC = tables.nodes.compacted();
  const podsC = tables.pods.compacted();
  assert.equal(snap.tables.nodes.count, objects.nodes.length);
  assert.equal(snap.tables.pods.count, objects.pods.length);
  assert.equal(snap.tables.nodes.capacity, objects.nodes.length);
  assert.ok(Buffer.from(snap.tables.nodes.bytes()).equals(Buffer.from(nodesC.bytes())), 'node table bytes');
  assert.ok(Buffer.from(snap.tables.pods.bytes()).equals(Buffer.from(podsC.bytes())), 'pod table bytes');
  assert.ok(snap.tables.nodes.buffer instanceof SharedArrayBuffer);
  assert.ok(snap.tables.pods.buffer instanceof SharedArrayBuffer);

  assert.deepEqual(internerStrings(snap.tables.interners), internerStrings(tables.interners));
  assert.deepEqual(snap.tables.specs, tables.specs);
  assert.deepEqual([...snap.tables.nodeIndex], [...tables.nodeIndex]);
  assert.deepEqual(snap.objects, objects);
  // Every pod's spec is the tables' spec at its row's spec index, as after buildTables.
  const specCol = snap.tables.pods.cols.spec;
  snap.objects.pods.forEach((p, i) => assert.equal(p.spec, snap.tables.specs[specCol[i]!], `pod ${i}`));
  assert.equal(snap.tables.specs.length, new Set(objects.pods.map((p) => p.spec)).size);
  // Bound pods differ from their siblings only in nodeName: the snapshot stores that shared part once.
  const doc = decode(bytes) as { templates: unknown[]; specs: unknown[] };
  assert.equal(doc.specs.length, tables.specs.length);
  assert.ok(doc.templates.length < doc.specs.length / 2, `${doc.templates.length} templates for ${doc.specs.length} specs`);

  // The decoded tables work: a value read through them matches one built afresh from the decoded objects.
  const rebuilt = buildTables(snap.objects);
  assert.ok(Buffer.from(rebuilt.nodes.compacted().bytes()).equals(Buffer.from(nodesC.bytes())), 'rebuilding from decoded objects gives the same node table');
  // Encoding is a pure function of the cluster.
  assert.ok(Buffer.from(encodeSnapshot(snap.objects, snap.tables)).equals(Buffer.from(bytes)), 're-encoding the decoded snapshot gives the same bytes');
});

test('loadCluster on a single snapshot returns its tables without rebuilding', async () => {
  const objects = await loaded;
  const file = join(dir, 'direct.msgpack');
  writeFileSync(file, encodeSnapshot(objects));
  const fromFile = await loadCluster([file]);
  assert.ok(fromFile.snapshot, 'snapshot returned');
  assert.equal(fromFile.snapshot!.tables.pods.count, objects.pods.length);
  assert.deepEqual(fromFile.objects, objects);
});

function snapshotError(bytes: Uint8Array): InputError {
  try {
    decodeSnapshot(bytes, 'x.msgpack');
  } catch (err) {
    assert.ok(err instanceof InputError, `InputError, got ${String(err)}`);
    return err;
  }
  assert.fail('decodeSnapshot accepted it');
}

test('a snapshot of another version, another format, or garbage is an InputError', async () => {
  const objects = await loaded;
  const doc = decode(encodeSnapshot(objects)) as Record<string, unknown>;
  assert.equal(doc.version, SNAPSHOT_VERSION);

  const future = snapshotError(encode({ ...doc, version: SNAPSHOT_VERSION + 1 }));
  assert.equal(future.message, `x.msgpack: snapshot version ${SNAPSHOT_VERSION + 1} is not supported (this kubescale reads version ${SNAPSHOT_VERSION}); write it again with 'kubescale snapshot'`);
  assert.equal(future.location.file, 'x.msgpack');

  assert.equal(snapshotError(encode({ ...doc, format: 'something-else' })).message, 'x.msgpack: not a kubescale snapshot (format field missing)');
  assert.equal(snapshotError(encode([1, 2, 3])).message, 'x.msgpack: not a kubescale snapshot (format field missing)');
  assert.equal(snapshotError(encode(null)).message, 'x.msgpack: not a kubescale snapshot (format field missing)');
  assert.match(snapshotError(new TextEncoder().encode('apiVersion: v1\nkind: Pod\n')).message, /^x\.msgpack: not a kubescale snapshot: /);
  assert.match(snapshotError(new Uint8Array(0)).message, /^x\.msgpack: not a kubescale snapshot/);
  // A truncated file.
  const full = encodeSnapshot(objects);
  assert.match(snapshotError(full.subarray(0, full.length >> 1)).message, /^x\.msgpack: not a kubescale snapshot: /);
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('CLI: snapshot then summary on the msgpack prints the same summary JSON as on the YAML', async () => {
  const fromYaml = cli(['summary', '-o', 'json', 'cluster.yaml']);
  assert.equal(fromYaml.code, 0, fromYaml.stderr);
  assert.equal(fromYaml.stderr, '');
  const snap = cli(['snapshot', 'cluster.yaml', '-o', 'cluster.msgpack']);
  assert.equal(snap.code, 0, snap.stderr);
  assert.equal(snap.stdout, '');
  const objects = await loaded;
  assert.match(snap.stderr, new RegExp(`^kubescale: wrote cluster\\.msgpack \\(20 nodes, ${objects.pods.length} pods, \\d+\\.\\d MiB\\)\\n$`));
  const fromSnap = cli(['summary', '-o', 'json', 'cluster.msgpack']);
  assert.equal(fromSnap.code, 0, fromSnap.stderr);
  assert.equal(fromSnap.stdout, fromYaml.stdout);
  const s = JSON.parse(fromSnap.stdout) as Record<string, unknown>;
  assert.equal(s.nodes, 20);
  assert.equal(s.pods, objects.pods.length);
  assert.equal(s.services, 6);
  assert.equal((s.zones as string[]).length, 3);
  // The same snapshot bytes as the in-process encoder.
  assert.ok(readFileSync(join(dir, 'cluster.msgpack')).equals(Buffer.from(encodeSnapshot(objects))));
});
