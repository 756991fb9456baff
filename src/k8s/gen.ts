// `kubescale gen`: a seeded synthetic cluster. Everything is drawn from named RNG streams
// (nodes, workloads, per-workload pod names, services) so that one option changing — say
// --bound or --expand — does not reshuffle the rest, and the same seed gives the same bytes.
//
// Objects are produced by a generator in output order (Namespaces, PriorityClasses, Nodes,
// DaemonSets, workloads with their pods, Services), so the writer can stream 150,000 pods
// without holding them. Node free capacity for --bound lives in typed arrays.

import type {
  Affinity, ClusterObjects, Container, ContainerPort, GenericObject, KubeObject, Namespace, Node, Pod, PodSpec,
  PriorityClass, Service, ServicePort, Toleration, TopologySpreadConstraint,
} from './types.js';
import { emptyClusterObjects } from './types.js';
import { createRng, K8S_NAME_ALPHABET, type Rng } from '../model/rng.js';
import { podRequests } from '../model/requests.js';
import { ARCHETYPES, DAEMONSETS, IMAGES, PRIORITY_CLASSES, REGIONS, NAMESPACE_NAMES, type Archetype, type WorkloadKind } from './gen-catalog.js';
import {
  buildNodes, hexString, ipv4, podCidrBase, uuid, FLAG_CORDONED, FLAG_GPU_TAINT,
  type DigestedImage, type NodeColumns, type Zone,
} from './gen-nodes.js';

export { reservedCpuMilli, reservedMemKi, zoneList, MAX_PODS_PER_NODE, type Zone } from './gen-nodes.js';

export interface GenOptions {
  nodes: number;
  /** Total pods after every controller is expanded (DaemonSet pods included). */
  pods: number;
  zones: number;
  services: number;
  /** Fraction of pods already running on a node (spec.nodeName set), 0..1. */
  bound: number;
  /** Write every pod as a Pod instead of writing the controllers. */
  expand: boolean;
  seed: number;
}

export const GEN_DEFAULTS: Readonly<GenOptions> = { nodes: 100, pods: 1000, zones: 3, services: 0, bound: 0, expand: false, seed: 1 };

/** Pod CIDRs are /24s in 10.0.0.0/8 minus the service range 10.96.0.0/12. */
export const GEN_MAX_NODES = 61440;
export const GEN_MAX_PODS = 5_000_000;
const NODEPORT_BASE = 30000;
const NODEPORT_COUNT = 2768; // 30000-32767

/** The message for the first bad option, or undefined when all are valid. */
export function genOptionsError(o: GenOptions): string | undefined {
  const intIn = (flag: string, v: number, lo: number, hi: number) =>
    Number.isSafeInteger(v) && v >= lo && v <= hi ? undefined : `${flag} must be an integer in [${lo}, ${hi}], got ${v}`;
  return intIn('--nodes', o.nodes, 0, GEN_MAX_NODES) ?? intIn('--pods', o.pods, 0, GEN_MAX_PODS)
    ?? intIn('--zones', o.zones, 1, REGIONS.length * 3 + 997) ?? intIn('--services', o.services, 0, 1_000_000)
    ?? (o.bound >= 0 && o.bound <= 1 ? undefined : `--bound must be a fraction in [0, 1], got ${o.bound}`)
    ?? (Number.isSafeInteger(o.seed) ? undefined : `--seed must be an integer, got ${o.seed}`);
}

// ---- workloads ----

interface Requests { cpuMilli: number; memBytes: number; gpu: number }

interface WorkloadPlan {
  id: number;
  kind: WorkloadKind;
  name: string;
  namespace: string;
  uid: string;
  replicas: number;
  labels: Record<string, string>;
  podSpec: PodSpec;
  requests: Requests;
  ports: ContainerPort[];
  priority: number;
  // What the bound-pod placement must honour (the generator only emits these constraint shapes).
  arch: number; // -1 any
  zoneMask: Uint8Array | null;
  toleratesGpu: boolean;
  antiHost: boolean;
}

