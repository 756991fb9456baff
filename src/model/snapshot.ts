// Snapshots: a loaded cluster as one msgpack document that every command accepts as input.
//
// Format (version 1): a map
//   format: "kubescale-snapshot", version: 1,
//   strings: { labels, namespaces, images, names, resources }   interner contents, in id order
//   templates: PodSpec[]                                        distinct pod specs without nodeName
//   specs:   [templateIndex, nodeName | null][]                 the tables' distinct specs, as template + node
//   pods:    [metadata, specIndex, status][]                    pods, sharing specs by index
//   objects: ClusterObjects without pods                        every other object as loaded
//   nodeTable, podTable: bytes                                  the tables, byte for byte (compacted)
// Reading wraps the stored table bytes in fresh SharedArrayBuffers: no rebuild, no re-validation.
// Bound pods listed one by one (kubectl get pods -o json) each have their own spec that differs from
// its siblings' only in nodeName: templates store that shared part once (version 2; version 1 stored
// every spec whole, 62 of 174 MiB at 150,000 pods).

import { decode, encode } from '@msgpack/msgpack';
import { readFileSync } from 'node:fs';
import { InputError } from '../k8s/errors.js';
import type { ClusterObjects, ObjectMeta, Pod, PodSpec, PodStatus } from '../k8s/types.js';
import { Interner, type Interners } from './intern.js';
import { buildTables, type ClusterTables } from './cluster.js';
import { NodeTable, PodTable } from './tables.js';

export const SNAPSHOT_FORMAT = 'kubescale-snapshot';
export const SNAPSHOT_VERSION = 2;

export interface Snapshot {
  objects: ClusterObjects;
  tables: ClusterTables;
}

interface Encoded {
  format: string;
  version: number;
  strings: Record<keyof Interners, string[]>;
  templates: PodSpec[];
  specs: [number, string | null][];
  pods: [ObjectMeta, number, PodStatus | null][];
  objects: Omit<ClusterObjects, 'pods'>;
  nodeTable: Uint8Array;
  podTable: Uint8Array;
}

export function encodeSnapshot(objects: ClusterObjects, tables: ClusterTables = buildTables(objects)): Uint8Array {
  const nodes = tables.nodes.compacted();
  const pods = tables.pods.compacted();
  const specCol = pods.cols.spec;
  const { pods: podObjects, ...rest } = objects;
  const doc: Encoded = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    strings: {
      labels: tables.interners.labels.strings, namespaces: tables.interners.namespaces.strings, images: tables.interners.images.strings,
      names: tables.interners.names.strings, resources: tables.interners.resources.strings,
    },
    ...specTemplates(tables.specs),
    pods: podObjects.map((p, i) => [p.metadata, specCol[i]!, p.status ?? null]),
    objects: rest,
    nodeTable: nodes.bytes(),
    podTable: pods.bytes(),
  };
  return encode(doc, { ignoreUndefined: true });
}

/** Splits each distinct spec into a shared template (the spec without nodeName) and its nodeName. */
function specTemplates(specs: PodSpec[]): { templates: PodSpec[]; specs: [number, string | null][] } {
  const templates: PodSpec[] = [];
  const index = new Map<string, number>();
  const refs: [number, string | null][] = [];
  for (const spec of specs) {
    const { nodeName, ...rest } = spec;
    const key = JSON.stringify(rest);
    let t = index.get(key);
    if (t === undefined) {
      t = templates.length;
      templates.push(rest);
      index.set(key, t);
    }
    refs.push([t, nodeName ?? null]);
  }
  return { templates, specs: refs };
}

function toShared(bytes: Uint8Array): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(sab).set(bytes);
  return sab;
}

export function decodeSnapshot(bytes: Uint8Array, file = '<snapshot>'): Snapshot {
  let doc: Encoded;
  try {
    doc = decode(bytes) as Encoded;
  } catch (err) {
    throw new InputError({ file }, `not a kubescale snapshot: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || doc.format !== SNAPSHOT_FORMAT) throw new InputError({ file }, 'not a kubescale snapshot (format field missing)');
  if (doc.version !== SNAPSHOT_VERSION) throw new InputError({ file }, `snapshot version ${doc.version} is not supported (this kubescale reads version ${SNAPSHOT_VERSION}); write it again with 'kubescale snapshot'`);
  const interners: Interners = {
    labels: new Interner(doc.strings.labels), namespaces: new Interner(doc.strings.namespaces), images: new Interner(doc.strings.images),
    names: new Interner(doc.strings.names), resources: new Interner(doc.strings.resources),
  };
  const specs: PodSpec[] = doc.specs.map(([t, nodeName]) => (nodeName === null ? doc.templates[t]! : { ...doc.templates[t]!, nodeName }));
  const pods: Pod[] = doc.pods.map(([metadata, s, status]) => {
    const p: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: metadata as Pod['metadata'], spec: specs[s]! };
    if (status) p.status = status;
    return p;
  });
  const objects: ClusterObjects = { ...doc.objects, pods };
  const nodes = NodeTable.wrap(toShared(doc.nodeTable), interners);
  const podTable = PodTable.wrap(toShared(doc.podTable), interners);
  const nodeIndex = new Map<string, number>();
  for (let i = 0; i < nodes.count; i++) nodeIndex.set(nodes.nodeName(i), i);
  return { objects, tables: { interners, nodes, pods: podTable, nodeIndex, specs } };
}

export function readSnapshotFile(file: string): Snapshot {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new InputError({ file }, `cannot read: ${(err as Error).message}`);
  }
  return decodeSnapshot(bytes, file);
}
