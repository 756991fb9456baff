// Workload runner bench (issue #5): runs scheduler_perf-format workloads through `runWorkload` (the
// queue driver on whichever engine can back it) and prints the median SchedulingThroughput and wall time.
//
//   npx tsc -p . && node dist/bench/runner-workloads.js [--runs N] [--scale F] [--engine fast|reference] [FILE:CASE:WORKLOAD]...
//
// Default: SchedulingBasic 5000Nodes_10000Pods and TopologySpreading 5000Nodes_5000Pods at --scale 0.1.
// Every run is in-process and starts from a fresh cluster; the first run of each workload warms the JIT
// and is not counted when --runs > 1.

import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { planRuns, runWorkload } from '../src/runner/runner.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1]!;
  args.splice(i, 2);
  return v;
};
const runs = Number(flag('--runs', '3'));
const scale = Number(flag('--scale', '0.1'));
const engine = flag('--engine', 'fast') as 'fast' | 'reference';
const targets = args.length > 0 ? args : [
  'datasets/workloads/misc.yaml:SchedulingBasic:5000Nodes_10000Pods',
  'datasets/workloads/topology-spreading.yaml:TopologySpreading:5000Nodes_5000Pods',
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

console.log(`node ${process.version}, ${cpus().length} cpus, ${cpus()[0]?.model}; scale ${scale}, runs ${runs}, engine ${engine}`);
for (const t of targets) {
  const [file, caseName, workloadName] = t.split(':');
  const [plan] = planRuns(join(ROOT, file!), { caseName, workloadName, scale });
  const avg: number[] = [];
  const wall: number[] = [];
  const total: number[] = [];
  let usedEngine = '';
  let rss = 0;
  for (let i = 0; i < Math.max(1, runs) + (runs > 1 ? 1 : 0); i++) {
    const r = runWorkload(plan!.tc, plan!.w, plan!.params, plan!.ops, { engine, seed: 1 });
    usedEngine = r.engine;
    rss = Math.max(rss, r.metrics.peakRssBytes);
    if (runs > 1 && i === 0) continue;
    avg.push(r.metrics.SchedulingThroughput.Average);
    wall.push(r.metrics.wallSeconds);
    total.push(r.metrics.totalWallSeconds);
  }
  console.log(`${caseName}/${workloadName} ${JSON.stringify(plan!.params)} [${usedEngine}]: Average ${median(avg).toFixed(0)} pods/s, measured phase ${median(wall).toFixed(2)} s, whole workload ${median(total).toFixed(2)} s, peak RSS ${(rss / 2 ** 20).toFixed(0)} MiB`);
}
