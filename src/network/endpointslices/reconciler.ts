// The EndpointSlice reconciler for one Service (upstream kubernetes/endpointslice reconciler.go:
// Reconcile, reconcileByAddressType, reconcileByPortMapping, finalize). It minimises writes rather
// than packing perfectly. Go's map/set iteration is random upstream; here every "any" choice takes
// input order (pods in input order, slices in input order), so results are reproducible.

import type { Endpoint, EndpointPort, EndpointSlice, Node, Pod, Service } from '../../k8s/types.js';
import {
  addressTypesForService, endpointKey, endpointPorts, endpointsEqualBeyondHash, endpointSliceLabels, newEndpointSlice,
  ownedBy, podToEndpoint, portMapKey, shouldPodBeInEndpoints, TRIGGER_TIME_ANNOTATION, type AddressType,
} from './utils.js';

export const DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;

export interface ReconcileInput {
  service: Service;
  /** Pods matching the Service's selector (any order; input order decides ties). */
  pods: readonly Pod[];
  /** Node lookup; a pod whose node is unknown is skipped unless publishNotReadyAddresses. Undefined: every node is known. */
  nodes?: ReadonlyMap<string, Node>;
  /** Slices managed by the controller for this Service (kubernetes.io/service-name + managed-by). */
  existing: readonly EndpointSlice[];
  maxEndpointsPerSlice: number;
  /** RFC 3339 time written to endpoints.kubernetes.io/last-change-trigger-time (omitted when undefined). */
  triggerTime?: string;
  /** Names a created slice (the API server's generateName); called in creation order. */
  nameFor: (generateName: string) => string;
}

export type SliceAction = 'create' | 'update' | 'delete' | 'unchanged';

export interface SliceOutcome {
  action: SliceAction;
  slice: EndpointSlice;
}

export interface ReconcileResult {
  creates: EndpointSlice[];
  updates: EndpointSlice[];
  deletes: EndpointSlice[];
  unchanged: EndpointSlice[];
  /** endpoints_added_per_sync / endpoints_removed_per_sync observations */
  added: number;
  removed: number;
  /** Metrics cache totals for this Service (upstream ServicePortCache.totals). */
  desiredEndpoints: number;
  desiredSlices: number;
  actualSlices: number;
  /** Pods skipped because their node does not exist (upstream returns these as errors and requeues). */
  errors: string[];
}

interface DesiredSet {
  byKey: Map<string, Endpoint>;
  order: string[];
  next: number;
}

function popAny(d: DesiredSet): Endpoint {
  for (;;) {
    const k = d.order[d.next++]!;
    const ep = d.byKey.get(k);
    if (ep) {
      d.byKey.delete(k);
      return ep;
    }
  }
}

export function reconcile(input: ReconcileInput): ReconcileResult {
  const { service } = input;
  const res: ReconcileResult = { creates: [], updates: [], deletes: [], unchanged: [], added: 0, removed: 0, desiredEndpoints: 0, desiredSlices: 0, actualSlices: 0, errors: [] };
  const supported = addressTypesForService(service);
  const byType = new Map<AddressType, EndpointSlice[]>();
  const unsupported: EndpointSlice[] = [];
  for (const s of input.existing) {
    const t = s.addressType as AddressType;
    if (!supported.includes(t)) { unsupported.push(s); continue; }
    let l = byType.get(t);
    if (!l) byType.set(t, (l = []));
    l.push(s);
  }
  let desiredSlices = 0;
  for (const t of supported) {
    const r = reconcileByAddressType(input, byType.get(t) ?? [], t);
    res.creates.push(...r.creates);
    res.updates.push(...r.updates);
    res.deletes.push(...r.deletes);
    res.unchanged.push(...r.unchanged);
    res.added += r.added;
    res.removed += r.removed;
    res.desiredEndpoints += r.desiredEndpoints;
    res.actualSlices += r.actualSlices;
    desiredSlices += r.desiredSlices;
    res.errors.push(...r.errors);
  }
  res.deletes.push(...unsupported);
  res.desiredSlices = Math.max(1, desiredSlices);
  return res;
}

