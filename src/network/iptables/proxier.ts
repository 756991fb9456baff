// kube-proxy's iptables mode for one node: keeps Services and EndpointSlices, and on sync()
// produces the exact `iptables-restore --noflush` input kube-proxy v1.35 would write. The first
// sync is full; later ones are partial (only changed services' SVC/SVL/EXT/FW/SEP chains plus the
// always-rewritten top-level chains), with `-X` for stale chains, as upstream syncProxyRules does.
//
// Output order: kube-proxy itself walks Go maps, so its line order is not reproducible; we print
// the canonical order upstream's tests compare against (proxier_test.go sortIPTablesRules): tables
// by name, KUBE-NODEPORTS and KUBE-SERVICES first then chains by name, rules grouped per chain,
// KUBE-SERVICES/KUBE-NODEPORTS rules by service name, `-X` lines last. iptables-restore applies it
// to the same kernel state.
//
// Cost model: per-service-port rules are cached (rules.ts); a sync rebuilds only the ports whose
// Service or endpoints changed, and the always-rewritten chains are concatenated from the cache.

import type { EndpointSlice, Service } from '../../k8s/types.js';
import { EndpointSliceCache, endpointPortKey, endpointsFingerprint, type EndpointInfo } from '../endpoint-cache.js';
import type { IPFamily } from '../ip.js';
import { compareServicePorts, serviceKey, servicePortInfos, type ServicePortInfo } from '../service.js';
import { assemblePayload, buildTopBlocks, type TopBlocks } from './restore.js';
import { buildPortRules, LARGE_CLUSTER_ENDPOINTS_THRESHOLD, type PortRules, type RuleSettings } from './rules.js';

export interface ProxierOptions {
  nodeName: string;
  /** Node IPs; the first of the proxier's family is "the" node IP (loadBalancerSourceRanges). */
  nodeIPs?: string[];
  /** Cluster pod CIDR for the local-traffic detector; without it no "! -s CIDR" masquerade rules. */
  clusterCIDR?: string;
  /** Masquerade mark bit (default 14 -> 0x4000). */
  masqueradeBit?: number;
  masqueradeAll?: boolean;
  /** --iptables-localhost-nodeports (default true). */
  localhostNodePorts?: boolean;
  /** nfacct counters available (default true, as on a node with nfnetlink_acct). */
  nfacct?: boolean;
  /** nf_conntrack_tcp_be_liberal set: no INVALID drop rule (default false). */
  conntrackTCPLiberal?: boolean;
  /** MASQUERADE --random-fully supported by the iptables binary (default false, as upstream's fake). */
  randomFully?: boolean;
  /** Periodic resync (default 30 s); large-cluster stale-chain cleanup runs at most this often. */
  syncPeriodMs?: number;
  family?: IPFamily;
}

export type SyncKind = 'full' | 'partial';

export interface SyncResult {
  kind: SyncKind;
  payload: string;
  /** sync_proxy_rules_iptables_total{table}: rules kube-proxy believes are installed. */
  rules: { filter: number; nat: number };
  /** sync_proxy_rules_iptables_last{table}: rules written by this sync. */
  rulesWritten: { filter: number; nat: number };
  bytes: number;
  computeMs: number;
  largeClusterMode: boolean;
  servicesUpdated: number;
  chainsDeleted: number;
  /** sync_proxy_rules_no_local_endpoints_total{traffic_policy} */
  noLocalEndpoints: { internal: number; external: number };
  /** network_programming_duration_seconds observations (seconds), when trigger times are known. */
  networkProgrammingSeconds: number[];
}

interface PortState {
  info: ServicePortInfo;
  fp: string;
  rules: PortRules;
  sepMemo: Map<string, string>;
}

/** upstream proxyutil.FullSyncPeriod */
export const FULL_SYNC_PERIOD_MS = 3600_000;
export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

