// `kubescale dataplane verify`: programs a real kernel with the rules kube-proxy would write for one
// node and checks where connections land. Layout (all inside namespaces this run creates):
//   node namespace  — node IP on a veth to an empty sink namespace (also the default route),
//                     the kube-proxy rules (iptables-restore or nft) and the client;
//   one namespace per endpoint pod — its IP on eth0, a veth to the node namespace, which routes
//                     the pod IP to that veth; the pod's default route points back at the node IP;
//                     a listener per endpoint port answering with its own "ip:port".
// Every TCP ClusterIP:port (and NodePort on the node IP) gets N connections from the node
// namespace; a reply from an endpoint outside the expected set, a failed connection, an
// implausible spread (chi-square) or broken ClientIP affinity fails the check.

import type { EndpointSlice, Node, Service } from '../../k8s/types.js';
import type { EndpointInfo } from '../endpoint-cache.js';
import { IptablesProxier } from '../iptables/proxier.js';
import { NftablesProxier } from '../nftables/proxier.js';
import type { ServicePortInfo } from '../service.js';
import { categorizeEndpoints } from '../topology.js';
import { Sandbox, checkPrerequisites } from './netns.js';
import { CLIENT_JS, LISTENER_JS } from './scripts.js';
import { chiSquareUniform, type ChiSquare } from './stats.js';

export type ProxyMode = 'iptables' | 'nftables';

export interface VerifyOptions {
  node: string;
  mode: ProxyMode;
  /** Connections per service address (default 200). */
  connections?: number;
  clusterCIDR?: string;
  /** p-value under which a spread is called implausible (default 1e-4). */
  minPValue?: number;
  log?: (line: string) => void;
  /** Test hook: rewrites the payload before it is applied (to prove the check catches bad rules). */
  mutatePayload?: (payload: string) => string;
}

export type Expectation = 'endpoints' | 'reject' | 'drop';

export interface TargetResult {
  service: string;
  kind: 'clusterIP' | 'nodePort';
  address: string;
  expect: Expectation;
  expected: string[];
  connections: number;
  counts: Record<string, number>;
  errors: Record<string, number>;
  wrongDestination: number;
  affinity: boolean;
  chiSquare?: ChiSquare;
  ok: boolean;
  reason?: string;
}

export interface VerifyReport {
  mode: ProxyMode;
  node: string;
  nodeIP: string;
  pods: number;
  endpoints: number;
  skippedPorts: string[];
  payloadBytes: number;
  applyMs: number;
  connectMs: number;
  targets: TargetResult[];
  ok: boolean;
}

/** Documentation range (RFC 5737), used only inside the sandbox when the Node has no InternalIP. */
const DEFAULT_NODE_IP = '192.0.2.10';

interface Target { id: string; ip: string; port: number; n: number; timeoutMs: number; affinity: boolean; meta: Omit<TargetResult, 'counts' | 'errors' | 'wrongDestination' | 'ok' | 'connections'> }

export function nodeIPOf(nodes: readonly Node[], name: string): string | undefined {
  const n = nodes.find((x) => x.metadata.name === name);
  return n?.status?.addresses?.find((a) => a.type === 'InternalIP' && !a.address.includes(':'))?.address;
}

/** What kube-proxy's rules promise for each TCP service address, from the node itself. */
export function planTargets(ports: readonly ServicePortInfo[], endpointsOf: (p: ServicePortInfo) => readonly EndpointInfo[], nodeIP: string, n: number): { targets: Target[]; skipped: string[] } {
  const targets: Target[] = [];
  const skipped: string[] = [];
  for (const p of ports) {
    if (p.protocol !== 'TCP') { skipped.push(`${p.nameString} (${p.protocol})`); continue; }
    const cat = categorizeEndpoints(endpointsOf(p), p);
    const internal = p.internalPolicyLocal ? cat.localEndpoints : cat.clusterEndpoints;
    const add = (kind: 'clusterIP' | 'nodePort', ip: string, port: number, eps: readonly EndpointInfo[]) => {
      const expect: Expectation = !cat.hasAnyEndpoints ? 'reject' : eps.length ? 'endpoints' : 'drop';
      const count = expect === 'endpoints' ? n : expect === 'reject' ? 3 : 2;
      targets.push({
        id: String(targets.length), ip, port, n: count, timeoutMs: expect === 'drop' ? 400 : 2000, affinity: p.sessionAffinityClientIP && expect === 'endpoints',
        meta: { service: p.nameString, kind, address: `${ip}:${port}`, expect, expected: eps.map((e) => e.str), affinity: p.sessionAffinityClientIP },
      });
    };
    add('clusterIP', p.clusterIP, p.port, internal);
    // From the node, external traffic is "local": ETP=Local short-circuits it to the cluster chain.
    if (p.nodePort) add('nodePort', nodeIP, p.nodePort, cat.clusterEndpoints);
  }
  return { targets, skipped };
}

