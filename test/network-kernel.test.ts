// Loads every generated payload into a real kernel: iptables-restore --noflush in a fresh network
// namespace, in sync order (partial syncs build on the previous state). Skipped, with a visible
// message, when not root or when ip / iptables-restore / nfacct are missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { IptablesProxier } from '../src/network/iptables/proxier.js';
import { CT_STATE_INVALID_COUNTER, LOCALHOST_NODEPORTS_COUNTER } from '../src/network/iptables/rules.js';
import { clusterIPService, ipRange, loadList, sliceFor } from './network-fixtures.js';

function missing(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  for (const bin of ['ip', 'iptables-restore', 'iptables-save', 'nfacct']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) return `${bin} not installed`;
  }
  return undefined;
}

const skip = missing();
if (skip) process.stderr.write(`network-kernel: SKIPPED (${skip}); install iptables and nfacct and run as root\n`);

function withNetns(fn: (exec: (cmd: string, args: string[], input?: string) => string) => void): void {
  const ns = `kubescale-test-${randomBytes(4).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const exec = (cmd: string, args: string[], input?: string) => {
      const r = spawnSync('ip', ['netns', 'exec', ns, cmd, ...args], { input, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
      return r.stdout;
    };
    for (const c of [CT_STATE_INVALID_COUNTER, LOCALHOST_NODEPORTS_COUNTER]) exec('nfacct', ['add', c]);
    fn(exec);
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

const restore = (exec: (c: string, a: string[], i?: string) => string, payload: string) => exec('iptables-restore', ['-w', '5', '--noflush'], payload);

test('reference syncs (full, partial, -X, no endpoints) load into the kernel', { skip }, () => {
  withNetns((exec) => {
    const p = new IptablesProxier({ nodeName: 'test-node', clusterCIDR: '10.0.0.0/8' });
    for (let i = 1; i <= 4; i++) {
      const { services, slices } = loadList(`ref-${i}.json`);
      p.setState(services, slices);
      restore(exec, p.sync().payload);
    }
    const nat = exec('iptables-save', ['-t', 'nat']);
    assert.doesNotMatch(nat, /KUBE-SVC-2VJB64SDSIJUP5T6/, 'svc2 chain deleted by -X');
    assert.match(nat, /:KUBE-SVC-X27LE4BHSL4DOUIK/);
    const natRules = nat.split('\n').filter((l) => l.startsWith('-A KUBE-')).length;
    assert.equal(natRules, 15);
    const filter = exec('iptables-save', ['-t', 'filter']);
    assert.match(filter, /ns4\/svc4:p80 has no endpoints/);
  });
});

test('LoadBalancer / NodePort / Local / affinity payload loads into the kernel', { skip }, () => {
  withNetns((exec) => {
    const { services, slices } = loadList('overall.json');
    const p = new IptablesProxier({ nodeName: 'test-node', clusterCIDR: '10.0.0.0/8', nodeIPs: ['192.168.0.2'] });
    p.setState(services, slices);
    const r = p.sync();
    restore(exec, r.payload);
    const nat = exec('iptables-save', ['-t', 'nat']).split('\n').filter((l) => l.startsWith('-A KUBE-')).length;
    assert.equal(nat, r.rules.nat);
  });
});

test('large-cluster payload and a partial sync after one endpoint moved load into the kernel', { skip }, () => {
  withNetns((exec) => {
    const svcs = Array.from({ length: 80 }, (_, i) => clusterIPService('ns', `s${i}`, `172.30.${i >> 8}.${(i & 255) + 1}`, 80));
    const slices = svcs.map((s, i) => sliceFor(s, ipRange(`10.5.${i}.1`, 15)));
    const p = new IptablesProxier({ nodeName: 'test-node', clusterCIDR: '10.0.0.0/8' });
    p.setState(svcs, slices);
    const full = p.sync();
    assert.equal(full.largeClusterMode, true);
    restore(exec, full.payload);
    const moved = structuredClone(slices);
    moved[3]!.endpoints![0]!.addresses = ['10.99.0.1'];
    p.setState(svcs, moved);
    const part = p.sync({ nowMs: 10_000_000 });
    restore(exec, part.payload);
    const nat = exec('iptables-save', ['-t', 'nat']);
    assert.equal(nat.split('\n').filter((l) => l.startsWith('-A KUBE-')).length, part.rules.nat);
    assert.match(nat, /--to-destination 10\.99\.0\.1:80/);
  });
});
