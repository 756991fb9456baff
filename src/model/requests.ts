// A pod's effective resource requests, as kube-scheduler computes them
// (k8s.io/component-helpers/resource PodRequests, used by NodeResourcesFit and the scoring plugins).
//
//   regular  = sum of the regular containers' requests
//   sidecars (init containers with restartPolicy Always) run beside the regular containers: their
//            requests are added to `regular`, and every later init container runs beside them too
//   init     = max over init containers of (its requests + the sidecars started before it)
//   request  = max(regular, init) + spec.overhead
// API defaulting: a container that sets a limit but no request for a resource requests its limit.
// "Non-zero" requests (scoring only): a container with no cpu request counts 100m, none for memory
// counts 200 MiB; an explicit 0 stays 0.
// Amounts are integers: millicores for cpu, whole units (bytes) for everything else.

import type { Container, PodSpec, ResourceList } from '../k8s/types.js';
import { resourceAmount } from './quantity.js';

export type Amounts = Map<string, number>;

export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface PodRequests {
  /** Actual requests, for filtering and BalancedAllocation. */
  requests: Amounts;
  /** Requests with the non-zero defaults applied per container, for the allocation scores. */
  nonZeroCpu: number;
  nonZeroMemory: number;
}

function containerRequests(c: Container): Amounts {
  const out: Amounts = new Map();
  const req = c.resources?.requests;
  const lim = c.resources?.limits;
  if (req) for (const [k, v] of Object.entries(req)) out.set(k, resourceAmount(k, v));
  if (lim) for (const [k, v] of Object.entries(lim)) if (!out.has(k)) out.set(k, resourceAmount(k, v));
  return out;
}

function add(into: Amounts, from: Amounts): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

function maxInto(into: Amounts, from: Amounts): void {
  for (const [k, v] of from) if (v > (into.get(k) ?? 0)) into.set(k, v);
}

/** A container's requests with the scoring defaults for a missing cpu / memory request. */
export function withNonZero(c: Amounts): Amounts {
  const out = new Map(c);
  if (!out.has('cpu')) out.set('cpu', DEFAULT_MILLI_CPU_REQUEST);
  if (!out.has('memory')) out.set('memory', DEFAULT_MEMORY_REQUEST);
  return out;
}

/**
 * The pod-level combination (upstream resourcehelper.PodRequests) of per-container amounts:
 * `perContainer(c, field)` gives a container's amounts (`field` is its path, for error messages),
 * `overhead(list)` the amounts of spec.overhead.
 */
export function combineRequests(spec: PodSpec, perContainer: (c: Container, field: string) => Amounts,
  overhead: (list: ResourceList) => Amounts = resourceListAmounts): Amounts {
  const reqs: Amounts = new Map();
  (spec.containers ?? []).forEach((c, i) => add(reqs, perContainer(c, `spec.containers[${i}]`)));
  const sidecars: Amounts = new Map();
  const init: Amounts = new Map();
  (spec.initContainers ?? []).forEach((c, i) => {
    const r = perContainer(c, `spec.initContainers[${i}]`);
    if (c.restartPolicy === 'Always') {
      add(reqs, r);
      add(sidecars, r);
      maxInto(init, sidecars);
    } else {
      const tmp = new Map(r);
      add(tmp, sidecars);
      maxInto(init, tmp);
    }
  });
  maxInto(reqs, init);
  if (spec.overhead) add(reqs, overhead(spec.overhead));
  return reqs;
}

export function resourceListAmounts(list: ResourceList): Amounts {
  const out: Amounts = new Map();
  for (const [k, v] of Object.entries(list)) out.set(k, resourceAmount(k, v));
  return out;
}

/** Effective requests of a pod spec. Throws QuantityError on a bad quantity (the loader validated first). */
export function podRequests(spec: PodSpec): PodRequests {
  const requests = combineRequests(spec, containerRequests);
  const nonZero = combineRequests(spec, (c) => withNonZero(containerRequests(c)));
  return { requests, nonZeroCpu: nonZero.get('cpu') ?? 0, nonZeroMemory: nonZero.get('memory') ?? 0 };
}
