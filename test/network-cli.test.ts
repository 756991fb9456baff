import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DATA, readData } from './network-fixtures.js';

const BIN = fileURLToPath(new URL('../../bin/kubescale.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

test('proxy-rules prints the reference syncs with "# sync N (partial)" separators', () => {
  const r = cli('proxy-rules', DATA + 'ref-1.json', '--node', 'test-node', '--cluster-cidr', '10.0.0.0/8',
    '--then', DATA + 'ref-2.json', '--then', DATA + 'ref-3.json', '--then', DATA + 'ref-4.json');
  assert.equal(r.status, 0, r.stderr);
  const expected = readData('ref-1.expected') + '# sync 2 (partial)\n' + readData('ref-2.expected') +
    '# sync 3 (partial)\n' + readData('ref-3.expected') + '# sync 4 (partial)\n' + readData('ref-4.expected');
  assert.equal(r.stdout, expected);
});

test('proxy-rules -o json reports kind, payload, rule counts and bytes; services without slices get them from the reconciler', () => {
  const r = cli('proxy-rules', DATA + 'pods-250.json', '--node', 'node-1', '--cluster-cidr', '10.0.0.0/8', '-o', 'json');
  assert.equal(r.status, 0, r.stderr);
  const { syncs } = JSON.parse(r.stdout);
  assert.equal(syncs.length, 1);
  assert.equal(syncs[0].kind, 'full');
  assert.deepEqual(syncs[0].rules, { filter: 4, nat: 5 + 2 + 3 * 250 });
  assert.deepEqual(syncs[0].rulesWritten, syncs[0].rules);
  assert.equal(syncs[0].bytes, Buffer.byteLength(syncs[0].payload));
  assert.equal(typeof syncs[0].computeMs, 'number');
  assert.match(syncs[0].payload, /DNAT --to-destination 10\.1\.0\.1:8080\n/, 'named targetPort resolved to the container port');
});

test('proxy-rules --mode outside iptables/nftables is a usage error', () => {
  const r = cli('proxy-rules', DATA + 'ref-1.json', '--node', 'n', '--mode', 'ipvs');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /argument 'ipvs' is invalid\. Allowed choices are iptables, nftables/);
  assert.equal(r.stdout, '');
});

test('endpointslices: 250 ready pods -> 3 creates [100, 100, 50] with seeded names; -o yaml prints the slices', () => {
  const r = cli('endpointslices', DATA + 'pods-250.json', '--seed', '3');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.services.length, 1);
  assert.deepEqual(out.services[0].actions, { create: 3, update: 0, delete: 0 });
  assert.deepEqual(out.services[0].slices.map((s: { endpoints: number }) => s.endpoints), [100, 100, 50]);
  for (const s of out.services[0].slices) assert.match(s.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(out.metrics.endpoint_slice_controller_changes, { create: 3, update: 0, delete: 0 });
  assert.equal(out.metrics.endpoint_slice_controller_desired_endpoint_slices, 3);
  const again = JSON.parse(cli('endpointslices', DATA + 'pods-250.json', '--seed', '3').stdout);
  assert.deepEqual(again.services[0].slices, out.services[0].slices);
  const y = cli('endpointslices', DATA + 'pods-250.json', '-o', 'yaml');
  assert.equal(y.status, 0, y.stderr);
  assert.equal(y.stdout.split('\n---\n').length, 3);
  assert.match(y.stdout, /zone: zone-a/);
  assert.match(y.stdout, /kubernetes.io\/service-name: web/);
  const bad = cli('endpointslices', DATA + 'pods-250.json', '--max-endpoints-per-slice', '1001');
  assert.equal(bad.status, 2);
});
