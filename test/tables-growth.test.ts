// NodeTable and PodTable growth: rows past capacity, wider label/taint/image/port slot lists, new
// extended-resource columns after rows exist — every value kept across each reallocation — and
// wrapping a table's SharedArrayBuffer elsewhere, in this thread and in a real Worker.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { NodeTable, PodTable, accountPod, clusterInterners, EFFECTS, NODE_UNSCHEDULABLE, type NodeRow, type PodRow } from '../src/model/tables.js';
import { Interner, NO_ID, type Interners } from '../src/model/intern.js';

/** Everything a node row holds, decoded back to strings. */
function readNode(t: NodeTable, i: number) {
  const c = t.cols;
  const cap = t.capacity;
  const res = t.interners.resources;
  const alloc: Record<string, number> = {};
  const req: Record<string, number> = {};
  for (let r = 0; r < t.resourceCount; r++) {
    const name = res.get(r + 1);
    alloc[name] = c.alloc[r * cap + i]!;
    req[name] = c.req[r * cap + i]!;
  }
  const L = t.labelSlots, T = t.taintSlots, I = t.imageSlots, P = t.portSlots;
  const lbl = t.interners.labels;
  const labels: Record<string, string> = {};
  for (let s = 0; s < c.labelCount[i]!; s++) labels[lbl.get(c.labelKey[i * L + s]!)] = lbl.get(c.labelVal[i * L + s]!);
  const taints = [];
  for (let s = 0; s < c.taintCount[i]!; s++) {
    taints.push({ key: lbl.get(c.taintKey[i * T + s]!), value: lbl.get(c.taintVal[i * T + s]!), effect: EFFECTS[c.taintEffect[i * T + s]!] });
  }
  const images = [];
  for (let s = 0; s < c.imageCount[i]!; s++) images.push({ name: t.interners.images.get(c.image[i * I + s]!), sizeBytes: c.imageSize[i * I + s]! });
  const ports = [];
  for (let s = 0; s < c.portCount[i]!; s++) ports.push([c.port[i * P + s]!, c.portIP[i * P + s]!]);
  return {
    name: t.nodeName(i), alloc, req, nzCpu: c.nzCpu[i], nzMem: c.nzMem[i], allowedPods: c.allowedPods[i], podCount: c.podCount[i], flags: c.flags[i],
    zone: c.zone[i] ? lbl.get(c.zone[i]!) : '', region: c.region[i] ? lbl.get(c.region[i]!) : '', labels, taints, images, ports,
  };
}

function readPod(t: PodTable, i: number) {
  const c = t.cols;
  const cap = t.capacity;
  const req: Record<string, number> = {};
  for (let r = 0; r < t.resourceCount; r++) req[t.interners.resources.get(r + 1)] = c.req[r * cap + i]!;
  const L = t.labelSlots;
  const labels: Record<string, string> = {};
  for (let s = 0; s < c.labelCount[i]!; s++) labels[t.interners.labels.get(c.labelKey[i * L + s]!)] = t.interners.labels.get(c.labelVal[i * L + s]!);
  return {
    name: t.podName(i), ns: t.interners.namespaces.get(c.ns[i]!), node: c.node[i], nominated: c.nominated[i], priority: c.priority[i], phase: c.phase[i],
    flags: c.flags[i], ownerKind: c.ownerKind[i], owner: c.owner[i] ? t.interners.names.get(c.owner[i]!) : '', spec: c.spec[i], req,
    nzCpu: c.nzCpu[i], nzMem: c.nzMem[i], labels,
  };
}

function nodeRow(i: number, extra: Partial<NodeRow> = {}): NodeRow {
  return {
    name: `node-${i}`,
    allocatable: new Map([['cpu', 4000 + i], ['memory', (16 + i) * 2 ** 30], ['ephemeral-storage', 100e9 + i]]),
    allowedPods: 110,
    unschedulable: i % 5 === 0,
    labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': `zone-${i % 3}`, 'topology.kubernetes.io/region': 'r1', pool: i % 2 ? 'odd' : 'even' },
    taints: i % 4 === 0 ? [{ key: 'dedicated', value: `team-${i}`, effect: 'NoSchedule' }] : [],
    images: [{ name: `registry/app-${i % 7}:1`, sizeBytes: 1e8 + i }],
    ...extra,
  };
}

function podRow(i: number, extra: Partial<PodRow> = {}): PodRow {
  return {
    namespace: `ns-${i % 3}`, name: `pod-${i}`, node: -1, priority: i % 10, phase: 0, terminating: i % 9 === 0, gated: i % 11 === 0,
    ownerKind: 1, owner: `ReplicaSet/ns-${i % 3}/rs-${i % 4}`, spec: i % 5,
    requests: new Map([['cpu', 100 + i], ['memory', 2 ** 20 * (64 + i)]]), nonZeroCpu: 100 + i, nonZeroMemory: 2 ** 20 * (64 + i),
    labels: { app: `app-${i % 4}`, tier: 'web' }, ...extra,
  };
}

