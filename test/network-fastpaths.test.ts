// The speed-ups of the service networking kernels must not change a byte: the char-level IPv4
// check against node:net, the packed EndpointInfo against the slice's conditions, the payload as
// bytes against the payload as text, and the single-call rule writers against the piecewise ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv4 as nodeIsIPv4 } from 'node:net';
import { EndpointSliceCache } from '../src/network/endpoint-cache.js';
import { isIPv4 } from '../src/network/ip.js';
import { IptablesProxier } from '../src/network/iptables/proxier.js';
import { PayloadWriter } from '../src/network/iptables/restore.js';
import { endpointChainName, planChains, planPort, renderChain } from '../src/network/iptables/rules.js';
import { hash16 } from '../src/network/hash.js';
import { servicePortInfos } from '../src/network/service.js';
import type { EndpointSlice } from '../src/k8s/types.js';
import { clusterIPService, ipRange, sliceFor } from './network-fixtures.js';

test('isIPv4 accepts exactly what node:net isIPv4 accepts', () => {
  const fixed = ['1.2.3.4', '0.0.0.0', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3.00', '1.2.3', '1.2.3.4.',
    '.1.2.3.4', '1..2.3', '1.2.3.4.5', 'a.b.c.d', '1.2.3.-4', '1.2.3.4 ', ' 1.2.3.4', '::1', '::ffff:1.2.3.4', '',
    '199.0.0.1000', '249.250.251.252', '10.0.0.010', '1.2.3.4/8', '1.2.3.٣'];
  for (const s of fixed) assert.equal(isIPv4(s), nodeIsIPv4(s), JSON.stringify(s));
  // Seeded strings over digits and dots, and dotted numbers up to 300 (some with leading zeros).
  let x = 12345;
  const rnd = (n: number) => ((x = (x * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let k = 0; k < 20000; k++) {
    let s = '';
    if (k % 2) {
      const len = 1 + rnd(16);
      for (let j = 0; j < len; j++) s += '0123456789.'[rnd(11)];
    } else {
      s = [0, 1, 2, 3].map(() => (rnd(5) === 0 ? '0' : '') + String(rnd(300))).join('.');
    }
    assert.equal(isIPv4(s), nodeIsIPv4(s), JSON.stringify(s));
  }
});

test('cached EndpointInfo: conditions default as upstream, node name and zone from the slice', () => {
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { name: 's-1', namespace: 'ns', labels: { 'kubernetes.io/service-name': 's' } },
    ports: [{ name: 'p80', port: 8080, protocol: 'TCP' }],
    endpoints: [
      { addresses: ['10.0.0.1'], nodeName: 'me', zone: 'z1' },
      { addresses: ['10.0.0.2'], conditions: { ready: false, serving: true, terminating: true }, nodeName: 'other' },
      { addresses: ['10.0.0.3'], conditions: { ready: null as unknown as boolean, serving: false } },
    ],
  };
  const cache = new EndpointSliceCache('me');
  assert.equal(cache.update(slice), 'ns/s');
  const eps = cache.endpoints('ns/s').get('p80/TCP')!;
  const view = eps.map((e) => ({ ip: e.ip, port: e.port, str: e.str, isLocal: e.isLocal, ready: e.ready, serving: e.serving, terminating: e.terminating, nodeName: e.nodeName, zone: e.zone }));
  assert.deepEqual(view, [
    { ip: '10.0.0.1', port: 8080, str: '10.0.0.1:8080', isLocal: true, ready: true, serving: true, terminating: false, nodeName: 'me', zone: 'z1' },
    { ip: '10.0.0.2', port: 8080, str: '10.0.0.2:8080', isLocal: false, ready: false, serving: true, terminating: true, nodeName: 'other', zone: '' },
    { ip: '10.0.0.3', port: 8080, str: '10.0.0.3:8080', isLocal: false, ready: true, serving: false, terminating: false, nodeName: '', zone: '' },
  ]);
});

test("sync({ payload: 'buffer' }) gives the bytes of the text payload, full and partial", () => {
  const services = [1, 2, 3].map((i) => clusterIPService('ns', `s${i}`, `172.30.0.${i}`, 80, i === 2 ? { sessionAffinity: 'ClientIP' } : {}));
  // A non-ASCII port name takes the piecewise writers; the others the single-call ones.
  services[2]!.spec!.ports![0]!.name = 'wéb';
  const slices = services.map((s, i) => sliceFor(s, ipRange(`10.1.${i}.1`, 3 + i), { nodeName: (j) => (j === 0 ? 'n1' : 'n2') }));
  const a = new IptablesProxier({ nodeName: 'n1', clusterCIDR: '10.0.0.0/8' });
  const b = new IptablesProxier({ nodeName: 'n1', clusterCIDR: '10.0.0.0/8' });
  for (const p of [a, b]) {
    for (const s of services) p.onServiceUpdate(s);
    for (const s of slices) p.onEndpointSliceUpdate(s);
  }
  const check = (label: string) => {
    const text = a.sync({ nowMs: clock });
    const bytes = b.sync({ nowMs: clock, payload: 'buffer' });
    assert.equal(bytes.payload, '');
    assert.ok(bytes.payloadBuffer, label);
    assert.equal(bytes.payloadBuffer.toString('utf8'), text.payload, label);
    assert.equal(bytes.bytes, Buffer.byteLength(text.payload), label);
    assert.equal(text.payloadBuffer, undefined);
    assert.deepEqual({ ...bytes, payload: 'x', payloadBuffer: undefined, computeMs: 0 }, { ...text, payload: 'x', payloadBuffer: undefined, computeMs: 0 });
    return text.payload;
  };
  let clock = 1000;
  const full = check('full');
  assert.match(full, /-A KUBE-SEP-\w+ -m comment --comment ns\/s3:wéb -m tcp -p tcp -j DNAT --to-destination 10\.1\.2\.1:80\n/);
  assert.match(full, /-A KUBE-SVC-\w+ -m comment --comment "ns\/s2:p80 -> 10\.1\.1\.1:80" -m recent --name KUBE-SEP-\w+ --rcheck --seconds 10800 --reap -j KUBE-SEP-\w+\n/);
  const moved = sliceFor(services[0]!, ['10.9.9.9', '10.1.0.2']);
  a.onEndpointSliceUpdate(moved);
  b.onEndpointSliceUpdate(moved);
  clock += 60_000;
  assert.match(check('partial'), /-X KUBE-SEP-\w+\n/);
});

test('single-call rule writers write what the piecewise writers write', () => {
  const svc = clusterIPService('ns', 'web', '172.30.0.9', 443, { sessionAffinity: 'ClientIP', internalTrafficPolicy: 'Local', type: 'NodePort', externalTrafficPolicy: 'Local' });
  svc.spec!.ports![0]!.nodePort = 30443;
  const cache = new EndpointSliceCache('n1');
  cache.update(sliceFor(svc, ipRange('10.2.0.1', 5), { nodeName: (j) => (j % 2 ? 'n1' : 'n2') }));
  const info = servicePortInfos(svc)[0]!;
  const settings = new IptablesProxier({ nodeName: 'n1', clusterCIDR: '10.0.0.0/8' }).settings;
  const plan = planPort(settings, info, cache.endpoints('ns/web').get('p443/TCP')!);
  assert.equal(plan.ascii, true);
  const chains = planChains(plan);
  assert.equal(chains.length, plan.chainCount);
  assert.ok(chains.length >= 6, `chains: ${chains.join(' ')}`);
  assert.deepEqual(chains.slice(plan.fixedChains.length), plan.reachable.map((ep) => endpointChainName(info, ep)));
  assert.equal(chains[plan.fixedChains.length], 'KUBE-SEP-' + hash16(`ns/web:p443tcp${plan.reachable[0]!.ip}:443`));
  const slow = { ...plan, ascii: false };
  for (const large of [false, true]) {
    for (let i = 0; i < plan.chainCount; i++) {
      const w1 = new PayloadWriter(), w2 = new PayloadWriter();
      renderChain(w1, settings, plan, i, large);
      const fast = w1.finish().text;
      renderChain(w2, settings, slow, i, large);
      assert.equal(fast, w2.finish().text, `${chains[i]} large=${large}`);
      assert.ok(fast.length > 0);
    }
  }
});
