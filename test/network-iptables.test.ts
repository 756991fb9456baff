import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IptablesProxier } from '../src/network/iptables/proxier.js';
import { hash16, hash8 } from '../src/network/hash.js';
import type { Service } from '../src/k8s/types.js';
import { clusterIPService, ipRange, loadList, readData, sliceFor } from './network-fixtures.js';

const refProxier = () => new IptablesProxier({ nodeName: 'test-node', clusterCIDR: '10.0.0.0/8' });

test('chain-name hashes match the spec check values', () => {
  assert.equal(hash16('ns1/svc1:p80tcp'), 'XPGD46QRK7WJZT7O');
  assert.equal(hash8('ns1/svc1/tcp/p80'), 'ULMVA6XW');
  assert.equal(hash16('ns1/svc1:p80tcp10.0.1.1:80'), 'SNQ3ZNILQDEJNDQO');
});

test('networking.md reference: full sync, partial after svc3, deletion with -X, service without endpoints', () => {
  const p = refProxier();
  const kinds: string[] = [];
  const counts: Array<[number, number, number]> = [];
  for (let i = 1; i <= 4; i++) {
    const { services, slices } = loadList(`ref-${i}.json`);
    p.setState(services, slices);
    const r = p.sync();
    kinds.push(r.kind);
    counts.push([r.rules.nat, r.rulesWritten.nat, r.rules.filter]);
    assert.equal(r.payload, readData(`ref-${i}.expected`), `sync ${i} payload`);
  }
  assert.deepEqual(kinds, ['full', 'partial', 'partial', 'partial']);
  // nat = 5 + S(2+3M); partial writes the 5 fixed rules, every KUBE-SERVICES rule and the changed chains.
  assert.deepEqual(counts, [[15, 15, 4], [20, 12, 4], [15, 7, 4], [15, 7, 5]]);
});

test('partial sync after svc3 declares only the fixed chains and svc3 chains', () => {
  const payload = readData('ref-2.expected');
  const natChains = payload.split('*nat\n')[1]!.split('\n').filter((l) => l.startsWith(':')).map((l) => l.slice(1, -8));
  assert.deepEqual(natChains, ['KUBE-NODEPORTS', 'KUBE-SERVICES', 'KUBE-MARK-MASQ', 'KUBE-POSTROUTING', 'KUBE-SEP-BSWRHOQ77KEXZLNL', 'KUBE-SVC-X27LE4BHSL4DOUIK']);
  const del = readData('ref-3.expected');
  assert.match(del, /-X KUBE-SEP-UHEGFW77JX3KXTOV\n-X KUBE-SVC-2VJB64SDSIJUP5T6\nCOMMIT\n$/);
  assert.match(readData('ref-4.expected'), /-A KUBE-SERVICES -m comment --comment "ns4\/svc4:p80 has no endpoints" -m tcp -p tcp -d 172\.30\.0\.44 --dport 80 -j REJECT\n/);
});

test('upstream TestOverallIPTablesRules reproduced line for line (LB Local/Cluster, NodePort, externalIPs, affinity, source ranges)', () => {
  const { services, slices } = loadList('overall.json');
  const p = new IptablesProxier({ nodeName: 'test-node', clusterCIDR: '10.0.0.0/8', nodeIPs: ['192.168.0.2'] });
  p.setState(services, slices);
  const r = p.sync();
  assert.equal(r.payload, readData('overall.expected'));
  const natRuleLines = r.payload.split('*nat\n')[1]!.split('\n').filter((l) => l.startsWith('-A')).length;
  assert.equal(r.rules.nat, natRuleLines);
  assert.equal(r.rules.filter, 10);
  assert.deepEqual(r.noLocalEndpoints, { internal: 0, external: 1 });
});