const allNodes = (t: NodeTable) => Array.from({ length: t.count }, (_, i) => readNode(t, i));
const allPods = (t: PodTable) => Array.from({ length: t.count }, (_, i) => readPod(t, i));

test('NodeTable grows past its capacity, keeping every row', () => {
  const t = NodeTable.create(clusterInterners(), 2);
  assert.equal(t.capacity, 2);
  const expected = [];
  for (let i = 0; i < 100; i++) {
    assert.equal(t.add(nodeRow(i)), i);
    expected.push(readNode(t, i));
  }
  assert.equal(t.count, 100);
  assert.ok(t.capacity >= 100);
  assert.ok(t.generation >= 3, `reallocated ${t.generation} times`);
  assert.deepEqual(allNodes(t), expected);
  // Spot values, straight from the inputs.
  const n7 = readNode(t, 7);
  assert.equal(n7.name, 'node-7');
  assert.equal(n7.alloc.cpu, 4007);
  assert.equal(n7.alloc.memory, 23 * 2 ** 30);
  assert.equal(n7.zone, 'zone-1');
  assert.equal(n7.region, 'r1');
  assert.equal(readNode(t, 10).flags, NODE_UNSCHEDULABLE);
  assert.deepEqual(readNode(t, 8).taints, [{ key: 'dedicated', value: 'team-8', effect: 'NoSchedule' }]);
});

test('NodeTable widens label, taint, image and port slots for a row that needs more, keeping the others', () => {
  const t = NodeTable.create(clusterInterners(), 8);
  for (let i = 0; i < 6; i++) t.add(nodeRow(i));
  for (let i = 0; i < 6; i++) t.addHostPort(i, 0, 8080 + i, NO_ID);
  const before = allNodes(t);
  const L0 = t.labelSlots, T0 = t.taintSlots, I0 = t.imageSlots, P0 = t.portSlots;
  const gen0 = t.generation;

  const manyLabels: Record<string, string> = {};
  for (let k = 0; k < L0 + 3; k++) manyLabels[`example.com/label-${k}`] = `v${k}`;
  const manyTaints = Array.from({ length: T0 + 1 }, (_, k) => ({ key: `taint-${k}`, value: `v${k}`, effect: EFFECTS[1 + (k % 3)]! }));
  const manyImages = Array.from({ length: I0 + 1 }, (_, k) => ({ name: `img-${k}:latest`, sizeBytes: 1000 * (k + 1) }));
  const row = t.add(nodeRow(6, { labels: manyLabels, taints: manyTaints, images: manyImages }));
  assert.equal(row, 6);
  assert.ok(t.labelSlots >= L0 + 3 && t.taintSlots >= T0 + 1 && t.imageSlots >= I0 + 1, 'slots widened');
  assert.ok(t.generation >= gen0 + 3);
  for (let k = 0; k <= P0; k++) t.addHostPort(6, 1, 9000 + k, t.interners.labels.intern('10.0.0.1'));
  assert.ok(t.portSlots >= P0 + 1);

  assert.deepEqual(allNodes(t).slice(0, 6), before, 'earlier rows unchanged');
  const wide = readNode(t, 6);
  assert.deepEqual(wide.labels, manyLabels);
  assert.deepEqual(wide.taints, manyTaints);
  assert.deepEqual(wide.images, manyImages);
  const ip = t.interners.labels.lookup('10.0.0.1');
  assert.deepEqual(wide.ports, Array.from({ length: P0 + 1 }, (_, k) => [(1 << 16) | (9000 + k), ip]));
  // Zone and region columns follow the labels (this row has neither).
  assert.equal(wide.zone, '');

  // Removing a host port keeps the rest.
  t.removeHostPort(6, 1, 9000, ip);
  assert.equal(readNode(t, 6).ports.length, P0);
  assert.ok(!readNode(t, 6).ports.some(([p]) => p === ((1 << 16) | 9000)));
});