export class IptablesProxier {
  readonly settings: RuleSettings;
  readonly opts: Required<Omit<ProxierOptions, 'clusterCIDR' | 'nodeIPs'>> & { clusterCIDR?: string; nodeIPs: string[] };
  private readonly cache: EndpointSliceCache;
  private readonly services = new Map<string, Service>();
  /** Ports currently programmed, by service key, and in output order. */
  private readonly portsByService = new Map<string, PortState[]>();
  private readonly order: PortState[] = [];
  /** Services whose Service or EndpointSlices were touched since the last sync. */
  private readonly candidates = new Set<string>();
  /** Trigger times (ms) of slice changes since the last sync. */
  private pendingTriggerMs: number[] = [];
  private readonly staleChains = new Set<string>();
  private totalEndpoints = 0;
  /** Joined always-rewritten lines; rebuilt only when some port's top-level lines changed. */
  private top: TopBlocks | undefined;
  private natPortRules = 0;
  private needFullSync = true;
  private lastFullSyncMs = -Infinity;
  private lastCleanupMs = -Infinity;
  private clockMs = 0;
  syncCount = 0;

  constructor(options: ProxierOptions) {
    this.opts = {
      nodeName: options.nodeName, nodeIPs: options.nodeIPs ?? [], clusterCIDR: options.clusterCIDR,
      masqueradeBit: options.masqueradeBit ?? 14, masqueradeAll: options.masqueradeAll ?? false,
      localhostNodePorts: options.localhostNodePorts ?? true, nfacct: options.nfacct ?? true,
      conntrackTCPLiberal: options.conntrackTCPLiberal ?? false, randomFully: options.randomFully ?? false,
      syncPeriodMs: options.syncPeriodMs ?? 30_000, family: options.family ?? 'IPv4',
    };
    const bit = this.opts.masqueradeBit;
    if (!Number.isInteger(bit) || bit < 0 || bit > 31) throw new RangeError(`masquerade bit must be in 0..31, got ${bit}`);
    const isIPv6 = this.opts.family === 'IPv6';
    this.settings = {
      masqueradeMark: '0x' + (2 ** bit).toString(16),
      masqueradeAll: this.opts.masqueradeAll,
      clusterCIDR: this.opts.clusterCIDR,
      nodeIP: this.opts.nodeIPs.find((ip) => (ip.includes(':') ? 'IPv6' : 'IPv4') === this.opts.family),
      localhostNodePorts: this.opts.localhostNodePorts,
      nfacctLocalhostNodePorts: this.opts.nfacct,
      isIPv6,
    };
    this.cache = new EndpointSliceCache(this.opts.nodeName, this.opts.family);
  }