function reconcileByAddressType(input: ReconcileInput, existing: readonly EndpointSlice[], addressType: AddressType): ReconcileResult {
  const { service, maxEndpointsPerSlice: max } = input;
  const res: ReconcileResult = { creates: [], updates: [], deletes: [], unchanged: [], added: 0, removed: 0, desiredEndpoints: 0, desiredSlices: 0, actualSlices: 0, errors: [] };
  let toCreate: EndpointSlice[] = [];
  let toUpdate: EndpointSlice[] = [];
  let toDelete: EndpointSlice[] = [];

  const existingByPortMap = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    if (!ownedBy(s, service)) { toDelete.push(s); continue; }
    const k = portMapKey(s.ports);
    let l = existingByPortMap.get(k);
    if (!l) existingByPortMap.set(k, (l = []));
    l.push(s);
  }

  const desiredPorts = new Map<string, EndpointPort[]>();
  const desiredByPortMap = new Map<string, DesiredSet>();
  // Without named targetPorts every pod resolves to the same port set: compute it once.
  const named = (service.spec?.ports ?? []).some((p) => typeof p.targetPort === 'string' && !/^\d+$/.test(p.targetPort));
  let sharedPorts: EndpointPort[] | undefined;
  let sharedKey = '';
  for (const pod of input.pods) {
    if (!shouldPodBeInEndpoints(pod)) continue;
    if (!named && !sharedPorts) { sharedPorts = endpointPorts(service, pod); sharedKey = portMapKey(sharedPorts); }
    const ports = named ? endpointPorts(service, pod) : sharedPorts!;
    const k = named ? portMapKey(ports) : sharedKey;
    let set = desiredByPortMap.get(k);
    if (!set) {
      desiredByPortMap.set(k, (set = { byKey: new Map(), order: [], next: 0 }));
      desiredPorts.set(k, ports);
    }
    const nodeName = pod.spec.nodeName ?? '';
    const node = input.nodes?.get(nodeName);
    if (input.nodes && !node && !service.spec?.publishNotReadyAddresses) {
      res.errors.push(`skipping Pod ${pod.metadata.name} for Service ${service.metadata.namespace ?? 'default'}/${service.metadata.name}: Node ${nodeName} Not Found`);
      continue;
    }
    const ep = podToEndpoint(pod, node, service, addressType);
    if (ep.addresses.length === 0) continue;
    const key = endpointKey(ep);
    if (!set.byKey.has(key)) set.order.push(key);
    set.byKey.set(key, ep);
  }

  let desiredSlices = 0;
  for (const [k, desired] of desiredByPortMap) {
    const numEndpoints = desired.byKey.size;
    const existingHere = existingByPortMap.get(k) ?? [];
    const r = reconcileByPortMapping(service, existingHere, desired, desiredPorts.get(k)!, addressType, max);
    res.added += r.added;
    res.removed += r.removed;
    res.desiredEndpoints += numEndpoints;
    res.actualSlices += existingHere.length + r.creates.length - r.deletes.length;
    desiredSlices += Math.ceil(numEndpoints / max);
    toCreate.push(...r.creates);
    toUpdate.push(...r.updates);
    toDelete.push(...r.deletes);
  }
  for (const [k, slices] of existingByPortMap) if (!desiredByPortMap.has(k)) toDelete.push(...slices);

  // A Service with no endpoints keeps one empty placeholder slice.
  if (existing.length === toDelete.length && toCreate.length < 1) {
    const placeholder = newEndpointSlice(service, [], addressType);
    if (toDelete.length === 1 && isSamePlaceholder(toDelete[0]!, placeholder)) toDelete = [];
    else toCreate.push(placeholder);
    res.actualSlices += 1;
    desiredSlices += 0;
  }
  res.desiredSlices = desiredSlices;

  // finalize: a create paired with a delete becomes an update of the deleted slice.
  for (let i = 0; i < toDelete.length;) {
    if (toCreate.length === 0) break;
    const del = toDelete[i]!;
    const slice = toCreate[toCreate.length - 1]!;
    if (del.addressType === slice.addressType && ownedBy(del, service)) {
      slice.metadata.name = del.metadata.name;
      delete slice.metadata.generateName;
      toCreate = toCreate.slice(0, -1);
      toUpdate.push(slice);
      toDelete.splice(i, 1);
    } else {
      i++;
    }
  }
  // Creates are dropped while the Service is being deleted (garbage collector race).
  if (service.metadata.deletionTimestamp) toCreate = [];
  for (const s of toCreate) {
    s.metadata.name = input.nameFor(s.metadata.generateName ?? `${service.metadata.name}-`);
    setTriggerTime(s, input.triggerTime);
  }
  for (const s of toUpdate) setTriggerTime(s, input.triggerTime);

  if (existing.length) {
    const changed = new Set<EndpointSlice>([...toUpdate, ...toDelete]);
    const updatedNames = new Set(toUpdate.map((s) => s.metadata.name));
    for (const s of existing) if (!changed.has(s) && !updatedNames.has(s.metadata.name)) res.unchanged.push(s);
  }
  res.creates = toCreate;
  res.updates = toUpdate;
  res.deletes = toDelete;
  return res;
}

function setTriggerTime(s: EndpointSlice, t: string | undefined): void {
  if (!t && !s.metadata.annotations) return;
  const ann = { ...(s.metadata.annotations ?? {}) };
  if (t) ann[TRIGGER_TIME_ANNOTATION] = t;
  else delete ann[TRIGGER_TIME_ANNOTATION];
  if (Object.keys(ann).length) s.metadata.annotations = ann;
  else delete s.metadata.annotations;
}

