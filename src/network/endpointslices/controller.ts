// The EndpointSlice controller, incremental: it keeps Services, Pods, Nodes and slices, and an
// index in both directions (pod label -> services selecting it, service selector -> pods), so a
// pod change reconciles only the Services that select it (before or after the change).
// Created slices are named `<service>-<5 chars>` from a seeded RNG over upstream's alphabet.

import type { EndpointSlice, Node, Pod, Service } from '../../k8s/types.js';
import { createRng, K8S_NAME_ALPHABET, type Rng } from '../../model/rng.js';
import { DEFAULT_MAX_ENDPOINTS_PER_SLICE, reconcile, type ReconcileResult, type SliceAction } from './reconciler.js';
import { CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, podTriggerTime } from './utils.js';

export interface ControllerOptions {
  maxEndpointsPerSlice?: number;
  seed?: number | string;
  /** When false, pods on unknown nodes are kept (useful for inputs without Node objects). Default true. */
  requireNodes?: boolean;
}

export interface SliceReport {
  name: string;
  action: SliceAction;
  endpoints: number;
}

export interface ServiceSyncReport {
  service: string;
  actions: { create: number; update: number; delete: number };
  slices: SliceReport[];
  errors: string[];
}

/** Upstream metric names (prefix endpoint_slice_controller_); histograms as sum/count/observations. */
export interface ControllerMetrics {
  changes: { create: number; update: number; delete: number };
  endpoints_added_per_sync: number[];
  endpoints_removed_per_sync: number[];
  endpoints_desired: number;
  num_endpoint_slices: number;
  desired_endpoint_slices: number;
  endpointslices_changed_per_sync: number[];
}

/** Shared, never written: the trigger-time state of services whose pods carry no trigger time. */
const NO_TIMES: Map<string, number> = new Map();

const podKeyOf = (p: Pod) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
const svcKeyOf = (s: Service) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;

export class EndpointSliceController {
  readonly maxEndpointsPerSlice: number;
  private readonly rng: Rng;
  private readonly requireNodes: boolean;
  private readonly services = new Map<string, Service>();
  private readonly pods = new Map<string, Pod>();
  private readonly nodes = new Map<string, Node>();
  /** "ns\0key=value" -> pods (current objects, in indexing order), and -> service keys whose selector has that pair. */
  private readonly podsByLabel = new Map<string, Set<Pod>>();
  private readonly servicesByLabel = new Map<string, Set<string>>();
  private readonly slicesByService = new Map<string, EndpointSlice[]>();
  private readonly namesInUse = new Set<string>();
  private readonly queue = new Set<string>();
  private readonly totals = new Map<string, { endpoints: number; actual: number; desired: number }>();
  /** Trigger-time tracker state: last seen pod trigger times and service creation time per service. */
  private readonly triggerState = new Map<string, { pods: Map<string, number>; service: number }>();
  readonly metrics: ControllerMetrics = {
    changes: { create: 0, update: 0, delete: 0 }, endpoints_added_per_sync: [], endpoints_removed_per_sync: [],
    endpoints_desired: 0, num_endpoint_slices: 0, desired_endpoint_slices: 0, endpointslices_changed_per_sync: [],
  };

  constructor(opts: ControllerOptions = {}) {
    const max = opts.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE;
    if (!Number.isInteger(max) || max < 1 || max > 1000) throw new RangeError(`maxEndpointsPerSlice must be in 1..1000, got ${max}`);
    this.maxEndpointsPerSlice = max;
    this.rng = createRng(opts.seed ?? 1);
    this.requireNodes = opts.requireNodes ?? true;
  }

  // ---- state ---------------------------------------------------------------------------------

  upsertNode(node: Node): void {
    const old = this.nodes.get(node.metadata.name);
    this.nodes.set(node.metadata.name, node);
    // A zone change (or a node appearing) changes endpoints of pods on it.
    if (!old || old.metadata.labels?.['topology.kubernetes.io/zone'] !== node.metadata.labels?.['topology.kubernetes.io/zone']) {
      for (const p of this.pods.values()) if (p.spec.nodeName === node.metadata.name) this.enqueueForPod(p);
    }
  }

  upsertService(svc: Service): void {
    const key = svcKeyOf(svc);
    const old = this.services.get(key);
    if (old) this.unindexService(key, old);
    this.services.set(key, svc);
    this.indexService(key, svc);
    this.queue.add(key);
  }

  deleteService(svc: Service | string): void {
    const key = typeof svc === 'string' ? svc : svcKeyOf(svc);
    const old = this.services.get(key);
    if (!old) return;
    this.unindexService(key, old);
    this.services.delete(key);
    this.totals.delete(key);
    this.triggerState.delete(key);
    // Owned slices are garbage-collected with their Service.
    for (const s of this.slicesByService.get(key) ?? []) this.namesInUse.delete(`${s.metadata.namespace}/${s.metadata.name}`);
    this.slicesByService.delete(key);
    this.queue.delete(key);
    this.refreshGauges();
  }