test('a new extended resource after rows exist adds a column; old rows read 0 there', () => {
  const interners = clusterInterners();
  const nodes = NodeTable.create(interners, 4);
  const pods = PodTable.create(interners, 4);
  for (let i = 0; i < 10; i++) nodes.add(nodeRow(i));
  for (let i = 0; i < 10; i++) pods.add(podRow(i));
  const nodesBefore = allNodes(nodes);
  const podsBefore = allPods(pods);
  assert.equal(nodes.resourceCount, 3);

  nodes.add(nodeRow(10, { allocatable: new Map([['cpu', 8000], ['memory', 2 ** 35], ['nvidia.com/gpu', 4]]) }));
  assert.equal(nodes.resourceCount, 4);
  assert.equal(interners.resources.lookup('nvidia.com/gpu'), 4, 'column 3, after cpu, memory, ephemeral-storage');
  const withGpu = (n: ReturnType<typeof readNode>) => ({ ...n, alloc: { ...n.alloc, 'nvidia.com/gpu': 0 }, req: { ...n.req, 'nvidia.com/gpu': 0 } });
  assert.deepEqual(allNodes(nodes).slice(0, 10), nodesBefore.map(withGpu));
  assert.equal(readNode(nodes, 10).alloc['nvidia.com/gpu'], 4);
  assert.equal(readNode(nodes, 10).alloc['ephemeral-storage'], 0);

  // The pod table learns the column when it sees the resource (or on ensureResources).
  pods.add(podRow(10, { requests: new Map([['cpu', 1000], ['nvidia.com/gpu', 1], ['example.com/fpga', 2]]) }));
  assert.equal(pods.resourceCount, 5);
  assert.deepEqual(allPods(pods).slice(0, 10), podsBefore.map((p) => ({ ...p, req: { ...p.req, 'nvidia.com/gpu': 0, 'example.com/fpga': 0 } })));
  assert.deepEqual(readPod(pods, 10).req, { cpu: 1000, memory: 0, 'ephemeral-storage': 0, 'nvidia.com/gpu': 1, 'example.com/fpga': 2 });
  nodes.ensureResources();
  assert.equal(nodes.resourceCount, 5);
  assert.equal(readNode(nodes, 10).alloc['nvidia.com/gpu'], 4);
});

test('PodTable grows rows and label slots, keeping every value', () => {
  const t = PodTable.create(clusterInterners(), 3);
  const expected = [];
  for (let i = 0; i < 200; i++) {
    t.add(podRow(i));
    expected.push(readPod(t, i));
  }
  const L0 = t.labelSlots;
  const labels: Record<string, string> = {};
  for (let k = 0; k < L0 * 2 + 1; k++) labels[`k${k}`] = `v${k}`;
  t.add(podRow(200, { labels }));
  assert.ok(t.labelSlots > L0 * 2);
  assert.deepEqual(allPods(t).slice(0, 200), expected);
  assert.deepEqual(readPod(t, 200).labels, labels);
  const p9 = readPod(t, 9);
  assert.equal(p9.name, 'ns-0/pod-9');
  assert.equal(p9.ns, 'ns-0');
  assert.equal(p9.flags, 1, 'terminating');
  assert.equal(readPod(t, 11).flags, 2, 'gated');
  assert.equal(p9.owner, 'ReplicaSet/ns-0/rs-1');
  assert.equal(p9.nominated, -1);
  assert.equal(p9.req.memory, 2 ** 20 * 73);
});

test('wrap(buffer) of another table sees identical values; compacted() keeps them with capacity == count', () => {
  const interners = clusterInterners();
  const nodes = NodeTable.create(interners, 2);
  const pods = PodTable.create(interners, 2);
  for (let i = 0; i < 30; i++) nodes.add(nodeRow(i));
  for (let i = 0; i < 50; i++) pods.add(podRow(i));
  const wn = NodeTable.wrap(nodes.buffer, interners);
  const wp = PodTable.wrap(pods.buffer, interners);
  assert.deepEqual(allNodes(wn), allNodes(nodes));
  assert.deepEqual(allPods(wp), allPods(pods));
  assert.equal(wn.capacity, nodes.capacity);
  // Same memory: a write through one view shows through the other.
  wn.cols.podCount[3] = 42;
  assert.equal(nodes.cols.podCount[3], 42);
  nodes.cols.podCount[3] = 0;

  const cn = nodes.compacted();
  const cp = pods.compacted();
  assert.equal(cn.capacity, 30);
  assert.equal(cp.capacity, 50);
  assert.deepEqual(allNodes(cn), allNodes(nodes));
  assert.deepEqual(allPods(cp), allPods(pods));
  assert.notEqual(cn.buffer, nodes.buffer);

  // A buffer that is not a table is refused.
  assert.throws(() => NodeTable.wrap(pods.buffer, interners), /NodeTable: buffer does not hold a NodeTable \(bad magic\)/);
  const bad = new SharedArrayBuffer(nodes.buffer.byteLength);
  new Uint8Array(bad).set(new Uint8Array(nodes.buffer));
  new Int32Array(bad)[1] = 99;
  assert.throws(() => NodeTable.wrap(bad, interners), /layout version 99 is not supported \(want 1\)/);
});

