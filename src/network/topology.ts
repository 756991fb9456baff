// upstream pkg/proxy/topology.go CategorizeEndpoints, without topology hints: which endpoints
// Cluster and Local traffic policies use, and which endpoints this node can reach at all.

import type { EndpointInfo } from './endpoint-cache.js';
import { usesClusterEndpoints, usesLocalEndpoints, type ServicePortInfo } from './service.js';

/** The lists may be `endpoints` itself (when every endpoint qualifies): read them, never write them. */
export interface CategorizedEndpoints {
  clusterEndpoints: readonly EndpointInfo[];
  localEndpoints: readonly EndpointInfo[];
  allReachableEndpoints: readonly EndpointInfo[];
  hasAnyEndpoints: boolean;
}

const NONE: readonly EndpointInfo[] = [];

/** The ready endpoints: `endpoints` itself when all are ready (the common case, no copy). */
function readyOf(endpoints: readonly EndpointInfo[]): readonly EndpointInfo[] {
  for (let i = 0; i < endpoints.length; i++) if (!endpoints[i]!.ready) return endpoints.filter((ep) => ep.ready);
  return endpoints;
}

export function categorizeEndpoints(endpoints: readonly EndpointInfo[], svc: ServicePortInfo): CategorizedEndpoints {
  let clusterEndpoints: readonly EndpointInfo[] = NONE;
  let localEndpoints: readonly EndpointInfo[] = NONE;
  let hasAnyEndpoints = false;
  const useCluster = usesClusterEndpoints(svc);
  if (useCluster) {
    clusterEndpoints = readyOf(endpoints);
    // No ready endpoint anywhere: fall back to serving-and-terminating ones.
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter((ep) => ep.serving && ep.terminating);
    if (clusterEndpoints.length > 0) hasAnyEndpoints = true;
  }
  if (!usesLocalEndpoints(svc)) {
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };
  }
  let localReady = false;
  let localServingTerminating = false;
  for (const ep of endpoints) {
    if (ep.ready) {
      hasAnyEndpoints = true;
      if (ep.isLocal) localReady = true;
    } else if (ep.serving && ep.terminating) {
      hasAnyEndpoints = true;
      if (ep.isLocal) localServingTerminating = true;
    }
  }
  if (localReady) localEndpoints = endpoints.filter((ep) => ep.isLocal && ep.ready);
  else if (localServingTerminating) localEndpoints = endpoints.filter((ep) => ep.isLocal && ep.serving && ep.terminating);
  if (!useCluster) return { clusterEndpoints, localEndpoints, allReachableEndpoints: localEndpoints, hasAnyEndpoints };
  // Union of both lists (upstream merges through a map; the set is what matters, output is sorted).
  const seen = new Set<string>();
  const all: EndpointInfo[] = [];
  for (const ep of clusterEndpoints) if (!seen.has(ep.str)) { seen.add(ep.str); all.push(ep); }
  for (const ep of localEndpoints) if (!seen.has(ep.str)) { seen.add(ep.str); all.push(ep); }
  return { clusterEndpoints, localEndpoints, allReachableEndpoints: all, hasAnyEndpoints };
}
