// The routes facade: Gateway API routes are tried first, then Ingress rules, then the Ingress
// default backend; nothing -> 404. (Both APIs in one cluster are normally served by different
// proxies; one request here asks "which backend would the routing layer pick".)

import type { GenericObject } from '../../k8s/types.js';
import { compileHTTPRoutes } from './httproute.js';
import { compileIngresses, type IngressTable } from './ingress.js';
import { decision, type Decision, type Entry, type HostTable, type Request } from './table.js';

export interface RouteObjects { ingresses: readonly GenericObject[]; httpRoutes: readonly GenericObject[]; gateways: readonly GenericObject[] }

export class Router {
  readonly gateway: HostTable;
  readonly ingress: IngressTable;

  constructor(objs: RouteObjects) {
    this.gateway = compileHTTPRoutes(objs.httpRoutes, objs.gateways);
    this.ingress = compileIngresses(objs.ingresses);
  }

  get size(): number {
    return this.gateway.size + this.ingress.table.size;
  }

  /** Fast path for benchmarks: the winning entry, without explanation. */
  match(r: Request): Entry | undefined {
    return this.gateway.match(r) ?? this.ingress.table.match(r);
  }

  route(r: Request): Decision {
    const g = this.gateway.explain(r);
    if (g) return decision(g.winner, g.reason);
    const i = this.ingress.table.explain(r);
    if (i) return decision(i.winner, i.reason);
    const d = this.ingress.defaultBackend;
    if (d) return { status: 200, backend: d.backends[0] ?? null, backends: d.backends, source: d.source, reason: 'default backend' };
    return { status: 404, backend: null, backends: [], source: '', reason: 'no route matches' };
  }
}