/** The pod's effective requests as the scheduler counts them (shared with NodeResourcesFit). */
function requestsFor(spec: PodSpec): Requests {
  const r = podRequests(spec).requests;
  return { cpuMilli: r.get('cpu') ?? 0, memBytes: r.get('memory') ?? 0, gpu: r.get('nvidia.com/gpu') ?? 0 };
}

interface Ctx {
  opts: GenOptions;
  zones: Zone[];
  cols: NodeColumns;
  nodeCount: number;
  schedulableNodes: number;
  gpuNodes: number;
  images: Map<string, DigestedImage>;
  priorityOf: Map<string, number>;
  nodeIps: string[];
}

function requestsOf(cpu: string, memory: string, gpu: number): { requests: Record<string, string>; limits?: Record<string, string> } {
  const requests: Record<string, string> = { cpu, memory };
  if (gpu === 0) return { requests };
  requests['nvidia.com/gpu'] = String(gpu);
  return { requests, limits: { memory, 'nvidia.com/gpu': String(gpu) } }; // extended resources need limit == request
}

function planWorkload(ctx: Ctx, rng: Rng, id: number, arch: Archetype, kind: WorkloadKind, replicas: number, namespace: string): WorkloadPlan {
  const image = ctx.images.get(rng.pick(arch.images))!;
  const base = arch.nameFromImage ? image.ref.replace(/:.*$/, '').replace(/^.*\//, '') : rng.pick(arch.names);
  const name = `${base}-${id + 1}`;
  const labels: Record<string, string> = { app: name, tier: arch.tier };
  const gpu = arch.gpu ? 1 : 0;
  const ports = image.ports ?? arch.ports;
  const bestEffort = !arch.gpu && kind !== 'StatefulSet' && rng.chance(0.04);
  const main: Container = {
    name: arch.tier === 'batch' ? 'job' : 'app',
    image: image.ref,
    ...(ports.length ? { ports: ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' as const })) } : {}),
    ...(bestEffort ? {} : { resources: requestsOf(rng.pick(arch.cpu), rng.pick(arch.memory), gpu) }),
  };
  if (!bestEffort && rng.chance(0.3)) main.resources!.limits = { ...main.resources!.limits, memory: main.resources!.requests!.memory! };
  const spec: PodSpec = { containers: [main] };
  if (!bestEffort && arch.tier === 'backend' && rng.chance(0.25)) {
    // A native sidecar (restartable init container): counts towards the running pod's requests.
    spec.initContainers = [{ name: 'proxy', image: ctx.images.get('envoyproxy/envoy:v1.32.1')!.ref, restartPolicy: 'Always',
      resources: { requests: { cpu: '100m', memory: '128Mi' } } }];
  } else if (!bestEffort && rng.chance(0.1)) {
    spec.initContainers = [{ name: 'init-config', image: ctx.images.get('busybox:1.37')!.ref, resources: { requests: { cpu: '10m', memory: '16Mi' } } }];
  }
  if (arch.restartPolicy) spec.restartPolicy = arch.restartPolicy;
  const pc = rng.pick(arch.priorityClasses);
  if (pc) spec.priorityClassName = pc;

  const plan: WorkloadPlan = {
    id, kind, name, namespace, uid: uuid(rng), replicas, labels, podSpec: spec, requests: requestsFor(spec),
    ports: main.ports ?? [], priority: pc ? ctx.priorityOf.get(pc)! : 0, arch: -1, zoneMask: null, toleratesGpu: gpu > 0, antiHost: false,
  };

  const tolerations: Toleration[] = [];
  if (gpu) {
    spec.nodeSelector = { 'nvidia.com/gpu.present': 'true' };
    tolerations.push({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
  } else if (rng.chance(0.1)) {
    spec.nodeSelector = { 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux' };
    plan.arch = 0;
  }
  if ((arch.tier === 'batch' || arch.tier === 'worker') && rng.chance(0.6)) {
    tolerations.push({ key: 'kubescale.io/spot', operator: 'Equal', value: 'true', effect: 'PreferNoSchedule' });
  }
  if (tolerations.length) spec.tolerations = tolerations;

  const affinity: Affinity = {};
  const zones = ctx.zones.slice(0, Math.min(ctx.zones.length, Math.max(1, ctx.nodeCount)));
  if (!gpu && zones.length > 1 && rng.chance(0.08)) {
    const first = rng.int(zones.length);
    const chosen = [zones[first]!, zones[(first + 1) % zones.length]!];
    affinity.nodeAffinity = { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [
      { key: 'topology.kubernetes.io/zone', operator: 'In', values: chosen.map((z) => z.zone) }] }] } };
    plan.zoneMask = new Uint8Array(ctx.zones.length);
    plan.zoneMask[first] = plan.zoneMask[(first + 1) % zones.length] = 1;
  }
  if (!gpu && rng.chance(0.1)) {
    (affinity.nodeAffinity ??= {}).preferredDuringSchedulingIgnoredDuringExecution = [{ weight: rng.pick([10, 50, 100]),
      preference: { matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['m5.4xlarge', 'm5.8xlarge'] }] } }];
  }
  const selectApp = { matchLabels: { app: name } };
  if (kind !== 'Job' && replicas >= 2) {
    const r = rng.next();
    if (r < 0.08 && replicas <= Math.min(10, ctx.schedulableNodes)) {
      affinity.podAntiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: selectApp, topologyKey: 'kubernetes.io/hostname' }] };
      plan.antiHost = true;
    } else if (r < 0.2) {
      affinity.podAntiAffinity = { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100,
        podAffinityTerm: { labelSelector: selectApp, topologyKey: 'kubernetes.io/hostname' } }] };
    }
  }
  if ((arch.tier === 'backend' || arch.tier === 'frontend') && rng.chance(0.05)) {
    affinity.podAffinity = { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50,
      podAffinityTerm: { labelSelector: { matchLabels: { tier: 'cache' } }, topologyKey: 'topology.kubernetes.io/zone' } }] };
  }
  if (Object.keys(affinity).length) spec.affinity = affinity;

  if (kind !== 'Job' && replicas >= 3 && rng.chance(0.2)) {
    const tsc: TopologySpreadConstraint = { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: rng.chance(0.5) ? 'DoNotSchedule' : 'ScheduleAnyway', labelSelector: selectApp };
    if (kind === 'Deployment' && rng.chance(0.3)) tsc.matchLabelKeys = ['pod-template-hash'];
    const constraints = [tsc];
    if (rng.chance(0.3)) constraints.push({ maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selectApp });
    spec.topologySpreadConstraints = constraints;
  }
  return plan;
}

