// Turns loaded ClusterObjects into the network state a node's proxy sees: the Services and the
// EndpointSlices, where Services that have no slices in the input get them from the reconciler.

import type { ClusterObjects, EndpointSlice, Service } from '../k8s/types.js';
import { EndpointSliceController } from './endpointslices/controller.js';
import { LABEL_SERVICE_NAME } from './endpointslices/utils.js';
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