export function judge(t: Target, res: { replies: Record<string, number>; errors: Record<string, number> }, minP: number): TargetResult {
  const expected = new Set(t.meta.expected);
  let wrong = 0;
  for (const [dst, c] of Object.entries(res.replies)) if (!expected.has(dst)) wrong += c;
  const errs = Object.entries(res.errors);
  const r: TargetResult = { ...t.meta, connections: t.n, counts: res.replies, errors: res.errors, wrongDestination: wrong, ok: true };
  const fail = (reason: string) => { r.ok = false; r.reason ??= reason; };
  if (wrong) fail(`${wrong} connection(s) reached a pod outside the service: ${Object.keys(res.replies).filter((d) => !expected.has(d)).join(', ')}`);
  if (t.meta.expect === 'reject') {
    if (errs.some(([code]) => code !== 'ECONNREFUSED') || !res.errors.ECONNREFUSED) fail(`expected every connection rejected, got ${JSON.stringify(res.errors)}`);
    return r;
  }
  if (t.meta.expect === 'drop') {
    if (res.errors.TIMEOUT !== t.n) fail(`expected every connection dropped (timeout), got ${JSON.stringify(res.errors)}`);
    return r;
  }
  if (errs.length) fail(`${errs.reduce((a, [, c]) => a + c, 0)} connection(s) failed: ${errs.map(([k, c]) => `${k} x${c}`).join(', ')}`);
  const counts = t.meta.expected.map((e) => res.replies[e] ?? 0);
  if (t.meta.affinity) {
    if (counts.filter((c) => c > 0).length > 1) fail(`ClientIP affinity broken: connections spread over ${counts.filter((c) => c > 0).length} endpoints`);
  } else if (counts.length > 1) {
    r.chiSquare = chiSquareUniform(counts);
    if (r.chiSquare.pValue < minP) fail(`implausible spread ${JSON.stringify(counts)} (chi-square ${r.chiSquare.statistic.toFixed(2)}, p=${r.chiSquare.pValue.toExponential(2)})`);
  }
  return r;
}

/** kube-proxy's iptables-mode hooks (iptablesJumpChains), written with --noflush after the rules. */
function iptablesJumps(localhostNodePorts: boolean): string {
  const f = [
    '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
    '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
    '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
    '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
    '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
    '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    ...(localhostNodePorts ? ['-A INPUT -j KUBE-FIREWALL', '-A OUTPUT -j KUBE-FIREWALL'] : []),
  ];
  const n = [
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
  ];
  return ['*filter', ...f, 'COMMIT', '*nat', ...n, 'COMMIT', ''].join('\n');
}