function daemonSetPlan(ctx: Ctx, rng: Rng, id: number, def: (typeof DAEMONSETS)[number]): WorkloadPlan {
  const spec: PodSpec = {
    containers: [{ name: def.name, image: ctx.images.get(def.image)!.ref, ports: [{ ...def.port, protocol: 'TCP' }],
      resources: { requests: { cpu: def.cpu, memory: def.memory }, limits: { memory: def.memory } } }],
    priorityClassName: 'kubescale-critical',
    tolerations: [{ operator: 'Exists' }],
  };
  return {
    id, kind: 'DaemonSet', name: def.name, namespace: def.namespace, uid: uuid(rng), replicas: ctx.nodeCount,
    labels: { app: def.name, tier: 'agent' }, podSpec: spec, requests: requestsFor(spec), ports: spec.containers[0]!.ports!,
    priority: ctx.priorityOf.get('kubescale-critical')!, arch: -1, zoneMask: null, toleratesGpu: true, antiHost: false,
  };
}

/** Round-robin first fit from a moving cursor, so bound pods spread over nodes and zones. */
class Placer {
  private cursor = 0;
  constructor(private readonly cols: NodeColumns) {}

  fits(n: number, p: WorkloadPlan): boolean {
    const c = this.cols;
    const flags = c.flags[n]!;
    if (c.freePods[n]! <= 0) return false;
    if (flags & FLAG_CORDONED) return false;
    if (flags & FLAG_GPU_TAINT && !p.toleratesGpu) return false;
    if (p.requests.gpu > 0 && c.freeGpu[n]! < p.requests.gpu) return false;
    if (p.arch >= 0 && c.arch[n] !== p.arch) return false;
    if (p.zoneMask && !p.zoneMask[c.zone[n]!]) return false;
    if (p.antiHost && c.lastWorkload[n] === p.id) return false;
    return c.freeCpuMilli[n]! >= p.requests.cpuMilli && c.freeMemBytes[n]! >= p.requests.memBytes;
  }

