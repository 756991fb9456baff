// kube-proxy's nftables mode for one node. Keeps Services and EndpointSlices and, on sync(),
// produces the `nft -f` transactions kube-proxy v1.35 would run:
//  - a FULL sync (first sync, or after forceFullSync) recreates the fixed objects (setup.ts),
//    flushes the dispatch sets/maps and writes every service's chains, elements and rules;
//  - a PARTIAL sync writes only the chains, rules and elements of services whose Service or
//    EndpointSlices changed, plus element deletions for dispatch entries nobody wants any more;
//  - chains that became unused are flushed at once and deleted by a separate transaction at the
//    start of the first sync that runs more than a second later (`cleanup`); kernels before 6.2
//    notice only after a while that a map element no longer points at a chain.
// Transaction order: kube-proxy walks a Go map, so its service order is random; we write services
// in canonical order (namespace/name, port), each as upstream does: ensure chains, elements, rules.
//
// Cost model: per-port output is cached (rules.ts); dispatch elements carry reference counts, so a
// partial sync costs O(changed services), never O(all services).

import { endpointPortKey, endpointsFingerprint } from '../endpoint-cache.js';
import type { IPFamily } from '../ip.js';
import { parseCidr } from '../ip.js';
import { compareServicePorts, servicePortInfos, type ServicePortInfo } from '../service.js';
import {
  buildNftPortRules, CONTAINERS, portChainNames, type EndpointNames, type NftElement, type NftPortRules,
  type NftSettings, type PortChainNames,
} from './rules.js';
import { setupLines, setupRuleCount } from './setup.js';
import { ProxierInputs } from '../state.js';

export interface NftProxierOptions {
  nodeName: string;
  nodeIPs?: string[];
  clusterCIDR?: string;
  masqueradeBit?: number;
  masqueradeAll?: boolean;
  /** ServiceCIDRs (any family; only this proxier's family is used). */
  serviceCIDRs?: string[];
  /** NodePort addresses: 'primary' (default, kube-proxy's nftables default: the node IPs) or 'all'. */
  nodePortAddresses?: 'primary' | 'all';
  /** Simulated time between syncs when sync() gets no nowMs (default 2000 ms: above minSyncPeriod). */
  syncStepMs?: number;
  family?: IPFamily;
}

export interface NftSyncResult {
  kind: 'full' | 'partial';
  /** The stale-chain deletion transaction run before the sync ("" when nothing was old enough). */
  cleanup: string;
  /** The sync transaction (`nft -f` input). */
  payload: string;
  bytes: number;
  computeMs: number;
  /** Rules in the kube-proxy table after this sync. */
  rules: number;
  rulesWritten: number;
  servicesUpdated: number;
  chainsWritten: number;
  chainsFlushed: number;
  chainsDeleted: number;
  elementsAdded: number;
  elementsDeleted: number;
  noLocalEndpoints: { internal: number; external: number };
  networkProgrammingSeconds: number[];
}

interface PortState {
  info: ServicePortInfo;
  names: PortChainNames;
  fp: string;
  rules: NftPortRules | undefined;
  memo: Map<string, EndpointNames>;
}

interface ElementEntry { value: string; refs: number }


export class NftablesProxier extends ProxierInputs {
  readonly settings: NftSettings;
  readonly family: IPFamily;
  readonly nodeName: string;
  private readonly table: string;
  private readonly nodePortIPs: string[] | undefined;
  private readonly serviceCIDRs: string;
  private readonly stepMs: number;
  private readonly portsByService = new Map<string, PortState[]>();
  private readonly order: PortState[] = [];
  // ---- what the kernel holds, as far as this proxier knows ----
  private readonly kernelChains = new Set<string>();
  private readonly kernelSets = new Set<string>();
  private readonly staleChains = new Map<string, number>();
  private readonly elements: Map<string, ElementEntry>[] = CONTAINERS.map(() => new Map());
  private portRules = 0;
  private noLocalInternal = 0;
  private noLocalExternal = 0;
  private baseRules = 0;
  private setupDone = false;
  private clockMs = 0;
  syncCount = 0;

  constructor(o: NftProxierOptions) {
    super(o.nodeName, o.family ?? 'IPv4');
    this.family = o.family ?? 'IPv4';
    this.nodeName = o.nodeName;
    const bit = o.masqueradeBit ?? 14;
    if (!Number.isInteger(bit) || bit < 0 || bit > 31) throw new RangeError(`masquerade bit must be in 0..31, got ${bit}`);
    const v6 = this.family === 'IPv6';
    const fam = (ip: string) => (ip.includes(':') ? 'IPv6' : 'IPv4') === this.family;
    const nodeIPs = (o.nodeIPs ?? []).filter(fam);
    this.settings = {
      ipX: v6 ? 'ip6' : 'ip', addrType: v6 ? 'ipv6_addr' : 'ipv4_addr',
      masqueradeMark: '0x' + (2 ** bit).toString(16), masqueradeAll: o.masqueradeAll ?? false,
      clusterCIDR: o.clusterCIDR ? parseCidr(o.clusterCIDR)?.text : undefined, nodeIP: nodeIPs[0],
    };
    this.table = `${this.settings.ipX} kube-proxy`;
    // 'primary' with no known node IP falls back to matching every local address.
    this.nodePortIPs = (o.nodePortAddresses ?? 'primary') === 'primary' && nodeIPs.length ? nodeIPs : undefined;
    this.serviceCIDRs = (o.serviceCIDRs ?? []).map((c) => parseCidr(c)).filter((c) => c && c.family === this.family).map((c) => c!.text).join(',');
    this.stepMs = o.syncStepMs ?? 2000;
  }