export async function verifyDataplane(services: readonly Service[], slices: readonly EndpointSlice[], nodes: readonly Node[], o: VerifyOptions): Promise<VerifyReport> {
  checkPrerequisites(o.mode);
  const log = o.log ?? (() => {});
  const n = o.connections ?? 200;
  const nodeIP = nodeIPOf(nodes, o.node) ?? DEFAULT_NODE_IP;
  const common = { nodeName: o.node, nodeIPs: [nodeIP], clusterCIDR: o.clusterCIDR };
  let payload: string;
  let ports: readonly ServicePortInfo[];
  let endpointsOf: (p: ServicePortInfo) => readonly EndpointInfo[];
  if (o.mode === 'iptables') {
    const p = new IptablesProxier(common);
    p.setState(services, slices);
    payload = p.sync().payload;
    ports = p.servicePorts();
    endpointsOf = (x) => p.endpointsOf(x.nsName, x.portName, x.protocol);
  } else {
    const p = new NftablesProxier(common);
    p.setState(services, slices);
    payload = p.sync().payload;
    ports = p.servicePorts();
    endpointsOf = (x) => p.endpointsOf(x.nsName, x.portName, x.protocol);
  }
  const { targets, skipped } = planTargets(ports, endpointsOf, nodeIP, n);
  if (o.mutatePayload) payload = o.mutatePayload(payload);

  // Pods to build: every endpoint the node can reach, grouped by IP.
  const pods = new Map<string, Set<number>>();
  for (const p of ports) {
    if (p.protocol !== 'TCP') continue;
    for (const ep of categorizeEndpoints(endpointsOf(p), p).allReachableEndpoints) {
      if (ep.ip.includes(':')) continue;
      let s = pods.get(ep.ip);
      if (!s) pods.set(ep.ip, (s = new Set()));
      s.add(ep.port);
    }
  }
  if (pods.has(nodeIP)) throw new Error(`endpoint IP ${nodeIP} equals the node IP; the check needs them distinct`);

  const sb = new Sandbox();
  try {
    const node = sb.addNamespace('node');
    // The node's "uplink" is a veth into an empty sink namespace: it carries the node IP and the
    // default route (service IPs must be routable before DNAT), and whatever is not DNATed dies there.
    const sink = sb.addNamespace('sink');
    sb.run('ip', ['-n', node, 'link', 'add', 'ksup0', 'type', 'veth', 'peer', 'name', 'sink0', 'netns', sink]);
    sb.run('ip', ['-n', node, 'addr', 'add', `${nodeIP}/32`, 'dev', 'ksup0']);
    sb.run('ip', ['-n', node, 'link', 'set', 'ksup0', 'up']);
    sb.run('ip', ['-n', sink, 'link', 'set', 'sink0', 'up']);
    sb.run('ip', ['-n', node, 'route', 'add', 'default', 'dev', 'ksup0']);
    let i = 0;
    const listeners: Promise<unknown>[] = [];
    for (const [ip, portSet] of pods) {
      const pod = sb.addNamespace(`p${i}`);
      const veth = `kv${i}`;
      sb.run('ip', ['-n', node, 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod]);
      sb.run('ip', ['-n', node, 'link', 'set', veth, 'up']);
      sb.run('ip', ['-n', node, 'route', 'add', `${ip}/32`, 'dev', veth]);
      sb.run('ip', ['-n', pod, 'addr', 'add', `${ip}/32`, 'dev', 'eth0']);
      sb.run('ip', ['-n', pod, 'link', 'set', 'eth0', 'up']);
      sb.run('ip', ['-n', pod, 'route', 'add', `${nodeIP}/32`, 'dev', 'eth0']);
      sb.run('ip', ['-n', pod, 'route', 'add', 'default', 'via', nodeIP, 'dev', 'eth0']);
      listeners.push(sb.startNode(pod, LISTENER_JS, { KS_LISTEN: JSON.stringify([...portSet].map((port) => ({ ip, port }))) }));
      i++;
    }
    await Promise.all(listeners);
    log(`dataplane: ${pods.size} pod namespace(s) listening; applying ${payload.length} bytes with ${o.mode === 'iptables' ? 'iptables-restore' : 'nft'}`);

    const tApply = performance.now();
    if (o.mode === 'iptables') {
      for (const c of ['ct_state_invalid_dropped_pkts', 'localhost_nps_accepted_pkts']) sb.exec(node, 'nfacct', ['add', c]);
      sb.exec(node, 'iptables-restore', ['--noflush'], payload);
      sb.exec(node, 'iptables-restore', ['--noflush'], iptablesJumps(true));
    } else {
      sb.exec(node, 'nft', ['-f', '-'], payload);
    }
    const applyMs = performance.now() - tApply;

    const tConn = performance.now();
    const budget = 5000 + targets.reduce((a, t) => a + t.n * t.timeoutMs, 0) / 16;
    const out = await sb.runNode(node, CLIENT_JS, {
      KS_TARGETS: JSON.stringify(targets.map(({ id, ip, port, n: cnt, timeoutMs, affinity }) => ({ id, ip, port, n: cnt, timeoutMs, affinity }))),
      KS_CONCURRENCY: '16',
    }, Math.min(120_000, budget));
    const connectMs = performance.now() - tConn;
    const raw = JSON.parse(out) as Record<string, { replies: Record<string, number>; errors: Record<string, number> }>;
    const results = targets.map((t) => judge(t, raw[t.id]!, o.minPValue ?? 1e-4));
    return {
      mode: o.mode, node: o.node, nodeIP, pods: pods.size, endpoints: [...pods.values()].reduce((a, s) => a + s.size, 0),
      skippedPorts: skipped, payloadBytes: payload.length, applyMs, connectMs, targets: results, ok: results.every((r) => r.ok),
    };
  } finally {
    sb.close();
  }
}
