// kube-proxy's view of endpoints (upstream pkg/proxy/endpointslicecache.go): EndpointSlices are
// grouped by Service, merged per service port (deduplicated by "ip:port", a local copy wins) and
// sorted by "ip:port" text, which is the order every proxy mode programs them in.
// The cache keeps per-port results so that a slice change re-merges only its own Service.

import type { Endpoint, EndpointSlice } from '../k8s/types.js';
import { flat } from './hash.js';
import { canonicalIP, familyOf, isIPv4, type IPFamily } from './ip.js';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';

export interface EndpointInfo {
  ip: string;
  port: number;
  /** "ip:port" ("[ip]:port" for IPv6), upstream BaseEndpointInfo.String() */
  str: string;
  /** ":port", so that writers can emit `str` as ip + portSuffix (IPv4) without making it. */
  portSuffix: string;
  isLocal: boolean;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName: string;
  zone: string;
}

const LOCAL = 1, READY = 2, SERVING = 4, TERMINATING = 8, IPV6 = 16;

/**
 * The cache's EndpointInfo: the conditions packed in one number, node name and zone read from the
 * slice's endpoint (which the cache keeps anyway), and "ip:port" made only when asked for (the
 * iptables writers and hashing use ip + portSuffix). At 10^5 endpoints per proxier this is
 * ~10 MB less for the young-generation GC to copy on a first sync.
 */
class CachedEndpoint implements EndpointInfo {
  readonly ip: string;
  readonly port: number;
  readonly portSuffix: string;
  private text: string | undefined;
  private readonly flags: number;
  private readonly src: Endpoint;
  constructor(ip: string, port: number, portSuffix: string, flags: number, src: Endpoint) {
    this.ip = ip;
    this.port = port;
    this.portSuffix = portSuffix;
    this.text = undefined;
    this.flags = flags;
    this.src = src;
  }
  get str(): string {
    return (this.text ??= flat((this.flags & IPV6) !== 0 ? '[' + this.ip + ']' + this.portSuffix : this.ip + this.portSuffix));
  }
  get isIPv6(): boolean { return (this.flags & IPV6) !== 0; }
  get isLocal(): boolean { return (this.flags & LOCAL) !== 0; }
  get ready(): boolean { return (this.flags & READY) !== 0; }
  get serving(): boolean { return (this.flags & SERVING) !== 0; }
  get terminating(): boolean { return (this.flags & TERMINATING) !== 0; }
  get nodeName(): string { return this.src.nodeName ?? ''; }
  get zone(): string { return this.src.zone ?? ''; }
}

/** Endpoints of one Service, keyed by `${portName}/${protocol}`. */
export type ServiceEndpoints = Map<string, EndpointInfo[]>;

export function endpointPortKey(portName: string, protocol: string): string {
  return `${portName}/${protocol}`;
}

/** The Service ("ns/name") an EndpointSlice belongs to, or undefined when it has no service-name label. */
export function sliceServiceKey(slice: EndpointSlice): string | undefined {
  const svc = slice.metadata.labels?.[LABEL_SERVICE_NAME];
  if (!svc) return undefined;
  return `${slice.metadata.namespace ?? 'default'}/${svc}`;
}

export class EndpointSliceCache {
  private readonly slices = new Map<string, Map<string, EndpointSlice>>();
  private readonly merged = new Map<string, ServiceEndpoints>();

  constructor(readonly nodeName: string, readonly family: IPFamily = 'IPv4') {}

  /** Adds, replaces or (deleted=true) removes a slice; returns its Service key or undefined when ignored. */
  update(slice: EndpointSlice, deleted = false): string | undefined {
    const key = sliceServiceKey(slice);
    if (!key) return undefined;
    let bySlice = this.slices.get(key);
    if (deleted) {
      if (!bySlice || !bySlice.delete(slice.metadata.name)) return undefined;
      if (bySlice.size === 0) this.slices.delete(key);
    } else {
      if (!bySlice) this.slices.set(key, (bySlice = new Map()));
      bySlice.set(slice.metadata.name, slice);
    }
    this.merged.delete(key);
    return key;
  }

  sliceNames(serviceKey: string): string[] {
    return [...(this.slices.get(serviceKey)?.keys() ?? [])];
  }