  take(n: number, p: WorkloadPlan): void {
    const c = this.cols;
    c.freePods[n]!--;
    c.freeCpuMilli[n]! -= p.requests.cpuMilli;
    c.freeMemBytes[n]! -= p.requests.memBytes;
    c.freeGpu[n]! -= p.requests.gpu;
    c.lastWorkload[n] = p.id;
    c.podSeq[n]!++;
  }

  /** A node for one pod of p, or -1 when none has room. */
  place(p: WorkloadPlan): number {
    const count = this.cols.names.length;
    for (let k = 0; k < count; k++) {
      const n = (this.cursor + k) % count;
      if (this.fits(n, p)) {
        this.take(n, p);
        this.cursor = (n + 1) % count;
        return n;
      }
    }
    return -1;
  }
}

// ---- pods and controllers ----

const APPS_V1 = 'apps/v1';

function controllerOf(plan: WorkloadPlan): { apiVersion: string; kind: string } {
  return { apiVersion: plan.kind === 'Job' ? 'batch/v1' : APPS_V1, kind: plan.kind };
}

/** Names, hashes and uids of one workload's pods: a stream of their own so --expand and --bound do not shift them. */
class PodNamer {
  readonly rng: Rng;
  readonly hash: string;
  readonly ownerUid: string;
  private readonly used = new Set<string>();
  constructor(seed: number, plan: WorkloadPlan) {
    this.rng = createRng(`${seed}/pods/${plan.namespace}/${plan.name}`);
    this.hash = plan.kind === 'Deployment' ? this.rng.string(10, K8S_NAME_ALPHABET) : hexString(this.rng, 10);
    this.ownerUid = plan.kind === 'Deployment' ? uuid(this.rng) : plan.uid;
  }
  ownerName(plan: WorkloadPlan): string {
    return plan.kind === 'Deployment' ? `${plan.name}-${this.hash}` : plan.name;
  }
  /** `<owner>-<5 chars>` as the ReplicaSet, Job and DaemonSet controllers name pods; unique within the workload. */
  randomName(prefix: string): string {
    for (;;) {
      const name = `${prefix}-${this.rng.string(5, K8S_NAME_ALPHABET)}`;
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
  }
}

/** node < 0: unbound. seq: the pod's slot on its node (1..110), which gives its IP. */
function makePod(ctx: Ctx, plan: WorkloadPlan, namer: PodNamer, ordinal: number, node: number, seq: number, dsNode: number): Pod {
  const labels: Record<string, string> = { ...plan.labels };
  const spec: PodSpec = { ...plan.podSpec, schedulerName: 'default-scheduler', priority: plan.priority };
  if (!spec.restartPolicy) spec.restartPolicy = 'Always';
  let name: string;
  switch (plan.kind) {
    case 'Deployment':
      name = namer.randomName(namer.ownerName(plan));
      labels['pod-template-hash'] = namer.hash;
      break;
    case 'StatefulSet':
      name = `${plan.name}-${ordinal}`;
      labels['apps.kubernetes.io/pod-index'] = String(ordinal);
      labels['controller-revision-hash'] = `${plan.name}-${namer.hash}`;
      labels['statefulset.kubernetes.io/pod-name'] = name;
      spec.hostname = name;
      spec.subdomain = plan.name;
      break;
    case 'Job':
      name = namer.randomName(plan.name);
      Object.assign(labels, { 'batch.kubernetes.io/controller-uid': plan.uid, 'batch.kubernetes.io/job-name': plan.name,
        'controller-uid': plan.uid, 'job-name': plan.name });
      break;
    case 'DaemonSet':
      name = namer.randomName(plan.name);
      labels['controller-revision-hash'] = namer.hash;
      labels['pod-template-generation'] = '1';
      // The DaemonSet controller pins each pod to its node through node affinity on metadata.name.
      spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{
        matchFields: [{ key: 'metadata.name', operator: 'In', values: [ctx.cols.names[dsNode]!] }] }] } } };
      break;
  }
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: plan.namespace, uid: uuid(namer.rng), labels, ownerReferences: [{
      ...controllerOf(plan), kind: plan.kind === 'Deployment' ? 'ReplicaSet' : plan.kind, name: namer.ownerName(plan),
      uid: namer.ownerUid, controller: true, blockOwnerDeletion: true }] },
    spec,
  };
  if (node < 0) {
    pod.status = { phase: 'Pending' };
    return pod;
  }
  spec.nodeName = ctx.cols.names[node]!;
  const ip = ipv4(podCidrBase(node) + 1 + seq);
  const ready = namer.rng.chance(0.98) ? 'True' : 'False';
  pod.status = { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: ready }],
    hostIP: ctx.nodeIps[node]!, podIP: ip, podIPs: [{ ip }] };
  return pod;
}

