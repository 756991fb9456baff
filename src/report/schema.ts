// The one versioned results schema that `kubescale run`, `bench` and `compare` results are read
// into and `kubescale report` renders from (cli.md; issue #8 item 2).
//
//   { schema: "kubescale.io/results", version: 1,
//     environment: { cpuModel, cores, node, os, gitCommit, timestamp, baseline: { noopMedianNs } },
//     command, runs: [...], bench: [...], compare: [...], notes: [...] }
//
// - `runs` are `kubescale run` results as the runner writes them (cli.md field names, upstream's
//   SchedulingThroughput summary with its `unit`).
// - `bench` is suites -> cases -> figures. Every figure carries its unit in its name (`podsPerSec`,
//   `medianMs`, `payloadBytes`, `natRules`; see UNIT_SUFFIXES). A case may hold raw samples per
//   figure and, for suites that run workloads, the runner's result. Suites that sweep a size carry
//   fitted cost curves y = coefficient * x^exponent.
// - `compare` holds profiles side by side, each with unit-named throughput and placement-quality
//   figures.
// On disk (writeResults) results.json leaves out the raw samples and names results.msgpack beside
// it, which holds them as float64 arrays; readResults puts them back.

import { decode, encode } from '@msgpack/msgpack';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../k8s/errors.js';
import { writeFileAtomic } from '../cli/common.js';

export const RESULTS_SCHEMA = 'kubescale.io/results';
export const RESULTS_VERSION = 1;
export const SAMPLES_FILE = 'results.msgpack';

/**
 * A figure's name ends in its unit. Rates end in PerSec; times in Ns/Us/Ms/Seconds; sizes in Bytes;
 * counts in the thing counted (Pods, Rules, ...) or Count; shares in Pct or Ratio.
 */
export const UNIT_SUFFIXES = [
  'PerSec', 'Ns', 'Us', 'Ms', 'Seconds', 'Bytes', 'Pct', 'Ratio', 'Count',
  'Pods', 'Nodes', 'Services', 'Endpoints', 'Slices', 'Rules', 'Chains', 'Ops', 'Samples', 'Syncs',
] as const;
const FIGURE_NAME = new RegExp(`^[a-z][A-Za-z0-9]*(${UNIT_SUFFIXES.join('|')})$`);

/** The unit a figure name carries, e.g. "medianMs" -> "Ms"; undefined when it has none. */
export function figureUnit(name: string): string | undefined {
  return FIGURE_NAME.exec(name)?.[1];
}

const FIGURE_NAME_MESSAGE = `figure name must start lower-case and end in a unit (${UNIT_SUFFIXES.join(', ')})`;
const figureName = z.string().regex(FIGURE_NAME, { message: FIGURE_NAME_MESSAGE });
const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
/** A record keyed by figure names; a bad key is reported at its own path. */
function byFigure<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value).superRefine((rec, ctx) => {
    for (const k of Object.keys(rec)) if (!FIGURE_NAME.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: FIGURE_NAME_MESSAGE });
  });
}
const figures = byFigure(finite);
const paramValue = z.union([z.number(), z.string(), z.boolean()]);
const samples = byFigure(z.array(finite));

const environment = z.object({
  cpuModel: z.string(),
  cores: z.number().int().positive(),
  node: z.string(),
  os: z.string(),
  gitCommit: z.string(),
  timestamp: z.string(),
  /** The cost of measuring nothing on this machine: the floor under every figure. */
  baseline: figures,
  baselineSamples: samples.optional(),
});

const throughput = z.looseObject({
  Average: finite, Perc50: finite, Perc90: finite, Perc95: finite, Perc99: finite, unit: z.string(),
});

/** Final size of a run's simulated cluster (added by the runner; older results lack it). */
const clusterSize = z.object({
  nodes: z.number().int().nonnegative(),
  pods: z.number().int().nonnegative(),
  boundPods: z.number().int().nonnegative(),
  containers: z.number().int().nonnegative(),
  maxPodsPerNode: z.number().int().nonnegative(),
  namespaces: z.number().int().nonnegative(),
  services: z.number().int().nonnegative(),
});

