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
// Cost model: each service port keeps a plan (rules.ts: its decisions, chain names and top-level
// lines), recomputed only when the port's Service or endpoints change. A sync renders the chains
// of the written ports straight into the payload (restore.ts) and takes the always-rewritten
// chains from per-chunk cached text (ordered-ports.ts); nothing per rule is kept between syncs.

import { endpointPortKey, type EndpointInfo } from '../endpoint-cache.js';
import type { IPFamily } from '../ip.js';
import { servicePortInfos, type ServicePortInfo } from '../service.js';
import { OrderedPorts } from './ordered-ports.js';
import { assemblePayload } from './restore.js';
import { LARGE_CLUSTER_ENDPOINTS_THRESHOLD, planChains, planPort, type PortPlan, type RuleSettings } from './rules.js';
import { ProxierInputs } from '../state.js';

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

export interface SyncOptions {
  /** Force a full sync. */
  full?: boolean;
  /** The sync's clock (ms); default: 1 s after the previous sync. */
  nowMs?: number;
  /** 'buffer': the payload comes as `payloadBuffer` (UTF-8 bytes, a view valid until the next
   *  sync of any iptables proxier in this process) and `payload` is ''. Saves building a string of
   *  the whole payload (47 MB at 10,000 services); for callers that only write the bytes out. */
  payload?: 'string' | 'buffer';
}

export interface SyncResult {
  kind: SyncKind;
  /** The iptables-restore input ('' when the sync was asked for a buffer). */
  payload: string;
  /** The same text as UTF-8 bytes, only when the sync was asked for a buffer (see SyncOptions). */
  payloadBuffer?: Buffer;
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
  plan: PortPlan;
}

const NO_ENDPOINTS: readonly EndpointInfo[] = [];

/** upstream proxyutil.FullSyncPeriod */
export const FULL_SYNC_PERIOD_MS = 3600_000;
export { TRIGGER_TIME_ANNOTATION } from '../endpointslices/utils.js';

export class IptablesProxier extends ProxierInputs {
  readonly settings: RuleSettings;
  readonly opts: Required<Omit<ProxierOptions, 'clusterCIDR' | 'nodeIPs'>> & { clusterCIDR?: string; nodeIPs: string[] };
  /** Ports currently programmed, by service key, and in output order. */
  private readonly portsByService = new Map<string, PortState[]>();
  private readonly ordered = new OrderedPorts<PortState>();
  private readonly staleChains = new Set<string>();
  private totalEndpoints = 0;
  private natPortRules = 0;
  private noLocalInternal = 0;
  private noLocalExternal = 0;
  private lastFullBytes = 0;
  private lastFullSyncMs = -Infinity;
  private lastCleanupMs = -Infinity;
  private clockMs = 0;
  syncCount = 0;

  constructor(options: ProxierOptions) {
    super(options.nodeName, options.family ?? 'IPv4');
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
  }

  // ---- informer-style event handlers: ProxierInputs (../state.ts) ----

  /** Current service ports in output order (for other dataplane modes and verification). */
  servicePorts(): readonly ServicePortInfo[] {
    return Array.from(this.ordered, (p) => p.info);
  }

  // ---- sync ---------------------------------------------------------------------------------

