// The node fleet of `kubescale gen`: shapes apportioned over the requested count, spread
// round-robin over zones (three per region), kubelet reservations, taints, images, addresses.
// Free capacity for bound-pod placement is kept in typed columns indexed by node id.

import type { Node, Taint } from './types.js';
import { createRng, type Rng } from '../model/rng.js';
import { NODE_SHAPES, REGIONS, type ImageEntry, type NodeShape } from './gen-catalog.js';

export const MAX_PODS_PER_NODE = 110;

export type DigestedImage = ImageEntry & { digest: string };

// ---- node state (typed columns, indexed by node id) ----

export const FLAG_GPU_TAINT = 1;
export const FLAG_SPOT = 2;
export const FLAG_CORDONED = 4;

export interface NodeColumns {
  names: string[];
  zone: Uint16Array;
  arch: Uint8Array; // 0 amd64, 1 arm64
  flags: Uint8Array;
  freeCpuMilli: Float64Array;
  freeMemBytes: Float64Array;
  freeGpu: Int32Array;
  freePods: Int32Array;
  /** Bound pods so far: pod IPs are the node's /24 .2, .3, ... */
  podSeq: Uint8Array;
  /** Last workload id placed here: enforces required hostname anti-affinity for bound pods. */
  lastWorkload: Int32Array;
}

export interface Zone { zone: string; region: string }

export function zoneList(count: number): Zone[] {
  const out: Zone[] = [];
  for (let i = 0; i < count; i++) {
    const r = Math.floor(i / 3);
    const region = r < REGIONS.length ? REGIONS[r]! : `region-${r + 1}`;
    out.push({ zone: region + 'abc'[i % 3], region });
  }
  return out;
}

/** GKE's kubelet reservation: 6% of the first core, 1% of the next, 0.5% of the next 2, 0.25% above 4. */
export function reservedCpuMilli(cores: number): number {
  const tiers: [number, number][] = [[1, 0.06], [1, 0.01], [2, 0.005], [Infinity, 0.0025]];
  let left = cores, milli = 0;
  for (const [size, frac] of tiers) {
    const take = Math.min(left, size);
    milli += take * 1000 * frac;
    left -= take;
  }
  return Math.round(milli);
}

/** GKE's memory reservation (25% of first 4Gi, 20% next 4, 10% next 8, 6% next 112, 2% above) plus 100Mi eviction. */
export function reservedMemKi(memKi: number): number {
  const gi = 1048576;
  const tiers: [number, number][] = [[4 * gi, 0.25], [4 * gi, 0.2], [8 * gi, 0.1], [112 * gi, 0.06], [Infinity, 0.02]];
  let left = memKi, ki = 0;
  for (const [size, frac] of tiers) {
    const take = Math.min(left, size);
    ki += take * frac;
    left -= take;
  }
  return Math.round(ki) + 102400;
}

/** Largest-remainder split of `total` over weights, so small clusters still get the mix. */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) out[order[k % order.length]![1]]! += 1;
  return out;
}

export function ipv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function podCidrBase(node: number): number {
  const slash24 = node < 96 * 256 ? node : node + 16 * 256; // skip 10.96.0.0/12 (services)
  return (10 << 24) + slash24 * 256;
}

export function uuid(rng: Rng): string {
  const hex = (n: number) => rng.int(0x10000).toString(16).padStart(4, '0');
  const h = [hex(0), hex(0), hex(0), hex(0), hex(0), hex(0), hex(0), hex(0)];
  const v = '4' + h[3]!.slice(1);
  const variant = ((parseInt(h[4]![0]!, 16) & 3) | 8).toString(16) + h[4]!.slice(1);
  return `${h[0]}${h[1]}-${h[2]}-${v}-${variant}-${h[5]}${h[6]}${h[7]}`;
}

export function hexString(rng: Rng, n: number): string {
  return rng.string(n, '0123456789abcdef');
}