function makeReplicaSet(plan: WorkloadPlan, namer: PodNamer, replicas: number): GenericObject {
  const labels = { ...plan.labels, 'pod-template-hash': namer.hash };
  return {
    apiVersion: APPS_V1, kind: 'ReplicaSet',
    metadata: { name: namer.ownerName(plan), namespace: plan.namespace, uid: namer.ownerUid, labels, ownerReferences: [{
      apiVersion: APPS_V1, kind: 'Deployment', name: plan.name, uid: plan.uid, controller: true, blockOwnerDeletion: true }] },
    spec: { replicas, selector: { matchLabels: { app: plan.name, 'pod-template-hash': namer.hash } },
      template: { metadata: { labels: { ...labels } }, spec: plan.podSpec } },
  };
}

function makeController(plan: WorkloadPlan, replicas: number): GenericObject {
  const meta = { name: plan.name, namespace: plan.namespace, uid: plan.uid, labels: { ...plan.labels } };
  const template = { metadata: { labels: { ...plan.labels } }, spec: plan.podSpec };
  const selector = { matchLabels: { app: plan.name } };
  switch (plan.kind) {
    case 'Deployment':
      return { apiVersion: APPS_V1, kind: 'Deployment', metadata: meta, spec: { replicas, selector, template } };
    case 'StatefulSet':
      return { apiVersion: APPS_V1, kind: 'StatefulSet', metadata: meta, spec: { replicas, selector, serviceName: plan.name, template } };
    case 'Job':
      return { apiVersion: 'batch/v1', kind: 'Job', metadata: meta, spec: { parallelism: replicas, completions: replicas, backoffLimit: 6, template } };
    case 'DaemonSet':
      return { apiVersion: APPS_V1, kind: 'DaemonSet', metadata: meta, spec: { selector, template } };
  }
}

// ---- services ----

interface ServiceTarget { name: string; namespace: string; kind: WorkloadKind; ports: ContainerPort[] }

