// Workload controllers expanded into the pods their controllers would create.
//
// - Deployment -> ReplicaSet `<deployment>-<pod-template-hash>` -> pods `<replicaset>-<5 chars>`.
//   Upstream hashes the template with FNV-32a over Go's printed form of the struct; we hash our
//   canonical JSON of the template instead (same alphabet and shape, different digits).
// - ReplicaSet -> `replicas` pods `<rs>-<5 chars>` (label set = template labels).
// - StatefulSet -> pods `<sts>-<ordinal>` with statefulset.kubernetes.io/pod-name,
//   apps.kubernetes.io/pod-index and controller-revision-hash labels, hostname/subdomain set.
// - DaemonSet -> one pod per node the daemon should run on (the node's affinity/selector and
//   taints, with the tolerations the DaemonSet controller adds), pinned through required node
//   affinity on metadata.name as the controller does, so the scheduler still places it.
// - Job -> min(parallelism, completions) pods `<job>-<5 chars>` (Indexed: `<job>-<index>-<5 chars>`).
// The 5-character suffixes come from a generator seeded with the owner's name, so expansion is
// deterministic. Expanded pods of one controller share one spec object (a pod template), which is
// what lets tables and snapshots store each distinct spec once.

import { createRng, K8S_NAME_ALPHABET } from '../model/rng.js';
import type {
  DaemonSet, Deployment, GenericObject, Job, Node, NodeSelectorTerm, Pod, PodSpec, ReplicaSet, StatefulSet, Taint, Toleration,
} from './types.js';
import { tolerationsTolerateTaint } from './match.js';
import { requiredNodeAffinityMatches } from '../model/selector.js';

export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character of the decimal text mapped into the name alphabet. */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += K8S_NAME_ALPHABET[s.charCodeAt(i) % K8S_NAME_ALPHABET.length];
  return out;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function templateHash(template: unknown): string {
  return safeEncode(String(fnv32a(canonicalJson(template))));
}

interface Owner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

function ownerRef(o: Owner) {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.name, uid: o.uid, controller: true, blockOwnerDeletion: true };
}

