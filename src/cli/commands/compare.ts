// kubescale compare --workload W.yaml --profile A.yaml --profile B.yaml [--plugin M]... — one workload
// under several scheduler profiles, same seed, side by side: throughput and placement quality of the
// final state (nodes used, utilisation percentiles over used nodes, balance spread, topology skew,
// unschedulable pods, preemptions). `-o json` prints one results document (src/report/schema.ts,
// command "compare"); `--out DIR` / `-o html` also write index.html, report.md and results.json.

import { basename, extname, join } from 'node:path';
import type { ClusterObjects } from '../../k8s/types.js';
import { nodeAllocatable } from '../../model/cluster.js';
import { podRequests } from '../../model/requests.js';
import { planRuns, runWorkloadFile, type WorkloadResult } from '../../runner/runner.js';
import { pluginsFromOption } from '../../scheduler/plugins/load.js';
import { buildReport } from '../../report/document.js';
import { captureEnvironment } from '../../report/environment.js';
import { renderHtml } from '../../report/html.js';
import { renderMarkdown } from '../../report/markdown.js';
import { emptyResults, writeResults, type CompareResult, type Results } from '../../report/schema.js';
import { fmtNum, unitLabel } from '../../report/format.js';
import { printJson, UsageError, writeFileAtomic } from '../common.js';

const ZONE = 'topology.kubernetes.io/zone';

/** Placement quality of a final cluster state; figure names follow the results schema (unit suffixes). */
export interface Quality {
  nodesUsedNodes: number;
  cpuUtilP50Pct: number;
  cpuUtilP90Pct: number;
  cpuUtilP99Pct: number;
  memUtilP50Pct: number;
  memUtilP90Pct: number;
  memUtilP99Pct: number;
  /** Population standard deviation of per-node cpu utilisation over every schedulable node (percentage points). */
  cpuBalanceSpreadPct: number;
  memBalanceSpreadPct: number;
  /** Largest (max - min) pods per zone over zones, for each group of pods (app label, else namespace). */
  topologySkewPods: number;
  scheduledPods: number;
  unschedulablePods: number;
}