function* makeServices(opts: GenOptions, targets: ServiceTarget[], fallbackNamespace: string): Generator<Service> {
  const rng = createRng(`${opts.seed}/services`);
  let nodePortsUsed = 0;
  for (let i = 0; i < opts.services; i++) {
    const t: ServiceTarget = targets.length
      ? targets[i % targets.length]!
      : { name: 'svc', namespace: fallbackNamespace, kind: 'Deployment', ports: [] };
    const round = targets.length ? Math.floor(i / targets.length) : i + 1;
    const name = round ? `${t.name}-${round}` : t.name;
    // Target ports alternate between the container port's name and its number.
    const ports: ServicePort[] = (t.ports.length ? t.ports.slice(0, 2) : [{ name: 'http', containerPort: 8080 }]).map((p, k) => ({
      name: p.name!, protocol: 'TCP', port: p.name === 'http' ? 80 : p.containerPort, targetPort: (i + k) % 2 === 0 ? p.name! : p.containerPort,
    }));
    const headless = t.kind === 'StatefulSet' && round === 0;
    // Every fifth service is a NodePort (while the 30000-32767 range lasts).
    const nodePort = !headless && i % 5 === 1 && nodePortsUsed + ports.length <= NODEPORT_COUNT;
    if (nodePort) for (const p of ports) p.nodePort = NODEPORT_BASE + nodePortsUsed++;
    const ip = headless ? 'None' : ipv4((10 << 24) + (96 << 16) + 100 + i);
    yield {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name, namespace: t.namespace, labels: { app: t.name } },
      spec: {
        type: nodePort ? 'NodePort' : 'ClusterIP',
        selector: { app: targets.length ? t.name : name },
        clusterIP: ip, clusterIPs: [ip], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
        ports, sessionAffinity: 'None', internalTrafficPolicy: 'Cluster',
        ...(nodePort ? { externalTrafficPolicy: rng.chance(0.2) ? 'Local' : 'Cluster' } : {}),
      },
    };
  }
}

// ---- the generator ----

function namespaceNames(pods: number): string[] {
  const count = Math.max(Math.min(3, Math.ceil(pods / 10)), Math.ceil(pods / 2000));
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(i < NAMESPACE_NAMES.length ? NAMESPACE_NAMES[i]! : `team-${i + 1}`);
  return out;
}