export function buildNodes(opts: { nodes: number; zones: number; seed: number }, images: Map<string, DigestedImage>): { nodes: Node[]; cols: NodeColumns; zones: Zone[] } {
  const rng = createRng(`${opts.seed}/nodes`);
  const n = opts.nodes;
  const zones = zoneList(opts.zones);
  const counts = apportion(n, NODE_SHAPES.map((s) => s.weight));
  const gpuIdx = NODE_SHAPES.findIndex((s) => s.gpus > 0);
  if (n >= 8 && counts[gpuIdx] === 0) {
    const big = counts.indexOf(Math.max(...counts));
    counts[big]!--;
    counts[gpuIdx]!++;
  }
  const shapes: NodeShape[] = [];
  counts.forEach((c, i) => { for (let k = 0; k < c; k++) shapes.push(NODE_SHAPES[i]!); });
  for (let i = shapes.length - 1; i > 0; i--) { // Fisher-Yates so shapes mix across zones
    const j = rng.int(i + 1);
    [shapes[i], shapes[j]] = [shapes[j]!, shapes[i]!];
  }
  const width = Math.max(4, String(n).length);
  const cols: NodeColumns = {
    names: [], zone: new Uint16Array(n), arch: new Uint8Array(n), flags: new Uint8Array(n),
    freeCpuMilli: new Float64Array(n), freeMemBytes: new Float64Array(n), freeGpu: new Int32Array(n),
    freePods: new Int32Array(n), podSeq: new Uint8Array(n), lastWorkload: new Int32Array(n).fill(-1),
  };
  const cordonEvery = n >= 10 ? Math.max(10, Math.round(n / Math.max(1, Math.round(n * 0.02)))) : 0;
  const systemImages = [...images.values()].filter((im) => im.system);
  const appImages = [...images.values()].filter((im) => !im.system);
  const nodes: Node[] = [];
  for (let i = 0; i < n; i++) {
    const shape = shapes[i]!;
    const z = zones[i % zones.length]!;
    const name = `node-${String(i + 1).padStart(width, '0')}`;
    const spot = shape.gpus === 0 && rng.chance(0.1);
    const cordoned = cordonEvery > 0 && i % cordonEvery === cordonEvery - 1;
    const labels: Record<string, string> = {
      'kubernetes.io/arch': shape.arch,
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'kubescale.io/node-pool': spot ? 'spot' : shape.pool,
      'node.kubernetes.io/instance-type': shape.instanceType,
      'topology.kubernetes.io/region': z.region,
      'topology.kubernetes.io/zone': z.zone,
    };
    const taints: Taint[] = [];
    if (shape.gpus > 0) {
      labels['nvidia.com/gpu.present'] = 'true';
      taints.push({ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' });
    }
    if (spot) {
      labels['node.kubernetes.io/lifecycle'] = 'spot';
      taints.push({ key: 'kubescale.io/spot', value: 'true', effect: 'PreferNoSchedule' });
    }
    if (cordoned) taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
    const memKi = Math.floor(shape.memGi * 1048576 * 0.97); // firmware and kernel take a little
    const allocMemKi = memKi - reservedMemKi(memKi);
    const allocCpu = shape.cpu * 1000 - reservedCpuMilli(shape.cpu);
    const diskKi = 100 * 1048576;
    const capacity: Record<string, string> = {
      cpu: String(shape.cpu), 'ephemeral-storage': `${diskKi}Ki`, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0',
      memory: `${memKi}Ki`, pods: String(MAX_PODS_PER_NODE),
    };
    const allocatable: Record<string, string> = {
      ...capacity, cpu: `${allocCpu}m`, 'ephemeral-storage': String(Math.floor(diskKi * 1024 * 0.9)), memory: `${allocMemKi}Ki`,
    };
    if (shape.gpus > 0) capacity['nvidia.com/gpu'] = allocatable['nvidia.com/gpu'] = String(shape.gpus);
    const nodeImages = [...systemImages, ...appImages.filter((im) => (im.gpu ? shape.gpus > 0 && rng.chance(0.8) : !im.gpu && rng.chance(0.35)))]
      .sort((a, b) => b.sizeBytes - a.sizeBytes)
      .map((im) => ({ names: [`${im.full.split(':')[0]}@sha256:${im.digest}`, im.full], sizeBytes: im.sizeBytes }));
    const cidr = podCidrBase(i);
    const node: Node = {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name, labels },
      spec: { podCIDR: `${ipv4(cidr)}/24`, podCIDRs: [`${ipv4(cidr)}/24`], ...(cordoned ? { unschedulable: true } : {}), ...(taints.length ? { taints } : {}) },
      status: {
        addresses: [{ type: 'InternalIP', address: ipv4((172 << 24) + (16 << 16) + 10 + i) }, { type: 'Hostname', address: name }],
        allocatable, capacity,
        conditions: [{ type: 'Ready', status: 'True' }],
        images: nodeImages,
        nodeInfo: { architecture: shape.arch, operatingSystem: 'linux', kubeletVersion: 'v1.35.0', containerRuntimeVersion: 'containerd://2.0.2' },
      },
    };
    nodes.push(node);
    cols.names.push(name);
    cols.zone[i] = i % zones.length;
    cols.arch[i] = shape.arch === 'arm64' ? 1 : 0;
    cols.flags[i] = (shape.gpus > 0 ? FLAG_GPU_TAINT : 0) | (spot ? FLAG_SPOT : 0) | (cordoned ? FLAG_CORDONED : 0);
    cols.freeCpuMilli[i] = allocCpu;
    cols.freeMemBytes[i] = allocMemKi * 1024;
    cols.freeGpu[i] = shape.gpus;
    cols.freePods[i] = MAX_PODS_PER_NODE;
  }
  return { nodes, cols, zones };
}

