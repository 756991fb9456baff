// kubescale schedule FILES... — places every pod without spec.nodeName (../../../shared/spec/cli.md).

import { readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';
import { InputError } from '../../k8s/errors.js';
import { loadInputs } from '../../k8s/load.js';
import type { ClusterObjects } from '../../k8s/types.js';
import { defaultSchedulerConfig, parseSchedulerConfig, type SchedulerConfig } from '../../scheduler/config.js';
import { FastEngine, PARALLEL_MIN_NODES } from '../../scheduler/fast/engine.js';
import type { ShardRunner } from '../../scheduler/fast/shard.js';
import { ReferenceEngine } from '../../scheduler/reference/scheduler.js';
import type { Engine, ScheduleOutcome } from '../../scheduler/types.js';
import type { CustomPlugins } from '../../scheduler/plugins/api.js';
import { pluginsFromOption } from '../../scheduler/plugins/load.js';
import { openShardPool, printJson, UsageError, writeFileAtomic } from '../common.js';

/** The engine for `--engine`; the fast one may get shard workers (--workers). */
export function selectEngine(name: string, shards?: ShardRunner): Engine {
  switch (name) {
    case 'reference':
      return new ReferenceEngine();
    case 'fast':
      return new FastEngine(undefined, shards);
    default:
      throw new UsageError(`--engine must be fast or reference, got ${JSON.stringify(name)}`);
  }
}

/** The KubeSchedulerConfiguration from --config, else one among the inputs, else the default. */
export function resolveSchedulerConfig(cluster: ClusterObjects, configPath: string | undefined, plugins?: CustomPlugins): SchedulerConfig {
  if (configPath) {
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch (err) {
      throw new InputError({ file: configPath }, `cannot read: ${(err as Error).message}`);
    }
    const docs = parseAllDocuments(text);
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      if (doc.errors.length > 0) throw new InputError({ file: configPath }, doc.errors[0]!.message);
      const obj = doc.toJS() as unknown;
      if (obj && typeof obj === 'object' && (obj as { kind?: unknown }).kind === 'KubeSchedulerConfiguration') return parseSchedulerConfig(obj, configPath, plugins);
    }
    throw new InputError({ file: configPath }, 'no KubeSchedulerConfiguration found');
  }
  if (cluster.schedulerConfigs.length > 0) return parseSchedulerConfig(cluster.schedulerConfigs[0], 'inputs', plugins);
  return defaultSchedulerConfig(plugins);
}

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  const plugins = await pluginsFromOption(opts.plugin);
  const cluster = await loadInputs(args);
  const config = resolveSchedulerConfig(cluster, opts.config as string | undefined, plugins);
  const engineName = String(opts.engine ?? 'fast');
  // Shard workers only help cycles that examine every node of a large cluster; don't start threads otherwise.
  const shardable = cluster.nodes.length >= PARALLEL_MIN_NODES && config.profiles.some((p) => p.percentageOfNodesToScore === 100);
  const shards = shardable ? await openShardPool(opts.workers, engineName, (opts.plugin as string[] | undefined) ?? []) : undefined;
  let outcome;
  try {
    outcome = selectEngine(engineName, shards).schedule(cluster, { config, seed: Number(opts.seed ?? 1), explain: opts.explain === true });
  } finally {
    await shards?.close();
  }
  if (outcome.result.skippedPlugins?.length) {
    process.stderr.write(`kubescale: plugins not built yet, treated as no-ops: ${outcome.result.skippedPlugins.join(', ')}\n`);
  }
  const output = String(opts.output ?? 'table');
  if (output === 'json') printJson(outcome.result);
  else if (output === 'yaml') printBoundPodsYaml(outcome);
  else printTable(outcome);
  if (typeof opts.dumpState === 'string') {
    const list = { apiVersion: 'v1', kind: 'List', items: [...cluster.nodes.map((n) => ({ apiVersion: 'v1', kind: 'Node', ...n })), ...outcome.pods.map((p) => ({ apiVersion: 'v1', kind: 'Pod', ...p }))] };
    writeFileAtomic(opts.dumpState, JSON.stringify(list, null, 2) + '\n');
  }
  return 0;
}

function printBoundPodsYaml(outcome: ScheduleOutcome): void {
  const placed = new Set(outcome.result.placements.filter((p) => p.node).map((p) => p.pod));
  const docs = outcome.pods
    .filter((p) => placed.has(`${p.metadata.namespace || 'default'}/${p.metadata.name}`))
    .map((p) => stringify({ apiVersion: 'v1', kind: 'Pod', ...p }));
  process.stdout.write(docs.map((d) => `---\n${d}`).join(''));
}

function printTable(outcome: ScheduleOutcome): void {
  const rows = outcome.result.placements.map((p) => [p.pod, p.node ?? '<none>', p.reason ?? '']);
  const w0 = Math.max(3, ...rows.map((r) => r[0]!.length));
  const w1 = Math.max(4, ...rows.map((r) => r[1]!.length));
  const lines = [`${'POD'.padEnd(w0)}  ${'NODE'.padEnd(w1)}  REASON`, ...rows.map((r) => `${r[0]!.padEnd(w0)}  ${r[1]!.padEnd(w1)}  ${r[2]}`)];
  process.stdout.write(lines.join('\n') + '\n');
}