/** Every object in output order. With opts.expand, pods replace their controllers. */
export function* generateObjects(opts: GenOptions): Generator<KubeObject> {
  const err = genOptionsError(opts);
  if (err) throw new RangeError(err);
  const imgRng = createRng(`${opts.seed}/images`);
  const images = new Map(IMAGES.map((im) => [im.ref, { ...im, digest: hexString(imgRng, 64) }]));
  const { nodes, cols, zones } = buildNodes(opts, images);
  const ctx: Ctx = {
    opts, zones, cols, nodeCount: nodes.length, images,
    schedulableNodes: cols.flags.reduce((a, f) => a + (f & (FLAG_CORDONED | FLAG_GPU_TAINT) ? 0 : 1), 0),
    gpuNodes: cols.freeGpu.reduce((a, g, i) => a + (g > 0 && !(cols.flags[i]! & FLAG_CORDONED) ? 1 : 0), 0),
    priorityOf: new Map(PRIORITY_CLASSES.map((pc) => [pc.name, pc.value])),
    nodeIps: nodes.map((n) => n.status!.addresses![0]!.address),
  };
  const dsDefs = nodes.length ? DAEMONSETS.filter((d) => opts.pods >= d.minPodsPerNode * nodes.length) : [];
  const namespaces = namespaceNames(opts.pods);
  if (dsDefs.length) namespaces.push('monitoring');
  for (const ns of namespaces) {
    yield { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } } } satisfies Namespace;
  }
  for (const pc of PRIORITY_CLASSES) {
    yield { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: pc.name }, value: pc.value,
      globalDefault: false, description: pc.description, preemptionPolicy: pc.preemptionPolicy ?? 'PreemptLowerPriority' } satisfies PriorityClass;
  }
  yield* nodes;

  const wrng = createRng(`${opts.seed}/workloads`);
  const placer = new Placer(cols);
  const targets: ServiceTarget[] = [];
  const dsTargets: ServiceTarget[] = [];
  let id = 0;

  // Node agents first: their pods are reserved on every node, whatever --bound says.
  const dsBound = opts.bound > 0;
  for (const def of dsDefs) {
    const plan = daemonSetPlan(ctx, wrng, id++, def);
    const namer = new PodNamer(opts.seed, plan);
    const seqs: number[] = [];
    for (let n = 0; n < nodes.length; n++) {
      placer.take(n, plan);
      seqs.push(cols.podSeq[n]!);
    }
    dsTargets.push({ name: plan.name, namespace: plan.namespace, kind: 'DaemonSet', ports: plan.ports });
    if (!opts.expand) yield makeController(plan, 0);
    if (opts.expand || dsBound) for (let n = 0; n < nodes.length; n++) yield makePod(ctx, plan, namer, n, dsBound ? n : -1, seqs[n]!, n);
  }

  const dsPods = dsDefs.length * nodes.length;
  const total = opts.pods - dsPods;
  const boundTotal = Math.max(0, Math.round(opts.bound * opts.pods) - (dsBound ? dsPods : 0));
  let boundSoFar = 0;
  let gpuBudget = ctx.gpuNodes;
  let cum = 0;
  while (cum < total) {
    const archIdx = wrng.weighted(ARCHETYPES.map((a) => (a.gpu && gpuBudget <= 0 ? 0 : a.weight)));
    const arch = ARCHETYPES[archIdx]!;
    const kind = arch.kinds[wrng.weighted(arch.kinds.map((k) => k[1]))]![0];
    let replicas = Math.min(wrng.pick(arch.replicas), total - cum);
    if (arch.gpu) gpuBudget -= replicas = Math.min(replicas, gpuBudget);
    const plan = planWorkload(ctx, wrng, id++, arch, kind, replicas, wrng.pick(namespaces.slice(0, namespaces.length - (dsDefs.length ? 1 : 0))));
    // Running workloads come first, then the pending ones (new rollouts); pods that find no room
    // carry their share over to the next workloads.
    const wantBound = Math.min(replicas, boundTotal - boundSoFar);
    cum += replicas;
    const placed: [number, number][] = [];
    for (let i = 0; i < wantBound; i++) {
      const n = placer.place(plan);
      if (n < 0) break; // no room left for this shape: the rest stay pending
      placed.push([n, cols.podSeq[n]!]);
    }
    boundSoFar += placed.length;
    const namer = new PodNamer(opts.seed, plan);
    if (kind !== 'Job') targets.push({ name: plan.name, namespace: plan.namespace, kind, ports: plan.ports });
    // Without --expand a workload with running pods is written the way `kubectl get all -o yaml`
    // shows it — controller (and ReplicaSet) plus every pod — so loading does not expand it again.
    const explicit = opts.expand || placed.length > 0;
    if (!opts.expand) {
      yield makeController(plan, replicas);
      if (explicit && kind === 'Deployment') yield makeReplicaSet(plan, namer, replicas);
    }
    if (explicit) {
      for (let i = 0; i < replicas; i++) yield makePod(ctx, plan, namer, i, i < placed.length ? placed[i]![0] : -1, i < placed.length ? placed[i]![1] : 0, -1);
    }
  }
  yield* makeServices(opts, [...targets, ...dsTargets], namespaces[0] ?? 'default');
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet']);

/**
 * The generated objects grouped by kind. `pods` holds only the pods the output names explicitly
 * (bound pods, or all with expand); controllers are in `workloads`, unexpanded — the loader expands them.
 */
export function generateCluster(opts: GenOptions): ClusterObjects {
  const out = emptyClusterObjects();
  for (const obj of generateObjects(opts)) {
    switch (obj.kind) {
      case 'Node': out.nodes.push(obj as Node); break;
      case 'Pod': out.pods.push(obj as Pod); break;
      case 'Namespace': out.namespaces.push(obj as Namespace); break;
      case 'PriorityClass': out.priorityClasses.push(obj as PriorityClass); break;
      case 'Service': out.services.push(obj as Service); break;
      default:
        if (WORKLOAD_KINDS.has(obj.kind!)) out.workloads.push(obj as GenericObject);
    }
  }
  return out;
}
