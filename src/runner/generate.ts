// Objects a workload creates from templates: nodes (with upstream's node prepare strategies), pods,
// namespaces and churn objects. Names follow upstream: a node gets its template name or
// generateName + 5 characters of upstream's rand.String alphabet (drawn from the seeded RNG) and the
// kubernetes.io/hostname label (IntegrationTestNodePreparer); pods are named <generateName><i>
// with i counting per namespace and prefix, so every run with the same seed builds the same cluster.

import type { KubeObject, Namespace, Node, Pod } from '../k8s/types.js';
import { K8S_NAME_ALPHABET, type Rng } from '../model/rng.js';
import type { NodeStrategy } from './workload.js';

const HOSTNAME = 'kubernetes.io/hostname';

/** A strategy with its state (labelNodePrepareStrategy's round-robin index lives across the op's nodes). */
export class NodePreparer {
  private roundRobin = 0;
  constructor(private readonly strategy: NodeStrategy | undefined, private readonly rng: Rng) {}

  prepare(node: Node): void {
    const s = this.strategy;
    if (!s) return;
    switch (s.kind) {
      case 'labelNodePrepare': {
        const values = s.labelValues!;
        node.metadata.labels![s.labelKey!] = values[this.roundRobin]!;
        this.roundRobin = (this.roundRobin + 1) % values.length;
        return;
      }
      case 'uniqueNodeLabel':
        node.metadata.labels![s.labelKey!] = uuid(this.rng);
        return;
      case 'nodeAllocatable': {
        const status = (node.status ??= {});
        status.allocatable = { ...(status.allocatable ?? status.capacity ?? {}), ...s.nodeAllocatable };
        return;
      }
    }
  }
}

/** A version-4 UUID from the seeded RNG (upstream uses uuid.NewUUID for uniqueNodeLabelStrategy). */
export function uuid(rng: Rng): string {
  const hex = '0123456789abcdef';
  let s = '';
  for (let i = 0; i < 32; i++) {
    let d = rng.int(16);
    if (i === 12) d = 4;
    if (i === 16) d = 8 + (d & 3);
    s += hex[d];
  }
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export class ObjectFactory {
  private readonly nodeNames = new Set<string>();
  private readonly podCounters = new Map<string, number>();
  private readonly objectCounters = new Map<string, number>();

  constructor(private readonly rng: Rng) {}

  private nodeName(tmpl: Node): string {
    if (tmpl.metadata.name) return tmpl.metadata.name;
    const prefix = tmpl.metadata.generateName || 'scheduler-perf-';
    for (;;) {
      const name = prefix + this.rng.string(5, K8S_NAME_ALPHABET);
      if (!this.nodeNames.has(name)) return name;
    }
  }

  nodes(tmpl: Node, count: number, preparer: NodePreparer): Node[] {
    const out: Node[] = [];
    for (let i = 0; i < count; i++) {
      const name = this.nodeName(tmpl);
      this.nodeNames.add(name);
      const { generateName: _g, ...meta } = tmpl.metadata;
      const node: Node = {
        ...tmpl,
        apiVersion: 'v1', kind: 'Node',
        metadata: { ...meta, name, labels: { ...(tmpl.metadata.labels ?? {}), [HOSTNAME]: name } },
        spec: { ...(tmpl.spec ?? {}) },
        status: { ...(tmpl.status ?? {}) },
      };
      preparer.prepare(node);
      out.push(node);
    }
    return out;
  }

  /** Frees a node name (churn deletes and recreates). */
  forgetNode(name: string): void {
    this.nodeNames.delete(name);
  }

  pods(tmpl: Pod, count: number, namespace: string): Pod[] {
    const base = tmpl.metadata.generateName || (tmpl.metadata.name ? `${tmpl.metadata.name}-` : 'pod-');
    const counterKey = `${namespace}/${base}`;
    let next = this.podCounters.get(counterKey) ?? 0;
    const out: Pod[] = [];
    const { generateName: _g, ...meta } = tmpl.metadata;
    // Object.assign, not spread: V8 gives spread copies a map on which adding a property later
    // (bind sets spec.nodeName) costs ~0.5 µs; assigned copies take it in ~10 ns.
    for (let i = 0; i < count; i++) {
      const metadata = Object.assign({}, meta, { name: `${base}${next++}`, namespace });
      if (tmpl.metadata.labels) metadata.labels = Object.assign({}, tmpl.metadata.labels);
      // Each pod owns its spec object (bind sets spec.nodeName); nested parts stay shared and read-only.
      out.push(Object.assign({}, tmpl, { apiVersion: 'v1', kind: 'Pod', metadata, spec: Object.assign({}, tmpl.spec) }) as Pod);
    }
    this.podCounters.set(counterKey, next);
    return out;
  }

  namespace(name: string, tmpl?: KubeObject): Namespace {
    const meta = tmpl?.metadata ?? {};
    return { ...(tmpl ?? {}), apiVersion: 'v1', kind: 'Namespace', metadata: { ...meta, name, ...(meta.labels ? { labels: { ...meta.labels } } : {}) } } as Namespace;
  }

  /** Any other object from a template (Service, PriorityClass...): template name, or generateName + a counter. */
  object(tmpl: KubeObject, namespace: string | undefined): KubeObject {
    const meta = tmpl.metadata ?? {};
    let name = meta.name;
    if (!name) {
      const base = meta.generateName || `${(tmpl.kind ?? 'object').toLowerCase()}-`;
      const key = `${tmpl.kind}/${namespace ?? ''}/${base}`;
      const n = this.objectCounters.get(key) ?? 0;
      this.objectCounters.set(key, n + 1);
      name = `${base}${n}`;
    }
    const { generateName: _g, ...rest } = meta;
    return { ...tmpl, metadata: { ...rest, name, ...(namespace ? { namespace } : {}) } };
  }
}
