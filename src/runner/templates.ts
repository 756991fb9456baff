// Template files referenced by workload ops (nodeTemplatePath, podTemplatePath, templatePaths, ...).
// Each is one Kubernetes object, validated by the loader's per-kind validators (src/k8s/kinds.ts)
// so a bad template fails the run before anything is scheduled, with file, object and field.

import { FieldError, InputError, describeObject } from '../k8s/errors.js';
import { KIND_RULES } from '../k8s/kinds.js';
import { flattenDocuments, parseDocuments, readText } from '../k8s/parse.js';
import type { KubeObject, Node, Pod } from '../k8s/types.js';

/** Default node (scale-guidance.md): capacity = allocatable = cpu 4, memory 32Gi, pods 110, Ready. */
export function defaultNodeTemplate(): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: '', generateName: 'scheduler-perf-' },
    spec: {},
    status: {
      capacity: { pods: '110', cpu: '4', memory: '32Gi' },
      allocatable: { pods: '110', cpu: '4', memory: '32Gi' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

/** Default pod (scale-guidance.md): one container, requests = limits = cpu 100m, memory 500Mi. */
export function defaultPodTemplate(): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: '', generateName: 'pod-' },
    spec: {
      containers: [{
        name: 'pause', image: 'registry.k8s.io/pause:3.10.1', ports: [{ containerPort: 80 }],
        resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } },
      }],
    },
  };
}

export class TemplateCache {
  private readonly cache = new Map<string, KubeObject>();

  /** The object in `path`; `kinds` restricts what the op accepts. Returned objects must not be mutated. */
  load(path: string, kinds?: readonly string[]): KubeObject {
    let obj = this.cache.get(path);
    if (!obj) {
      obj = readTemplate(path);
      this.cache.set(path, obj);
    }
    if (kinds && !kinds.includes(obj.kind!)) {
      throw new InputError({ file: path, object: describeObject(obj.kind, obj.metadata), field: 'kind' }, `Unsupported value: ${JSON.stringify(obj.kind)}: this op takes ${kinds.join(' or ')}`);
    }
    return obj;
  }
}

export function readTemplate(path: string): KubeObject {
  const objects = flattenDocuments(path, parseDocuments(path, readText(path)));
  if (objects.length !== 1) throw new InputError({ file: path }, `a template holds exactly one object, found ${objects.length}`);
  const obj = objects[0]!.object;
  const loc = (field?: string) => ({ file: path, object: describeObject(obj.kind, obj.metadata), ...(field ? { field } : {}) });
  if (typeof obj.kind !== 'string' || obj.kind === '') throw new InputError(loc('kind'), 'Required value');
  if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') throw new InputError(loc('apiVersion'), 'Required value');
  const rule = KIND_RULES[obj.kind];
  if (!rule) throw new InputError(loc('kind'), `Unsupported value: ${JSON.stringify(obj.kind)}: kubescale does not model this kind`);
  if (rule.apiVersions && !rule.apiVersions.includes(obj.apiVersion)) {
    throw new InputError(loc('apiVersion'), `Unsupported value: ${JSON.stringify(obj.apiVersion)}: supported values: ${rule.apiVersions.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  if (rule.controller) throw new InputError(loc('kind'), `Unsupported value: ${JSON.stringify(obj.kind)}: workload templates create pods directly`);
  try {
    rule.validate(obj);
  } catch (err) {
    if (err instanceof FieldError) throw new InputError(loc(err.field), err.detail);
    throw err;
  }
  if (obj.kind === 'Node') defaultNodeStatus(obj as Node);
  return obj;
}

/** The API server's defaulting: a node status without allocatable gets its capacity. */
function defaultNodeStatus(node: Node): void {
  if (node.status?.capacity && !node.status.allocatable) node.status.allocatable = { ...node.status.capacity };
}
