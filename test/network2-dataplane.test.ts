// The dataplane check against a real kernel: ClusterIP, NodePort, Local-policy, session-affinity,
// no-endpoint (reject) and no-local-endpoint (drop) services in both proxy modes; a tampered
// ruleset is caught; namespaces are gone afterwards, also after Ctrl-C. Needs root, ip, nft,
// iptables-restore and nfacct (CI has them); skipped otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EndpointSlice, KubeObject, Node, Service } from '../src/k8s/types.js';
import { chiSquareUniform, gammaQ } from '../src/network/dataplane/stats.js';
import { judge, verifyDataplane, type VerifyReport } from '../src/network/dataplane/verify.js';
import { checkPrerequisites, SandboxError } from '../src/network/dataplane/netns.js';

const DATA = fileURLToPath(new URL('../../test/data/network2/', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/kubescale.js', import.meta.url));
const items = (JSON.parse(readFileSync(DATA + 'dataplane.json', 'utf8')) as { items: KubeObject[] }).items;
const services = items.filter((o) => o.kind === 'Service') as Service[];
const slices = items.filter((o) => o.kind === 'EndpointSlice') as EndpointSlice[];
const nodes = items.filter((o) => o.kind === 'Node') as Node[];

const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const canRun = process.getuid?.() === 0 && ok('ip', ['-V']) && ok('nft', ['--version']) && ok('iptables-restore', ['--version']) && ok('sh', ['-c', 'command -v nfacct']);
const skip = !canRun && 'needs root with ip, nft, iptables-restore, nfacct';

function ourNamespaces(prefix: string): string[] {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(prefix));
}

test('chi-square p-values (textbook critical values)', () => {
  assert.ok(Math.abs(gammaQ(0.5, 3.841 / 2) - 0.05) < 1e-3); // df 1
  assert.ok(Math.abs(gammaQ(1, 5.991 / 2) - 0.05) < 1e-3); // df 2
  assert.ok(Math.abs(gammaQ(4.5, 21.666 / 2) - 0.01) < 1e-3); // df 9
  assert.equal(chiSquareUniform([50, 50]).statistic, 0);
  assert.ok(chiSquareUniform([200, 0]).pValue < 1e-40);
  const c = chiSquareUniform([30, 45, 25]);
  assert.ok(Math.abs(c.statistic - 6.5) < 1e-9);
  assert.ok(Math.abs(c.pValue - Math.exp(-6.5 / 2)) < 1e-9); // df 2: Q(1, x/2) = e^(-x/2)
});

test('judge: wrong destination, failed connections, broken affinity and lopsided spreads fail', () => {
  const base = { id: '0', ip: '172.30.0.1', port: 80, n: 100, timeoutMs: 100, affinity: false,
    meta: { service: 'a/b:p', kind: 'clusterIP' as const, address: '172.30.0.1:80', expect: 'endpoints' as const, expected: ['10.0.0.1:80', '10.0.0.2:80'], affinity: false } };
  assert.equal(judge(base, { replies: { '10.0.0.1:80': 52, '10.0.0.2:80': 48 }, errors: {} }, 1e-4).ok, true);
  const wrong = judge(base, { replies: { '10.0.0.1:80': 52, '10.0.0.9:80': 48 }, errors: {} }, 1e-4);
  assert.equal(wrong.ok, false);
  assert.equal(wrong.wrongDestination, 48);
  assert.equal(judge(base, { replies: { '10.0.0.1:80': 99 }, errors: { ECONNREFUSED: 1 } }, 1e-4).ok, false);
  assert.match(judge(base, { replies: { '10.0.0.1:80': 100 }, errors: {} }, 1e-4).reason!, /implausible spread/);
  const sticky = { ...base, meta: { ...base.meta, affinity: true } };
  assert.equal(judge(sticky, { replies: { '10.0.0.2:80': 100 }, errors: {} }, 1e-4).ok, true);
  assert.match(judge(sticky, { replies: { '10.0.0.1:80': 1, '10.0.0.2:80': 99 }, errors: {} }, 1e-4).reason!, /affinity broken/);
});

function checkReport(r: VerifyReport): void {
  const by = (svc: string, kind = 'clusterIP') => r.targets.find((t) => t.service === svc && t.kind === kind)!;
  assert.deepEqual(r.targets.filter((t) => !t.ok).map((t) => `${t.service} ${t.kind}: ${t.reason}`), []);
  assert.equal(r.ok, true);
  assert.deepEqual(Object.keys(by('dp/cluster:p80').counts).sort(), ['10.1.0.1:8080', '10.1.0.2:8080', '10.1.0.3:8080']);
  // internalTrafficPolicy Local: only this node's endpoints (10.1.0.7 is on node-b).
  assert.deepEqual(Object.keys(by('dp/local:p82').counts).sort(), ['10.1.0.5:8082', '10.1.0.6:8082']);
  // NodePort with externalTrafficPolicy Local, from the node itself: short-circuited to all endpoints.
  assert.deepEqual(Object.keys(by('dp/ext-local:p86', 'nodePort').counts).sort(), ['10.1.0.10:8086', '10.1.0.5:8086']);
  assert.equal(by('dp/nodeport:p81', 'nodePort').address, '192.168.0.2:30081');
  const sticky = by('dp/sticky:p83');
  assert.equal(Object.values(sticky.counts).filter((c) => c > 0).length, 1);
  assert.equal(Object.values(sticky.counts).reduce((a, b) => a + b, 0), 60);
  assert.deepEqual(by('dp/empty:p84').errors, { ECONNREFUSED: 3 });
  assert.deepEqual(by('dp/remote-only:p85').errors, { TIMEOUT: 2 });
}

for (const mode of ['iptables', 'nftables'] as const) {
  test(`dataplane ${mode}: every service lands where kube-proxy's rules say`, { skip }, async () => {
    const r = await verifyDataplane(services, slices, nodes, { node: 'node-a', mode, connections: 60 });
    checkReport(r);
    assert.deepEqual(ourNamespaces(`ks${process.pid}x`), []);
  });

  test(`dataplane ${mode}: a ruleset that DNATs to the wrong pod fails the check`, { skip }, async () => {
    const swap = mode === 'iptables'
      ? (p: string) => p.replace('--to-destination 10.1.0.2:8080', '--to-destination 10.1.0.4:8081')
      : (p: string) => p.replace('dnat to 10.1.0.2:8080', 'dnat to 10.1.0.4:8081');
    const r = await verifyDataplane(services, slices, nodes, { node: 'node-a', mode, connections: 60, mutatePayload: swap });
    assert.equal(r.ok, false);
    const bad = r.targets.filter((t) => !t.ok);
    assert.deepEqual(bad.map((t) => t.service), ['dp/cluster:p80']);
    assert.ok(bad[0]!.wrongDestination > 0);
    assert.ok((bad[0]!.counts['10.1.0.4:8081'] ?? 0) > 0);
    assert.deepEqual(ourNamespaces(`ks${process.pid}x`), []);
  });
}

test('dataplane verify CLI: exit 0 and text report; Ctrl-C tears everything down', { skip }, async () => {
  const r = spawnSync(process.execPath, [BIN, 'dataplane', 'verify', DATA + 'dataplane.json', '--node', 'node-a', '--mode', 'nftables', '--connections', '30'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ok {3}dp\/cluster:p80 clusterIP 172\.30\.0\.10:80: /m);
  assert.match(r.stdout, /dataplane check passed\n$/);

  const child = spawn(process.execPath, [BIN, 'dataplane', 'verify', DATA + 'dataplane.json', '--node', 'node-a', '--mode', 'iptables', '--connections', '5000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `ks${child.pid}x`;
  await new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => { if (String(d).includes('listening')) resolve(); }));
  assert.ok(ourNamespaces(prefix).length > 0, 'namespaces exist while running');
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 130);
  assert.deepEqual(ourNamespaces(prefix), []);
});

test('prerequisites: a missing binary is one clear error', () => {
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    assert.throws(() => checkPrerequisites('nftables'), (e: unknown) => e instanceof SandboxError && /must run as root|missing binaries: .*nft/.test((e as Error).message));
  } finally {
    process.env.PATH = path;
  }
});