/** Nearest-rank percentile of sorted values (0 for none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.min(i, sorted.length - 1)]!;
}

function stddev(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function placementQuality(state: ClusterObjects): Quality {
  const nodes = new Map(state.nodes.map((n) => [n.metadata.name, { node: n, cpu: 0, mem: 0, pods: 0 }]));
  const groups = new Map<string, Map<string, number>>();
  let scheduled = 0;
  let pending = 0;
  for (const p of state.pods) {
    const phase = p.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const n = p.spec.nodeName ? nodes.get(p.spec.nodeName) : undefined;
    if (!n) {
      pending++;
      continue;
    }
    scheduled++;
    const r = podRequests(p.spec).requests;
    n.cpu += r.get('cpu') ?? 0;
    n.mem += r.get('memory') ?? 0;
    n.pods++;
    const group = p.metadata.labels?.app !== undefined ? `app=${p.metadata.labels.app}` : `ns=${p.metadata.namespace || 'default'}`;
    const zone = n.node.metadata.labels?.[ZONE];
    if (zone === undefined) continue;
    let z = groups.get(group);
    if (!z) groups.set(group, (z = new Map()));
    z.set(zone, (z.get(zone) ?? 0) + 1);
  }
  const cpuAll: number[] = [];
  const memAll: number[] = [];
  const cpuUsed: number[] = [];
  const memUsed: number[] = [];
  for (const n of nodes.values()) {
    if (n.node.spec?.unschedulable) continue;
    const a = nodeAllocatable(n.node).amounts;
    const cpu = (a.get('cpu') ?? 0) > 0 ? (100 * n.cpu) / a.get('cpu')! : 0;
    const mem = (a.get('memory') ?? 0) > 0 ? (100 * n.mem) / a.get('memory')! : 0;
    cpuAll.push(cpu);
    memAll.push(mem);
    if (n.pods > 0) {
      cpuUsed.push(cpu);
      memUsed.push(mem);
    }
  }
  cpuUsed.sort((a, b) => a - b);
  memUsed.sort((a, b) => a - b);
  const zones = new Set<string>();
  for (const n of nodes.values()) {
    const z = n.node.metadata.labels?.[ZONE];
    if (z !== undefined && !n.node.spec?.unschedulable) zones.add(z);
  }
  let skew = 0;
  if (zones.size > 1) {
    for (const byZone of groups.values()) {
      const counts = [...zones].map((z) => byZone.get(z) ?? 0);
      skew = Math.max(skew, Math.max(...counts) - Math.min(...counts));
    }
  }
  return {
    nodesUsedNodes: [...nodes.values()].filter((n) => n.pods > 0).length,
    cpuUtilP50Pct: round2(percentile(cpuUsed, 50)), cpuUtilP90Pct: round2(percentile(cpuUsed, 90)), cpuUtilP99Pct: round2(percentile(cpuUsed, 99)),
    memUtilP50Pct: round2(percentile(memUsed, 50)), memUtilP90Pct: round2(percentile(memUsed, 90)), memUtilP99Pct: round2(percentile(memUsed, 99)),
    cpuBalanceSpreadPct: round2(stddev(cpuAll)), memBalanceSpreadPct: round2(stddev(memAll)),
    topologySkewPods: skew, scheduledPods: scheduled, unschedulablePods: pending,
  };
}

export interface CompareOptions {
  workload: string;
  caseName?: string;
  workloadName?: string;
  profiles: string[];
  plugins: string[];
  seed: number;
  scale?: number;
  engine: 'fast' | 'reference';
  /**
   * Each profile's run is preceded by the JIT warm-up (RunOptions.warmup). Without it the first
   * profile meets cold code and the later ones warm code: the same profile twice measured 98-111k
   * then 111-138k pods/s on SchedulingBasic 5000Nodes_10000Pods.
   */
  warmup: boolean;
  log?: (line: string) => void;
  warn?: (line: string) => void;
}

/** Runs the workload once per profile and returns the results document (command "compare"). */
export async function compareProfiles(o: CompareOptions): Promise<Results> {
  if (o.profiles.length < 1) throw new UsageError('compare needs at least one --profile');
  const plugins = await pluginsFromOption(o.plugins);
  const planned = planRuns(o.workload, { caseName: o.caseName, workloadName: o.workloadName, scale: o.scale });
  if (planned.length !== 1) {
    const names = planned.map((p) => `${p.tc.name}/${p.w.name}`).slice(0, 8).join(', ');
    throw new UsageError(`compare runs one workload; ${o.workload} selects ${planned.length}${names ? ` (${names})` : ''}: choose with --case and --workload-name`);
  }
  const labels = profileLabels(o.profiles);
  const cmp: CompareResult = { testCase: planned[0]!.tc.name, workload: planned[0]!.w.name, params: planned[0]!.params, profiles: [] };
  for (let i = 0; i < o.profiles.length; i++) {
    let state: ClusterObjects | undefined;
    o.log?.(`profile ${labels[i]} (${o.profiles[i]})`);
    const [run] = runWorkloadFile(o.workload, {
      caseName: planned[0]!.tc.name, workloadName: planned[0]!.w.name, engine: o.engine, seed: o.seed, scale: o.scale,
      configPath: o.profiles[i], plugins, warmup: o.warmup, log: o.log, warn: o.warn, onState: (s) => (state = s),
    }) as [WorkloadResult];
    const q = placementQuality(state!);
    cmp.profiles.push({
      profile: labels[i]!, source: o.profiles[i],
      figures: {
        throughputPodsPerSec: round2(run.metrics.SchedulingThroughput.Average),
        ...q,
        preemptionsCount: run.metrics.preemptions,
        wallSeconds: run.metrics.wallSeconds,
      },
      run: run as unknown as CompareResult['profiles'][number]['run'],
    });
  }
  const results = emptyResults('compare', captureEnvironment({ baseline: false }));
  results.compare.push(cmp);
  if (plugins) results.notes.push(`custom plugins: ${[...plugins.byName.values()].map((p) => `${p.name} (${p.module})`).join(', ')}`);
  results.notes.push(`engine ${o.engine}, seed ${o.seed}; utilisation from requests over allocatable, percentiles over nodes with pods; balance spread = standard deviation over schedulable nodes; topology skew over zones per app label (else namespace)`);
  return results;
}

