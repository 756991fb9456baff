import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENVELOPE, UPSTREAM_THRESHOLDS, placeResults } from '../src/report/guidance.js';
import { emptyResults, type Results } from '../src/report/schema.js';
import { fixedResults } from './report-fixtures.js';

function bare(): Results {
  const r = fixedResults();
  return { ...emptyResults('bench', r.environment), notes: [] };
}

test('guidance data: the six limits of scale-guidance.md and the 16 upstream thresholds', () => {
  assert.deepEqual(ENVELOPE.map((l) => [l.key, l.limit]), [
    ['nodes', 5000], ['pods', 150000], ['podsPerNode', 110], ['containers', 300000], ['services', 10000], ['endpointsPerService', 250],
  ]);
  assert.equal(UPSTREAM_THRESHOLDS.length, 16);
  assert.equal(UPSTREAM_THRESHOLDS.reduce((s, u) => s + u.threshold, 0), 680 + 810 + 60 + 35 + 90 + 90 + 220 + 460 + 340 + 160 + 140 + 570 + 590 + 710 + 270 + 1100);
});

test('envelope: largest size per quantity, cost there, fitted cost at the limit, not run', () => {
  const r = fixedResults();
  const p = placeResults(r);
  const nodes = p.envelope.find((e) => e.key === 'nodes')!;
  assert.equal(nodes.sizeRun, 15000);
  assert.equal(nodes.status, 'outside');
  assert.equal(nodes.cost, '402 pods/s');
  // 0.00289 * 5000^1.0231 = 17.6 ms
  assert.equal(nodes.fittedAtLimit, '17.6 ms (fit filter+score cost vs nodes, exponent 1.02, R² 1.00)');
  const b = bare();
  b.bench = [{ suite: 'micro', status: 'completed', cases: [{ name: 'x', params: {}, figures: { medianNs: 1 } }] }];
  assert.deepEqual(placeResults(b).envelope.map((e) => e.status), ['not run', 'not run', 'not run', 'not run', 'not run', 'not run']);
});

test('sizes from a run without cluster size come from its parameters', () => {
  const b = bare();
  const run = { ...fixedResults().runs[0]!, params: { normalNodes: 4000, taintNodes: 1000, measurePods: 4000 }, testCase: 'SchedulingWithNodeInclusionPolicy' };
  delete run.cluster;
  b.runs = [run];
  const p = placeResults(b);
  assert.deepEqual(p.clusters, [{ source: 'run SchedulingWithNodeInclusionPolicy/5000Nodes_10000Pods', sizes: { nodes: 5000, pods: 4000, containers: 4000 }, exceeded: [] }]);
  assert.deepEqual(p.throughput[0]!.upstream, { threshold: 270, size: '4000 + 1000 tainted/-/4000', sameSize: true });
});

test('upstream threshold: same size matched exactly, other sizes flagged, unknown cases none', () => {
  const p = placeResults(fixedResults());
  assert.deepEqual(p.throughput.map((t) => t.upstream), [
    { threshold: 680, size: '5000/1000/10000', sameSize: true },
    null,
    { threshold: 60, size: '5000/1000/2000', sameSize: false },
    { threshold: 680, size: '5000/1000/10000', sameSize: false },
  ]);
  const b = bare();
  b.runs = [{ ...fixedResults().runs[0]!, params: { initNodes: 5000, initPods: 5000, measurePods: 50000 } }];
  assert.deepEqual(placeResults(b).throughput[0]!.upstream, { threshold: 810, size: '5000/5000/50000', sameSize: true });
});

test('network beside published kube-proxy figures: step-tagged bench cases, iptables only, largest size', () => {
  const b = bare();
  const c = (name: string, services: number, step: string, mode: string, figures: Record<string, number>) =>
    ({ name, params: { services, endpointsPerService: 15, mode, step }, figures });
  b.bench = [
    { suite: 'network', status: 'completed', cases: [
      c('1k full', 1000, 'iptables-full', 'iptables', { medianMs: 30, natRules: 47005 }),
      c('10k full', 10000, 'iptables-full', 'iptables', { medianMs: 290, natRules: 470005 }),
      c('10k partial', 10000, 'iptables-partial', 'iptables', { medianMs: 1.5 }),
      c('30k nft', 30000, 'iptables-full', 'nftables', { medianMs: 99 }),
    ] },
    { suite: 'kernel', status: 'completed', cases: [
      { name: 'iptables 5000', params: { services: 5000, endpointsPerService: 15, mode: 'iptables' }, figures: { kernelFullWallMs: 2100 } },
      { name: 'nftables 9000', params: { services: 9000, endpointsPerService: 15, mode: 'nftables' }, figures: { kernelFullWallMs: 800 } },
    ] },
  ];
  const rows = placeResults(b).network;
  assert.equal(rows[0]!.ours, '290 ms at 10,000 services, 150,000 endpoints, 470,005 nat rules, iptables (network/10k full)');
  assert.equal(rows[1]!.ours, '2.10 s at 5,000 services, 75,000 endpoints, iptables (kernel/iptables 5000)');
  assert.equal(rows[2]!.ours, '1.50 ms at 10,000 services, 150,000 endpoints, iptables (network/10k partial)');
  assert.match(rows[3]!.ours, /^not measured/);
  assert.equal(rows[5]!.ours, 'not in these results');
  b.bench = [{ suite: 'kernel', status: 'skipped', note: 'not root', cases: [] }];
  assert.equal(placeResults(b).network[1]!.ours, 'kernel suite skipped: not root');
});

test('runs labelled short are counted, not compared with upstream or placed against the envelope', () => {
  const b = bare();
  const perf = fixedResults().runs[0]!;
  b.runs = [perf, { ...perf, workload: 'short', labels: ['short'], params: { initNodes: 5, initPods: 5, measurePods: 10 } }];
  delete b.runs[1]!.cluster;
  const p = placeResults(b);
  assert.equal(p.shortRuns, 1);
  assert.deepEqual(p.throughput.map((t) => t.workload), ['5000Nodes_10000Pods']);
  assert.deepEqual(p.clusters.map((c) => c.source), ['run SchedulingBasic/5000Nodes_10000Pods']);
  // A scaled run keeps its workload's threshold, which names the upstream row.
  b.runs = [{ ...perf, workload: '5000Nodes_50000Pods x0.1', params: { initNodes: 500, initPods: 500, measurePods: 5000 }, threshold: 810 }];
  assert.deepEqual(placeResults(b).throughput[0]!.upstream, { threshold: 810, size: '5000/5000/50000', sameSize: false });
});
