// NodeTable and PodTable: the cluster as structure-of-arrays typed arrays on SharedArrayBuffer.
//
// Layout version 1 (all ids are interned, see intern.ts; NO_ID = 0 means absent):
//
// NodeTable, magic 0x4B534E31 ("KSN1"); header dims: [4] R resources, [5] L label slots,
//   [6] T taint slots, [7] I image slots, [8] P host-port slots.
//   name        i32          node name id (names interner)
//   alloc       f64 x R col  allocatable per resource (cpu in millicores, others in units/bytes)
//   req         f64 x R col  requested by pods bound to the node (actual requests)
//   nzCpu/nzMem f64          non-zero requested cpu (millicores) and memory (bytes), for scoring
//   allowedPods i32          allocatable pods
//   podCount    i32          pods bound to the node
//   flags       u8           bit 0 unschedulable
//   zone/region i32          value ids of topology.kubernetes.io/zone and .../region
//   labelCount  u16; labelKey/labelVal i32 x L row   (key id, value id) pairs, labels interner
//   taintCount  u16; taintKey/taintVal i32 x T row; taintEffect u8 x T row (EFFECT_*)
//   imageCount  u16; image i32 x I row (images interner, one id per image name); imageSize f64 x I row
//   portCount   u16; port i32 x P row ((protocol << 16) | port); portIP i32 x P row (labels id of hostIP, NO_ID = any)
//
// PodTable, magic 0x4B535031 ("KSP1"); header dims: [4] R resources, [5] L label slots.
//   name i32 ("namespace/name", names interner); ns i32 (namespaces interner); node i32 (row in the
//   NodeTable, -1 unbound); nominated i32 (-1 none); priority i32; phase u8 (PHASE_*);
//   flags u8 (bit 0 terminating, bit 1 scheduling-gated); ownerKind u8 (OWNER_*); owner i32 (names id of
//   the controller's name); spec i32 (index of the pod's spec in the side list of distinct specs);
//   req f64 x R col; nzCpu/nzMem f64; labelCount u16; labelKey/labelVal i32 x L row.
//
// Resource columns: index = resources-interner id - 1, and the interner is seeded with cpu, memory,
// ephemeral-storage, so those are always columns 0, 1, 2. Extended resources follow in first-seen order.
// Tables grow by reallocation (doubling rows, or widening a slot list); `generation` counts
// reallocations so a worker holding an old buffer knows to wrap the new one.

import { ColumnStore, copyColumns, H_COUNT, H_DIMS, H_MAGIC, H_VERSION, H_CAPACITY, type ColumnSpec } from './columns.js';
import { NO_ID, type Interners, newInterners } from './intern.js';

export const LAYOUT_VERSION = 1;
export const NODE_MAGIC = 0x4b534e31;
export const POD_MAGIC = 0x4b535031;

export const RES_CPU = 0;
export const RES_MEMORY = 1;
export const RES_EPHEMERAL_STORAGE = 2;
export const BUILTIN_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'] as const;