  // ---- informer-style event handlers: ProxierInputs (../state.ts) ----

  servicePorts(): readonly ServicePortInfo[] {
    return this.order.map((p) => p.info);
  }

  /** Service and endpoint chains the kernel holds (active and stale). */
  chainsInKernel(): ReadonlySet<string> {
    return this.kernelChains;
  }

  // ---- sync ---------------------------------------------------------------------------------

  sync(options: { full?: boolean; nowMs?: number } = {}): NftSyncResult {
    const t0 = performance.now();
    const now = options.nowMs ?? (this.clockMs += this.stepMs);
    this.clockMs = now;
    const full = !!options.full || this.needFullSync;
    const t = this.table;

    // Stale chains old enough go first, in their own transaction.
    const cleanup: string[] = [];
    for (const [chain, since] of this.staleChains) {
      if (since < now - 1000) {
        cleanup.push(`delete chain ${t} ${chain}`);
        this.staleChains.delete(chain);
        this.kernelChains.delete(chain);
      }
    }
    cleanup.sort();

    const { updated, removed } = this.applyChanges();
    const lines: string[] = [];
    let added = 0, deletedEls = 0, rulesWritten = 0, chainsWritten = 0;
    const touched: string[][] = CONTAINERS.map(() => []);
    const ensureElem = (e: NftElement) => {
      const m = this.elements[e.container]!;
      const name = CONTAINERS[e.container]!.name;
      const cur = m.get(e.key);
      const text = () => `add element ${t} ${name} { ${e.key}${e.comment !== undefined ? ` comment ${JSON.stringify(e.comment)}` : ''}${e.value ? ` : ${e.value}` : ''} }`;
      if (!cur) {
        m.set(e.key, { value: e.value, refs: 1 });
        lines.push(text());
        added++;
        return;
      }
      if (cur.value !== e.value) {
        lines.push(`delete element ${t} ${name} { ${e.key} }`, text());
        cur.value = e.value;
        added++;
        deletedEls++;
      }
      cur.refs++;
    };
    const release = (r: NftPortRules) => {
      for (const e of r.elements) {
        const entry = this.elements[e.container]!.get(e.key);
        if (entry && --entry.refs === 0) touched[e.container]!.push(e.key);
      }
    };

    if (full) {
      const setup = setupLines({
        family: this.settings.ipX, masqueradeMark: this.settings.masqueradeMark, first: !this.setupDone,
        nodePortIPs: this.nodePortIPs, serviceCIDRs: this.serviceCIDRs,
      });
      this.baseRules = setupRuleCount(setup);
      rulesWritten += this.baseRules;
      for (const l of setup) lines.push(l);
      this.setupDone = true;
      for (const m of this.elements) m.clear();
    } else {
      for (const p of removed) if (p.rules) release(p.rules);
    }

    const oldChains: string[] = [];
    const oldSets: string[] = [];
    for (const p of removed) if (p.rules) { for (const c of p.rules.chains) oldChains.push(c); for (const s of p.rules.affinitySets) oldSets.push(s); }

    // Partial syncs touch only the updated services' ports: O(changed), not O(all services).
    const write = full ? this.order : [...updated].flatMap((k) => this.portsByService.get(k) ?? []).sort((a, b) => compareServicePorts(a.info, b.info));
    for (const p of write) {
      if (!p.rules) {
        p.rules = buildNftPortRules(this.settings, p.info, p.names, this.endpointsOf(p.info.nsName, p.info.portName, p.info.protocol), p.memo);
        this.portRules += p.rules.ruleCount;
        if (p.rules.noLocalInternal) this.noLocalInternal++;
        if (p.rules.noLocalExternal) this.noLocalExternal++;
        if (p.memo.size > 4 * (p.rules.endpointCount + 8)) p.memo.clear(); // bounded under churn
      }
      const r = p.rules;
      for (const c of r.chains) {
        lines.push(`add chain ${t} ${c}`, `flush chain ${t} ${c}`);
        this.kernelChains.add(c);
        this.staleChains.delete(c);
      }
      chainsWritten += r.chains.length;
      for (const e of r.elements) ensureElem(e);
      if (r.rulesText) lines.push(r.rulesText);
      rulesWritten += r.ruleCount;
      for (const s of r.affinitySets) this.kernelSets.add(s);
    }

    // Chains nobody uses any more: flushed now (again, while they wait), deleted a sync later.
    let active: Set<string> | undefined;
    const activeChains = () => {
      if (!active) { active = new Set(); for (const p of this.order) for (const c of p.rules?.chains ?? []) active.add(c); }
      return active;
    };
    if (full) {
      for (const c of this.kernelChains) if (!activeChains().has(c)) this.staleChains.set(c, now);
    } else {
      for (const c of oldChains) if (this.kernelChains.has(c) && !this.isActiveChain(c, updated)) this.staleChains.set(c, now);
    }
    const stale = [...this.staleChains.keys()].sort();
    for (const c of stale) { lines.push(`flush chain ${t} ${c}`); this.staleChains.set(c, now); }

    // Affinity sets nobody uses are deleted at once.
    const activeSets = new Set<string>();
    const setCandidates = full ? [...this.kernelSets] : oldSets;
    if (setCandidates.length) for (const p of full ? this.order : write) for (const s of p.rules?.affinitySets ?? []) activeSets.add(s);
    for (const s of setCandidates.sort()) {
      if (!activeSets.has(s) && this.kernelSets.has(s) && (full || !this.isActiveSet(s))) {
        lines.push(`delete set ${t} ${s}`);
        this.kernelSets.delete(s);
      }
    }

    // Leftover dispatch elements.
    for (let ci = 0; ci < CONTAINERS.length; ci++) {
      const keys = touched[ci]!;
      if (!keys.length) continue;
      const m = this.elements[ci]!;
      for (const key of [...new Set(keys)].sort()) {
        const entry = m.get(key);
        if (entry && entry.refs === 0) {
          lines.push(`delete element ${t} ${CONTAINERS[ci]!.name} { ${key} }`);
          m.delete(key);
          deletedEls++;
        }
      }
    }

    const internal = this.noLocalInternal, external = this.noLocalExternal;
    const latencies = this.pendingTriggerMs.map((ms) => Math.max(0, now / 1000 - ms / 1000));
    this.pendingTriggerMs = [];
    this.needFullSync = false;
    this.syncCount++;
    const payload = lines.length ? lines.join('\n') + '\n' : '';
    const cleanupText = cleanup.length ? cleanup.join('\n') + '\n' : '';
    return {
      kind: full ? 'full' : 'partial', cleanup: cleanupText, payload,
      bytes: Buffer.byteLength(payload) + Buffer.byteLength(cleanupText), computeMs: performance.now() - t0,
      rules: this.baseRules + this.portRules, rulesWritten, servicesUpdated: updated.size, chainsWritten,
      chainsFlushed: stale.length, chainsDeleted: cleanup.length, elementsAdded: added, elementsDeleted: deletedEls,
      noLocalEndpoints: { internal, external }, networkProgrammingSeconds: latencies,
    };
  }

