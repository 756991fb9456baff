// kube-proxy nftables mode: upstream's TestOverallNFTablesRules as data, chain-name hashes,
// partial syncs (small transactions that converge to the full-sync state), stale chains flushed
// then deleted a sync later, and the real `nft` accepting and loading the transactions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EndpointSlice, KubeObject, Service } from '../src/k8s/types.js';
import { NftablesProxier } from '../src/network/nftables/proxier.js';
import { NftModel } from '../src/network/nftables/model.js';
import { endpointChainNameBase, servicePortChainNameBase } from '../src/network/nftables/names.js';
import { clusterIPService, ipRange, sliceFor } from './network-fixtures.js';

const DATA = fileURLToPath(new URL('../../test/data/network2/', import.meta.url));

function overall(): { services: Service[]; slices: EndpointSlice[] } {
  const items = (JSON.parse(readFileSync(DATA + 'nft-overall.json', 'utf8')) as { items: KubeObject[] }).items;
  return { services: items.filter((o) => o.kind === 'Service') as Service[], slices: items.filter((o) => o.kind === 'EndpointSlice') as EndpointSlice[] };
}

const upstreamProxier = () => new NftablesProxier({ nodeName: 'test-node', nodeIPs: ['192.168.0.2'], clusterCIDR: '10.0.0.0/8', serviceCIDRs: ['172.30.0.0/16'] });

/** Dump without empty service chains (stale chains waiting for deletion). */
function liveDump(m: NftModel): string[] {
  const empty = new Set([...m.chains].filter(([n, c]) => n.includes('/') && c.rules.length === 0).map(([n]) => n));
  return m.dump().filter((l) => !(l.startsWith('add chain ') && empty.has(l.split(' ')[4]!)));
}

function fullDump(services: Service[], slices: EndpointSlice[]): string[] {
  const p = upstreamProxier();
  p.setState(services, slices);
  const m = new NftModel();
  m.apply(p.sync().payload);
  return m.dump();
}

test('chain-name hashes match upstream (ULMVA6XW, 5OJB2KTY)', () => {
  assert.equal(servicePortChainNameBase('ns1', 'svc1', 'tcp', 'p80'), 'ULMVA6XW-ns1/svc1/tcp/p80');
  assert.equal(endpointChainNameBase('ns1', 'svc1', 'tcp', 'p80', '10.180.0.1', 80), '5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80');
  assert.equal(endpointChainNameBase('ns4', 'svc4', 'tcp', 'p80', '10.180.0.5', 80), '5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80');
});