/** A `kubescale run` workload result (runner.ts WorkloadResult); unknown extra fields are kept. */
const runResult = z.looseObject({
  testCase: z.string(),
  workload: z.string(),
  params: z.record(z.string(), paramValue),
  engine: z.string(),
  workers: z.number(),
  seed: z.number(),
  metrics: z.looseObject({
    SchedulingThroughput: throughput,
    scheduled: z.number(),
    unschedulable: z.number(),
    attempts: z.number(),
    preemptions: z.number(),
    wallSeconds: z.number(),
    peakRssBytes: z.number(),
  }),
  threshold: z.number().nullable(),
  passed: z.boolean(),
  labels: z.array(z.string()).optional(),
  warnings: z.array(z.string()).optional(),
  cluster: clusterSize.optional(),
});

const benchCase = z.object({
  name: z.string().min(1),
  /** Sizes and settings: nodes, pods, services, endpointsPerService, mode, ... */
  params: z.record(z.string(), paramValue),
  figures,
  /** The headline figure (a key of figures); the first figure when absent. */
  primary: figureName.optional(),
  status: z.enum(['completed', 'skipped', 'errored']).optional(),
  note: z.string().optional(),
  /** Raw samples per figure (kept in results.msgpack on disk). */
  samples: samples.optional(),
  /** The runner's result when the case ran a workload (scheduling suite). */
  run: runResult.optional(),
});

const costFit = z.object({
  name: z.string().min(1),
  /** Param name on the x axis (e.g. "nodes") and figure name on the y axis (e.g. "medianMs"). */
  x: z.string().min(1),
  y: figureName,
  exponent: finite,
  coefficient: finite,
  r2: finite,
  points: z.array(z.object({ x: finite, y: finite })),
});

const benchSuite = z.object({
  suite: z.string().min(1),
  status: z.enum(['completed', 'skipped', 'interrupted', 'errored']),
  note: z.string().optional(),
  quick: z.boolean().optional(),
  cases: z.array(benchCase),
  fits: z.array(costFit).optional(),
});

const compareProfile = z.object({
  /** Profile name (schedulerName or file). */
  profile: z.string().min(1),
  source: z.string().optional(),
  /** throughputPodsPerSec, nodesUsedNodes, cpuUtilP50Pct, memUtilP90Pct, balanceSpreadPct, topologySkewPods, unschedulablePods, preemptionsCount, ... */
  figures,
  run: runResult.optional(),
});

const compareResult = z.object({
  testCase: z.string(),
  workload: z.string(),
  params: z.record(z.string(), paramValue),
  profiles: z.array(compareProfile).min(1),
});

export const resultsSchema = z.object({
  schema: z.literal(RESULTS_SCHEMA),
  version: z.literal(RESULTS_VERSION),
  environment,
  command: z.enum(['run', 'bench', 'compare', 'report']),
  runs: z.array(runResult),
  bench: z.array(benchSuite),
  compare: z.array(compareResult),
  notes: z.array(z.string()),
  /** On disk only: the msgpack file beside the JSON holding the raw samples. */
  samplesFile: z.string().optional(),
});

export type Results = z.infer<typeof resultsSchema>;
export type ResultsEnvironment = z.infer<typeof environment>;
export type RunResult = z.infer<typeof runResult>;
export type ClusterSize = z.infer<typeof clusterSize>;
export type BenchSuite = z.infer<typeof benchSuite>;
export type BenchCase = z.infer<typeof benchCase>;
export type CostFit = z.infer<typeof costFit>;
export type CompareResult = z.infer<typeof compareResult>;
export type CompareProfile = z.infer<typeof compareProfile>;

export type ValidationResult = { ok: true; results: Results } | { ok: false; errors: string[] };

/** "bench[0].cases[2].figures.median" style paths. */
function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(document)';
}

