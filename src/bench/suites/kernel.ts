// kernel: what applying kube-proxy's rules costs the real kernel. Full and partial payloads from the
// iptables and nftables proxiers, applied with iptables-restore / nft -f in a fresh network
// namespace per case (nothing touches the host's tables). Skipped with a note unless root with ip,
// iptables-restore, nft and nfacct. Child CPU time comes from bash's `times`.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../../network/dataplane/netns.js';
import { IptablesProxier } from '../../network/iptables/proxier.js';
import { NftablesProxier } from '../../network/nftables/proxier.js';
import { movedEndpointSlice, servicesWithSlices } from '../data.js';
import { fitOf } from '../fit.js';
import { median } from '../measure.js';
import type { BenchContext, CaseDef, CaseResult, FitResult, SuiteDef } from '../types.js';

export const KERNEL_ENDPOINTS = 5;
export const KERNEL_BINARIES = ['ip', 'iptables-restore', 'nft', 'nfacct', 'bash'];

export function kernelSizes(quick: boolean): number[] {
  return quick ? [1000] : [1000, 5000, 10000];
}

/** Why the suite cannot run here, or null. */
export function kernelSkipReason(isRoot = process.getuid?.() === 0, have: (b: string) => boolean = which): string | null {
  if (!isRoot) return 'needs root (it creates a network namespace and loads netfilter rules); run as root to measure kernel apply times';
  const missing = KERNEL_BINARIES.filter((b) => !have(b));
  return missing.length > 0 ? `missing binaries: ${missing.join(', ')}` : null;
}

class Namespace {
  readonly name = `ksbench${process.pid}`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'ks-kbench-'));
  constructor() {
    spawnSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    this.sh(`ip netns add ${this.name} && ip -n ${this.name} link set lo up && ip netns exec ${this.name} nfacct add ct_state_invalid_dropped_pkts && ip netns exec ${this.name} nfacct add localhost_nps_accepted_pkts`);
  }
  private sh(cmd: string): string {
    const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.signal) throw new Error(`interrupted (${r.signal})`);
    if (r.status !== 0) throw new Error(`${cmd.slice(0, 80)}: ${r.stderr.slice(0, 300)}`);
    return r.stdout;
  }
  /** Applies a payload; wall ms and the child's CPU ms (user+sys). */
  apply(mode: 'iptables' | 'nft', payload: string): { wallMs: number; cpuMs: number } {
    const f = join(this.dir, 'payload');
    writeFileSync(f, payload);
    const cmd = mode === 'iptables' ? `ip netns exec ${this.name} iptables-restore --noflush < ${f}` : `ip netns exec ${this.name} nft -f ${f}`;
    const t0 = performance.now();
    const out = this.sh(`${cmd} && times`);
    const wallMs = performance.now() - t0;
    const lines = out.trim().split('\n');
    const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(lines[lines.length - 1]!);
    const cpuMs = m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : NaN;
    return { wallMs, cpuMs };
  }
  close(): void {
    spawnSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function applyCase(S: number, mode: 'iptables' | 'nft', rounds: number): CaseDef {
  return {
    name: `${mode} ${S} services: kernel apply`,
    run(ctx: BenchContext): CaseResult {
      const E = KERNEL_ENDPOINTS;
      const dataset = `${S} Services x ${E} endpoints, ${mode === 'iptables' ? 'iptables-restore --noflush' : 'nft -f'} in a fresh network namespace, ${rounds} partial rounds`;
      ctx.log(`kernel: ${dataset}`);
      const { services, slices } = servicesWithSlices(S, E);
      const ns = new Namespace();
      try {
        const p = mode === 'iptables'
          ? new IptablesProxier({ nodeName: 'node-0', nodeIPs: ['192.168.0.2'], clusterCIDR: '10.0.0.0/8' })
          : new NftablesProxier({ nodeName: 'node-0', nodeIPs: ['192.168.0.2'], clusterCIDR: '10.0.0.0/8' });
        for (const s of services) p.onServiceUpdate(s);
        for (const s of slices) p.onEndpointSliceUpdate(s);
        const full = p.sync();
        const kFull = ns.apply(mode, full.payload);
        const pw: number[] = [], pc: number[] = [], comp: number[] = [], bytes: number[] = [];
        for (let r = 0; r < rounds; r++) {
          p.onEndpointSliceUpdate(movedEndpointSlice(r, S, E).slice);
          const part = p.sync();
          comp.push(part.computeMs);
          const payload = 'cleanup' in part && part.cleanup ? part.cleanup + part.payload : part.payload;
          bytes.push(payload.length);
          const k = ns.apply(mode, payload);
          pw.push(k.wallMs);
          pc.push(k.cpuMs);
        }
        return {
          suite: 'kernel', name: this.name, dataset, params: { services: S, endpointsPerService: E, mode, rounds },
          metrics: {
            fullBytes: full.bytes, computeFullMs: full.computeMs, kernelFullWallMs: kFull.wallMs, kernelFullCpuMs: kFull.cpuMs,
            computePartialMs: median(comp), partialBytes: median(bytes), kernelPartialWallMs: median(pw), kernelPartialCpuMs: median(pc),
          },
          primary: 'kernelFullWallMs',
        };
      } finally {
        ns.close();
      }
    },
  };
}

export const kernelSuite: SuiteDef = {
  name: 'kernel',
  description: 'real iptables-restore / nft apply times of full and partial payloads in a fresh network namespace (root only)',
  plan(ctx) {
    const why = kernelSkipReason();
    if (why) return { skip: why };
    const rounds = ctx.quick ? 2 : 3;
    return kernelSizes(ctx.quick).flatMap((S) => [applyCase(S, 'iptables', rounds), applyCase(S, 'nft', rounds)]);
  },
  fits(cases) {
    return (['iptables', 'nft'] as const).map((mode) => fitOf('kernel', `${mode} kernel full apply vs services`, 'services', 'kernelFullWallMs',
      cases.filter((c) => c.params.mode === mode).map((c) => ({ x: Number(c.params.services), y: c.metrics.kernelFullWallMs! })))).filter((f): f is FitResult => f !== null);
  },
};
