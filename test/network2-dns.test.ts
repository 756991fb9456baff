// Cluster DNS answers: ClusterIP A and SRV, headless A (ready endpoints only), per-endpoint names
// (pod hostname/subdomain, dashed IPs), headless SRV, ExternalName CNAME, pod A records, PTR,
// NXDOMAIN; and the CLI's exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EndpointSlice, Pod, Service } from '../src/k8s/types.js';
import { ClusterDNS, ipFromReverse, reverseName } from '../src/network/dns/resolver.js';

const BIN = fileURLToPath(new URL('../../bin/kubescale.js', import.meta.url));

const web: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' },
  spec: { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }, { name: 'metrics', port: 9000, protocol: 'TCP' }] } };
const db: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'shop' },
  spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] } };
const ext: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'shop' }, spec: { type: 'ExternalName', externalName: 'db.example.org' } };
const dbSlice: EndpointSlice = {
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
  metadata: { name: 'db-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'db' } },
  endpoints: [
    { addresses: ['10.1.0.5'], hostname: 'db-0', conditions: { ready: true } },
    { addresses: ['10.1.0.6'], conditions: { ready: true } },
    { addresses: ['10.1.0.7'], hostname: 'db-2', conditions: { ready: false } },
  ],
  ports: [{ name: 'pg', port: 15432, protocol: 'TCP' }],
};
const dns = new ClusterDNS([web, db, ext], [dbSlice]);
const data = (name: string, type: 'A' | 'AAAA' | 'SRV' | 'PTR') => dns.query(name, type).answers.map((a) => a.data);

test('ClusterIP service: A record, SRV per named port, NODATA for AAAA', () => {
  assert.deepEqual(dns.query('web.shop.svc.cluster.local', 'A').answers, [{ name: 'web.shop.svc.cluster.local.', type: 'A', ttl: 5, data: '10.96.0.10' }]);
  assert.deepEqual(data('web.shop.svc.cluster.local.', 'A'), ['10.96.0.10']);
  assert.deepEqual(data('_http._tcp.web.shop.svc.cluster.local', 'SRV'), ['0 100 80 web.shop.svc.cluster.local.']);
  assert.deepEqual(data('_dns._udp.web.shop.svc.cluster.local', 'SRV'), ['0 100 53 web.shop.svc.cluster.local.']);
  assert.equal(dns.query('_dns._tcp.web.shop.svc.cluster.local', 'SRV').rcode, 'NXDOMAIN');
  // Bare-name SRV lists every named port.
  assert.deepEqual(data('web.shop.svc.cluster.local', 'SRV'), ['0 33 80 web.shop.svc.cluster.local.', '0 33 53 web.shop.svc.cluster.local.', '0 33 9000 web.shop.svc.cluster.local.']);
  const aaaa = dns.query('web.shop.svc.cluster.local', 'AAAA');
  assert.deepEqual([aaaa.rcode, aaaa.answers], ['NOERROR', []]);
  assert.deepEqual(dns.query('_http._tcp.web.shop.svc.cluster.local', 'SRV').additional.map((a) => `${a.name} ${a.data}`), ['web.shop.svc.cluster.local. 10.96.0.10']);
});

test('headless service: ready endpoint IPs, per-endpoint names, SRV to each endpoint', () => {
  assert.deepEqual(data('db.shop.svc.cluster.local', 'A'), ['10.1.0.5', '10.1.0.6']);
  assert.deepEqual(data('db-0.db.shop.svc.cluster.local', 'A'), ['10.1.0.5']);
  assert.deepEqual(data('10-1-0-6.db.shop.svc.cluster.local', 'A'), ['10.1.0.6']);
  assert.equal(dns.query('db-2.db.shop.svc.cluster.local', 'A').rcode, 'NXDOMAIN', 'not ready');
  assert.equal(dns.query('10-1-0-5.db.shop.svc.cluster.local', 'A').rcode, 'NXDOMAIN', 'has a hostname');
  assert.deepEqual(data('_pg._tcp.db.shop.svc.cluster.local', 'SRV'), [
    '0 50 15432 db-0.db.shop.svc.cluster.local.', '0 50 15432 10-1-0-6.db.shop.svc.cluster.local.',
  ]);
  assert.deepEqual(dns.query('_pg._tcp.db.shop.svc.cluster.local', 'SRV').additional.map((a) => `${a.name} ${a.data}`), [
    'db-0.db.shop.svc.cluster.local. 10.1.0.5', '10-1-0-6.db.shop.svc.cluster.local. 10.1.0.6',
  ]);
});

test('ExternalName is a CNAME; pods answer by dashed IP; unknown names are NXDOMAIN', () => {
  assert.deepEqual(dns.query('ext.shop.svc.cluster.local', 'A').answers, [{ name: 'ext.shop.svc.cluster.local.', type: 'CNAME', ttl: 5, data: 'db.example.org.' }]);
  assert.deepEqual(data('10-1-0-99.shop.pod.cluster.local', 'A'), ['10.1.0.99']);
  for (const n of ['nope.shop.svc.cluster.local', 'web.other.svc.cluster.local', 'web.shop.svc.cluster.example', 'a.b.web.shop.svc.cluster.local', 'x.web.shop.svc.cluster.local']) {
    assert.equal(dns.query(n, 'A').rcode, 'NXDOMAIN', n);
  }
});

test('PTR: ClusterIP -> service, headless endpoint -> endpoint name, others NXDOMAIN', () => {
  assert.equal(reverseName('10.96.0.10'), '10.0.96.10.in-addr.arpa');
  assert.equal(ipFromReverse(reverseName('fd00::1')), 'fd00::1');
  assert.deepEqual(data('10.0.96.10.in-addr.arpa', 'PTR'), ['web.shop.svc.cluster.local.']);
  assert.deepEqual(data('10.96.0.10', 'PTR'), ['web.shop.svc.cluster.local.']);
  assert.deepEqual(data('10.1.0.5', 'PTR'), ['db-0.db.shop.svc.cluster.local.']);
  assert.deepEqual(data('10.1.0.6', 'PTR'), ['10-1-0-6.db.shop.svc.cluster.local.']);
  assert.equal(dns.query('10.1.0.7', 'PTR').rcode, 'NXDOMAIN');
});

test('pod hostname/subdomain through the reconciler, and the CLI', () => {
  const pod = (name: string, ip: string, ready: boolean): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels: { app: 'db' } },
    spec: { hostname: name, subdomain: 'db', nodeName: 'n1', containers: [{ name: 'c', image: 'x', ports: [{ name: 'pg', containerPort: 5432 }] }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
  const svc = { ...db, spec: { ...db.spec, selector: { app: 'db' } } } as Service;
  const dir = mkdtempSync(join(tmpdir(), 'ks-dns-'));
  const f = join(dir, 'c.json');
  writeFileSync(f, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [svc, web, pod('db-0', '10.2.0.1', true), pod('db-1', '10.2.0.2', false)] }));
  const run = (...a: string[]) => spawnSync(process.execPath, [BIN, 'dns', f, ...a], { encoding: 'utf8' });
  const r = run('--query', 'db-0.db.shop.svc.cluster.local', '-o', 'json');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { answers: { data: string }[] }).answers.map((a) => a.data), ['10.2.0.1']);
  assert.equal(run('--query', 'db-1.db.shop.svc.cluster.local').status, 1, 'not-ready pod: NXDOMAIN');
  const srv = run('--query', '_pg._tcp.db.shop.svc.cluster.local', '--type', 'SRV');
  assert.equal(srv.status, 0, srv.stderr);
  assert.match(srv.stdout, /^_pg\._tcp\.db\.shop\.svc\.cluster\.local\.\t5\tIN\tSRV\t0 100 5432 db-0\.db\.shop\.svc\.cluster\.local\.$/m);
  assert.equal(run('--query', 'web.shop.svc.cluster.local').stdout.split('\n')[1], 'web.shop.svc.cluster.local.\t5\tIN\tA\t10.96.0.10');
});
