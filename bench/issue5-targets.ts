// Issue 5's bench figures in one run, each through the real CLI (`kubescale run`, a fresh process per
// run, as a user runs it), medians of N runs:
//  1. SchedulingBasic 5000Nodes_10000Pods Average, with the JIT warm-up (the default) and without;
//  2. the same on `--engine reference` (one run: it takes ~30 s), and the fast/reference ratio;
//  3. LargeClusterFill 5000Nodes_150000Pods: the whole workload's wall time and the process's peak RSS;
//  4. ParallelScoring 5000Nodes_10000Pods (percentageOfNodesToScore 100) with --workers 1 and 2,
//     alternated run by run so both see the same machine load.
//
//   npx tsc -p . && node dist/bench/issue5-targets.js [runs] [--skip-reference]

import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${ROOT}bin/kubescale.js`;
const runs = Number(process.argv[2] ?? 7);
const skipReference = process.argv.includes('--skip-reference');

interface RunResult {
  metrics: { SchedulingThroughput: { Average: number }; totalWallSeconds: number; peakRssBytes: number };
  warmup?: boolean;
}

function run(file: string, testCase: string, workload: string, extra: string[] = []): RunResult {
  const r = spawnSync(process.execPath, [BIN, 'run', `${ROOT}datasets/workloads/${file}`, '--case', testCase, '--workload', workload, '-o', 'json', ...extra], {
    encoding: 'utf8', maxBuffer: 64 << 20,
  });
  // Exit 1 is a missed upstream threshold (the reference engine misses SchedulingBasic's 680): the figures still count.
  if (r.status !== 0 && !(r.status === 1 && r.stdout.trim().startsWith('{'))) throw new Error(`kubescale run ${testCase}/${workload} ${extra.join(' ')} exited ${r.status}: ${r.stderr.split('\n').slice(-3).join(' ')}`);
  return (JSON.parse(r.stdout) as { results: RunResult[] }).results[0]!;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) => `median ${Math.round(median(xs))} (${xs.map((x) => Math.round(x)).join(', ')})`;

console.log(`machine: ${cpus()[0]?.model} x${cpus().length}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${runs} runs each`);

const warm: number[] = [];
const cold: number[] = [];
for (let i = 0; i < runs; i++) {
  warm.push(run('misc.yaml', 'SchedulingBasic', '5000Nodes_10000Pods').metrics.SchedulingThroughput.Average);
  cold.push(run('misc.yaml', 'SchedulingBasic', '5000Nodes_10000Pods', ['--no-warmup']).metrics.SchedulingThroughput.Average);
}
console.log(`SchedulingBasic 5000Nodes_10000Pods, fast, warm-up:    ${fmt(warm)} pods/s`);
console.log(`SchedulingBasic 5000Nodes_10000Pods, fast, --no-warmup: ${fmt(cold)} pods/s`);
if (!skipReference) {
  const ref = run('misc.yaml', 'SchedulingBasic', '5000Nodes_10000Pods', ['--engine', 'reference']).metrics.SchedulingThroughput.Average;
  console.log(`SchedulingBasic 5000Nodes_10000Pods, reference: ${Math.round(ref)} pods/s; fast/reference ${(median(warm) / ref).toFixed(0)}x (cold ${(median(cold) / ref).toFixed(0)}x)`);
}

const fillWall: number[] = [];
const fillRss: number[] = [];
for (let i = 0; i < Math.min(runs, 3); i++) {
  const r = run('large-cluster.yaml', 'LargeClusterFill', '5000Nodes_150000Pods');
  fillWall.push(r.metrics.totalWallSeconds);
  fillRss.push(r.metrics.peakRssBytes / 2 ** 20);
}
console.log(`LargeClusterFill 5000Nodes_150000Pods: whole workload ${median(fillWall).toFixed(2)} s (${fillWall.map((x) => x.toFixed(2)).join(', ')}), peak RSS ${Math.round(median(fillRss))} MiB`);

const one: number[] = [];
const two: number[] = [];
for (let i = 0; i < runs; i++) {
  one.push(run('large-cluster.yaml', 'ParallelScoring', '5000Nodes_10000Pods', ['--workers', '1']).metrics.SchedulingThroughput.Average);
  two.push(run('large-cluster.yaml', 'ParallelScoring', '5000Nodes_10000Pods', ['--workers', '2']).metrics.SchedulingThroughput.Average);
}
console.log(`ParallelScoring 5000Nodes_10000Pods (pct 100), --workers 1: ${fmt(one)} pods/s`);
console.log(`ParallelScoring 5000Nodes_10000Pods (pct 100), --workers 2: ${fmt(two)} pods/s; ${(median(two) / median(one)).toFixed(2)}x`);