/** upstream placeholderSliceCompare: namespace, labels, owner references and the (empty) content. */
function isSamePlaceholder(a: EndpointSlice, p: EndpointSlice): boolean {
  if ((a.metadata.namespace ?? 'default') !== p.metadata.namespace) return false;
  const la = a.metadata.labels ?? {}, lp = p.metadata.labels ?? {};
  if (Object.keys(la).length !== Object.keys(lp).length) return false;
  for (const [k, v] of Object.entries(lp)) if (la[k] !== v) return false;
  const oa = a.metadata.ownerReferences ?? [], op = p.metadata.ownerReferences ?? [];
  if (oa.length !== op.length) return false;
  for (let i = 0; i < oa.length; i++) {
    const x = oa[i]!, y = op[i]!;
    if (x.apiVersion !== y.apiVersion || x.kind !== y.kind || x.name !== y.name || (x.uid ?? '') !== (y.uid ?? '') || !!x.controller !== !!y.controller || !!x.blockOwnerDeletion !== !!y.blockOwnerDeletion) return false;
  }
  return a.addressType === p.addressType && (a.endpoints ?? []).length === 0 && (a.ports ?? []).length === 0;
}

function reconcileByPortMapping(
  service: Service, existing: readonly EndpointSlice[], desired: DesiredSet, ports: EndpointPort[], addressType: AddressType, max: number,
): { creates: EndpointSlice[]; updates: EndpointSlice[]; deletes: EndpointSlice[]; added: number; removed: number } {
  const byName = new Map<string, EndpointSlice>();
  const unchanged: string[] = [];
  const toUpdate: string[] = [];
  const toDelete: string[] = [];
  let removed = 0;

  // 1. Walk existing slices: keep desired endpoints (updated if changed), drop the rest.
  for (const s of existing) {
    byName.set(s.metadata.name, s);
    const kept: Endpoint[] = [];
    let endpointUpdated = false;
    const eps = s.endpoints ?? [];
    for (const ep of eps) {
      const key = endpointKey(ep);
      const got = desired.byKey.get(key);
      if (got) {
        kept.push(got);
        if (!endpointsEqualBeyondHash(got, ep)) endpointUpdated = true;
        desired.byKey.delete(key);
      }
    }
    const { labels, changed: labelsChanged } = endpointSliceLabels(s, service);
    if (endpointUpdated || eps.length !== kept.length) {
      if (eps.length > kept.length) removed += eps.length - kept.length;
      if (kept.length === 0) toDelete.push(s.metadata.name);
      else {
        byName.set(s.metadata.name, { ...s, metadata: { ...s.metadata, labels }, endpoints: kept });
        toUpdate.push(s.metadata.name);
      }
    } else if (labelsChanged) {
      byName.set(s.metadata.name, { ...s, metadata: { ...s.metadata, labels }, endpoints: [...eps] });
      toUpdate.push(s.metadata.name);
    } else {
      unchanged.push(s.metadata.name);
    }
  }
  const added = desired.byKey.size;

  // 2. Fill the slices already being updated, fullest first.
  if (desired.byKey.size > 0 && toUpdate.length > 0) {
    const slices = toUpdate.map((n) => byName.get(n)!);
    slices.sort((a, b) => (b.endpoints ?? []).length - (a.endpoints ?? []).length);
    for (const s of slices) {
      const eps = s.endpoints!;
      while (desired.byKey.size > 0 && eps.length < max) eps.push(popAny(desired));
    }
  }

  // 3. Remaining endpoints: the unchanged slice that ends up closest to full, else new slices.
  const creates: EndpointSlice[] = [];
  while (desired.byKey.size > 0) {
    let fill: EndpointSlice | undefined;
    if (desired.byKey.size < max && unchanged.length > 0) {
      fill = sliceToFill(unchanged.map((n) => byName.get(n)!), desired.byKey.size, max);
    }
    if (!fill) fill = newEndpointSlice(service, ports, addressType);
    else {
      fill = { ...fill, metadata: { ...fill.metadata }, endpoints: [...(fill.endpoints ?? [])] };
      byName.set(fill.metadata.name, fill);
    }
    const eps = fill.endpoints!;
    while (desired.byKey.size > 0 && eps.length < max) eps.push(popAny(desired));
    if (fill.metadata.name) {
      toUpdate.push(fill.metadata.name);
      unchanged.splice(unchanged.indexOf(fill.metadata.name), 1);
    } else {
      creates.push(fill);
    }
  }
  return {
    creates,
    updates: toUpdate.map((n) => byName.get(n)!),
    deletes: toDelete.map((n) => byName.get(n)!),
    added, removed,
  };
}

/** upstream getSliceToFill: the slice that would be closest to full after taking numEndpoints. */
function sliceToFill(slices: EndpointSlice[], numEndpoints: number, max: number): EndpointSlice | undefined {
  let closestDiff = max;
  let closest: EndpointSlice | undefined;
  for (const s of slices) {
    const diff = max - (numEndpoints + (s.endpoints ?? []).length);
    if (diff >= 0 && diff < closestDiff) {
      closestDiff = diff;
      closest = s;
      if (closestDiff === 0) return closest;
    }
  }
  return closest;
}
