// Gateway API HTTPRoutes (with their Gateways) compiled into a HostTable. Precedence, from the
// HTTPRouteRule spec: hostname first (exact hostname, then the longest matching wildcard; wildcards
// are suffix matches over one or more labels), then across all rules: Exact path, longest Prefix,
// method match, most header matches, most query-param matches, oldest Route, "{namespace}/{name}"
// alphabetically, first rule (and first match) in list order. No match -> 404.
// Attachment: a route binds to the listeners of its parentRefs' Gateways that allow its namespace
// (allowedRoutes.namespaces.from: Same by default, All, Selector treated as All); the hostnames it
// serves are its own hostnames intersected with the listener's. Refs to Gateways not in the input
// are taken as attached (the route's own hostnames apply).

import type { GenericObject } from '../../k8s/types.js';
import { createdMs } from './ingress.js';
import { HostTable, normalizePrefix, PathType, type Backend, type Cond, type Entry } from './table.js';

export const HTTPROUTE_KEY_REASONS = ['exact path', 'longest prefix', 'method match', 'most header matches', 'most query matches', 'oldest route', 'alphabetical order', 'rule order', 'match order'];

interface StringMatch { type?: string; name?: string; value?: string }
interface RouteMatch { path?: { type?: string; value?: string }; method?: string; headers?: StringMatch[]; queryParams?: StringMatch[] }
interface RouteSpec {
  parentRefs?: { name?: string; namespace?: string; sectionName?: string; kind?: string }[];
  hostnames?: string[];
  rules?: { matches?: RouteMatch[]; backendRefs?: { name?: string; namespace?: string; port?: number; weight?: number; kind?: string }[] }[];
}
interface Listener { name?: string; hostname?: string; protocol?: string; allowedRoutes?: { namespaces?: { from?: string } } }

/** Does `host` (a concrete or wildcard name) fall under `pattern`? Wildcards are suffix matches. */
export function hostnameMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return pattern === host;
}

/** The more specific of two intersecting hostnames, or undefined when they do not intersect. */
function intersect(a: string, b: string): string | undefined {
  if (hostnameMatches(a, b)) return b;
  if (hostnameMatches(b, a)) return a;
  return undefined;
}

function effectiveHostnames(route: GenericObject, gateways: Map<string, GenericObject>): string[] | undefined {
  const spec = (route.spec ?? {}) as RouteSpec;
  const ns = route.metadata.namespace ?? 'default';
  const own = (spec.hostnames ?? []).map((h) => h.toLowerCase());
  const listenerHosts: (string | undefined)[] = [];
  let attached = false;
  for (const ref of spec.parentRefs ?? []) {
    if (ref.kind && ref.kind !== 'Gateway') continue;
    const gwNs = ref.namespace ?? ns;
    const gw = gateways.get(`${gwNs}/${ref.name}`);
    if (!gw) { attached = true; listenerHosts.push(undefined); continue; }
    for (const l of ((gw.spec as { listeners?: Listener[] } | undefined)?.listeners ?? [])) {
      if (ref.sectionName && l.name !== ref.sectionName) continue;
      if (l.protocol && l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') continue;
      const from = l.allowedRoutes?.namespaces?.from ?? 'Same';
      if (from === 'Same' && gwNs !== ns) continue;
      attached = true;
      listenerHosts.push(l.hostname?.toLowerCase());
    }
  }
  if (!attached) return undefined;
  if (listenerHosts.some((h) => h === undefined)) return own.length ? own : [''];
  const out = new Set<string>();
  for (const lh of listenerHosts as string[]) {
    if (!own.length) out.add(lh);
    for (const h of own) { const x = intersect(h, lh); if (x) out.add(x); }
  }
  return [...out];
}

function conds(ms: StringMatch[] | undefined, lower: boolean): Cond[] {
  return (ms ?? []).map((m) => ({
    name: lower ? (m.name ?? '').toLowerCase() : m.name ?? '',
    exact: m.type === 'RegularExpression' ? undefined : m.value ?? '',
    re: m.type === 'RegularExpression' ? new RegExp(m.value ?? '') : undefined,
  }));
}

export function compileHTTPRoutes(routes: readonly GenericObject[], gatewayObjs: readonly GenericObject[]): HostTable {
  const table = new HostTable(true, HTTPROUTE_KEY_REASONS);
  const gateways = new Map(gatewayObjs.map((g) => [`${g.metadata.namespace ?? 'default'}/${g.metadata.name}`, g]));
  const names = routes.map((r) => `${r.metadata.namespace ?? 'default'}/${r.metadata.name}`);
  const rank = new Map([...names].sort().map((n, i) => [n, i]));
  routes.forEach((route, idx) => {
    const hosts = effectiveHostnames(route, gateways);
    if (!hosts) return;
    const ns = route.metadata.namespace ?? 'default';
    const nsName = names[idx]!;
    const created = createdMs(route);
    ((route.spec ?? {}) as RouteSpec).rules?.forEach((rule, ri) => {
      const backends: Backend[] = (rule.backendRefs ?? []).filter((b) => !b.kind || b.kind === 'Service')
        .map((b) => ({ service: `${b.namespace ?? ns}/${b.name}`, port: b.port ?? 0, weight: b.weight ?? 1 }));
      const matches = rule.matches?.length ? rule.matches : [{}];
      matches.forEach((m, mi) => {
        const type = m.path?.type ?? 'PathPrefix';
        const value = m.path?.value ?? '/';
        const pathType = type === 'Exact' ? PathType.Exact : type === 'RegularExpression' ? PathType.Regex : PathType.Prefix;
        const e: Entry = {
          pathType, path: pathType === PathType.Prefix ? normalizePrefix(value) : value,
          re: pathType === PathType.Regex ? new RegExp(`^(?:${value})$`) : undefined,
          method: m.method ?? '', headers: conds(m.headers, true), query: conds(m.queryParams, false),
          // Regex paths rank after Prefix (their precedence is implementation-specific).
          key: [pathType === PathType.Exact ? 0 : 1, pathType === PathType.Regex ? 1 : -value.length, m.method ? 0 : 1,
            -(m.headers?.length ?? 0), -(m.queryParams?.length ?? 0), created, rank.get(nsName)!, ri, mi],
          source: `HTTPRoute ${nsName} rule ${ri} match ${mi}`, backends,
        };
        for (const h of hosts) table.add(h, e);
      });
    });
  });
  table.seal();
  return table;
}
