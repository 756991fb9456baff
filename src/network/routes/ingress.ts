// Ingress (networking.k8s.io/v1) compiled into a HostTable. Semantics from the Kubernetes docs:
// Exact is a case-sensitive whole-path match; Prefix matches element-wise on "/" with trailing
// slashes ignored; ImplementationSpecific is treated as Prefix (what ingress-nginx does without
// regex annotations). The longest matching path wins, then Exact over Prefix. A host "*.foo.com"
// covers exactly one extra label; exact hosts are tried before wildcards, and rules without a host
// last. No matching path -> the default backend of the oldest Ingress that has one, else 404.

import type { GenericObject } from '../../k8s/types.js';
import { HostTable, normalizePrefix, PathType, type Backend, type Entry } from './table.js';

export const INGRESS_KEY_REASONS = ['longest path', 'exact over prefix', 'oldest ingress', 'name order', 'rule order', 'path order'];

interface IngressBackend { service?: { name?: string; port?: { number?: number; name?: string } }; resource?: { kind?: string; name?: string } }
interface IngressSpec {
  defaultBackend?: IngressBackend;
  rules?: { host?: string; http?: { paths?: { path?: string; pathType?: string; backend?: IngressBackend }[] } }[];
}

export function ingressBackend(ns: string, b: IngressBackend | undefined): Backend[] {
  if (!b?.service?.name) return [];
  const port = b.service.port?.number ?? b.service.port?.name ?? 0;
  return [{ service: `${ns}/${b.service.name}`, port }];
}

export function createdMs(o: GenericObject): number {
  const t = (o.metadata as { creationTimestamp?: string }).creationTimestamp;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? ms : 0;
}

export interface IngressTable {
  table: HostTable;
  defaultBackend: { backends: Backend[]; source: string } | undefined;
}

export function compileIngresses(ingresses: readonly GenericObject[]): IngressTable {
  const table = new HostTable(false, INGRESS_KEY_REASONS);
  const names = ingresses.map((o) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`);
  const rank = new Map([...names].sort().map((n, i) => [n, i]));
  let def: IngressTable['defaultBackend'];
  let defKey: [number, number] | undefined;
  ingresses.forEach((ing, idx) => {
    const ns = ing.metadata.namespace ?? 'default';
    const nsName = names[idx]!;
    const spec = (ing.spec ?? {}) as IngressSpec;
    const created = createdMs(ing);
    const db = ingressBackend(ns, spec.defaultBackend);
    if (db.length) {
      const k: [number, number] = [created, rank.get(nsName)!];
      if (!defKey || k[0] < defKey[0] || (k[0] === defKey[0] && k[1] < defKey[1])) {
        defKey = k;
        def = { backends: db, source: `Ingress ${nsName} defaultBackend` };
      }
    }
    (spec.rules ?? []).forEach((rule, ri) => {
      (rule.http?.paths ?? []).forEach((p, pi) => {
        const raw = p.path ?? '/';
        const exact = p.pathType === 'Exact';
        const e: Entry = {
          pathType: exact ? PathType.Exact : PathType.Prefix,
          path: exact ? raw : normalizePrefix(raw),
          re: undefined, method: '', headers: [], query: [],
          key: [-raw.length, exact ? 0 : 1, created, rank.get(nsName)!, ri, pi],
          source: `Ingress ${nsName} rule ${ri} path ${pi}`,
          backends: ingressBackend(ns, p.backend),
        };
        table.add((rule.host ?? '').toLowerCase(), e);
      });
    });
  });
  table.seal();
  return { table, defaultBackend: def };
}