function generated(nServices: number, nEps: number, lb: boolean): { services: Service[]; slices: ReturnType<typeof sliceFor>[] } {
  // upstream number_generated_rules_test.go generateServiceEndpoints
  const ips = ipRange('10.0.0.1', nServices);
  const services: Service[] = [];
  const slices = [];
  for (let i = 0; i < nServices; i++) {
    const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc${i}`, namespace: 'namespace' },
      spec: { type: lb ? 'LoadBalancer' : 'ClusterIP', clusterIP: ips[i], ports: [{ name: '8080', protocol: 'TCP', port: 80 + i, targetPort: 8080, ...(lb ? { nodePort: 30000 + i } : {}) }] } };
    if (lb) {
      svc.spec!.externalIPs = ['1.2.3.4'];
      svc.spec!.loadBalancerSourceRanges = [' 1.2.3.4/28'];
      svc.spec!.healthCheckNodePort = 32000 + nServices + i;
      svc.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } };
    }
    services.push(svc);
    if (nEps > 0) slices.push(sliceFor(svc, ipRange('172.16.0.1', nEps), { port: 8080, portName: '8080' }));
  }
  return { services, slices };
}

test('upstream TestNumberIptablesRules: ClusterIP rows (nat = 5 + S(2+3M))', () => {
  const rows: Array<[number, number, number, number]> = [
    [0, 0, 3, 5], [1, 0, 4, 5], [1, 1, 3, 10], [1, 2, 3, 13], [1, 10, 3, 37],
    [10, 0, 13, 5], [10, 1, 3, 55], [10, 2, 3, 85], [10, 10, 3, 325],
  ];
  for (const [s, m, filter, nat] of rows) {
    const p = new IptablesProxier({ nodeName: 'test-node', clusterCIDR: '10.0.0.0/8', localhostNodePorts: false, nfacct: false });
    const g = generated(s, m, false);
    p.setState(g.services, g.slices);
    const r = p.sync();
    assert.deepEqual([r.rules.filter, r.rules.nat], [filter, nat], `${s} services x ${m} endpoints`);
    if (m > 0) assert.equal(nat, 5 + s * (2 + 3 * m));
  }
});

test('upstream TestNumberIptablesRules: LoadBalancer rows', () => {
  // Upstream's table (commit 9935d02) predates the no-op "other traffic to X will be dropped by
  // KUBE-PROXY-FIREWALL" rule that ends every KUBE-FW chain today (see TestOverallIPTablesRules),
  // so each service with endpoints has one nat rule more than that table: 16+1, 19+1, ...
  const rows: Array<[number, number, number, number]> = [
    [0, 0, 3, 5], [1, 0, 7, 5], [1, 1, 4, 16 + 1], [1, 2, 4, 19 + 1], [1, 10, 4, 43 + 1],
    [10, 0, 43, 5], [10, 1, 13, 115 + 10], [10, 2, 13, 145 + 10], [10, 10, 13, 385 + 10],
  ];
  for (const [s, m, filter, nat] of rows) {
    const p = new IptablesProxier({ nodeName: 'test-node', clusterCIDR: '10.0.0.0/8', localhostNodePorts: false, nfacct: false, nodeIPs: ['192.168.0.2'] });
    const g = generated(s, m, true);
    p.setState(g.services, g.slices);
    const r = p.sync();
    assert.deepEqual([r.rules.filter, r.rules.nat], [filter, nat], `${s} LB services x ${m} endpoints`);
  }
});

test('large-cluster mode above 1000 endpoints drops SEP and SVC->SEP comments', () => {
  const at = (n: number) => {
    const svc = clusterIPService('ns', 'big', '172.30.0.10', 80);
    const p = refProxier();
    p.setState([svc], [sliceFor(svc, ipRange('10.1.0.1', n))]);
    return p.sync();
  };
  const small = at(1000);
  assert.equal(small.largeClusterMode, false);
  assert.match(small.payload, /-A KUBE-SEP-\w+ -m comment --comment ns\/big:p80 -s /);
  const big = at(1001);
  assert.equal(big.largeClusterMode, true);
  assert.doesNotMatch(big.payload, /-A KUBE-SEP-\w+ -m comment/);
  assert.doesNotMatch(big.payload, /-> 10\.1\./);
  assert.match(big.payload, /-A KUBE-SEP-\w+ -s 10\.1\.0\.1 -j KUBE-MARK-MASQ\n/);
  // The cluster-IP rules keep their comments.
  assert.match(big.payload, /-A KUBE-SVC-\w+ -m comment --comment "ns\/big:p80 cluster IP"/);
  assert.equal(big.rules.nat, 5 + 2 + 3 * 1001);
  // probabilities: endpoint i of n has 1/(n-i) with 10 decimals
  assert.match(big.payload, /--probability 0\.0009990010 -j/);
  assert.match(big.payload, /--probability 0\.5000000000 -j/);
});

test('one endpoint moved: partial sync rewrites only that service', () => {
  const svcs = Array.from({ length: 20 }, (_, i) => clusterIPService('ns', `s${i}`, `172.30.1.${i + 1}`, 80));
  const slices = svcs.map((s, i) => sliceFor(s, ipRange(`10.2.${i}.1`, 3)));
  const p = refProxier();
  p.setState(svcs, slices);
  const full = p.sync();
  const moved = structuredClone(slices);
  moved[7]!.endpoints![1]!.addresses = ['10.9.9.9'];
  p.setState(svcs, moved);
  const part = p.sync();
  assert.equal(part.kind, 'partial');
  assert.equal(part.servicesUpdated, 1);
  assert.equal(part.chainsDeleted, 1);
  const declared = part.payload.split('*nat\n')[1]!.split('\n').filter((l) => l.startsWith(':KUBE-S'));
  // KUBE-SERVICES + 3 SEP (one new, one deleted, plus the two kept are rewritten) + SVC
  assert.equal(declared.filter((l) => l.startsWith(':KUBE-SEP-')).length, 4);
  assert.equal(declared.filter((l) => l.startsWith(':KUBE-SVC-')).length, 1);
  assert.equal(part.rules.nat, full.rules.nat);
  assert.ok(part.bytes < full.bytes);
  // Nothing changed: the next sync writes no service chains at all.
  p.setState(svcs, moved);
  const idle = p.sync();
  assert.equal(idle.servicesUpdated, 0);
  assert.equal(idle.rulesWritten.nat, 5 + 20);
});

test('endpoint selection: ready first, then serving+terminating; Local policies DROP without local endpoints', () => {
  const svc = clusterIPService('ns', 'a', '172.30.0.50', 80);
  const p = refProxier();
  const ready = sliceFor(svc, ['10.3.0.1'], { name: 'a-1' });
  const term = sliceFor(svc, ['10.3.0.2'], { name: 'a-2', ready: false, serving: true, terminating: true });
  p.setState([svc], [ready, term]);
  let r = p.sync();
  assert.match(r.payload, /DNAT --to-destination 10\.3\.0\.1:80/);
  assert.doesNotMatch(r.payload, /10\.3\.0\.2:80/);
  p.setState([svc], [term]);
  r = p.sync();
  assert.match(r.payload, /DNAT --to-destination 10\.3\.0\.2:80/);
  const local = clusterIPService('ns', 'l', '172.30.0.51', 80, { internalTrafficPolicy: 'Local' });
  p.setState([local], [sliceFor(local, ['10.3.0.3'], { nodeName: () => 'other-node' })]);
  r = p.sync();
  assert.match(r.payload, /-A KUBE-SERVICES -m comment --comment "ns\/l:p80 has no local endpoints" -m tcp -p tcp -d 172\.30\.0\.51 --dport 80 -j DROP\n/);
  assert.deepEqual(r.noLocalEndpoints, { internal: 1, external: 0 });
  p.setState([local], [sliceFor(local, ['10.3.0.3', '10.3.0.4'], { nodeName: (i) => (i === 1 ? 'test-node' : 'other-node') })]);
  r = p.sync();
  assert.match(r.payload, /-A KUBE-SERVICES -m comment --comment "ns\/l:p80 cluster IP" -m tcp -p tcp -d 172\.30\.0\.51 --dport 80 -j KUBE-SVL-/);
  assert.match(r.payload, /DNAT --to-destination 10\.3\.0\.4:80/);
  assert.doesNotMatch(r.payload, /DNAT --to-destination 10\.3\.0\.3:80/);
});

test('UDP and SCTP ports use their protocol match; headless and ExternalName services write nothing', () => {
  const udp = clusterIPService('ns', 'dns', '172.30.0.10', 53);
  udp.spec!.ports![0]!.protocol = 'UDP';
  const sctp = clusterIPService('ns', 'sc', '172.30.0.11', 9000);
  sctp.spec!.ports![0]!.protocol = 'SCTP';
  const headless = clusterIPService('ns', 'h', 'None', 80);
  const ext: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'e', namespace: 'ns' }, spec: { type: 'ExternalName', externalName: 'example.com', ports: [{ port: 80 }] } };
  const p = refProxier();
  p.setState([udp, sctp, headless, ext], [sliceFor(udp, ['10.4.0.1']), sliceFor(sctp, ['10.4.0.2']), sliceFor(headless, ['10.4.0.3'])]);
  const r = p.sync();
  assert.match(r.payload, /-m udp -p udp -d 172\.30\.0\.10 --dport 53 -j KUBE-SVC-/);
  assert.match(r.payload, /-m sctp -p sctp -j DNAT --to-destination 10\.4\.0\.2:9000/);
  assert.doesNotMatch(r.payload, /ns\/h:|ns\/e:/);
  assert.equal(r.rules.nat, 5 + 2 * (2 + 3));
});

test('masquerade bit and --no-localhost-nodeports change the fixed rules', () => {
  const p = new IptablesProxier({ nodeName: 'n', clusterCIDR: '10.0.0.0/8', masqueradeBit: 12, localhostNodePorts: false });
  const r = p.sync();
  assert.match(r.payload, /-A KUBE-MARK-MASQ -j MARK --or-mark 0x1000\n/);
  assert.match(r.payload, /-m addrtype --dst-type LOCAL ! -d 127\.0\.0\.0\/8 -j KUBE-NODEPORTS\n/);
  assert.doesNotMatch(r.payload, /KUBE-FIREWALL/);
});

test('JS SHA-256 chain hashes equal node:crypto base32 for one- and multi-block, ASCII and UTF-8 texts', async () => {
  const { createHash } = await import('node:crypto');
  const { hash16Of } = await import('../src/network/hash.js');
  const ref = (t: string) => {
    const d = createHash('sha256').update(t).digest();
    let bits = '';
    for (const b of d.subarray(0, 10)) bits += b.toString(2).padStart(8, '0');
    let out = '';
    for (let i = 0; i < 80; i += 5) out += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[parseInt(bits.slice(i, i + 5), 2)];
    return out;
  };
  for (let len = 0; len < 200; len += 7) {
    const ascii = Array.from({ length: len }, (_, i) => String.fromCharCode(33 + ((i * 17) % 90))).join('');
    const utf8 = ascii + 'é/ß' + '\u{1F600}'.repeat(len % 3);
    for (const t of [ascii, utf8]) {
      assert.equal(hash16(t), ref(t), `len ${t.length}`);
      assert.equal(hash16Of(t.slice(0, len >> 1), t.slice(len >> 1, len), t.slice(len)), ref(t));
    }
  }
  // 55/56 bytes: the padding boundary where a second block starts.
  for (const t of ['x'.repeat(55), 'x'.repeat(56), 'x'.repeat(63), 'x'.repeat(64)]) assert.equal(hash16(t), ref(t));
});

test('partial syncs after services are added in random order keep KUBE-SERVICES equal to a full sync', () => {
  const svcs = Array.from({ length: 300 }, (_, i) => clusterIPService(`ns${i % 7}`, `s${(i * 37) % 300}`, `172.30.${i >> 8}.${i & 255}`, 80));
  const slices = svcs.map((s, i) => sliceFor(s, ipRange(`10.5.${i}.1`, 1 + (i % 3))));
  const p = refProxier();
  p.setState(svcs.slice(0, 10), slices.slice(0, 10));
  p.sync();
  for (let n = 10; n < 300; n += 29) {
    p.setState(svcs.slice(0, n), slices.slice(0, n));
    p.sync();
  }
  p.setState(svcs.slice(50), slices.slice(50));
  const part = p.sync();
  assert.equal(part.kind, 'partial');
  const full = refProxier();
  full.setState(svcs.slice(50), slices.slice(50));
  const f = full.sync();
  const svcRules = (payload: string) => payload.split('\n').filter((l) => l.startsWith('-A KUBE-SERVICES'));
  assert.equal(svcRules(part.payload).length, 251);
  assert.deepEqual(svcRules(part.payload), svcRules(f.payload));
  assert.equal(part.rules.nat, f.rules.nat);
  // one KUBE-SVC per removed service plus one KUBE-SEP per endpoint (1 + i % 3 each): 50 + 99
  assert.equal(part.chainsDeleted, 50 + slices.slice(0, 50).reduce((a, s) => a + s.endpoints!.length, 0));
});