for (const mode of ['iptables', 'nftables'] as const) test(`dataplane ${mode}: internal AND external policy Local — ClusterIP to local endpoints, NodePort from the node short-circuited to all`, { skip }, async () => {
  // Needs UsesClusterEndpoints = internal Cluster OR externally accessible (upstream), else the
  // short-circuit rule jumps to a chain that does not exist and the restore/transaction fails.
  const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'both', namespace: 'dp' },
    spec: { type: 'NodePort', clusterIP: '172.30.0.20', internalTrafficPolicy: 'Local', externalTrafficPolicy: 'Local', ports: [{ name: 'p', port: 90, targetPort: 9090, protocol: 'TCP', nodePort: 30090 }] } };
  const slice: EndpointSlice = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { name: 'both-x', namespace: 'dp', labels: { 'kubernetes.io/service-name': 'both' } },
    endpoints: [{ addresses: ['10.3.0.1'], nodeName: 'node-a', conditions: { ready: true } }, { addresses: ['10.3.0.2'], nodeName: 'node-b', conditions: { ready: true } }],
    ports: [{ name: 'p', port: 9090, protocol: 'TCP' }] };
  const r = await verifyDataplane([svc], [slice], nodes, { node: 'node-a', mode, connections: 60 });
  assert.deepEqual(r.targets.map((t) => [t.kind, t.ok, Object.keys(t.counts).sort()]), [
    ['clusterIP', true, ['10.3.0.1:9090']],
    ['nodePort', true, ['10.3.0.1:9090', '10.3.0.2:9090']],
  ]);
});
