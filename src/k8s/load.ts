// Loading inputs: files and directories of manifests, or msgpack snapshots, into validated
// ClusterObjects with every workload controller expanded into its pods.
// A problem in the input is one InputError naming file, object and field; nothing is returned
// half-loaded.

import { extname } from 'node:path';
import { InputError, FieldError, describeObject } from './errors.js';
import { expandPaths, flattenDocuments, parseDocuments, readText, type SourcedObject } from './parse.js';
import { Expander } from './expand.js';
import { KIND_RULES } from './kinds.js';
import { emptyClusterObjects, type ClusterObjects, type DaemonSet, type Deployment, type GenericObject, type Job, type KubeObject, type Pod, type ReplicaSet, type StatefulSet } from './types.js';

export interface LoadOptions {
  /** Called for each non-fatal problem (unknown kinds); default: print to stderr. */
  warn?: (message: string) => void;
}

export interface LoadResult {
  objects: ClusterObjects;
  /** Set when the input was a single snapshot: the decoded snapshot, tables included. */
  snapshot?: import('../model/snapshot.js').Snapshot;
}

/** Loads and validates every input; see cli.md "Inputs". */
export async function loadInputs(paths: string[], opts: LoadOptions = {}): Promise<ClusterObjects> {
  return (await loadCluster(paths, opts)).objects;
}

export async function loadCluster(paths: string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`kubescale: warning: ${m}\n`));
  const files = expandPaths(paths);
  if (files.length === 0) throw new InputError({ file: paths.join(' ') }, 'no manifest files found');
  const snapshots = files.filter((f) => extname(f).toLowerCase() === '.msgpack');
  if (snapshots.length > 0) {
    const { readSnapshotFile } = await import('../model/snapshot.js');
    if (files.length === 1) {
      const snapshot = readSnapshotFile(files[0]!);
      return { objects: snapshot.objects, snapshot };
    }
    // Snapshots mixed with manifests: merge their objects (tables are rebuilt by whoever needs them).
    const sourced: SourcedObject[] = [];
    const merged = emptyClusterObjects();
    for (const f of files) {
      if (snapshots.includes(f)) {
        const o = readSnapshotFile(f).objects;
        for (const k of Object.keys(merged) as (keyof ClusterObjects)[]) (merged[k] as unknown[]).push(...(o[k] as unknown[]));
      } else {
        sourced.push(...flattenDocuments(f, parseDocuments(f, readText(f))));
      }
    }
    const loaded = buildObjects(sourced, warn, merged);
    return { objects: loaded };
  }
  const sourced: SourcedObject[] = [];
  for (const f of files) sourced.push(...flattenDocuments(f, parseDocuments(f, readText(f))));
  return { objects: buildObjects(sourced, warn) };
}