function uidFor(kind: string, ns: string, name: string): string {
  const h = (s: string) => fnv32a(s).toString(16).padStart(8, '0');
  const a = h(`${kind}/${ns}/${name}`);
  const b = h(`${name}/${ns}/${kind}`);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-8${a.slice(1, 4)}-${a}${b.slice(0, 4)}`;
}

/** Names pods `<base><5 chars>` without colliding with names already taken in the namespace. */
class NameMaker {
  private readonly taken = new Set<string>();
  reserve(ns: string, name: string): boolean {
    const key = `${ns}/${name}`;
    if (this.taken.has(key)) return false;
    this.taken.add(key);
    return true;
  }
  generate(ns: string, base: string, seed: string): string {
    const rng = createRng(seed);
    for (;;) {
      const name = base + rng.string(5, K8S_NAME_ALPHABET);
      if (this.reserve(ns, name)) return name;
    }
  }
}

function makePod(ns: string, name: string, labels: Record<string, string>, annotations: Record<string, string> | undefined, spec: PodSpec, owner: Owner): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels, ...(annotations ? { annotations } : {}), ownerReferences: [ownerRef(owner)], uid: uidFor('Pod', ns, name) },
    spec,
    status: { phase: 'Pending' },
  };
}

export interface Expansion {
  pods: Pod[];
  /** Intermediate objects the controllers create (ReplicaSets of Deployments). */
  created: GenericObject[];
}

export class Expander {
  private readonly names = new NameMaker();

  /** Pods already present keep their names. */
  reservePod(ns: string, name: string): void {
    this.names.reserve(ns, name);
  }

  deployment(d: Deployment): Expansion {
    const ns = d.metadata.namespace ?? 'default';
    const hash = templateHash(d.spec.template);
    const rsName = `${d.metadata.name}-${hash}`;
    const labels = { ...(d.spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName, namespace: ns, labels, uid: uidFor('ReplicaSet', ns, rsName),
        ownerReferences: [ownerRef({ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid ?? uidFor('Deployment', ns, d.metadata.name) })],
      },
      spec: {
        replicas: d.spec.replicas ?? 1,
        selector: { ...(d.spec.selector ?? {}), matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash } },
        template: { metadata: { ...(d.spec.template.metadata ?? {}), labels }, spec: d.spec.template.spec },
      },
    };
    const out = this.replicaSet(rs);
    return { pods: out.pods, created: [rs as GenericObject] };
  }

  replicaSet(rs: ReplicaSet): Expansion {
    const ns = rs.metadata.namespace ?? 'default';
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid ?? uidFor('ReplicaSet', ns, rs.metadata.name) };
    const labels = rs.spec.template.metadata?.labels ?? {};
    const ann = rs.spec.template.metadata?.annotations;
    const pods: Pod[] = [];
    const n = rs.spec.replicas ?? 1;
    for (let i = 0; i < n; i++) {
      const name = this.names.generate(ns, `${rs.metadata.name}-`, `${ns}/${rs.metadata.name}#${i}`);
      pods.push(makePod(ns, name, labels, ann, rs.spec.template.spec, owner));
    }
    return { pods, created: [] };
  }

  statefulSet(s: StatefulSet): Expansion {
    const ns = s.metadata.namespace ?? 'default';
    const owner = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: s.metadata.name, uid: s.metadata.uid ?? uidFor('StatefulSet', ns, s.metadata.name) };
    const revision = `${s.metadata.name}-${templateHash(s.spec.template)}`;
    const pods: Pod[] = [];
    const n = s.spec.replicas ?? 1;
    // Each ordinal gets its own spec object only for hostname/subdomain; requests etc. are shared values.
    for (let i = 0; i < n; i++) {
      const name = `${s.metadata.name}-${i}`;
      this.names.reserve(ns, name);
      const labels = {
        ...(s.spec.template.metadata?.labels ?? {}),
        'apps.kubernetes.io/pod-index': String(i),
        'controller-revision-hash': revision,
        'statefulset.kubernetes.io/pod-name': name,
      };
      const spec: PodSpec = { ...s.spec.template.spec, hostname: name, ...(s.spec.serviceName ? { subdomain: s.spec.serviceName } : {}) };
      pods.push(makePod(ns, name, labels, s.spec.template.metadata?.annotations, spec, owner));
    }
    return { pods, created: [] };
  }

  daemonSet(ds: DaemonSet, nodes: Node[]): Expansion {
    const ns = ds.metadata.namespace ?? 'default';
    const owner = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name, uid: ds.metadata.uid ?? uidFor('DaemonSet', ns, ds.metadata.name) };
    const template = ds.spec.template.spec;
    const tolerations = daemonTolerations(template);
    const pods: Pod[] = [];
    for (const node of nodes) {
      if (!daemonShouldRun(template, tolerations, node)) continue;
      const name = this.names.generate(ns, `${ds.metadata.name}-`, `${ns}/${ds.metadata.name}@${node.metadata.name}`);
      const spec: PodSpec = { ...template, tolerations, affinity: pinToNode(template, node.metadata.name) };
      pods.push(makePod(ns, name, ds.spec.template.metadata?.labels ?? {}, ds.spec.template.metadata?.annotations, spec, owner));
    }
    return { pods, created: [] };
  }

  job(j: Job): Expansion {
    const ns = j.metadata.namespace ?? 'default';
    const uid = j.metadata.uid ?? uidFor('Job', ns, j.metadata.name);
    const owner = { apiVersion: 'batch/v1', kind: 'Job', name: j.metadata.name, uid };
    const parallelism = j.spec.parallelism ?? 1;
    const n = j.spec.completions === undefined || j.spec.completions === null ? parallelism : Math.min(parallelism, j.spec.completions);
    const pods: Pod[] = [];
    const baseLabels = {
      ...(j.spec.template.metadata?.labels ?? {}),
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': j.metadata.name,
      'controller-uid': uid,
      'job-name': j.metadata.name,
    };
    for (let i = 0; i < n; i++) {
      const indexed = j.spec.completionMode === 'Indexed';
      const base = indexed ? `${j.metadata.name}-${i}-` : `${j.metadata.name}-`;
      const name = this.names.generate(ns, base, `${ns}/${j.metadata.name}#${i}`);
      const labels = indexed ? { ...baseLabels, 'batch.kubernetes.io/job-completion-index': String(i) } : baseLabels;
      pods.push(makePod(ns, name, labels, j.spec.template.metadata?.annotations, j.spec.template.spec, owner));
    }
    return { pods, created: [] };
  }
}

/** Tolerations the DaemonSet controller adds to its pods (pkg/controller/daemon/util). */
function daemonTolerations(spec: PodSpec): Toleration[] {
  const add: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork) add.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const existing = spec.tolerations ?? [];
  const has = (t: Toleration) => existing.some((e) => e.key === t.key && e.operator === t.operator && e.effect === t.effect);
  return [...existing, ...add.filter((t) => !has(t))];
}

/** The controller's predicate: node selector, required node affinity, and NoSchedule/NoExecute taints. */
function daemonShouldRun(spec: PodSpec, tolerations: Toleration[], node: Node): boolean {
  if (!requiredNodeAffinityMatches(spec, { labels: node.metadata.labels, name: node.metadata.name })) return false;
  for (const t of (node.spec?.taints ?? []) as Taint[]) {
    if (t.effect === 'PreferNoSchedule') continue;
    if (!tolerationsTolerateTaint(tolerations, t)) return false;
  }
  return true;
}

/** Replaces required node affinity with a metadata.name match, as ReplaceDaemonSetPodNodeNameNodeAffinity does. */
function pinToNode(spec: PodSpec, nodeName: string): PodSpec['affinity'] {
  const term: NodeSelectorTerm = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  return {
    ...(spec.affinity ?? {}),
    nodeAffinity: { ...(spec.affinity?.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } },
  };
}