  // ---- informer-style event handlers -------------------------------------------------------

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
    if (key) {
      this.candidates.add(key);
      this.noteTrigger(slice);
    }
  }

  onEndpointSliceDelete(slice: EndpointSlice): void {
    const key = this.cache.update(slice, true);
    if (key) this.candidates.add(key);
  }

  /** Replaces the whole state (each --then names a complete state); only differences become changes. */
  setState(services: readonly Service[], slices: readonly EndpointSlice[]): void {
    const seenSvc = new Set<string>();
    for (const svc of services) {
      const key = serviceKey(svc);
      seenSvc.add(key);
      const old = this.services.get(key);
      if (old !== svc && (!old || JSON.stringify(old) !== JSON.stringify(svc))) this.onServiceUpdate(svc);
    }
    for (const key of [...this.services.keys()]) if (!seenSvc.has(key)) this.onServiceDelete(key);
    const prev = new Map<string, EndpointSlice>();
    for (const s of this.cache.allSlices()) prev.set(`${s.metadata.namespace ?? 'default'}/${s.metadata.name}`, s);
    const seen = new Set<string>();
    for (const s of slices) {
      const id = `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;
      seen.add(id);
      const old = prev.get(id);
      if (old !== s && (!old || JSON.stringify(old) !== JSON.stringify(s))) {
        if (old && old.metadata.labels?.['kubernetes.io/service-name'] !== s.metadata.labels?.['kubernetes.io/service-name']) this.onEndpointSliceDelete(old);
        this.onEndpointSliceUpdate(s);
      }
    }
    for (const [id, s] of prev) if (!seen.has(id)) this.onEndpointSliceDelete(s);
  }

  /** Forces the next sync to be full (as after a failed restore or the iptables monitor). */
  forceFullSync(): void {
    this.needFullSync = true;
  }

  /** Endpoints kube-proxy uses for one service port (sorted by "ip:port"). */
  endpointsOf(serviceKeyStr: string, portName: string, protocol = 'TCP'): readonly EndpointInfo[] {
    return this.cache.endpoints(serviceKeyStr).get(endpointPortKey(portName, protocol)) ?? [];
  }

  /** Current service ports in output order (for other dataplane modes and verification). */
  servicePorts(): readonly ServicePortInfo[] {
    return this.order.map((p) => p.info);
  }

  // ---- sync ---------------------------------------------------------------------------------

  sync(options: { full?: boolean; nowMs?: number } = {}): SyncResult {
    const t0 = performance.now();
    const now = options.nowMs ?? (this.clockMs += 1000);
    this.clockMs = now;
    const doFullSync = options.full || this.needFullSync || now - this.lastFullSyncMs > FULL_SYNC_PERIOD_MS;

    // svcPortMap.Update + endpointsMap.Update: which services really changed.
    const updated = this.applyChanges();
    const largeClusterMode = this.totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;

    // Rebuild the rules of changed services (and, on a full sync, any built for the other mode).
    for (const key of updated) {
      for (const p of this.portsByService.get(key) ?? []) this.rebuild(p, largeClusterMode);
    }
    if (doFullSync) {
      for (const p of this.order) if (p.rules.largeClusterMode !== largeClusterMode && !updated.has(p.info.nsName)) this.rebuild(p, largeClusterMode);
    }

    const cleanup = !largeClusterMode || now - this.lastCleanupMs > this.opts.syncPeriodMs;
    const deleted = cleanup ? [...this.staleChains].sort() : [];
    if (cleanup) {
      this.staleChains.clear();
      this.lastCleanupMs = now;
    }

    const written = doFullSync ? this.order : this.order.filter((p) => updated.has(p.info.nsName));
    if (!this.top) this.top = buildTopBlocks(this.order);
    const out = assemblePayload(this.settings, this.opts, this.order, written, deleted, this.top);

    let internal = 0, external = 0;
    for (const p of this.order) {
      if (p.rules.noLocalInternal) internal++;
      if (p.rules.noLocalExternal) external++;
    }
    const nowSeconds = now / 1000;
    const latencies = this.pendingTriggerMs.map((ms) => Math.max(0, nowSeconds - ms / 1000));
    this.pendingTriggerMs = [];

    this.needFullSync = false;
    if (doFullSync) this.lastFullSyncMs = now;
    this.syncCount++;
    return {
      kind: doFullSync ? 'full' : 'partial',
      payload: out.payload,
      rules: { filter: out.filterRules, nat: 5 + this.natPortRules + (out.extraNatRules) },
      rulesWritten: { filter: out.filterRules, nat: out.natRulesWritten },
      bytes: Buffer.byteLength(out.payload),
      computeMs: performance.now() - t0,
      largeClusterMode,
      servicesUpdated: updated.size,
      chainsDeleted: deleted.length,
      noLocalEndpoints: { internal, external },
      networkProgrammingSeconds: latencies,
    };
  }

  private noteTrigger(slice: EndpointSlice): void {
    const t = slice.metadata.annotations?.[TRIGGER_TIME_ANNOTATION];
    if (!t) return;
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) this.pendingTriggerMs.push(ms);
  }

  /** Recomputes candidate services; returns the keys of those whose ports or endpoints changed. */
  private applyChanges(): Set<string> {
    const updated = new Set<string>();
    for (const key of this.candidates) {
      const svc = this.services.get(key);
      const infos = svc ? servicePortInfos(svc, this.opts.family) : [];
      const eps = this.cache.endpoints(key);
      const old = this.portsByService.get(key) ?? [];
      const next: PortState[] = [];
      let changed = infos.length !== old.length;
      for (const info of infos) {
        const list = eps.get(endpointPortKey(info.portName, info.protocol)) ?? [];
        const fp = info.fingerprint + '#' + endpointsFingerprint(list);
        const prev = old.find((o) => o.info.portName === info.portName && o.info.protocol === info.protocol);
        if (!prev || prev.fp !== fp) changed = true;
        next.push({ info, fp, rules: prev?.rules as PortRules, sepMemo: prev?.sepMemo ?? new Map() });
      }
      if (!changed) continue;
      updated.add(key);
      for (const o of old) this.removePort(o);
      for (const n of next) {
        n.rules = undefined as unknown as PortRules;
        this.insertPort(n);
      }
      if (next.length) this.portsByService.set(key, next);
      else this.portsByService.delete(key);
    }
    this.candidates.clear();
    return updated;
  }

  private removePort(p: PortState): void {
    this.top = undefined;
    const i = this.indexOf(p);
    if (i >= 0) this.order.splice(i, 1);
    if (p.rules) {
      for (const c of p.rules.chains) this.staleChains.add(c);
      this.natPortRules -= portNatRules(p.rules);
      this.totalEndpoints -= p.rules.endpointCount;
    }
  }

  private insertPort(p: PortState): void {
    this.top = undefined;
    let lo = 0, hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareServicePorts(this.order[mid]!.info, p.info) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.order.splice(lo, 0, p);
    // Provisional endpoint count so the large-cluster decision sees it before rules are built.
    const n = this.endpointsOf(p.info.nsName, p.info.portName, p.info.protocol).length;
    this.totalEndpoints += n;
    p.rules = { endpointCount: n, chains: [], natServices: [], natNodePorts: [], chainRuleCount: 0 } as unknown as PortRules;
  }

  private indexOf(p: PortState): number {
    let lo = 0, hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareServicePorts(this.order[mid]!.info, p.info) < 0) lo = mid + 1;
      else hi = mid;
    }
    return this.order[lo] === p ? lo : this.order.indexOf(p);
  }

  private rebuild(p: PortState, largeClusterMode: boolean): void {
    const old = p.rules;
    const eps = this.endpointsOf(p.info.nsName, p.info.portName, p.info.protocol);
    const rules = buildPortRules(this.settings, p.info, eps, largeClusterMode, p.sepMemo);
    if (old) {
      this.natPortRules -= portNatRules(old);
      this.totalEndpoints -= old.endpointCount;
    }
    this.natPortRules += portNatRules(rules);
    this.totalEndpoints += rules.endpointCount;
    for (const c of rules.chains) this.staleChains.delete(c);
    if (this.top && (!old || !sameTopLines(old, rules))) this.top = undefined;
    p.rules = rules;
    if (p.sepMemo.size > 4 * (eps.length + 8)) p.sepMemo.clear(); // keep the memo bounded under churn
  }
}

function sameLines(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameTopLines(a: PortRules, b: PortRules): boolean {
  return sameLines(a.natServices, b.natServices) && sameLines(a.natNodePorts, b.natNodePorts) && sameLines(a.filterServices, b.filterServices)
    && sameLines(a.filterExternal, b.filterExternal) && sameLines(a.filterNodePorts, b.filterNodePorts) && sameLines(a.filterFirewall, b.filterFirewall);
}

function portNatRules(r: PortRules): number {
  return r.natServices.length + r.natNodePorts.length + r.chainRuleCount;
}