  sync(options: SyncOptions = {}): SyncResult {
    const t0 = performance.now();
    const now = options.nowMs ?? (this.clockMs += 1000);
    this.clockMs = now;
    const doFullSync = options.full || this.needFullSync || now - this.lastFullSyncMs > FULL_SYNC_PERIOD_MS;

    // svcPortMap.Update + endpointsMap.Update: which services really changed.
    const updated = this.applyChanges();
    const largeClusterMode = this.totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;

    const cleanup = !largeClusterMode || now - this.lastCleanupMs > this.opts.syncPeriodMs;
    const deleted = cleanup ? [...this.staleChains].sort() : [];
    if (cleanup) {
      this.staleChains.clear();
      this.lastCleanupMs = now;
    }

    const written: PortPlan[] = [];
    let writtenRules = 0;
    if (doFullSync) {
      for (const p of this.ordered) written.push(p.plan);
    } else {
      for (const key of updated) {
        for (const p of this.portsByService.get(key) ?? []) {
          written.push(p.plan);
          writtenRules += p.plan.chainRuleCount;
        }
      }
    }
    const top = this.ordered.top();
    const sizeHint = doFullSync && this.lastFullBytes ? this.lastFullBytes + (this.lastFullBytes >> 3)
      : 110 * (16 + top.natCount + top.filterCount + (doFullSync ? this.natPortRules : writtenRules));
    const out = assemblePayload(this.settings, this.opts, top, written, deleted, largeClusterMode, sizeHint, options.payload === 'buffer');
    if (doFullSync) this.lastFullBytes = out.bytes;

    const nowSeconds = now / 1000;
    const latencies = this.pendingTriggerMs.map((ms) => Math.max(0, nowSeconds - ms / 1000));
    this.pendingTriggerMs = [];

    this.needFullSync = false;
    if (doFullSync) this.lastFullSyncMs = now;
    this.syncCount++;
    const result: SyncResult = {
      kind: doFullSync ? 'full' : 'partial',
      payload: out.payload,
      rules: { filter: out.filterRules, nat: 5 + this.natPortRules },
      rulesWritten: { filter: out.filterRules, nat: out.natRulesWritten },
      bytes: out.bytes,
      computeMs: performance.now() - t0,
      largeClusterMode,
      servicesUpdated: updated.size,
      chainsDeleted: deleted.length,
      noLocalEndpoints: { internal: this.noLocalInternal, external: this.noLocalExternal },
      networkProgrammingSeconds: latencies,
    };
    if (out.payloadBuffer) result.payloadBuffer = out.payloadBuffer;
    return result;
  }


  /** Recomputes candidate services; returns the keys of those whose ports or endpoints changed. */
  private applyChanges(): Set<string> {
    const updated = new Set<string>();
    // Many changes at once (the first sync, a resync after a big update): re-sort once at the end.
    const bulk = this.candidates.size > 64 + (this.ordered.size >> 2);
    for (const key of this.candidates) {
      const svc = this.services.get(key);
      const infos = svc ? servicePortInfos(svc, this.opts.family) : [];
      const eps = this.cache.endpoints(key);
      const old = this.portsByService.get(key);
      let changed = infos.length !== (old?.length ?? 0);
      const lists: (readonly EndpointInfo[])[] = [];
      for (const info of infos) {
        const list = eps.get(endpointPortKey(info.portName, info.protocol)) ?? NO_ENDPOINTS;
        lists.push(list);
        if (changed) continue;
        const prev = old!.find((o) => o.info.portName === info.portName && o.info.protocol === info.protocol);
        if (!prev || prev.info.fingerprint !== info.fingerprint || !sameEndpoints(prev.plan.endpoints, list)) changed = true;
      }
      if (!changed) continue;
      updated.add(key);
      if (old) for (const o of old) this.retire(o, bulk);
      const next: PortState[] = [];
      for (let i = 0; i < infos.length; i++) {
        const plan = planPort(this.settings, infos[i]!, lists[i]!);
        const p: PortState = { info: infos[i]!, plan };
        this.natPortRules += portNatRules(plan);
        this.totalEndpoints += plan.endpointCount;
        if (plan.noLocalInternal) this.noLocalInternal++;
        if (plan.noLocalExternal) this.noLocalExternal++;
        if (this.staleChains.size) for (const c of planChains(plan)) this.staleChains.delete(c);
        if (!bulk) this.ordered.insert(p);
        next.push(p);
      }
      if (next.length) this.portsByService.set(key, next);
      else this.portsByService.delete(key);
    }
    this.candidates.clear();
    if (bulk && updated.size) {
      const all: PortState[] = [];
      for (const ps of this.portsByService.values()) for (const p of ps) all.push(p);
      this.ordered.reset(all);
    }
    return updated;
  }

  private retire(p: PortState, bulk: boolean): void {
    if (!bulk) this.ordered.remove(p);
    const plan = p.plan;
    for (const c of planChains(plan)) this.staleChains.add(c);
    this.natPortRules -= portNatRules(plan);
    this.totalEndpoints -= plan.endpointCount;
    if (plan.noLocalInternal) this.noLocalInternal--;
    if (plan.noLocalExternal) this.noLocalExternal--;
  }
}

/** Same endpoints as far as the rules are concerned (upstream's endpointsMap change detection). */
function sameEndpoints(a: readonly EndpointInfo[], b: readonly EndpointInfo[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (x.ip !== y.ip || x.port !== y.port || x.isLocal !== y.isLocal || x.ready !== y.ready || x.serving !== y.serving || x.terminating !== y.terminating) return false;
  }
  return true;
}

function portNatRules(r: PortPlan): number {
  return r.natServices.length + r.natNodePorts.length + r.chainRuleCount;
}
