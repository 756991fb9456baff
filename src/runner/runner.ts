// Runs selected workloads of a workload file: parameters resolved (and scaled), a fresh simulated
// cluster and scheduler per workload, the ops interpreted, metrics summarised (cli.md `kubescale run`).

import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { InputError } from '../k8s/errors.js';
import type { ClusterObjects } from '../k8s/types.js';
import { createRng } from '../model/rng.js';
import { defaultSchedulerConfig, parseSchedulerConfig, type SchedulerConfig } from '../scheduler/config.js';
import type { CustomPlugins } from '../scheduler/plugins/api.js';
import { workloadMetrics, type WorkloadMetrics } from './metrics.js';
import { runOps } from './ops.js';
import { QueueDriver } from './queue-driver.js';
import { TemplateCache } from './templates.js';
import { countParams, loadWorkloadFile, resolveOps, scaleParams, selectWorkloads, type ParamValue, type TestCase, type Workload } from './workload.js';

export interface RunOptions {
  caseName?: string;
  workloadName?: string;
  /** Only workloads carrying this label (on the workload or its test case). */
  label?: string;
  engine: 'fast' | 'reference';
  seed: number;
  scale?: number;
  /** --config: overrides every test case's schedulerConfigPath. */
  configPath?: string;
  workers?: number;
  /** An open shard pool (--workers > 1) for the fast engine. */
  shards?: import('../scheduler/fast/shard.js').ShardRunner;
  /** Custom plugins (--plugin): profiles may enable them by name. */
  plugins?: CustomPlugins;
  attemptMs?: number;
  windowMs?: number;
  log?: (line: string) => void;
  warn?: (line: string) => void;
  /** Called with each workload's final cluster (for --dump-state). */
  onState?: (state: ClusterObjects, result: WorkloadResult) => void;
  /**
   * runWorkloadFile: before each workload, run it once scaled down (largest count parameter about
   * WARMUP_PODS) and throw the result away, so the measured run meets optimised code (see warmUp).
   */
  warmup?: boolean;
  /** Overrides the fast engine's PARALLEL_MIN_NODES (the warm-up uses 0). */
  parallelMinNodes?: number;
}

export interface WorkloadResult {
  testCase: string;
  workload: string;
  params: Record<string, ParamValue>;
  engine: string;
  workers: number;
  seed: number;
  metrics: WorkloadMetrics;
  threshold: number | null;
  passed: boolean;
  labels: string[];
  warnings: string[];
  /** Some measured pods that stayed unbound (at most 5), for a quick look. */
  unboundExamples?: string[];
  skippedPlugins?: string[];
  /** Final size of the simulated cluster (the scale report places it against the large-cluster envelope). */
  cluster?: ClusterSize;
  /** A scaled-down run of the same workload ran first and was discarded (RunOptions.warmup). */
  warmup?: boolean;
}

export interface ClusterSize {
  nodes: number;
  pods: number;
  boundPods: number;
  containers: number;
  maxPodsPerNode: number;
  namespaces: number;
  services: number;
}

