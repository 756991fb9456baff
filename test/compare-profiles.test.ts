// kubescale compare on a small workload: every profile runs (same seed), placement quality is
// present and plausible, the plugins change what they should, the CLI prints the side-by-side table
// and the JSON results document, and --out writes the report.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyClusterObjects } from '../src/k8s/types.js';
import { compareProfiles, percentile, placementQuality } from '../src/cli/commands/compare.js';
import { validateResults } from '../src/report/schema.js';
import { mkNode, mkPod } from './scheduler-helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/kubescale.js', import.meta.url));
process.chdir(ROOT);
const EX = 'examples/plugins/';
const ARGS = ['--workload', `${EX}workload.yaml`, '--profile', `${EX}profile-default.yaml`, '--profile', `${EX}profile-gpu-binpack.yaml`,
  '--profile', `${EX}profile-rack-filter.yaml`, '--plugin', 'examples/gpu-binpack.mjs', '--plugin', 'examples/rack-filter.mjs'];

test('percentile is nearest-rank', () => {
  assert.equal(percentile([], 50), 0);
  assert.equal(percentile([10, 20, 30, 40], 50), 20);
  assert.equal(percentile([10, 20, 30, 40], 90), 40);
  assert.equal(percentile([5], 99), 5);
});

test('placement quality of a hand-made state', () => {
  const s = emptyClusterObjects();
  s.nodes.push(mkNode({ name: 'a', alloc: { cpu: '4', memory: '8Gi' }, labels: { 'topology.kubernetes.io/zone': 'z1' } }));
  s.nodes.push(mkNode({ name: 'b', alloc: { cpu: '4', memory: '8Gi' }, labels: { 'topology.kubernetes.io/zone': 'z2' } }));
  s.nodes.push(mkNode({ name: 'c', alloc: { cpu: '4', memory: '8Gi' }, labels: { 'topology.kubernetes.io/zone': 'z2' } }));
  const pod = (name: string, node: string | undefined, cpu: string) => mkPod({ name, nodeName: node, labels: { app: 'x' }, containers: [{ requests: { cpu, memory: '2Gi' } }] });
  s.pods.push(pod('p1', 'a', '2'), pod('p2', 'a', '1'), pod('p3', 'b', '1'), pod('p4', undefined, '1'));
  const q = placementQuality(s);
  assert.equal(q.nodesUsedNodes, 2);
  assert.equal(q.scheduledPods, 3);
  assert.equal(q.unschedulablePods, 1);
  assert.equal(q.cpuUtilP50Pct, 25); // used nodes: b 25%, a 75%
  assert.equal(q.cpuUtilP99Pct, 75);
  assert.equal(q.memUtilP90Pct, 50);
  // cpu over all nodes 75, 25, 0: population stddev 31.18
  assert.equal(q.cpuBalanceSpreadPct, 31.18);
  // app=x: z1 2 pods, z2 1 pod
  assert.equal(q.topologySkewPods, 1);
});

test('compare on the example workload: three profiles, metrics present and plausible, plugins visible', async () => {
  const r = await compareProfiles({
    workload: `${EX}workload.yaml`, profiles: [`${EX}profile-default.yaml`, `${EX}profile-gpu-binpack.yaml`, `${EX}profile-rack-filter.yaml`],
    plugins: ['examples/gpu-binpack.mjs', 'examples/rack-filter.mjs'], seed: 1, engine: 'fast', warmup: true,
  });
  assert.ok(validateResults(r).ok, JSON.stringify(validateResults(r)));
  const c = r.compare[0]!;
  // Every profile measured after its own warm-up, so none meets code the others warmed.
  for (const p of c.profiles) assert.equal((p.run as { warmup?: boolean }).warmup, true, p.profile);
  assert.equal(`${c.testCase}/${c.workload}`, 'PluginsDemo/small');
  assert.deepEqual(c.profiles.map((p) => p.profile), ['profile-default', 'profile-gpu-binpack', 'profile-rack-filter']);
  const [def, gpu, rack] = c.profiles.map((p) => p.figures);
  for (const f of [def!, gpu!, rack!]) {
    assert.ok(f.throughputPodsPerSec! > 0);
    assert.equal(f.scheduledPods! + f.unschedulablePods!, 40);
    assert.ok(f.nodesUsedNodes! >= 1 && f.nodesUsedNodes! <= 12);
    assert.ok(f.cpuUtilP50Pct! <= f.cpuUtilP90Pct! && f.cpuUtilP90Pct! <= f.cpuUtilP99Pct! && f.cpuUtilP99Pct! <= 100);
    assert.ok(f.memUtilP50Pct! <= f.memUtilP99Pct!);
    assert.equal(f.preemptionsCount, 0);
  }
  // Default: everything fits, spread over all 12 nodes.
  assert.equal(def!.unschedulablePods, 0);
  assert.equal(def!.nodesUsedNodes, 12);
  // GpuBinPack keeps CPU pods off GPU nodes and packs the 6 GPU pods onto 2 nodes: 10 nodes used, tighter packing.
  assert.equal(gpu!.nodesUsedNodes, 10);
  assert.ok(gpu!.cpuUtilP50Pct! > def!.cpuUtilP50Pct!);
  // RackSpread: 4 racks x 2 = 8 of the 10 web pods.
  assert.equal(rack!.unschedulablePods, 2);
  assert.equal(rack!.scheduledPods, 38);
});

test('CLI: table on stdout, -o json is one results document, --out writes the report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubescale-compare-'));
  try {
    const t = spawnSync(process.execPath, [BIN, 'compare', ...ARGS, '--out', dir], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
    const lines = t.stdout.trim().split('\n');
    assert.match(lines[0]!, /^PluginsDemo\/small\s+profile-default\s+profile-gpu-binpack\s+profile-rack-filter$/);
    assert.match(t.stdout, /\nunschedulable \(pods\)\s+0\s+0\s+2\n/);
    assert.match(t.stdout, /\nnodes used \(nodes\)\s+12\s+10\s+12\n/);
    for (const f of ['index.html', 'report.md', 'results.json']) assert.ok(existsSync(join(dir, f)), f);
    assert.match(readFileSync(join(dir, 'report.md'), 'utf8'), /PluginsDemo\/small/);
    const j = spawnSync(process.execPath, [BIN, 'compare', ...ARGS, '-o', 'json'], { encoding: 'utf8' });
    assert.equal(j.status, 0, j.stderr);
    const doc = JSON.parse(j.stdout) as { command: string; compare: { profiles: unknown[] }[] };
    assert.equal(doc.command, 'compare');
    assert.equal(doc.compare[0]!.profiles.length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: a workload file selecting several workloads is a usage error', () => {
  const r = spawnSync(process.execPath, [BIN, 'compare', '--workload', 'datasets/workloads/misc.yaml', '--profile', `${EX}profile-default.yaml`], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /compare runs one workload; datasets\/workloads\/misc\.yaml selects \d+ .*choose with --case and --workload-name/);
});