  upsertPod(pod: Pod): void {
    const key = podKeyOf(pod);
    const old = this.pods.get(key);
    if (old) {
      this.enqueueForPod(old);
      this.unindexPod(old);
    }
    this.pods.set(key, pod);
    this.indexPod(pod);
    this.enqueueForPod(pod);
  }

  deletePod(pod: Pod | string): void {
    const key = typeof pod === 'string' ? pod : podKeyOf(pod);
    const old = this.pods.get(key);
    if (!old) return;
    this.enqueueForPod(old);
    this.unindexPod(old);
    this.pods.delete(key);
  }

  /** Existing slices (as read from the API): those managed by this controller are reconciled. */
  addExistingSlice(slice: EndpointSlice): void {
    const labels = slice.metadata.labels ?? {};
    this.namesInUse.add(`${slice.metadata.namespace ?? 'default'}/${slice.metadata.name}`);
    if (labels[LABEL_MANAGED_BY] !== CONTROLLER_NAME || !labels[LABEL_SERVICE_NAME]) return;
    const key = `${slice.metadata.namespace ?? 'default'}/${labels[LABEL_SERVICE_NAME]}`;
    let l = this.slicesByService.get(key);
    if (!l) this.slicesByService.set(key, (l = []));
    l.push(slice);
    this.queue.add(key);
  }

  /** Current managed slices of one Service. */
  slicesOf(serviceKey: string): readonly EndpointSlice[] {
    return this.slicesByService.get(serviceKey) ?? [];
  }

  allSlices(): EndpointSlice[] {
    const out: EndpointSlice[] = [];
    for (const l of this.slicesByService.values()) out.push(...l);
    return out;
  }

  /** Services waiting for a reconcile. */
  pending(): number {
    return this.queue.size;
  }

  // ---- reconcile -----------------------------------------------------------------------------

  /** Reconciles every queued Service (in queue order) and returns what each one wrote. */
  sync(): ServiceSyncReport[] {
    const reports: ServiceSyncReport[] = [];
    for (const key of this.queue) {
      const r = this.syncService(key);
      if (r) reports.push(r);
    }
    this.queue.clear();
    this.refreshGauges();
    return reports;
  }

  private syncService(key: string): ServiceSyncReport | undefined {
    const svc = this.services.get(key);
    if (!svc) return undefined;
    if (svc.spec?.type === 'ExternalName' || !svc.spec?.selector) return undefined;
    const pods = this.selectPods(svc);
    const existing = this.slicesByService.get(key) ?? [];
    const ns = svc.metadata.namespace ?? 'default';
    const res = reconcile({
      service: svc, pods, existing, maxEndpointsPerSlice: this.maxEndpointsPerSlice,
      nodes: this.requireNodes ? this.nodes : undefined,
      triggerTime: this.triggerTime(key, svc, pods),
      nameFor: (prefix) => this.generateName(ns, prefix),
    });
    return this.apply(key, svc, existing, res);
  }

  private apply(key: string, svc: Service, existing: readonly EndpointSlice[], res: ReconcileResult): ServiceSyncReport {
    const m = this.metrics;
    m.changes.create += res.creates.length;
    m.changes.update += res.updates.length;
    m.changes.delete += res.deletes.length;
    m.endpoints_added_per_sync.push(res.added);
    m.endpoints_removed_per_sync.push(res.removed);
    m.endpointslices_changed_per_sync.push(res.creates.length + res.updates.length + res.deletes.length);
    this.totals.set(key, { endpoints: res.desiredEndpoints, actual: res.actualSlices, desired: res.desiredSlices });

    const updatedByName = new Map(res.updates.map((s) => [s.metadata.name, s]));
    const deleted = new Set(res.deletes.map((s) => s.metadata.name));
    const after: EndpointSlice[] = [];
    const slices: SliceReport[] = [];
    for (const s of existing) {
      const name = s.metadata.name;
      const upd = updatedByName.get(name);
      if (upd) {
        after.push(upd);
        slices.push({ name, action: 'update', endpoints: upd.endpoints?.length ?? 0 });
        updatedByName.delete(name);
      } else if (!deleted.has(name)) {
        after.push(s);
        slices.push({ name, action: 'unchanged', endpoints: s.endpoints?.length ?? 0 });
      }
    }
    for (const s of updatedByName.values()) { after.push(s); slices.push({ name: s.metadata.name, action: 'update', endpoints: s.endpoints?.length ?? 0 }); }
    for (const s of res.creates) { after.push(s); slices.push({ name: s.metadata.name, action: 'create', endpoints: s.endpoints?.length ?? 0 }); }
    for (const s of res.deletes) {
      slices.push({ name: s.metadata.name, action: 'delete', endpoints: s.endpoints?.length ?? 0 });
      if (!after.some((a) => a.metadata.name === s.metadata.name)) this.namesInUse.delete(`${s.metadata.namespace ?? 'default'}/${s.metadata.name}`);
    }
    if (after.length) this.slicesByService.set(key, after);
    else this.slicesByService.delete(key);
    return {
      service: key,
      actions: { create: res.creates.length, update: res.updates.length, delete: res.deletes.length },
      slices, errors: res.errors,
    };
  }