/** Validates, defaults and sorts sourced objects by kind, then expands controllers. */
export function buildObjects(sourced: SourcedObject[], warn: (m: string) => void, into: ClusterObjects = emptyClusterObjects()): ClusterObjects {
  const out = into;
  const seen = new Map<string, string>();
  const controllers: { kind: string; obj: KubeObject; file: string }[] = [];
  for (const { file, where, object } of sourced) {
    const kind = object.kind;
    const loc = (field?: string) => ({ file, object: where && !object.metadata ? where : describeObject(kind, object.metadata), ...(field ? { field } : {}) });
    if (typeof kind !== 'string' || kind === '') throw new InputError(loc('kind'), 'Required value: every object needs apiVersion and kind');
    if (typeof object.apiVersion !== 'string' || object.apiVersion === '') throw new InputError(loc('apiVersion'), 'Required value');
    const rule = KIND_RULES[kind];
    if (!rule) {
      warn(`${file}: ${describeObject(kind, object.metadata)}: kind ${kind} is not understood; ignored`);
      continue;
    }
    if (rule.apiVersions && !rule.apiVersions.includes(object.apiVersion)) {
      throw new InputError(loc('apiVersion'), `Unsupported value: ${JSON.stringify(object.apiVersion)}: supported values: ${rule.apiVersions.map((a) => JSON.stringify(a)).join(', ')}`);
    }
    try {
      rule.validate(object);
    } catch (err) {
      if (err instanceof FieldError) throw new InputError(loc(err.field), err.detail);
      throw err;
    }
    if (rule.namespaced && object.metadata) object.metadata.namespace = object.metadata.namespace || 'default';
    if (object.metadata && !object.metadata.name && object.metadata.generateName) {
      object.metadata.name = generatedName(object.metadata.generateName, `${kind}/${object.metadata.namespace ?? ''}/${seen.size}`);
    }
    if (object.metadata?.name) {
      const key = `${kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
      const prev = seen.get(key);
      if (prev !== undefined) throw new InputError(loc('metadata.name'), `Duplicate value: ${JSON.stringify(object.metadata.name)}: also defined in ${prev}`);
      seen.set(key, file);
    }
    rule.collect(out, object);
    if (rule.controller) controllers.push({ kind, obj: object, file });
  }
  expandControllers(out, controllers);
  return out;
}

function generatedName(prefix: string, seed: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) {
    s += alphabet[(h >>> 0) % alphabet.length];
    h = Math.imul(h ^ i, 0x01000193);
  }
  return prefix + s;
}

/** Most pods the loader will hold after expansion: a typo'd `replicas: 100000000` fails fast instead of exhausting memory. */
export const MAX_PODS = 5_000_000;

/** Pods a controller would create (DaemonSets: at most one per node). */
function expectedPods(kind: string, obj: KubeObject, nodes: number): { count: number; field: string } {
  const spec = (obj.spec ?? {}) as { replicas?: number; parallelism?: number; completions?: number | null };
  switch (kind) {
    case 'DaemonSet': return { count: nodes, field: 'spec' };
    case 'Job': {
      const parallelism = spec.parallelism ?? 1;
      const count = spec.completions === undefined || spec.completions === null ? parallelism : Math.min(parallelism, spec.completions);
      return { count, field: parallelism === count ? 'spec.parallelism' : 'spec.completions' };
    }
    default: return { count: spec.replicas ?? 1, field: 'spec.replicas' };
  }
}

function expandControllers(out: ClusterObjects, controllers: { kind: string; obj: KubeObject; file: string }[]): void {
  if (controllers.length === 0) return;
  const ex = new Expander();
  for (const p of out.pods) ex.reservePod(p.metadata.namespace ?? 'default', p.metadata.name);
  // `kubectl get all -o yaml` output holds controllers and the objects they already created:
  // a controller whose pods (or, for a Deployment, whose ReplicaSet) are in the input is not expanded again.
  const owned = new Set<string>();
  const noteOwners = (o: KubeObject) => {
    for (const r of o.metadata?.ownerReferences ?? []) owned.add(`${r.kind}/${o.metadata?.namespace ?? 'default'}/${r.name}`);
  };
  out.pods.forEach(noteOwners);
  for (const c of controllers) if (c.kind === 'ReplicaSet') noteOwners(c.obj);
  const add = (pods: Pod[], created: GenericObject[]) => {
    out.pods.push(...pods);
    out.workloads.push(...created);
  };
  for (const { kind, obj, file } of controllers) {
    if (owned.has(`${kind}/${obj.metadata?.namespace ?? 'default'}/${obj.metadata?.name}`)) continue;
    const { count, field } = expectedPods(kind, obj, out.nodes.length);
    if (out.pods.length + count > MAX_PODS) {
      throw new InputError({ file, object: describeObject(kind, obj.metadata), field },
        `Invalid value: ${count}: expanding it would make ${out.pods.length + count} pods; kubescale loads at most ${MAX_PODS}`);
    }
    let r;
    switch (kind) {
      case 'Deployment': r = ex.deployment(obj as Deployment); break;
      case 'ReplicaSet': r = ex.replicaSet(obj as ReplicaSet); break;
      case 'StatefulSet': r = ex.statefulSet(obj as StatefulSet); break;
      case 'DaemonSet': r = ex.daemonSet(obj as DaemonSet, out.nodes); break;
      case 'Job': r = ex.job(obj as Job); break;
      default: continue;
    }
    add(r.pods, r.created);
  }
}