export function clusterSize(state: ClusterObjects): ClusterSize {
  const perNode = new Map<string, number>();
  let containers = 0;
  for (const p of state.pods) {
    containers += p.spec.containers.length;
    const n = p.spec.nodeName;
    if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  let bound = 0;
  let max = 0;
  for (const c of perNode.values()) {
    bound += c;
    if (c > max) max = c;
  }
  return { nodes: state.nodes.length, pods: state.pods.length, boundPods: bound, containers, maxPodsPerNode: max,
    namespaces: state.namespaces.length, services: state.services.length };
}

export interface Environment {
  node: string;
  cpus: number;
  cpuModel: string;
}

export function environment(): Environment {
  const c = cpus();
  return { node: process.version, cpus: c.length, cpuModel: c[0]?.model ?? 'unknown' };
}

export function loadSchedulerConfigFile(path: string, plugins?: CustomPlugins): SchedulerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError({ file: path }, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  for (const doc of parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[]) {
    if (doc.errors.length > 0) throw new InputError({ file: path }, doc.errors[0]!.message.split('\n')[0]!);
    const obj = doc.toJS() as unknown;
    if (obj && typeof obj === 'object' && (obj as { kind?: unknown }).kind === 'KubeSchedulerConfiguration') return parseSchedulerConfig(obj, path, plugins);
  }
  throw new InputError({ file: path }, 'no KubeSchedulerConfiguration found');
}

/** Decodes the file and resolves every selected workload's parameters up front (all errors before any run). */
export function planRuns(file: string, opts: Pick<RunOptions, 'caseName' | 'workloadName' | 'label' | 'scale'>) {
  const cases = loadWorkloadFile(file);
  // Every workload of every case is checked (unused/missing parameters), not only the selected ones.
  for (const tc of cases) for (const w of tc.workloads) resolveOps(tc, w);
  return selectWorkloads(cases, file, opts.caseName, opts.workloadName, opts.label).map(({ tc, w }) => {
    const params = opts.scale !== undefined ? scaleParams(w.params, countParams(tc.ops), opts.scale) : w.params;
    return { tc, w, params, ops: resolveOps(tc, w, params) };
  });
}

export function runWorkload(tc: TestCase, w: Workload, params: Record<string, ParamValue>, ops: ReturnType<typeof resolveOps>, opts: RunOptions, templates = new TemplateCache()): WorkloadResult {
  const config = opts.configPath ? loadSchedulerConfigFile(opts.configPath, opts.plugins)
    : tc.schedulerConfigPath ? loadSchedulerConfigFile(tc.schedulerConfigPath, opts.plugins) : defaultSchedulerConfig(opts.plugins);
  const t0 = performance.now();
  const warnings: string[] = [];
  const driver = new QueueDriver({
    engine: opts.engine, config, seed: opts.seed, attemptMs: opts.attemptMs, warn: (m) => warnings.push(m),
    ...(opts.shards ? { shards: opts.shards } : {}),
    ...(opts.parallelMinNodes !== undefined ? { parallelMinNodes: opts.parallelMinNodes } : {}),
  });
  const gates = { ...tc.featureGates, ...w.featureGates };
  if (Object.keys(gates).length > 0) opts.log?.(`${tc.name}/${w.name}: feature gates ${JSON.stringify(gates)} are recorded, not simulated`);
  const outcome = runOps(ops, { driver, templates, rng: createRng(opts.seed), defaultPodTemplatePath: tc.defaultPodTemplatePath, log: opts.log });
  warnings.push(...outcome.warnings);
  if (outcome.phases.length === 0) warnings.push('no op collects metrics (collectMetrics or start/stopCollectingMetrics): throughput is 0');
  const metrics = workloadMetrics(outcome.phases, {
    totalWallSeconds: (performance.now() - t0) / 1000,
    simulatedSeconds: driver.now() / 1000,
    windowMs: opts.windowMs,
  });
  const threshold = w.threshold ?? null;
  const skipped = driver.skippedPlugins();
  const finalState = driver.state();
  const result: WorkloadResult = {
    testCase: tc.name,
    workload: w.name,
    params,
    engine: driver.engine,
    workers: opts.workers ?? 1,
    seed: opts.seed,
    metrics,
    threshold,
    passed: threshold === null || metrics.SchedulingThroughput.Average >= threshold,
    labels: [...new Set([...tc.labels, ...w.labels])],
    warnings,
    ...(outcome.unboundMeasured.length > 0 ? { unboundExamples: outcome.unboundMeasured } : {}),
    ...(skipped.length > 0 ? { skippedPlugins: skipped } : {}),
    cluster: clusterSize(finalState),
  };
  opts.onState?.(finalState, result);
  return result;
}

/** The warm-up run's largest count parameter. */
export const WARMUP_PODS = 3000;
/**
 * Warm-up runs before the measured one. The first gets the hot functions optimised, but that code
 * is specialised to the first run's own objects: its queue's comparator closure, its engine's
 * object shapes, the branches only a run's first pods take. A new run's objects make it deoptimise
 * once and be compiled again, on a background thread that takes the second core from a shard
 * worker: measured in a fresh process, 2 workers' first ~3,000 measured pods ran at a third of
 * their later speed. The second pass takes those deoptimisations instead of the measured run.
 */
export const WARMUP_PASSES = 2;

/**
 * JIT warm-up: the engine's hot functions reach V8's optimising tier only after a few thousand
 * calls, and a measured phase that starts with them unoptimised spends its first ~2,000 pods at a
 * fraction of its speed — a cost of the JavaScript runtime, not of the simulated scheduler (a Go
 * kube-scheduler has none). So the same workload runs first with every count parameter scaled
 * down (largest about WARMUP_PODS), without logs, and its result is discarded;
 * separate driver, scheduler and seeded RNG, so the measured run's placements are unchanged.
 * Skipped when literal (unscaled) counts would make it large; a warm-up that fails is ignored (the
 * measured run reports problems). Returns whether it ran.
 */
function warmUp(tc: TestCase, w: Workload, params: Record<string, ParamValue>, opts: RunOptions, templates: TemplateCache): boolean {
  const counts = countParams(tc.ops);
  let max = 0;
  for (const k of counts) {
    const v = params[k];
    if (typeof v === 'number' && v > max) max = v;
  }
  const small = max > WARMUP_PODS ? scaleParams(params, counts, WARMUP_PODS / max) : params;
  try {
    const ops = resolveOps(tc, w, small);
    let objects = 0;
    for (const op of ops) {
      if (op.opcode === 'createPodSets') objects += op.count * op.createPodsOp.count;
      else if ('count' in op && typeof op.count === 'number') objects += op.count;
    }
    if (objects > 4 * WARMUP_PODS) return false;
    // With a shard pool, every cycle the shards would take runs there, whatever the cluster size, so
    // the worker threads' own JIT warms up too.
    runWorkload(tc, w, small, ops, {
      engine: opts.engine, seed: opts.seed, configPath: opts.configPath, plugins: opts.plugins, attemptMs: opts.attemptMs,
      ...(opts.shards ? { shards: opts.shards, parallelMinNodes: 0 } : {}),
    }, templates);
    return true;
  } catch {
    return false;
  }
}

/** One workload planned by planRuns: its warm-up passes first when `opts.warmup`, then the measured run. */
export function runPlanned(p: ReturnType<typeof planRuns>[number], opts: RunOptions, templates: TemplateCache): WorkloadResult {
  let warmed = false;
  if (opts.warmup === true) for (let pass = 0; pass < WARMUP_PASSES; pass++) warmed = warmUp(p.tc, p.w, p.params, opts, templates);
  const r = runWorkload(p.tc, p.w, p.params, p.ops, opts, templates);
  if (opts.warmup === true) r.warmup = warmed;
  return r;
}

export function runWorkloadFile(file: string, opts: RunOptions): WorkloadResult[] {
  const templates = new TemplateCache();
  const results: WorkloadResult[] = [];
  for (const p of planRuns(file, opts)) {
    opts.log?.(`running ${p.tc.name}/${p.w.name} ${JSON.stringify(p.params)} on the ${opts.engine} engine`);
    const r = runPlanned(p, opts, templates);
    for (const m of r.warnings) opts.warn?.(`${p.tc.name}/${p.w.name}: ${m}`);
    results.push(r);
  }
  return results;
}