  private refreshGauges(): void {
    let e = 0, a = 0, d = 0;
    for (const t of this.totals.values()) { e += t.endpoints; a += t.actual; d += t.desired; }
    this.metrics.endpoints_desired = e;
    this.metrics.num_endpoint_slices = a;
    this.metrics.desired_endpoint_slices = d;
  }

  private generateName(ns: string, prefix: string): string {
    for (;;) {
      const name = prefix + this.rng.string(5, K8S_NAME_ALPHABET);
      const id = `${ns}/${name}`;
      if (!this.namesInUse.has(id)) {
        this.namesInUse.add(id);
        return name;
      }
    }
  }

  /** upstream TriggerTimeTracker: the earliest trigger time among pods/service changed since last time. */
  private triggerTime(key: string, svc: Service, pods: readonly Pod[]): string | undefined {
    let state = this.triggerState.get(key);
    if (!state) this.triggerState.set(key, (state = { pods: NO_TIMES, service: -Infinity }));
    let min = Infinity;
    let minText: string | undefined;
    // Pods without a trigger time (the common case in generated inputs) need no map at all.
    let seen: Map<string, number> = NO_TIMES;
    for (let i = 0; i < pods.length; i++) {
      const p = pods[i]!;
      const t = podTriggerTime(p);
      if (!t) continue;
      const ms = Date.parse(t);
      if (!Number.isFinite(ms)) continue;
      if (seen === NO_TIMES) seen = new Map();
      seen.set(p.metadata.name, ms);
      if (ms > (state.pods.get(p.metadata.name) ?? -Infinity) && ms < min) { min = ms; minText = t; }
    }
    const created = svc.metadata.creationTimestamp;
    const cms = created ? Date.parse(created) : NaN;
    if (Number.isFinite(cms) && cms > state.service) {
      if (cms < min) { min = cms; minText = created; }
      state.service = cms;
    }
    state.pods = seen;
    return minText === undefined ? undefined : new Date(min).toISOString().replace('.000Z', 'Z');
  }

  // ---- indexes -------------------------------------------------------------------------------

  private selectPods(svc: Service): Pod[] {
    const sel = svc.spec?.selector ?? {};
    const ns = svc.metadata.namespace ?? 'default';
    const entries = Object.entries(sel);
    if (entries.length === 0) return [];
    let smallest: Set<Pod> | undefined;
    for (const [k, v] of entries) {
      const set = this.podsByLabel.get(`${ns}\0${k}=${v}`);
      if (!set) return [];
      if (!smallest || set.size < smallest.size) smallest = set;
    }
    const out: Pod[] = [];
    // A one-pair selector is exactly its index set: no per-pod label check.
    if (entries.length === 1) {
      for (const p of smallest!) out.push(p);
      return out;
    }
    for (const p of smallest!) {
      const labels = p.metadata.labels ?? {};
      let ok = true;
      for (let i = 0; i < entries.length && ok; i++) ok = labels[entries[i]![0]] === entries[i]![1];
      if (ok) out.push(p);
    }
    return out;
  }

  private enqueueForPod(pod: Pod): void {
    const ns = pod.metadata.namespace ?? 'default';
    const labels = pod.metadata.labels ?? {};
    for (const [k, v] of Object.entries(labels)) {
      for (const sk of this.servicesByLabel.get(`${ns}\0${k}=${v}`) ?? []) {
        if (this.queue.has(sk)) continue;
        const sel = this.services.get(sk)?.spec?.selector ?? {};
        if (Object.entries(sel).every(([sk2, sv]) => labels[sk2] === sv)) this.queue.add(sk);
      }
    }
  }

  private indexPod(pod: Pod): void {
    const ns = pod.metadata.namespace ?? 'default';
    for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
      const id = `${ns}\0${k}=${v}`;
      let s = this.podsByLabel.get(id);
      if (!s) this.podsByLabel.set(id, (s = new Set()));
      s.add(pod);
    }
  }

  private unindexPod(pod: Pod): void {
    const ns = pod.metadata.namespace ?? 'default';
    for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) this.podsByLabel.get(`${ns}\0${k}=${v}`)?.delete(pod);
  }

  private indexService(key: string, svc: Service): void {
    const ns = svc.metadata.namespace ?? 'default';
    for (const [k, v] of Object.entries(svc.spec?.selector ?? {})) {
      const id = `${ns}\0${k}=${v}`;
      let s = this.servicesByLabel.get(id);
      if (!s) this.servicesByLabel.set(id, (s = new Set()));
      s.add(key);
    }
  }

  private unindexService(key: string, svc: Service): void {
    const ns = svc.metadata.namespace ?? 'default';
    for (const [k, v] of Object.entries(svc.spec?.selector ?? {})) this.servicesByLabel.get(`${ns}\0${k}=${v}`)?.delete(key);
  }
}
