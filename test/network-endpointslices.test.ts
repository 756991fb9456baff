import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Pod, Service } from '../src/k8s/types.js';
import { reconcile } from '../src/network/endpointslices/reconciler.js';
import { newEndpointSlice, podToEndpoint, TRIGGER_TIME_ANNOTATION } from '../src/network/endpointslices/utils.js';
import { EndpointSliceController } from '../src/network/endpointslices/controller.js';
import { readData } from './network-fixtures.js';

const NS = 'default';

function newPod(i: number, ready = true, terminating = false): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `pod${i}`, namespace: NS, labels: { foo: 'bar' }, ...(terminating ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'node-1', containers: [{ name: 'container-1', ports: [{ name: 'port-0', containerPort: 8080, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIP: `1.2.${i >> 8}.${i & 255}`, podIPs: [{ ip: `1.2.${i >> 8}.${i & 255}` }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function newService(): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'foo', namespace: NS, uid: '1234' },
    spec: { ports: [{ name: 'foo', port: 80, targetPort: 80, protocol: 'TCP' }], selector: { foo: 'bar' }, ipFamilies: ['IPv4'], clusterIP: '10.96.0.10' } };
}

interface Case {
  name: string; pods: number; max?: number; notReadyEvery?: number; namedPorts?: number;
  extraPods?: Array<[number, number]>;
  existing?: Array<{ from?: number; to?: number; step?: number; chunk?: number; placeholder?: boolean }>;
  mutate?: { targetPort?: number; notReadyEvery?: number; notReadyPods?: number[] };
  expect: { creates: number; updates: number; deletes: number; lengths: number[]; metrics: { desiredSlices: number; actualSlices: number; desiredEndpoints: number; added: number; removed: number; changed: number } };
}

test('upstream reconciler cases (data: test/data/network/reconciler-cases.json)', () => {
  const { cases } = JSON.parse(readData('reconciler-cases.json')) as { cases: Case[] };
  assert.ok(cases.length >= 10);
  for (const c of cases) {
    const svc = newService();
    const pods: Pod[] = [];
    for (let i = 0; i < c.pods; i++) {
      const p = newPod(i, c.notReadyEvery ? i % c.notReadyEvery !== 0 : true);
      if (c.namedPorts) p.spec.containers[0]!.ports = [{ name: 'http', containerPort: 8080 + (i % c.namedPorts), protocol: 'TCP' }];
      pods.push(p);
    }
    for (const [a, b] of c.extraPods ?? []) for (let i = a; i < b; i++) pods.push(newPod(i));
    if (c.namedPorts) svc.spec!.ports = [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }];
    const byName = new Map(pods.map((p) => [p.metadata.name, p]));
    const existing: EndpointSlice[] = [];
    let n = 0;
    const ports = [{ name: 'foo', port: 80, protocol: 'TCP' as const }];
    for (const e of c.existing ?? []) {
      if (e.placeholder) {
        const s = newEndpointSlice(svc, [], 'IPv4');
        s.metadata.name = `foo-${n++}`;
        existing.push(s);
        continue;
      }
      let cur: EndpointSlice | undefined;
      let k = 0;
      for (let i = e.from!; i < e.to!; i += e.step!) {
        if (!cur || (e.chunk && k % e.chunk === 0)) {
          cur = newEndpointSlice(svc, ports, 'IPv4');
          cur.metadata.name = `foo-${n++}`;
          existing.push(cur);
        }
        cur.endpoints!.push(podToEndpoint(byName.get(`pod${i}`) ?? newPod(i), undefined, svc, 'IPv4'));
        k++;
      }
    }
    if (c.mutate?.targetPort) svc.spec!.ports![0]!.targetPort = c.mutate.targetPort;
    pods.forEach((p, idx) => {
      const i = Number(p.metadata.name.slice(3));
      const notReady = (c.mutate?.notReadyEvery && idx % c.mutate.notReadyEvery === 0) || c.mutate?.notReadyPods?.includes(i);
      if (notReady) p.status!.conditions = [{ type: 'Ready', status: 'False' }];
    });
    let seq = 0;
    const r = reconcile({ service: svc, pods, existing, maxEndpointsPerSlice: c.max ?? 100, nameFor: (g) => `${g}new${seq++}` });
    assert.deepEqual([r.creates.length, r.updates.length, r.deletes.length], [c.expect.creates, c.expect.updates, c.expect.deletes], `${c.name}: actions`);
    // The slices that exist afterwards: existing minus deleted (updated ones replaced) plus created.
    const deleted = new Set(r.deletes.map((s) => s.metadata.name));
    const updated = new Map(r.updates.map((s) => [s.metadata.name, s]));
    const after = [...existing.filter((s) => !deleted.has(s.metadata.name)).map((s) => updated.get(s.metadata.name) ?? s), ...r.creates];
    assert.deepEqual(after.map((s) => s.endpoints!.length).sort((a, b) => b - a), [...c.expect.lengths].sort((a, b) => b - a), `${c.name}: slice sizes`);
    const m = c.expect.metrics;
    assert.deepEqual(
      { desiredSlices: r.desiredSlices, actualSlices: r.actualSlices, desiredEndpoints: r.desiredEndpoints, added: r.added, removed: r.removed, changed: r.creates.length + r.updates.length + r.deletes.length },
      m, `${c.name}: metrics`);
  }
});

test('endpoint conditions, labels, owner reference and trigger-time annotation', () => {
  const svc = newService();
  svc.metadata.labels = { team: 'a' };
  const ready = newPod(1);
  const notReady = newPod(2, false);
  const terminating = newPod(3, true, true);
  (ready.status!.conditions![0] as { lastTransitionTime?: string }).lastTransitionTime = '2024-05-01T10:00:00Z';
  const r = reconcile({ service: svc, pods: [ready, notReady, terminating], existing: [], maxEndpointsPerSlice: 100, triggerTime: '2024-05-01T10:00:00Z', nameFor: () => 'foo-abcde' });
  const s = r.creates[0]!;
  assert.deepEqual(s.endpoints!.map((e) => e.conditions), [
    { ready: true, serving: true, terminating: false },
    { ready: false, serving: false, terminating: false },
    { ready: false, serving: true, terminating: true },
  ]);
  assert.deepEqual(s.metadata.labels, { team: 'a', 'kubernetes.io/service-name': 'foo', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'foo', uid: '1234', controller: true, blockOwnerDeletion: true }]);
  assert.equal(s.metadata.annotations![TRIGGER_TIME_ANNOTATION], '2024-05-01T10:00:00Z');
  assert.deepEqual(s.endpoints![0]!.targetRef, { kind: 'Pod', namespace: 'default', name: 'pod1' });
  assert.equal(s.endpoints![0]!.nodeName, 'node-1');
  // publishNotReadyAddresses: ready regardless of the pod.
  svc.spec!.publishNotReadyAddresses = true;
  const r2 = reconcile({ service: svc, pods: [notReady, terminating], existing: [], maxEndpointsPerSlice: 100, nameFor: () => 'x' });
  assert.deepEqual(r2.creates[0]!.endpoints!.map((e) => e.conditions!.ready), [true, true]);
  // headless label
  const headless = newService();
  headless.spec!.clusterIP = 'None';
  const r3 = reconcile({ service: headless, pods: [ready], existing: [], maxEndpointsPerSlice: 100, nameFor: () => 'x' });
  assert.equal(r3.creates[0]!.metadata.labels!['service.kubernetes.io/headless'], '');
});

test('service label change updates an otherwise unchanged slice', () => {
  const svc = newService();
  const pods = [newPod(1), newPod(2)];
  const first = reconcile({ service: svc, pods, existing: [], maxEndpointsPerSlice: 100, nameFor: () => 'foo-aaaaa' });
  const again = reconcile({ service: svc, pods, existing: first.creates, maxEndpointsPerSlice: 100, nameFor: () => 'x' });
  assert.deepEqual([again.creates.length, again.updates.length, again.unchanged.length], [0, 0, 1]);
  svc.metadata.labels = { tier: 'web' };
  const relabel = reconcile({ service: svc, pods, existing: first.creates, maxEndpointsPerSlice: 100, nameFor: () => 'x' });
  assert.equal(relabel.updates.length, 1);
  assert.equal(relabel.updates[0]!.metadata.labels!.tier, 'web');
});

test('controller: seeded <service>-<5 chars> names; a pod change reconciles only its services', () => {
  const mk = (seed: number) => {
    const c = new EndpointSliceController({ seed, requireNodes: false });
    const a = newService();
    const b: Service = { ...newService(), metadata: { name: 'bar', namespace: NS, uid: '99' }, spec: { ...newService().spec, selector: { app: 'bar' } } };
    c.upsertService(a);
    c.upsertService(b);
    for (let i = 0; i < 250; i++) c.upsertPod(newPod(i));
    const other = newPod(999);
    other.metadata.labels = { app: 'bar' };
    c.upsertPod(other);
    return c;
  };
  const c = mk(7);
  const reports = c.sync();
  const foo = reports.find((r) => r.service === 'default/foo')!;
  assert.deepEqual(foo.actions, { create: 3, update: 0, delete: 0 });
  assert.deepEqual(foo.slices.map((s) => s.endpoints), [100, 100, 50]);
  for (const s of foo.slices) assert.match(s.name, /^foo-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(mk(7).sync().map((r) => r.slices.map((s) => s.name)), reports.map((r) => r.slices.map((s) => s.name)), 'same seed, same names');
  assert.notDeepEqual(mk(8).sync()[0]!.slices.map((s) => s.name), foo.slices.map((s) => s.name));
  assert.deepEqual(c.metrics.changes, { create: 4, update: 0, delete: 0 });
  assert.equal(c.metrics.desired_endpoint_slices, 4);
  assert.equal(c.metrics.endpoints_desired, 251);
  // One pod becomes not ready: only foo is reconciled, one slice updated.
  const p = newPod(5, false);
  c.upsertPod(p);
  assert.equal(c.pending(), 1);
  const r2 = c.sync();
  assert.equal(r2.length, 1);
  assert.deepEqual(r2[0]!.actions, { create: 0, update: 1, delete: 0 });
  assert.deepEqual(r2[0]!.slices.map((s) => s.action), ['update', 'unchanged', 'unchanged']);
  // Deleting bar's only pod leaves bar's slice as an empty placeholder (update).
  c.deletePod(`${NS}/pod999`);
  const r3 = c.sync();
  assert.deepEqual(r3.map((r) => [r.service, r.actions]), [['default/bar', { create: 0, update: 1, delete: 0 }]]);
  assert.throws(() => new EndpointSliceController({ maxEndpointsPerSlice: 1001 }), /1\.\.1000/);
  assert.throws(() => new EndpointSliceController({ maxEndpointsPerSlice: 0 }), /1\.\.1000/);
});