/** Validates a results document; errors are "field: message" lines. Checks unique names too. */
export function validateResults(doc: unknown): ValidationResult {
  const parsed = resultsSchema.safeParse(doc);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`) };
  const r = parsed.data;
  const errors: string[] = [];
  const suites = new Set<string>();
  r.bench.forEach((s, si) => {
    if (suites.has(s.suite)) errors.push(`bench[${si}].suite: duplicate suite ${JSON.stringify(s.suite)}`);
    suites.add(s.suite);
    const names = new Set<string>();
    s.cases.forEach((c, ci) => {
      if (names.has(c.name)) errors.push(`bench[${si}].cases[${ci}].name: duplicate case ${JSON.stringify(c.name)} in suite ${JSON.stringify(s.suite)}`);
      names.add(c.name);
      if (c.primary !== undefined && !(c.primary in c.figures)) errors.push(`bench[${si}].cases[${ci}].primary: ${JSON.stringify(c.primary)} is not one of its figures`);
      for (const f of Object.keys(c.samples ?? {})) if (!(f in c.figures)) errors.push(`bench[${si}].cases[${ci}].samples.${f}: no figure of that name`);
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, results: r };
}

/** An empty results document for `command` in `environment`. */
export function emptyResults(command: Results['command'], env: ResultsEnvironment): Results {
  return { schema: RESULTS_SCHEMA, version: RESULTS_VERSION, environment: env, command, runs: [], bench: [], compare: [], notes: [] };
}

// ---------------------------------------------------------------------------------------------
// On disk: results.json without samples + results.msgpack with them.

interface SamplesDoc {
  schema: string;
  version: number;
  baseline?: Record<string, Uint8Array>;
  cases: { suite: string; case: string; samples: Record<string, Uint8Array> }[];
}

function packSamples(s: Record<string, number[]>): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(s)) out[k] = new Uint8Array(Float64Array.from(v).buffer);
  return out;
}

function unpackSamples(s: Record<string, Uint8Array>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, bytes] of Object.entries(s)) {
    // Copy: the decoded view need not be 8-byte aligned.
    const f = new Float64Array(bytes.byteLength / 8);
    new Uint8Array(f.buffer).set(bytes);
    out[k] = Array.from(f);
  }
  return out;
}

/** Splits results into the JSON document (no samples) and the msgpack samples document (or null). */
export function splitSamples(results: Results): { json: Results; samples: SamplesDoc | null } {
  const cases: SamplesDoc['cases'] = [];
  const bench = results.bench.map((s) => ({
    ...s,
    cases: s.cases.map((c) => {
      if (!c.samples) return c;
      const { samples: cs, ...rest } = c;
      cases.push({ suite: s.suite, case: c.name, samples: packSamples(cs) });
      return rest;
    }),
  }));
  const { baselineSamples, ...env } = results.environment;
  const { samplesFile: _ignored, ...top } = results;
  if (cases.length === 0 && !baselineSamples) return { json: { ...top, environment: env, bench }, samples: null };
  return {
    json: { ...top, environment: env, bench, samplesFile: SAMPLES_FILE },
    samples: { schema: RESULTS_SCHEMA, version: RESULTS_VERSION, ...(baselineSamples ? { baseline: packSamples(baselineSamples) } : {}), cases },
  };
}

/** Writes DIR/results.json and, when there are raw samples, DIR/results.msgpack. */
export function writeResults(dir: string, results: Results): { json: string; msgpack: string | null } {
  const v = validateResults(results);
  if (!v.ok) throw new Error(`refusing to write invalid results: ${v.errors[0]}`);
  const { json, samples } = splitSamples(results);
  const jsonPath = join(dir, 'results.json');
  let packPath: string | null = null;
  if (samples) {
    packPath = join(dir, SAMPLES_FILE);
    writeFileAtomic(packPath, encode(samples));
  }
  writeFileAtomic(jsonPath, JSON.stringify(json, null, 2) + '\n');
  return { json: jsonPath, msgpack: packPath };
}

function mergeSamples(file: string, r: Results, doc: unknown): Results {
  const d = doc as Partial<SamplesDoc> | null;
  if (!d || typeof d !== 'object' || d.schema !== RESULTS_SCHEMA || !Array.isArray(d.cases)) {
    throw new InputError({ file }, `not a kubescale samples file (schema ${RESULTS_SCHEMA})`);
  }
  if (d.version !== RESULTS_VERSION) throw new InputError({ file, field: 'version' }, `unsupported samples version ${JSON.stringify(d.version)} (this kubescale reads ${RESULTS_VERSION})`);
  const byKey = new Map(d.cases.map((c) => [`${c.suite}\u0000${c.case}`, c.samples]));
  const out: Results = {
    ...r,
    environment: d.baseline ? { ...r.environment, baselineSamples: unpackSamples(d.baseline) } : r.environment,
    bench: r.bench.map((s) => ({
      ...s,
      cases: s.cases.map((c) => {
        const packed = byKey.get(`${s.suite}\u0000${c.name}`);
        return packed ? { ...c, samples: unpackSamples(packed) } : c;
      }),
    })),
  };
  delete out.samplesFile;
  return out;
}

/** The runner's own document ({ results, environment: { node, cpus, cpuModel } }) in the schema. */
export function fromRunnerOutput(doc: { results: unknown[]; environment?: { node?: unknown; cpus?: unknown; cpuModel?: unknown } }, timestamp: string): unknown {
  const e = doc.environment ?? {};
  return {
    schema: RESULTS_SCHEMA,
    version: RESULTS_VERSION,
    environment: {
      cpuModel: typeof e.cpuModel === 'string' ? e.cpuModel : 'unknown',
      cores: typeof e.cpus === 'number' ? e.cpus : 1,
      node: typeof e.node === 'string' ? e.node : 'unknown',
      os: 'unknown',
      gitCommit: 'unknown',
      timestamp,
      baseline: {},
    },
    command: 'run',
    runs: doc.results,
    bench: [],
    compare: [],
    notes: ['converted from `kubescale run` output: os, git commit and the no-op baseline were not recorded'],
  };
}

/**
 * Reads results written by run, bench or compare: a schema results.json (its samples are read back
 * from the msgpack it names, when present), a schema document in msgpack, or the runner's JSON.
 * Throws InputError naming the file and the first bad field.
 */
export function readResults(path: string): Results {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (err) {
    throw new InputError({ file: path }, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  const isPack = path.endsWith('.msgpack');
  try {
    doc = isPack ? decode(raw) : JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new InputError({ file: path }, `not valid ${isPack ? 'msgpack' : 'JSON'}: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError({ file: path }, 'expected a results object');
  const obj = doc as Record<string, unknown>;
  if (isPack && obj.schema === RESULTS_SCHEMA && Array.isArray(obj.cases)) {
    // A bare samples file: read the JSON beside it instead.
    const json = join(dirname(path), 'results.json');
    if (!existsSync(json)) throw new InputError({ file: path }, 'a samples file without results.json beside it');
    return readResults(json);
  }
  if (obj.schema === undefined && Array.isArray(obj.results)) {
    doc = fromRunnerOutput(obj as { results: unknown[] }, statSync(path).mtime.toISOString());
  } else if (obj.schema !== RESULTS_SCHEMA) {
    throw new InputError({ file: path, field: 'schema' }, `not a kubescale results file (expected schema ${JSON.stringify(RESULTS_SCHEMA)} or \`kubescale run -o json\` output)`);
  } else if (obj.version !== RESULTS_VERSION) {
    throw new InputError({ file: path, field: 'version' }, `unsupported results version ${JSON.stringify(obj.version)} (this kubescale reads ${RESULTS_VERSION})`);
  }
  const v = validateResults(doc);
  if (!v.ok) {
    const [field, ...rest] = v.errors[0]!.split(': ');
    throw new InputError({ file: path, field }, rest.join(': ') + (v.errors.length > 1 ? ` (and ${v.errors.length - 1} more)` : ''));
  }
  let r = v.results;
  if (r.samplesFile !== undefined) {
    const packPath = join(dirname(path), basename(r.samplesFile));
    if (existsSync(packPath)) {
      let pack: unknown;
      try {
        pack = decode(readFileSync(packPath));
      } catch (err) {
        throw new InputError({ file: packPath }, `not valid msgpack: ${(err as Error).message}`);
      }
      r = mergeSamples(packPath, r, pack);
    } else {
      r = { ...r, notes: [...r.notes, `raw samples file ${basename(r.samplesFile)} not found beside ${basename(path)}`] };
      delete r.samplesFile;
    }
  }
  return r;
}
