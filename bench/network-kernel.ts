// Kernel cost of kube-proxy's rules: full and partial payloads for 1k, 5k and 10k Services
// (x E endpoints) applied with the real iptables-restore and nft inside a fresh network namespace,
// beside kubescale's own compute time for the same payload. Needs root, ip, iptables-restore, nft
// and nfacct; prints a note and exits 0 otherwise. Child CPU time comes from bash's `times`.
// Run: node dist/bench/network-kernel.js [sizes=1000,5000,10000] [endpointsPerService=5] [partialRounds=3]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EndpointSlice, Service } from '../src/k8s/types.js';
import { IptablesProxier } from '../src/network/iptables/proxier.js';
import { NftablesProxier } from '../src/network/nftables/proxier.js';

const SIZES = (process.argv[2] ?? '1000,5000,10000').split(',').map(Number);
const E = Number(process.argv[3] ?? 5);
const ROUNDS = Number(process.argv[4] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const ip = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
const have = (b: string) => spawnSync('sh', ['-c', `command -v ${b}`], { stdio: 'ignore' }).status === 0;

if (process.getuid?.() !== 0 || !['ip', 'iptables-restore', 'nft', 'nfacct', 'bash'].every(have)) {
  console.log('kernel bench skipped: needs root and ip, iptables-restore, nft, nfacct, bash');
  process.exit(0);
}

function sliceOf(ns: string, svc: string, ips: string[]): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { name: `${svc}-x`, namespace: ns, labels: { 'kubernetes.io/service-name': svc } },
    endpoints: ips.map((a, k) => ({ addresses: [a], nodeName: `node-${k % 500}`, conditions: { ready: true } })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] };
}

function dataset(s: number): { services: Service[]; slices: EndpointSlice[] } {
  const services: Service[] = [], slices: EndpointSlice[] = [];
  for (let i = 0; i < s; i++) {
    const ns = `ns-${i % 50}`;
    services.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}`, namespace: ns },
      spec: { clusterIP: `172.${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } });
    slices.push(sliceOf(ns, `svc-${i}`, Array.from({ length: E }, (_, e) => ip(i * E + e + 1))));
  }
  return { services, slices };
}

const dir = mkdtempSync(join(tmpdir(), 'ks-kbench-'));
const ns = `ksbench${process.pid}`;
function sh(cmd: string): void {
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
}
/** Applies a payload in the namespace; returns wall ms and child CPU ms (user+sys). */
function apply(kind: 'iptables' | 'nft', payload: string): { wallMs: number; cpuMs: number } {
  const f = join(dir, 'payload');
  writeFileSync(f, payload);
  const cmd = kind === 'iptables' ? `ip netns exec ${ns} iptables-restore --noflush < ${f}` : `ip netns exec ${ns} nft -f ${f}`;
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `${cmd} && times`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${kind} apply failed: ${r.stderr.slice(0, 500)}`);
  const lines = r.stdout.trim().split('\n');
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(lines[lines.length - 1]!)!;
  const cpuMs = (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
  return { wallMs, cpuMs };
}
function freshNamespace(): void {
  spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  sh(`ip netns add ${ns} && ip -n ${ns} link set lo up && ip netns exec ${ns} nfacct add ct_state_invalid_dropped_pkts && ip netns exec ${ns} nfacct add localhost_nps_accepted_pkts`);
}

console.log(`kernel apply: ${SIZES.join(', ')} services x ${E} endpoints; node ${process.version}; ${ROUNDS} partial rounds (median)`);
console.log('| mode | services | full payload | compute full | kernel full (wall / CPU) | compute partial | partial payload | kernel partial (wall / CPU) |');
console.log('|---|---|---|---|---|---|---|---|');
try {
  for (const S of SIZES) {
    const { services, slices } = dataset(S);
    for (const mode of ['iptables', 'nft'] as const) {
      freshNamespace();
      const p = mode === 'iptables'
        ? new IptablesProxier({ nodeName: 'node-0', nodeIPs: ['192.168.0.2'], clusterCIDR: '10.0.0.0/8' })
        : new NftablesProxier({ nodeName: 'node-0', nodeIPs: ['192.168.0.2'], clusterCIDR: '10.0.0.0/8' });
      for (const s of services) p.onServiceUpdate(s);
      for (const s of slices) p.onEndpointSliceUpdate(s);
      const full = p.sync();
      const kFull = apply(mode, full.payload);
      const pw: number[] = [], pc: number[] = [], comp: number[] = [], bytes: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const i = (r * 7919) % S;
        const ips = Array.from({ length: E }, (_, e) => ip(i * E + e + 1));
        ips[r % E] = `11.0.${r >> 8}.${r & 255}`;
        p.onEndpointSliceUpdate(sliceOf(`ns-${i % 50}`, `svc-${i}`, ips));
        const part = p.sync();
        comp.push(part.computeMs);
        const payload = 'cleanup' in part && part.cleanup ? part.cleanup + part.payload : part.payload;
        bytes.push(payload.length);
        const k = apply(mode, payload);
        pw.push(k.wallMs); pc.push(k.cpuMs);
      }
      console.log(`| ${mode} | ${S} | ${(full.bytes / 1e6).toFixed(1)} MB | ${full.computeMs.toFixed(0)} ms | ${kFull.wallMs.toFixed(0)} / ${kFull.cpuMs.toFixed(0)} ms | ${median(comp).toFixed(2)} ms | ${(median(bytes) / 1e3).toFixed(1)} kB | ${median(pw).toFixed(0)} / ${median(pc).toFixed(0)} ms |`);
    }
  }
} finally {
  spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}
