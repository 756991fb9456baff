// Turns loaded ClusterObjects into the network state a node's proxy sees: the Services and the
// EndpointSlices, where Services that have no slices in the input get them from the reconciler.

import type { ClusterObjects, EndpointSlice, Service } from '../k8s/types.js';
import { EndpointSliceController } from './endpointslices/controller.js';
import { LABEL_SERVICE_NAME, TRIGGER_TIME_ANNOTATION } from './endpointslices/utils.js';
import { EndpointSliceCache, endpointPortKey, type EndpointInfo } from './endpoint-cache.js';
import type { IPFamily } from './ip.js';
import { serviceKey } from './service.js';

export interface NetworkState {
  services: Service[];
  slices: EndpointSlice[];
}

export function networkState(objs: ClusterObjects, opts: { seed?: number; maxEndpointsPerSlice?: number } = {}): NetworkState {
  const withSlices = new Set<string>();
  for (const s of objs.endpointSlices) {
    const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
    if (svc) withSlices.add(`${s.metadata.namespace ?? 'default'}/${svc}`);
  }
  const missing = objs.services.filter((s) => !withSlices.has(serviceKey(s)));
  const slices = [...objs.endpointSlices];
  if (missing.length) {
    const c = new EndpointSliceController({ seed: opts.seed ?? 1, maxEndpointsPerSlice: opts.maxEndpointsPerSlice, requireNodes: objs.nodes.length > 0 });
    for (const n of objs.nodes) c.upsertNode(n);
    for (const s of missing) c.upsertService(s);
    for (const p of objs.pods) c.upsertPod(p);
    c.sync();
    slices.push(...c.allSlices());
  }
  return { services: objs.services, slices };
}

/** What a proxier exposes for applyStateDiff: its current objects and its informer-style handlers. */
export interface ProxierState {
  services: ReadonlyMap<string, Service>;
  slices(): readonly EndpointSlice[];
  onServiceUpdate(svc: Service): void;
  onServiceDelete(key: string): void;
  onEndpointSliceUpdate(slice: EndpointSlice): void;
  onEndpointSliceDelete(slice: EndpointSlice): void;
}

/**
 * Replaces a proxier's whole state (each `--then` names a complete state): only the differences
 * reach its handlers, as informers would deliver them. A slice that moved to another Service is
 * deleted from the old one first.
 */
export function applyStateDiff(p: ProxierState, services: readonly Service[], slices: readonly EndpointSlice[]): void {
  const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
  const seenSvc = new Set<string>();
  for (const svc of services) {
    const key = serviceKey(svc);
    seenSvc.add(key);
    const old = p.services.get(key);
    if (!old || !same(old, svc)) p.onServiceUpdate(svc);
  }
  for (const key of [...p.services.keys()]) if (!seenSvc.has(key)) p.onServiceDelete(key);
  const id = (s: EndpointSlice) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;
  const prev = new Map<string, EndpointSlice>();
  for (const s of p.slices()) prev.set(id(s), s);
  const seen = new Set<string>();
  for (const s of slices) {
    seen.add(id(s));
    const old = prev.get(id(s));
    if (!old || !same(old, s)) {
      if (old && old.metadata.labels?.[LABEL_SERVICE_NAME] !== s.metadata.labels?.[LABEL_SERVICE_NAME]) p.onEndpointSliceDelete(old);
      p.onEndpointSliceUpdate(s);
    }
  }
  for (const [k, s] of prev) if (!seen.has(k)) p.onEndpointSliceDelete(s);
}

/**
 * The informer side both proxiers share (upstream's ServiceChangeTracker and EndpointsChangeTracker
 * feeding a proxier): the Services and the EndpointSlice cache as the events left them, the services
 * touched since the last sync, and the slices' trigger times. The iptables and nftables proxiers add
 * their own sync on top.
 */
export abstract class ProxierInputs {
  protected readonly cache: EndpointSliceCache;
  protected readonly services = new Map<string, Service>();
  /** Services whose Service or EndpointSlices were touched since the last sync. */
  protected readonly candidates = new Set<string>();
  /** Trigger times (ms) of slice changes since the last sync. */
  protected pendingTriggerMs: number[] = [];
  protected needFullSync = true;

  protected constructor(nodeName: string, family: IPFamily) {
    this.cache = new EndpointSliceCache(nodeName, family);
  }

  onServiceUpdate(svc: Service): void {
    const key = serviceKey(svc);
    this.services.set(key, svc);
    this.candidates.add(key);
  }

  onServiceDelete(svc: Service | string): void {
    const key = typeof svc === 'string' ? svc : serviceKey(svc);
    if (this.services.delete(key)) this.candidates.add(key);
  }

  onEndpointSliceUpdate(slice: EndpointSlice): void {
    const key = this.cache.update(slice);
    if (!key) return;
    this.candidates.add(key);
    const t = slice.metadata.annotations?.[TRIGGER_TIME_ANNOTATION];
    const ms = t ? Date.parse(t) : NaN;
    if (Number.isFinite(ms)) this.pendingTriggerMs.push(ms);
  }

  onEndpointSliceDelete(slice: EndpointSlice): void {
    const key = this.cache.update(slice, true);
    if (key) this.candidates.add(key);
  }

  /** Replaces the whole state (each --then names a complete state); only differences become changes. */
  setState(services: readonly Service[], slices: readonly EndpointSlice[]): void {
    applyStateDiff({
      services: this.services, slices: () => this.cache.allSlices(),
      onServiceUpdate: (s) => this.onServiceUpdate(s), onServiceDelete: (k) => this.onServiceDelete(k),
      onEndpointSliceUpdate: (s) => this.onEndpointSliceUpdate(s), onEndpointSliceDelete: (s) => this.onEndpointSliceDelete(s),
    }, services, slices);
  }

  /** Forces the next sync to be full (as after a failed restore or the iptables monitor). */
  forceFullSync(): void {
    this.needFullSync = true;
  }

  /** Endpoints kube-proxy uses for one service port (sorted by "ip:port"). */
  endpointsOf(serviceKeyStr: string, portName: string, protocol = 'TCP'): readonly EndpointInfo[] {
    return this.cache.endpoints(serviceKeyStr).get(endpointPortKey(portName, protocol)) ?? [];
  }
}