test('TestOverallNFTablesRules: the full sync produces upstream\'s expected ruleset', () => {
  const { services, slices } = overall();
  const p = upstreamProxier();
  p.setState(services, slices);
  const r = p.sync();
  assert.equal(r.kind, 'full');
  const m = new NftModel();
  m.apply(r.payload);
  const expected = readFileSync(DATA + 'nft-overall.expected', 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  const got = m.dump();
  assert.deepEqual([...got].sort(), [...expected].sort());
  // Rule order inside each chain matters (numgen after affinity checks, masquerade before DNAT).
  const rulesOf = (lines: string[], chain: string) => lines.filter((l) => l.startsWith(`add rule ip kube-proxy ${chain} `));
  for (const chain of m.chains.keys()) assert.deepEqual(rulesOf(got, chain), rulesOf(expected, chain), chain);
  assert.equal(r.rules, expected.filter((l) => l.startsWith('add rule ')).length);
});

test('one endpoint change is a small transaction that converges to the full-sync state', () => {
  const svcs = Array.from({ length: 50 }, (_, i) => clusterIPService('ns', `s${i}`, `172.30.1.${i + 1}`, 80));
  const slices = svcs.map((s, i) => sliceFor(s, ipRange(`10.1.${i}.1`, 3)));
  const p = upstreamProxier();
  p.setState(svcs, slices);
  const m = new NftModel();
  const first = p.sync();
  m.apply(first.payload);

  const slices2 = [...slices];
  slices2[7] = sliceFor(svcs[7]!, ['10.1.7.1', '10.1.7.2', '10.1.7.9']); // 10.1.7.3 replaced by 10.1.7.9
  p.setState(svcs, slices2);
  const r = p.sync();
  assert.equal(r.kind, 'partial');
  assert.equal(r.servicesUpdated, 1);
  const lines = r.payload.trim().split('\n');
  assert.ok(!lines.some((l) => l.startsWith('add table') || l.includes('s8/') || l.includes('s6/')), 'only ns/s7 is written');
  const base = servicePortChainNameBase('ns', 's7', 'tcp', 'p80');
  const gone = 'endpoint-' + endpointChainNameBase('ns', 's7', 'tcp', 'p80', '10.1.7.3', 80);
  const added = 'endpoint-' + endpointChainNameBase('ns', 's7', 'tcp', 'p80', '10.1.7.9', 80);
  assert.ok(lines.includes(`add chain ip kube-proxy ${added}`));
  assert.ok(lines.includes(`flush chain ip kube-proxy service-${base}`));
  assert.ok(lines.includes(`flush chain ip kube-proxy ${gone}`), 'the stale endpoint chain is flushed now');
  assert.ok(!lines.some((l) => l.startsWith('delete chain')), '...but not deleted yet');
  assert.ok(!lines.some((l) => l.includes('element')), 'the service-ips element still points at the same chain');
  assert.equal(r.chainsFlushed, 1);
  assert.ok(r.payload.length < first.payload.length / 20);
  m.apply(r.payload);
  assert.deepEqual(liveDump(m), fullDump(svcs, slices2));

  const next = p.sync();
  assert.equal(next.cleanup, `delete chain ip kube-proxy ${gone}\n`);
  assert.equal(next.payload, '', 'nothing changed');
  m.apply(next.cleanup);
  assert.ok(!m.chains.has(gone));
});

test('service deletion removes its elements at once and its chains a sync later; affinity sets go at once', () => {
  const { services, slices } = overall();
  const p = upstreamProxier();
  p.setState(services, slices);
  const m = new NftModel();
  m.apply(p.sync().payload);
  // Drop ns1/svc1, and turn session affinity off on ns5/svc5.
  const svc5 = structuredClone(services.find((s) => s.metadata.name === 'svc5')!);
  delete svc5.spec!.sessionAffinity;
  delete svc5.spec!.sessionAffinityConfig;
  const services2 = services.filter((s) => s.metadata.name !== 'svc1' && s.metadata.name !== 'svc5').concat(svc5);
  const slices2 = slices.filter((s) => s.metadata.namespace !== 'ns1');
  p.setState(services2, slices2);
  const r = p.sync();
  const lines = r.payload.trim().split('\n');
  assert.ok(lines.includes('delete element ip kube-proxy cluster-ips { 172.30.0.41 }'));
  assert.ok(lines.includes('delete element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 }'));
  assert.ok(lines.includes('flush chain ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80'));
  assert.ok(lines.includes('delete set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80'));
  assert.equal(r.elementsDeleted, 2);
  m.apply(r.payload);
  assert.deepEqual(liveDump(m), fullDump(services2, slices2));
  const later = p.sync();
  assert.deepEqual(later.cleanup.trim().split('\n').sort(), [
    'delete chain ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80',
    'delete chain ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80',
  ]);
  m.apply(later.cleanup);
  assert.deepEqual(m.dump(), fullDump(services2, slices2));
});

test('random churn: every partial sync lands on the full-sync state', () => {
  let seed = 7;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const svcs = Array.from({ length: 12 }, (_, i) => clusterIPService('ns', `r${i}`, `172.30.2.${i + 1}`, 80,
    i % 3 === 0 ? { type: 'NodePort', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30000 + i }] } : i % 3 === 1 ? { sessionAffinity: 'ClientIP' } : {}));
  let slices = svcs.map((s, i) => sliceFor(s, ipRange(`10.2.${i}.1`, 1 + (i % 4)), { nodeName: (j) => (j % 2 ? 'test-node' : 'other') }));
  const p = upstreamProxier();
  p.setState(svcs, slices);
  const m = new NftModel();
  m.apply(p.sync().payload);
  for (let step = 0; step < 40; step++) {
    const i = rnd(svcs.length);
    const n = rnd(5); // 0 endpoints: the service falls back to reject-chain
    slices = slices.map((s, k) => (k === i ? sliceFor(svcs[k]!, ipRange(`10.2.${k}.${1 + rnd(3)}`, n), { nodeName: (j) => (j % 2 ? 'test-node' : 'other') }) : s));
    p.setState(svcs, slices);
    const r = p.sync();
    m.apply(r.cleanup);
    m.apply(r.payload);
    assert.deepEqual(liveDump(m), fullDump(svcs, slices), `step ${step}`);
  }
});

const haveNft = spawnSync('nft', ['--version']).status === 0 && process.getuid?.() === 0;