  allSlices(): EndpointSlice[] {
    const out: EndpointSlice[] = [];
    for (const m of this.slices.values()) out.push(...m.values());
    return out;
  }

  /** Merged endpoints of one Service (computed lazily, cached until one of its slices changes). */
  endpoints(serviceKey: string): ServiceEndpoints {
    let m = this.merged.get(serviceKey);
    if (!m) {
      m = this.merge(this.slices.get(serviceKey));
      this.merged.set(serviceKey, m);
    }
    return m;
  }

  private merge(bySlice: Map<string, EndpointSlice> | undefined): ServiceEndpoints {
    const out: ServiceEndpoints = new Map();
    if (!bySlice) return out;
    const slices = [...bySlice.values()];
    if (slices.length > 1) slices.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
    // Endpoints per port in slice-name order, then sorted by "ip:port" (stable) and deduplicated
    // the way upstream's map insert does it: the first copy stays unless a later one is local.
    for (const slice of slices) {
      if (slice.addressType !== this.family) continue;
      for (const p of slice.ports ?? []) {
        if (p.port === undefined || p.port === null || p.port === 0) continue;
        const key = endpointPortKey(p.name ?? '', p.protocol ?? 'TCP');
        let list = out.get(key);
        if (!list) out.set(key, (list = []));
        const port = p.port;
        const suffix = flat(':' + port);
        for (const ep of slice.endpoints ?? []) {
          const addr = ep.addresses?.[0];
          if (!addr) continue;
          let ip: string | undefined;
          if (this.family === 'IPv4') ip = isIPv4(addr) ? addr : undefined;
          else ip = familyOf(addr) === 'IPv6' ? canonicalIP(addr) : undefined;
          if (ip === undefined) continue;
          const c = ep.conditions;
          let flags = 0;
          if (!c || c.ready === undefined || c.ready === null || c.ready) flags |= READY;
          if (!c || c.serving === undefined || c.serving === null || c.serving) flags |= SERVING;
          if (c && c.terminating) flags |= TERMINATING;
          if (ep.nodeName && ep.nodeName === this.nodeName) flags |= LOCAL;
          if (this.family === 'IPv6') flags |= IPV6;
          list.push(new CachedEndpoint(ip, port, suffix, flags, ep));
        }
      }
    }
    for (const [key, list] of out) {
      if (list.length === 0) { out.delete(key); continue; }
      let sorted = true;
      for (let i = 1; i < list.length; i++) if (compareStr(list[i - 1]!, list[i]!) >= 0) { sorted = false; break; }
      if (sorted) continue;
      list.sort(compareStr);
      let w = 0;
      for (let i = 0; i < list.length; i++) {
        const e = list[i]!;
        if (w > 0 && sameStr(list[w - 1]!, e)) {
          if (e.isLocal) list[w - 1] = e;
        } else {
          list[w++] = e;
        }
      }
      list.length = w;
    }
    return out;
  }
}

/** a.str compared with b.str (byte order) without making them; both of the cache's family. */
function compareStr(a: EndpointInfo, b: EndpointInfo): number {
  const x = a.ip, y = b.ip;
  if (x === y) return a.portSuffix < b.portSuffix ? -1 : a.portSuffix > b.portSuffix ? 1 : 0;
  const n = x.length < y.length ? x.length : y.length;
  for (let i = 0; i < n; i++) {
    const d = x.charCodeAt(i) - y.charCodeAt(i);
    if (d !== 0) return d;
  }
  // One address is a prefix of the other: what follows the shorter one is ":" (IPv4) or "]"
  // (IPv6), which no address character equals.
  const next = x.includes(':') ? 93 : 58;
  return x.length < y.length ? next - y.charCodeAt(n) : x.charCodeAt(n) - next;
}

function sameStr(a: EndpointInfo, b: EndpointInfo): boolean {
  return a.ip === b.ip && a.portSuffix === b.portSuffix;
}

/** Text identity of an endpoint list, for change detection. */
export function endpointsFingerprint(eps: readonly EndpointInfo[] | undefined): string {
  if (!eps) return '';
  let s = '';
  for (const e of eps) s += `${e.str},${+e.isLocal}${+e.ready}${+e.serving}${+e.terminating};`;
  return s;
}