  /** Is `chain` owned by some current port? Only ports of updated services can have gained it. */
  private isActiveChain(chain: string, updated: Set<string>): boolean {
    for (const key of updated) for (const p of this.portsByService.get(key) ?? []) if (p.rules?.chains.includes(chain)) return true;
    return false;
  }

  private isActiveSet(set: string): boolean {
    for (const p of this.order) if (p.rules?.affinitySets.includes(set)) return true;
    return false;
  }

  /** Recomputes candidate services; returns changed service keys and the port states they replaced. */
  private applyChanges(): { updated: Set<string>; removed: PortState[] } {
    const updated = new Set<string>();
    const removed: PortState[] = [];
    for (const key of this.candidates) {
      const svc = this.services.get(key);
      const infos = svc ? servicePortInfos(svc, this.family) : [];
      const eps = this.cache.endpoints(key);
      const old = this.portsByService.get(key) ?? [];
      const next: PortState[] = [];
      let changed = infos.length !== old.length;
      for (const info of infos) {
        const list = eps.get(endpointPortKey(info.portName, info.protocol)) ?? [];
        const fp = info.fingerprint + '#' + endpointsFingerprint(list);
        const prev = old.find((o) => o.info.portName === info.portName && o.info.protocol === info.protocol);
        if (!prev || prev.fp !== fp) changed = true;
        next.push({ info, names: prev?.names ?? portChainNames(info), fp, rules: undefined, memo: prev?.memo ?? new Map() });
      }
      if (!changed) continue;
      updated.add(key);
      for (const o of old) {
        removed.push(o);
        const i = this.indexOf(o);
        if (i >= 0) this.order.splice(i, 1);
        if (o.rules) {
          this.portRules -= o.rules.ruleCount;
          if (o.rules.noLocalInternal) this.noLocalInternal--;
          if (o.rules.noLocalExternal) this.noLocalExternal--;
        }
      }
      for (const n of next) this.insertPort(n);
      if (next.length) this.portsByService.set(key, next);
      else this.portsByService.delete(key);
    }
    this.candidates.clear();
    return { updated, removed };
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

  private insertPort(p: PortState): void {
    let lo = 0, hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareServicePorts(this.order[mid]!.info, p.info) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.order.splice(lo, 0, p);
  }
}
