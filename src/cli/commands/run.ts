// kubescale run WORKLOAD.yaml — scheduler_perf-format workloads (../../../shared/spec/cli.md).

import { join } from 'node:path';
import type { ClusterObjects } from '../../k8s/types.js';
import { RunFailure } from '../../k8s/errors.js';
import { perfDashItems } from '../../runner/metrics.js';
import { environment, runWorkloadFile, type WorkloadResult } from '../../runner/runner.js';
import { writeReport, resultsFromRuns } from '../../report/write.js';
import { openShardPool, printJson, UsageError, writeFileAtomic } from '../common.js';
import { pluginsFromOption } from '../../scheduler/plugins/load.js';

export function stateList(state: ClusterObjects): { apiVersion: 'v1'; kind: 'List'; items: unknown[] } {
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      ...state.namespaces.map((n) => ({ ...n, apiVersion: 'v1', kind: 'Namespace' })),
      ...state.nodes.map((n) => ({ ...n, apiVersion: 'v1', kind: 'Node' })),
      ...state.pods.map((p) => ({ ...p, apiVersion: 'v1', kind: 'Pod' })),
    ],
  };
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(1);
}

function printTable(results: WorkloadResult[]): void {
  const head = ['TEST CASE', 'WORKLOAD', 'ENGINE', 'AVERAGE', 'P50', 'P90', 'P99', 'SCHEDULED', 'UNSCHED', 'WALL s', 'THRESHOLD', 'RESULT'];
  const rows = results.map((r) => {
    const t = r.metrics.SchedulingThroughput;
    return [r.testCase, r.workload, r.engine, fmt(t.Average), fmt(t.Perc50), fmt(t.Perc90), fmt(t.Perc99), String(r.metrics.scheduled),
      String(r.metrics.unschedulable), r.metrics.wallSeconds.toFixed(3), r.threshold === null ? '-' : String(r.threshold), r.passed ? 'ok' : 'FAIL'];
  });
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 3 && i <= 10 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd();
  process.stdout.write([line(head), ...rows.map(line)].join('\n') + '\n');
}

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  if (args.length !== 1) throw new UsageError('run takes exactly one workload file');
  const engine = String(opts.engine ?? 'fast');
  if (engine !== 'fast' && engine !== 'reference') throw new UsageError(`--engine must be fast or reference, got ${JSON.stringify(engine)}`);
  const scale = opts.scale as number | undefined;
  if (scale !== undefined && !(scale > 0)) throw new UsageError(`--scale must be > 0, got ${scale}`);
  const plugins = await pluginsFromOption(opts.plugin);
  const output = String(opts.output ?? 'table');
  let lastState: ClusterObjects | undefined;
  const dump = typeof opts.dumpState === 'string' ? opts.dumpState : undefined;
  const shards = await openShardPool(opts.workers, engine, (opts.plugin as string[] | undefined) ?? []);
  let results;
  try {
    results = runWorkloadFile(args[0]!, {
    caseName: opts.case as string | undefined,
    workloadName: opts.workload as string | undefined,
    engine,
    seed: Number(opts.seed ?? 1),
    scale,
    configPath: opts.config as string | undefined,
    workers: opts.workers as number | undefined,
    plugins,
    warmup: opts.warmup !== false,
    log: (l) => process.stderr.write(`kubescale: ${l}\n`),
    warn: (l) => process.stderr.write(`kubescale: warning: ${l}\n`),
    onState: dump ? (s) => (lastState = s) : undefined,
    ...(shards ? { shards } : {}),
  });
  } finally {
    await shards?.close();
  }
  const doc = { results, environment: environment() };
  if (output === 'json') printJson(doc);
  else printTable(results);
  if (dump && lastState) {
    if (results.length > 1) process.stderr.write(`kubescale: warning: --dump-state holds the last of ${results.length} workloads (${results.at(-1)!.testCase}/${results.at(-1)!.workload})\n`);
    writeFileAtomic(dump, JSON.stringify(stateList(lastState)) + '\n');
  }
  if (typeof opts.out === 'string') {
    // results.json (the versioned results schema), results.msgpack, report.md, index.html, and perf-dash.json.
    await writeReport(opts.out, resultsFromRuns(results as unknown as Parameters<typeof resultsFromRuns>[0]));
    writeFileAtomic(join(opts.out, 'perf-dash.json'), JSON.stringify(perfDashItems(results), null, 2) + '\n');
  }
  const failed = results.filter((r) => !r.passed);
  if (failed.length > 0) {
    throw new RunFailure(`${failed.length} workload(s) below threshold: ${failed.map((r) => `${r.testCase}/${r.workload} ${r.metrics.SchedulingThroughput.Average.toFixed(1)} < ${r.threshold}`).join(', ')}`);
  }
  return 0;
}