/** Short unique names for the profiles: file names without extension (the path when two clash). */
function profileLabels(paths: string[]): string[] {
  const base = paths.map((p) => basename(p, extname(p)));
  return base.map((b, i) => (base.indexOf(b) !== base.lastIndexOf(b) ? `${i + 1}:${paths[i]}` : b));
}

const ROWS: [string, string][] = [
  ['throughputPodsPerSec', 'throughput'], ['scheduledPods', 'scheduled'], ['unschedulablePods', 'unschedulable'],
  ['preemptionsCount', 'preemptions'], ['nodesUsedNodes', 'nodes used'],
  ['cpuUtilP50Pct', 'cpu util p50'], ['cpuUtilP90Pct', 'cpu util p90'], ['cpuUtilP99Pct', 'cpu util p99'],
  ['memUtilP50Pct', 'memory util p50'], ['memUtilP90Pct', 'memory util p90'], ['memUtilP99Pct', 'memory util p99'],
  ['cpuBalanceSpreadPct', 'cpu balance spread'], ['memBalanceSpreadPct', 'memory balance spread'], ['topologySkewPods', 'max zone skew'],
];

export function compareTable(cmp: CompareResult): string {
  const head = [`${cmp.testCase}/${cmp.workload}`, ...cmp.profiles.map((p) => p.profile)];
  const rows = ROWS.map(([f, label]) => {
    const u = unitLabel(f);
    return [u ? `${label} (${u})` : label, ...cmp.profiles.map((p) => (p.figures[f] === undefined ? '-' : fmtNum(p.figures[f]!)))];
  });
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

export async function writeCompareReport(dir: string, results: Results): Promise<void> {
  writeResults(dir, results);
  const doc = buildReport(results, 'kubescale compare');
  writeFileAtomic(join(dir, 'index.html'), await renderHtml(doc));
  writeFileAtomic(join(dir, 'report.md'), renderMarkdown(doc));
}

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  if (args.length > 0) throw new UsageError(`compare takes no positional arguments (got ${JSON.stringify(args[0])}); use --workload`);
  const engine = String(opts.engine ?? 'fast');
  if (engine !== 'fast' && engine !== 'reference') throw new UsageError(`--engine must be fast or reference, got ${JSON.stringify(engine)}`);
  const scale = opts.scale as number | undefined;
  if (scale !== undefined && !(scale > 0)) throw new UsageError(`--scale must be > 0, got ${scale}`);
  const output = String(opts.output ?? 'table');
  const results = await compareProfiles({
    workload: String(opts.workload), caseName: opts.case as string | undefined, workloadName: opts.workloadName as string | undefined,
    profiles: (opts.profile as string[] | undefined) ?? [], plugins: (opts.plugin as string[] | undefined) ?? [],
    seed: Number(opts.seed ?? 1), scale, engine, warmup: opts.warmup !== false,
    log: (l) => process.stderr.write(`kubescale: ${l}\n`),
    warn: (l) => process.stderr.write(`kubescale: warning: ${l}\n`),
  });
  let out = typeof opts.out === 'string' ? opts.out : undefined;
  if (output === 'html' && !out) out = 'reports/compare';
  if (output === 'json') printJson(results);
  else process.stdout.write(compareTable(results.compare[0]!));
  if (out) {
    await writeCompareReport(out, results);
    process.stderr.write(`kubescale: report written to ${join(out, 'index.html')}, ${join(out, 'report.md')} and ${join(out, 'results.json')}\n`);
  }
  return 0;
}