export const EFFECT_NO_SCHEDULE = 1;
export const EFFECT_PREFER_NO_SCHEDULE = 2;
export const EFFECT_NO_EXECUTE = 3;
export const EFFECTS = ['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

export const PHASE_PENDING = 0;
export const PHASE_RUNNING = 1;
export const PHASE_SUCCEEDED = 2;
export const PHASE_FAILED = 3;
export const PHASE_UNKNOWN = 4;
export const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;

export const OWNER_NONE = 0;
export const OWNER_KINDS = ['', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController', 'Deployment', 'Other'] as const;

export const NODE_UNSCHEDULABLE = 1;
export const POD_TERMINATING = 1;
export const POD_GATED = 2;

export const PROTO_TCP = 0;
export const PROTO_UDP = 1;
export const PROTO_SCTP = 2;
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const REGION_LABEL = 'topology.kubernetes.io/region';

/** Interners seeded so the built-in resources and well-known keys have stable ids. */
export function clusterInterners(): Interners {
  const i = newInterners();
  for (const r of BUILTIN_RESOURCES) i.resources.intern(r);
  return i;
}

export function resourceIndex(interners: Interners, name: string): number {
  return interners.resources.intern(name) - 1;
}

interface NodeDims { R: number; L: number; T: number; I: number; P: number }
interface PodDims { R: number; L: number }

function nodeSpecs(d: NodeDims): ColumnSpec[] {
  return [
    { name: 'name', type: 'i32', width: 1, order: 'column' },
    { name: 'alloc', type: 'f64', width: d.R, order: 'column' },
    { name: 'req', type: 'f64', width: d.R, order: 'column' },
    { name: 'nzCpu', type: 'f64', width: 1, order: 'column' },
    { name: 'nzMem', type: 'f64', width: 1, order: 'column' },
    { name: 'allowedPods', type: 'i32', width: 1, order: 'column' },
    { name: 'podCount', type: 'i32', width: 1, order: 'column' },
    { name: 'flags', type: 'u8', width: 1, order: 'column' },
    { name: 'zone', type: 'i32', width: 1, order: 'column' },
    { name: 'region', type: 'i32', width: 1, order: 'column' },
    { name: 'labelCount', type: 'u16', width: 1, order: 'column' },
    { name: 'labelKey', type: 'i32', width: d.L, order: 'row' },
    { name: 'labelVal', type: 'i32', width: d.L, order: 'row' },
    { name: 'taintCount', type: 'u16', width: 1, order: 'column' },
    { name: 'taintKey', type: 'i32', width: d.T, order: 'row' },
    { name: 'taintVal', type: 'i32', width: d.T, order: 'row' },
    { name: 'taintEffect', type: 'u8', width: d.T, order: 'row' },
    { name: 'imageCount', type: 'u16', width: 1, order: 'column' },
    { name: 'image', type: 'i32', width: d.I, order: 'row' },
    { name: 'imageSize', type: 'f64', width: d.I, order: 'row' },
    { name: 'portCount', type: 'u16', width: 1, order: 'column' },
    { name: 'port', type: 'i32', width: d.P, order: 'row' },
    { name: 'portIP', type: 'i32', width: d.P, order: 'row' },
  ];
}

function podSpecs(d: PodDims): ColumnSpec[] {
  return [
    { name: 'name', type: 'i32', width: 1, order: 'column' },
    { name: 'ns', type: 'i32', width: 1, order: 'column' },
    { name: 'node', type: 'i32', width: 1, order: 'column' },
    { name: 'nominated', type: 'i32', width: 1, order: 'column' },
    { name: 'priority', type: 'i32', width: 1, order: 'column' },
    { name: 'phase', type: 'u8', width: 1, order: 'column' },
    { name: 'flags', type: 'u8', width: 1, order: 'column' },
    { name: 'ownerKind', type: 'u8', width: 1, order: 'column' },
    { name: 'owner', type: 'i32', width: 1, order: 'column' },
    { name: 'spec', type: 'i32', width: 1, order: 'column' },
    { name: 'req', type: 'f64', width: d.R, order: 'column' },
    { name: 'nzCpu', type: 'f64', width: 1, order: 'column' },
    { name: 'nzMem', type: 'f64', width: 1, order: 'column' },
    { name: 'labelCount', type: 'u16', width: 1, order: 'column' },
    { name: 'labelKey', type: 'i32', width: d.L, order: 'row' },
    { name: 'labelVal', type: 'i32', width: d.L, order: 'row' },
  ];
}

/** The label columns both tables have (row-major slots of (key id, value id), sorted by key id). */
interface LabelColumns {
  labelCount: Uint16Array;
  labelKey: Int32Array;
  labelVal: Int32Array;
}

/**
 * What NodeTable and PodTable share: header and growth handling, resource columns, and the label
 * slots (lookup and sorted writes).
 */
abstract class Table<D extends { R: number; L: number }, C extends LabelColumns> {
  protected store: ColumnStore;
  protected dims: D;
  readonly interners: Interners;
  /** Typed views; re-read after any call that may add rows or slots. */
  cols!: C;
  /** Incremented on every reallocation. */
  generation = 0;

  protected constructor(store: ColumnStore, dims: D, interners: Interners) {
    this.store = store;
    this.dims = dims;
    this.interners = interners;
    this.writeDims();
    this.onReallocate();
  }

  protected abstract specsFor(d: D): ColumnSpec[];
  protected abstract writeDims(): void;
  protected abstract magic(): number;

  get buffer(): SharedArrayBuffer { return this.store.buffer; }
  get capacity(): number { return this.store.capacity; }
  get count(): number { return this.store.header[H_COUNT]!; }
  protected set count(n: number) { this.store.header[H_COUNT] = n; }
  get resourceCount(): number { return this.dims.R; }
  get labelSlots(): number { return this.dims.L; }

  /** Reallocates with at least `rows` capacity and the given dims, copying every row. */
  protected reallocate(rows: number, dims: D): void {
    const oldSpecs = this.specsFor(this.dims);
    const capacity = Math.max(rows, this.store.capacity);
    const next = ColumnStore.allocate(this.specsFor(dims), capacity, this.magic(), LAYOUT_VERSION);
    copyColumns(this.store, oldSpecs, next, this.specsFor(dims), this.count);
    next.header[H_COUNT] = this.count;
    this.store = next;
    this.dims = dims;
    this.writeDims();
    this.generation++;
    this.onReallocate();
  }

  private onReallocate(): void {
    this.cols = this.store.columns as unknown as C;
  }

  protected ensureRows(rows: number): void {
    if (rows > this.store.capacity) this.reallocate(Math.max(rows, this.store.capacity * 2, 16), this.dims);
  }

  /** Widens slot list `key` (a dimension of D) to hold at least n entries per row. */
  protected ensureSlots(key: keyof D & string, n: number): void {
    const have = this.dims[key] as number;
    if (n > have) {
      let w = have;
      while (w < n) w *= 2;
      this.reallocate(this.capacity, { ...this.dims, [key]: w });
    }
  }

  /** Makes sure resource columns exist for every interned resource. */
  ensureResources(): void {
    const R = this.interners.resources.size - 1;
    if (R > this.dims.R) this.reallocate(this.capacity, { ...this.dims, R });
  }

  /** Value id of label `keyId` on row i, or NO_ID. */
  labelValue(i: number, keyId: number): number {
    const { labelCount, labelKey, labelVal } = this.cols;
    const L = this.dims.L;
    const base = i * L;
    const n = labelCount[i]!;
    for (let s = 0; s < n; s++) if (labelKey[base + s] === keyId) return labelVal[base + s]!;
    return NO_ID;
  }

  /** Replaces row i's labels, sorted by key id (two tables built alike are byte-identical). */
  protected writeLabels(i: number, labels: [string, string][]): void {
    this.ensureSlots('L', labels.length);
    const c = this.cols;
    const L = this.dims.L;
    // Slots past a row's count are always zero: only the old entries need clearing (none on a new row).
    const old = c.labelCount[i]!;
    if (old > 0) {
      c.labelKey.fill(0, i * L, i * L + old);
      c.labelVal.fill(0, i * L, i * L + old);
    }
    c.labelCount[i] = labels.length;
    if (labels.length === 0) return;
    const pairs = labels.map(([k, v]) => [this.interners.labels.intern(k), this.interners.labels.intern(v)] as const).sort((a, b) => a[0] - b[0]);
    pairs.forEach(([k, v], s) => {
      c.labelKey[i * L + s] = k;
      c.labelVal[i * L + s] = v;
    });
  }

  /** Every byte of the table, header included: what a snapshot stores and a worker wraps. */
  bytes(): Uint8Array {
    return new Uint8Array(this.store.buffer);
  }
}

const NO_ENTRIES: [string, string][] = [];

/** Object.entries without an allocation for the common empty label set. */
function entriesOf(labels: Record<string, string>): [string, string][] {
  for (const _ in labels) return Object.entries(labels);
  return NO_ENTRIES;
}

function readDims(buffer: SharedArrayBuffer, magic: number, what: string): { header: Int32Array; capacity: number } {
  const header = new Int32Array(buffer, 0, 16);
  if (header[H_MAGIC] !== magic) throw new Error(`${what}: buffer does not hold a ${what} (bad magic)`);
  if (header[H_VERSION] !== LAYOUT_VERSION) throw new Error(`${what}: layout version ${header[H_VERSION]} is not supported (want ${LAYOUT_VERSION})`);
  return { header, capacity: header[H_CAPACITY]! };
}

export interface NodeColumns {
  name: Int32Array; alloc: Float64Array; req: Float64Array; nzCpu: Float64Array; nzMem: Float64Array;
  allowedPods: Int32Array; podCount: Int32Array; flags: Uint8Array; zone: Int32Array; region: Int32Array;
  labelCount: Uint16Array; labelKey: Int32Array; labelVal: Int32Array;
  taintCount: Uint16Array; taintKey: Int32Array; taintVal: Int32Array; taintEffect: Uint8Array;
  imageCount: Uint16Array; image: Int32Array; imageSize: Float64Array;
  portCount: Uint16Array; port: Int32Array; portIP: Int32Array;
}

export interface NodeRow {
  name: string;
  /** Allocatable by resource name, already in table units. */
  allocatable: Map<string, number>;
  allowedPods: number;
  unschedulable?: boolean;
  labels: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  images?: { name: string; sizeBytes: number }[];
}

export class NodeTable extends Table<NodeDims, NodeColumns> {
  private constructor(store: ColumnStore, dims: NodeDims, interners: Interners) {
    super(store, dims, interners);
  }

  static create(interners: Interners, capacity = 64, dims: Partial<NodeDims> = {}): NodeTable {
    const d: NodeDims = { R: Math.max(interners.resources.size - 1, 3), L: 16, T: 4, I: 8, P: 4, ...dims };
    const store = ColumnStore.allocate(nodeSpecs(d), capacity, NODE_MAGIC, LAYOUT_VERSION);
    return new NodeTable(store, d, interners);
  }

  /** Wraps a buffer produced by another NodeTable (another thread, a snapshot) without copying. */
  static wrap(buffer: SharedArrayBuffer, interners: Interners): NodeTable {
    const { header, capacity } = readDims(buffer, NODE_MAGIC, 'NodeTable');
    const d: NodeDims = { R: header[H_DIMS]!, L: header[H_DIMS + 1]!, T: header[H_DIMS + 2]!, I: header[H_DIMS + 3]!, P: header[H_DIMS + 4]! };
    return new NodeTable(new ColumnStore(buffer, nodeSpecs(d), capacity), d, interners);
  }

  protected specsFor(d: NodeDims): ColumnSpec[] { return nodeSpecs(d); }
  protected magic(): number { return NODE_MAGIC; }
  protected writeDims(): void {
    const h = this.store.header;
    h[H_DIMS] = this.dims.R; h[H_DIMS + 1] = this.dims.L; h[H_DIMS + 2] = this.dims.T; h[H_DIMS + 3] = this.dims.I; h[H_DIMS + 4] = this.dims.P;
  }
  get taintSlots(): number { return this.dims.T; }
  get imageSlots(): number { return this.dims.I; }
  get portSlots(): number { return this.dims.P; }

  /** Appends a node; returns its row. */
  add(row: NodeRow): number {
    const { interners } = this;
    for (const r of row.allocatable.keys()) interners.resources.intern(r);
    this.ensureResources();
    const i = this.count;
    this.ensureRows(i + 1);
    const labels = entriesOf(row.labels);
    this.ensureSlots('L', labels.length);
    this.ensureSlots('T', row.taints?.length ?? 0);
    this.ensureSlots('I', row.images?.length ?? 0);
    const c = this.cols;
    const cap = this.capacity;
    c.name[i] = interners.names.intern(row.name);
    for (const [r, v] of row.allocatable) c.alloc[(interners.resources.lookup(r) - 1) * cap + i] = v;
    c.allowedPods[i] = row.allowedPods;
    c.flags[i] = row.unschedulable ? NODE_UNSCHEDULABLE : 0;
    this.count = i + 1;
    this.setLabels(i, labels);
    const { T, I } = this.dims;
    const taints = row.taints ?? [];
    c.taintCount[i] = taints.length;
    taints.forEach((t, k) => {
      c.taintKey[i * T + k] = interners.labels.intern(t.key);
      c.taintVal[i * T + k] = interners.labels.intern(t.value ?? '');
      c.taintEffect[i * T + k] = EFFECTS.indexOf(t.effect as (typeof EFFECTS)[number]);
    });
    const images = row.images ?? [];
    c.imageCount[i] = images.length;
    images.forEach((im, k) => {
      c.image[i * I + k] = interners.images.intern(im.name);
      c.imageSize[i * I + k] = im.sizeBytes;
    });
    return i;
  }

  /** Replaces a node's labels; keeps the zone and region columns in step. */
  setLabels(i: number, labels: [string, string][]): void {
    this.writeLabels(i, labels);
    const c = this.cols;
    const zoneKey = this.interners.labels.lookup(ZONE_LABEL);
    const regionKey = this.interners.labels.lookup(REGION_LABEL);
    c.zone[i] = zoneKey === NO_ID ? NO_ID : this.labelValue(i, zoneKey);
    c.region[i] = regionKey === NO_ID ? NO_ID : this.labelValue(i, regionKey);
  }

  nameId(i: number): number { return this.cols.name[i]!; }
  nodeName(i: number): string { return this.interners.names.get(this.cols.name[i]!); }

  /** Records a host port used on node i by a bound pod. */
  addHostPort(i: number, protocol: number, port: number, hostIPId: number): void {
    const n = this.cols.portCount[i]!;
    this.ensureSlots('P', n + 1);
    const P = this.dims.P;
    const c = this.cols;
    c.port[i * P + n] = (protocol << 16) | port;
    c.portIP[i * P + n] = hostIPId;
    c.portCount[i] = n + 1;
  }

  /** Removes one host port entry (the first equal one) from node i. */
  removeHostPort(i: number, protocol: number, port: number, hostIPId: number): void {
    const c = this.cols;
    const P = this.dims.P;
    const n = c.portCount[i]!;
    const key = (protocol << 16) | port;
    for (let s = 0; s < n; s++) {
      if (c.port[i * P + s] === key && c.portIP[i * P + s] === hostIPId) {
        c.port[i * P + s] = c.port[i * P + n - 1]!;
        c.portIP[i * P + s] = c.portIP[i * P + n - 1]!;
        c.port[i * P + n - 1] = 0;
        c.portIP[i * P + n - 1] = 0;
        c.portCount[i] = n - 1;
        return;
      }
    }
  }

  /** Copies the table into a new one with capacity == count (what a snapshot stores). */
  compacted(): NodeTable {
    const t = NodeTable.create(this.interners, Math.max(this.count, 1), this.dims);
    copyColumns(this.store, nodeSpecs(this.dims), t.store, nodeSpecs(this.dims), this.count);
    t.count = this.count;
    return t;
  }
}

export interface PodColumns {
  name: Int32Array; ns: Int32Array; node: Int32Array; nominated: Int32Array; priority: Int32Array;
  phase: Uint8Array; flags: Uint8Array; ownerKind: Uint8Array; owner: Int32Array; spec: Int32Array;
  req: Float64Array; nzCpu: Float64Array; nzMem: Float64Array;
  labelCount: Uint16Array; labelKey: Int32Array; labelVal: Int32Array;
}

export interface PodRow {
  namespace: string;
  name: string;
  /** "namespace/name", when the caller has it already. */
  key?: string;
  /** Row in the NodeTable, or -1. */
  node: number;
  priority: number;
  phase: number;
  terminating?: boolean;
  gated?: boolean;
  ownerKind: number;
  owner: string;
  spec: number;
  requests: Map<string, number>;
  nonZeroCpu: number;
  nonZeroMemory: number;
  labels: Record<string, string>;
}

export class PodTable extends Table<PodDims, PodColumns> {
  private constructor(store: ColumnStore, dims: PodDims, interners: Interners) {
    super(store, dims, interners);
  }

  static create(interners: Interners, capacity = 256, dims: Partial<PodDims> = {}): PodTable {
    const d: PodDims = { R: Math.max(interners.resources.size - 1, 3), L: 8, ...dims };
    return new PodTable(ColumnStore.allocate(podSpecs(d), capacity, POD_MAGIC, LAYOUT_VERSION), d, interners);
  }

  static wrap(buffer: SharedArrayBuffer, interners: Interners): PodTable {
    const { header, capacity } = readDims(buffer, POD_MAGIC, 'PodTable');
    const d: PodDims = { R: header[H_DIMS]!, L: header[H_DIMS + 1]! };
    return new PodTable(new ColumnStore(buffer, podSpecs(d), capacity), d, interners);
  }

  protected specsFor(d: PodDims): ColumnSpec[] { return podSpecs(d); }
  protected magic(): number { return POD_MAGIC; }
  protected writeDims(): void {
    this.store.header[H_DIMS] = this.dims.R;
    this.store.header[H_DIMS + 1] = this.dims.L;
  }

  add(row: PodRow): number {
    const { interners } = this;
    row.requests.forEach((_, r) => interners.resources.intern(r));
    this.ensureResources();
    const i = this.count;
    this.ensureRows(i + 1);
    const labels = entriesOf(row.labels);
    this.ensureSlots('L', labels.length);
    const c = this.cols;
    const cap = this.capacity;
    c.name[i] = interners.names.intern(row.key ?? `${row.namespace}/${row.name}`);
    c.ns[i] = interners.namespaces.intern(row.namespace);
    c.node[i] = row.node;
    c.nominated[i] = -1;
    c.priority[i] = row.priority;
    c.phase[i] = row.phase;
    c.flags[i] = (row.terminating ? POD_TERMINATING : 0) | (row.gated ? POD_GATED : 0);
    c.ownerKind[i] = row.ownerKind;
    c.owner[i] = row.owner ? interners.names.intern(row.owner) : NO_ID;
    c.spec[i] = row.spec;
    row.requests.forEach((v, r) => {
      c.req[(interners.resources.lookup(r) - 1) * cap + i] = v;
    });
    c.nzCpu[i] = row.nonZeroCpu;
    c.nzMem[i] = row.nonZeroMemory;
    this.writeLabels(i, labels);
    this.count = i + 1;
    return i;
  }

  /** "namespace/name" of pod i. */
  podName(i: number): string { return this.interners.names.get(this.cols.name[i]!); }

  compacted(): PodTable {
    const t = PodTable.create(this.interners, Math.max(this.count, 1), this.dims);
    copyColumns(this.store, podSpecs(this.dims), t.store, podSpecs(this.dims), this.count);
    t.count = this.count;
    return t;
  }
}

/** Adds pod p's requests to node n (assume/bind) or, with sign -1, removes them (delete/evict). */
export function accountPod(nodes: NodeTable, pods: PodTable, p: number, n: number, sign: 1 | -1): void {
  const nc = nodes.cols;
  const pc = pods.cols;
  const R = Math.min(nodes.resourceCount, pods.resourceCount);
  const ncap = nodes.capacity;
  const pcap = pods.capacity;
  for (let r = 0; r < R; r++) nc.req[r * ncap + n] += sign * pc.req[r * pcap + p]!;
  nc.nzCpu[n] += sign * pc.nzCpu[p]!;
  nc.nzMem[n] += sign * pc.nzMem[p]!;
  nc.podCount[n] += sign;
}