test('a Worker given the SharedArrayBuffers wraps the same tables and reads the same values', async () => {
  const interners = clusterInterners();
  const nodes = NodeTable.create(interners, 4);
  const pods = PodTable.create(interners, 4);
  for (let i = 0; i < 40; i++) nodes.add(nodeRow(i));
  for (let i = 0; i < 40; i++) pods.add(podRow(i, { node: i % 40 }));
  for (let i = 0; i < 40; i++) accountPod(nodes, pods, i, i % 40, 1);
  nodes.add(nodeRow(40, { allocatable: new Map([['cpu', 1], ['example.com/dongle', 3]]) }));
  const strings = (i: Interners) => Object.fromEntries(Object.entries(i).map(([k, v]) => [k, (v as Interner).strings]));

  // The worker rebuilds the interners from their string lists, wraps both buffers, reads everything
  // with the same readers as this thread, then writes one value into the shared node table.
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const tables = await import(workerData.tablesUrl);
      const intern = await import(workerData.internUrl);
      const interners = {};
      for (const [k, v] of Object.entries(workerData.strings)) interners[k] = new intern.Interner(v);
      const nodes = tables.NodeTable.wrap(workerData.nodeBuffer, interners);
      const pods = tables.PodTable.wrap(workerData.podBuffer, interners);
      const EFFECTS = tables.EFFECTS;
      const readNode = ${readNode.toString()};
      const readPod = ${readPod.toString()};
      const out = { nodes: [], pods: [] };
      for (let i = 0; i < nodes.count; i++) out.nodes.push(readNode(nodes, i));
      for (let i = 0; i < pods.count; i++) out.pods.push(readPod(pods, i));
      nodes.cols.podCount[0] = 1234;
      parentPort.postMessage(out);
    })();
  `;
  const before = { nodes: allNodes(nodes), pods: allPods(pods) };
  const worker = new Worker(code, {
    eval: true,
    workerData: {
      tablesUrl: new URL('../src/model/tables.js', import.meta.url).href,
      internUrl: new URL('../src/model/intern.js', import.meta.url).href,
      strings: strings(interners), nodeBuffer: nodes.buffer, podBuffer: pods.buffer,
    },
  });
  const seen = await new Promise<{ nodes: unknown[]; pods: unknown[] }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.equal(seen.nodes.length, 41);
  assert.deepEqual(seen.nodes, before.nodes);
  assert.deepEqual(seen.pods, before.pods);
  assert.equal(before.nodes[39]!.podCount, 1);
  assert.equal(before.nodes[40]!.alloc['example.com/dongle'], 3);
  // The worker's write landed in this thread's memory: the buffer is shared, not copied.
  assert.equal(nodes.cols.podCount[0], 1234);
});

test('accountPod adds a pod\'s requests to its node and removes them again', () => {
  const interners = clusterInterners();
  const nodes = NodeTable.create(interners, 4);
  const pods = PodTable.create(interners, 4);
  nodes.add(nodeRow(0));
  nodes.add(nodeRow(1));
  const empty = readNode(nodes, 0);
  const other = readNode(nodes, 1);
  const a = pods.add(podRow(0, { requests: new Map([['cpu', 250], ['memory', 2 ** 28]]), nonZeroCpu: 250, nonZeroMemory: 2 ** 28 }));
  const b = pods.add(podRow(1, { requests: new Map([['memory', 2 ** 20]]), nonZeroCpu: 100, nonZeroMemory: 2 ** 20 }));
  accountPod(nodes, pods, a, 0, 1);
  accountPod(nodes, pods, b, 0, 1);
  let n = readNode(nodes, 0);
  assert.deepEqual(n.req, { cpu: 250, memory: 2 ** 28 + 2 ** 20, 'ephemeral-storage': 0 });
  assert.equal(n.nzCpu, 350);
  assert.equal(n.nzMem, 2 ** 28 + 2 ** 20);
  assert.equal(n.podCount, 2);
  assert.deepEqual(readNode(nodes, 1), other, 'the other node is untouched');
  accountPod(nodes, pods, a, 0, -1);
  n = readNode(nodes, 0);
  assert.deepEqual(n.req, { cpu: 0, memory: 2 ** 20, 'ephemeral-storage': 0 });
  assert.equal(n.podCount, 1);
  accountPod(nodes, pods, b, 0, -1);
  assert.deepEqual(readNode(nodes, 0), empty);

  // Accounting survives growth of both tables in between.
  accountPod(nodes, pods, a, 1, 1);
  for (let i = 2; i < 50; i++) nodes.add(nodeRow(i));
  for (let i = 2; i < 50; i++) pods.add(podRow(i));
  assert.equal(readNode(nodes, 1).req.cpu, 250);
  accountPod(nodes, pods, a, 1, -1);
  assert.equal(readNode(nodes, 1).req.cpu, 0);
  assert.equal(readNode(nodes, 1).podCount, 0);
});