test('real nft: `nft -c -f` accepts the full sync; a namespace loads it, then a partial transaction', { skip: !haveNft && 'needs root and nft' }, () => {
  const ns = `ks-t${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const nft = (input: string, check = false) => execFileSync('ip', ['netns', 'exec', ns, 'nft', ...(check ? ['-c'] : []), '-f', '-'], { input, stdio: ['pipe', 'pipe', 'pipe'] });
    const { services, slices } = overall();
    const p = upstreamProxier();
    p.setState(services, slices);
    const full = p.sync();
    nft(full.payload, true);
    nft(full.payload);
    const listed = execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'chains', 'ip']).toString();
    assert.match(listed, /chain endpoint-5OJB2KTY-ns1\/svc1\/tcp\/p80__10\.180\.0\.1\/80/);
    // svc4 loses an endpoint, svc1 is deleted: a small transaction, then the cleanup.
    const slices2 = slices.filter((s) => s.metadata.namespace !== 'ns1').map((s) => (s.metadata.namespace === 'ns4' ? { ...s, endpoints: s.endpoints!.slice(0, 1) } : s));
    p.setState(services.filter((s) => s.metadata.namespace !== 'ns1'), slices2);
    const part = p.sync();
    assert.ok(part.payload.length < full.payload.length / 2);
    nft(part.payload);
    const later = p.sync();
    assert.ok(later.cleanup.includes('delete chain ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80'));
    nft(later.cleanup);
    const after = execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'chains', 'ip']).toString();
    assert.doesNotMatch(after, /ns1\/svc1/);
    assert.doesNotMatch(after, /10\.180\.0\.5/);
    // A second full sync (e.g. after a failed one) on top of the loaded state also applies.
    p.forceFullSync();
    nft(p.sync().payload);
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});

test('proxy-rules --mode nftables: full transaction, then a partial one after "# sync 2 (partial)"', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const BIN = fileURLToPath(new URL('../../bin/kubescale.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'ks-nft-'));
  const { services, slices } = overall();
  const a = join(dir, 'a.json'), b = join(dir, 'b.json');
  writeFileSync(a, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...services, ...slices] }));
  writeFileSync(b, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...services.filter((s) => s.metadata.name !== 'svc6'), ...slices] }));
  const r = spawnSync(process.execPath, [BIN, 'proxy-rules', a, '--node', 'test-node', '--mode', 'nftables', '--cluster-cidr', '10.0.0.0/8', '--node-ip', '192.168.0.2', '--then', b], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [first, second] = r.stdout.split('# sync 2 (partial)\n') as [string, string];
  assert.ok(first.startsWith('add table ip kube-proxy { comment "rules for kube-proxy" ; }\n'));
  assert.equal(second, 'delete element ip kube-proxy cluster-ips { 172.30.0.46 }\ndelete element ip kube-proxy no-endpoint-services { 172.30.0.46 . tcp . 80 }\n');
  const j = spawnSync(process.execPath, [BIN, 'proxy-rules', a, '--node', 'test-node', '--mode', 'nftables', '-o', 'json'], { encoding: 'utf8' });
  const out = JSON.parse(j.stdout) as { syncs: { kind: string; payload: string; rules: Record<string, number> }[] };
  assert.equal(out.syncs[0]!.kind, 'full');
  assert.ok(out.syncs[0]!.payload.includes('add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips'));
});

test('IPv6: an ip6 table with bracketed DNAT targets and dotted endpoint chain names, accepted by nft -c', { skip: !haveNft && 'needs root and nft' }, () => {
  const p = new NftablesProxier({ nodeName: 'n', nodeIPs: ['2001:db8::1'], clusterCIDR: 'fd00:10::/64', family: 'IPv6', serviceCIDRs: ['fd00:10:96::/112'] });
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns' },
    spec: { type: 'NodePort', clusterIP: 'fd00:10:96::1', clusterIPs: ['fd00:10:96::1'], sessionAffinity: 'ClientIP', ports: [{ name: 'p', port: 80, protocol: 'TCP', nodePort: 30001 }] } } as Service;
  const slice = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv6', metadata: { name: 's-1', namespace: 'ns', labels: { 'kubernetes.io/service-name': 's' } },
    endpoints: [{ addresses: ['fd00:10::5'] }], ports: [{ name: 'p', port: 8080, protocol: 'TCP' }] } as EndpointSlice;
  p.setState([svc], [slice]);
  const payload = p.sync().payload;
  const ep = 'endpoint-' + endpointChainNameBase('ns', 's', 'tcp', 'p', 'fd00:10::5', 8080);
  assert.ok(ep.endsWith('ns/s/tcp/p__fd00.10..5/8080'));
  assert.ok(payload.includes(`add rule ip6 kube-proxy ${ep} meta l4proto tcp dnat to [fd00:10::5]:8080\n`));
  assert.ok(payload.includes('add rule ip6 kube-proxy nodeport-endpoints-check ip6 daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports\n'));
  const ns = `ks-t6${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    execFileSync('ip', ['netns', 'exec', ns, 'nft', '-c', '-f', '-'], { input: payload, stdio: ['pipe', 'pipe', 'pipe'] });
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
});
