// scheduler_perf-format workload files (../../shared/spec/scale-guidance.md): a list of test cases,
// each with a workloadTemplate (ops run in order) and workloads (params, labels, threshold).
// Decoding is strict: unknown fields, unknown opcodes, missing or unused parameters are errors that
// name the file and the path inside it. Template and config paths resolve relative to the file.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { InputError } from '../k8s/errors.js';
import {
  Cursor, isRecord, list, object, optBool, optDuration, optInt, optNumber, optStr, paramRef, parseGoDuration,
  requiredStr, stringList, stringMap, type Rec,
} from './decode.js';

export type ParamValue = number | string | boolean;

export interface NodeStrategy {
  kind: 'nodeAllocatable' | 'labelNodePrepare' | 'uniqueNodeLabel';
  /** nodeAllocatable: resources merged into status.allocatable. */
  nodeAllocatable?: Record<string, string>;
  labelKey?: string;
  labelValues?: string[];
}

/** A count that is either literal or a `$param` reference, with where it was written. */
export interface CountRef {
  value?: number;
  param?: string;
  at: Cursor;
}

interface OpBase {
  /** Position in workloadTemplate (upstream uses it for default namespaces: namespace-<index>). */
  index: number;
  at: Cursor;
}

export interface CreateNodesOp extends OpBase {
  opcode: 'createNodes';
  count: CountRef;
  nodeTemplatePath?: string;
  strategy?: NodeStrategy;
}
export interface CreateNamespacesOp extends OpBase {
  opcode: 'createNamespaces';
  prefix: string;
  count: CountRef;
  namespaceTemplatePath?: string;
}
export interface CreatePodsOp extends OpBase {
  opcode: 'createPods';
  count: CountRef;
  podTemplatePath?: string;
  namespace?: string;
  collectMetrics: boolean;
  skipWaitToCompletion: boolean;
  steadyState: boolean;
  steadyStateParam?: string;
  durationMs?: number;
  durationParam?: string;
}
export interface CreatePodSetsOp extends OpBase {
  opcode: 'createPodSets';
  count: CountRef;
  namespacePrefix: string;
  createPodsOp: CreatePodsOp;
}
export interface DeletePodsOp extends OpBase {
  opcode: 'deletePods';
  namespace: string;
  labelSelector?: Record<string, string>;
  deletePodsPerSecond: number;
  skipWaitToCompletion: boolean;
}
export interface ChurnOp extends OpBase {
  opcode: 'churn';
  mode: 'create' | 'recreate';
  number: number;
  intervalMilliseconds: number;
  namespace?: string;
  templatePaths: string[];
}
export interface BarrierOp extends OpBase {
  opcode: 'barrier';
  namespaces: string[];
  labelSelector?: Record<string, string>;
  stageRequirement: 'Scheduled' | 'Attempted';
}
export interface SleepOp extends OpBase {
  opcode: 'sleep';
  durationMs?: number;
  durationParam?: string;
}
export interface StartCollectingMetricsOp extends OpBase {
  opcode: 'startCollectingMetrics';
  name: string;
  namespaces: string[];
  labelSelector?: Record<string, string>;
}
export interface StopCollectingMetricsOp extends OpBase {
  opcode: 'stopCollectingMetrics';
}
export interface CreateAnyOp extends OpBase {
  opcode: 'createAny';
  templatePath: string;
  namespace?: string;
  count: CountRef;
}

export type Op =
  | CreateNodesOp | CreateNamespacesOp | CreatePodsOp | CreatePodSetsOp | DeletePodsOp | ChurnOp | BarrierOp | SleepOp
  | StartCollectingMetricsOp | StopCollectingMetricsOp | CreateAnyOp;

export const OPCODES = [
  'createNodes', 'createNamespaces', 'createPods', 'createPodSets', 'deletePods', 'churn', 'barrier', 'sleep',
  'startCollectingMetrics', 'stopCollectingMetrics', 'createAny',
] as const;

export interface Workload {
  name: string;
  labels: string[];
  params: Record<string, ParamValue>;
  threshold?: number;
  featureGates: Record<string, boolean>;
  index: number;
  at: Cursor;
}

export interface TestCase {
  name: string;
  labels: string[];
  featureGates: Record<string, boolean>;
  /** Absolute paths (resolved against the workload file's directory). */
  schedulerConfigPath?: string;
  defaultPodTemplatePath?: string;
  ops: Op[];
  workloads: Workload[];
  file: string;
  index: number;
}

/** Reads and strictly decodes a workload file. */
export function loadWorkloadFile(file: string): TestCase[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError({ file }, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseWorkloadText(file, text);
}

export function parseWorkloadText(file: string, text: string): TestCase[] {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const all = Array.isArray(docs) ? docs : [docs];
  const values: unknown[] = [];
  for (const d of all) {
    if (d.errors.length > 0) {
      const e = d.errors[0]!;
      const line = e.linePos?.[0]?.line;
      throw new InputError({ file }, `${line ? `line ${line}: ` : ''}${e.message.split('\n')[0]}`);
    }
    const v = d.toJS({ maxAliasCount: 1000 });
    if (v !== null && v !== undefined) values.push(v);
  }
  if (values.length !== 1) throw new InputError({ file }, `expected one YAML document holding a list of test cases, found ${values.length}`);
  const root = new Cursor(file, '');
  const cases = list(values[0], root).map((tc, i) => decodeTestCase(tc, root.at(i), i, dirname(file)));
  const seen = new Set<string>();
  cases.forEach((tc) => {
    if (seen.has(tc.name)) root.at(tc.index).at('name').fail(`duplicate test case name ${JSON.stringify(tc.name)}`);
    seen.add(tc.name);
  });
  return cases;
}

function featureGates(x: unknown, c: Cursor): Record<string, boolean> {
  if (x === undefined || x === null) return {};
  if (!isRecord(x)) c.fail('expected an object of feature gate names to true/false');
  const out: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(x)) out[k] = optBool(v, c.at(k)) ?? false;
  return out;
}

function decodeTestCase(x: unknown, c: Cursor, index: number, dir: string): TestCase {
  const r = object(x, c, ['name', 'labels', 'featureGates', 'schedulerConfigPath', 'defaultPodTemplatePath', 'workloadTemplate', 'workloads']);
  const name = requiredStr(r.name, c.at('name'));
  const ops = list(r.workloadTemplate ?? c.at('workloadTemplate').fail('Required value'), c.at('workloadTemplate'))
    .map((o, i) => decodeOp(o, c.at('workloadTemplate').at(i), i, dir));
  if (ops.length === 0) c.at('workloadTemplate').fail('must contain at least one op');
  const wls = list(r.workloads ?? c.at('workloads').fail('Required value'), c.at('workloads'))
    .map((w, i) => decodeWorkload(w, c.at('workloads').at(i), i));
  const seen = new Set<string>();
  for (const w of wls) {
    if (seen.has(w.name)) w.at.at('name').fail(`duplicate workload name ${JSON.stringify(w.name)}`);
    seen.add(w.name);
  }
  const p = (v: unknown, at: Cursor) => {
    const s = optStr(v, at);
    return s ? resolve(dir, s) : undefined;
  };
  return {
    name,
    labels: stringList(r.labels, c.at('labels')) ?? [],
    featureGates: featureGates(r.featureGates, c.at('featureGates')),
    schedulerConfigPath: p(r.schedulerConfigPath, c.at('schedulerConfigPath')),
    defaultPodTemplatePath: p(r.defaultPodTemplatePath, c.at('defaultPodTemplatePath')),
    ops,
    workloads: wls,
    file: c.file,
    index,
  };
}

function decodeWorkload(x: unknown, c: Cursor, index: number): Workload {
  const r = object(x, c, ['name', 'labels', 'params', 'threshold', 'featureGates']);
  const params: Record<string, ParamValue> = {};
  if (r.params !== undefined && r.params !== null) {
    if (!isRecord(r.params)) c.at('params').fail('expected an object of parameter names to values');
    for (const [k, v] of Object.entries(r.params)) {
      if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') c.at('params').at(k).fail('expected a number, string or boolean');
      params[k] = v;
    }
  }
  const threshold = optNumber(r.threshold, c.at('threshold'));
  if (threshold !== undefined && threshold < 0) c.at('threshold').fail('must be >= 0');
  return {
    name: requiredStr(r.name, c.at('name')),
    labels: stringList(r.labels, c.at('labels')) ?? [],
    params,
    ...(threshold !== undefined ? { threshold } : {}),
    featureGates: featureGates(r.featureGates, c.at('featureGates')),
    index,
    at: c,
  };
}

function count(r: Rec, c: Cursor, optional = false): CountRef {
  const value = optInt(r.count, c.at('count'), 0);
  const param = paramRef(r.countParam, c.at('countParam'));
  if (param !== undefined) return { param, at: c.at('countParam') };
  if (value === undefined) {
    if (optional) return { value: 1, at: c.at('count') };
    c.at('count').fail('Required value: set count or countParam');
  }
  return { value, at: c.at('count') };
}

function decodeOp(x: unknown, c: Cursor, index: number, dir: string, nested = false): Op {
  if (!isRecord(x)) c.fail('expected an object');
  const opcode = requiredStr(x.opcode, c.at('opcode'));
  const path = (v: unknown, at: Cursor) => {
    const s = optStr(v, at);
    return s ? resolve(dir, s) : undefined;
  };
  const base = { index, at: c };
  switch (opcode) {
    case 'createNodes': {
      const r = object(x, c, ['opcode', 'count', 'countParam', 'nodeTemplatePath', 'nodeAllocatableStrategy', 'labelNodePrepareStrategy', 'uniqueNodeLabelStrategy']);
      const strategies: NodeStrategy[] = [];
      if (r.nodeAllocatableStrategy !== undefined) {
        const sc = c.at('nodeAllocatableStrategy');
        const s = object(r.nodeAllocatableStrategy, sc, ['nodeAllocatable', 'csiNodeAllocatable', 'migratedPlugins']);
        // csiNodeAllocatable and migratedPlugins describe CSINode objects, which kubescale does not model.
        if (s.csiNodeAllocatable !== undefined && !isRecord(s.csiNodeAllocatable)) sc.at('csiNodeAllocatable').fail('expected an object');
        stringList(s.migratedPlugins, sc.at('migratedPlugins'));
        strategies.push({ kind: 'nodeAllocatable', nodeAllocatable: stringMap(s.nodeAllocatable, sc.at('nodeAllocatable')) ?? {} });
      }
      if (r.labelNodePrepareStrategy !== undefined) {
        const sc = c.at('labelNodePrepareStrategy');
        const s = object(r.labelNodePrepareStrategy, sc, ['labelKey', 'labelValues']);
        const labelValues = stringList(s.labelValues, sc.at('labelValues')) ?? [];
        if (labelValues.length === 0) sc.at('labelValues').fail('Required value: at least one label value');
        strategies.push({ kind: 'labelNodePrepare', labelKey: requiredStr(s.labelKey, sc.at('labelKey')), labelValues });
      }
      if (r.uniqueNodeLabelStrategy !== undefined) {
        const sc = c.at('uniqueNodeLabelStrategy');
        const s = object(r.uniqueNodeLabelStrategy, sc, ['labelKey']);
        strategies.push({ kind: 'uniqueNodeLabel', labelKey: requiredStr(s.labelKey, sc.at('labelKey')) });
      }
      if (strategies.length > 1) c.fail('at most one of nodeAllocatableStrategy, labelNodePrepareStrategy and uniqueNodeLabelStrategy may be set');
      return { ...base, opcode, count: count(r, c), nodeTemplatePath: path(r.nodeTemplatePath, c.at('nodeTemplatePath')), strategy: strategies[0] };
    }
    case 'createNamespaces': {
      const r = object(x, c, ['opcode', 'prefix', 'count', 'countParam', 'namespaceTemplatePath']);
      return { ...base, opcode, prefix: requiredStr(r.prefix, c.at('prefix')), count: count(r, c), namespaceTemplatePath: path(r.namespaceTemplatePath, c.at('namespaceTemplatePath')) };
    }
    case 'createPods': {
      const r = object(x, c, [
        'opcode', 'count', 'countParam', 'podTemplatePath', 'namespace', 'collectMetrics', 'skipWaitToCompletion', 'steadyState',
        'steadyStateParam', 'duration', 'durationParam',
      ]);
      const op: CreatePodsOp = {
        ...base, opcode, count: count(r, c), podTemplatePath: path(r.podTemplatePath, c.at('podTemplatePath')),
        namespace: optStr(r.namespace, c.at('namespace')) || undefined,
        collectMetrics: optBool(r.collectMetrics, c.at('collectMetrics')) ?? false,
        skipWaitToCompletion: optBool(r.skipWaitToCompletion, c.at('skipWaitToCompletion')) ?? false,
        steadyState: optBool(r.steadyState, c.at('steadyState')) ?? false,
        steadyStateParam: paramRef(r.steadyStateParam, c.at('steadyStateParam')),
        durationMs: optDuration(r.duration, c.at('duration')),
        durationParam: paramRef(r.durationParam, c.at('durationParam')),
      };
      if (op.collectMetrics && op.skipWaitToCompletion) c.fail('collectMetrics and skipWaitToCompletion cannot be true at the same time');
      if (op.skipWaitToCompletion && op.steadyState) c.fail('skipWaitToCompletion and steadyState cannot be true at the same time');
      if (nested && op.collectMetrics) c.at('collectMetrics').fail('not supported inside createPodSets');
      return op;
    }
    case 'createPodSets': {
      const r = object(x, c, ['opcode', 'count', 'countParam', 'namespacePrefix', 'createPodsOp']);
      const inner = decodeOp(r.createPodsOp ?? c.at('createPodsOp').fail('Required value'), c.at('createPodsOp'), index, dir, true);
      if (inner.opcode !== 'createPods') c.at('createPodsOp').at('opcode').fail('must be "createPods"');
      return { ...base, opcode, count: count(r, c), namespacePrefix: requiredStr(r.namespacePrefix, c.at('namespacePrefix')), createPodsOp: inner as CreatePodsOp };
    }
    case 'deletePods': {
      const r = object(x, c, ['opcode', 'namespace', 'labelSelector', 'deletePodsPerSecond', 'skipWaitToCompletion']);
      return {
        ...base, opcode, namespace: requiredStr(r.namespace, c.at('namespace')),
        labelSelector: stringMap(r.labelSelector, c.at('labelSelector')),
        deletePodsPerSecond: optInt(r.deletePodsPerSecond, c.at('deletePodsPerSecond'), 0) ?? 0,
        skipWaitToCompletion: optBool(r.skipWaitToCompletion, c.at('skipWaitToCompletion')) ?? false,
      };
    }
    case 'churn': {
      const r = object(x, c, ['opcode', 'mode', 'number', 'intervalMilliseconds', 'namespace', 'templatePaths']);
      const mode = requiredStr(r.mode, c.at('mode')) as 'create' | 'recreate';
      if (mode !== 'create' && mode !== 'recreate') c.at('mode').fail(`invalid mode ${JSON.stringify(mode)}: must be one of create, recreate`);
      const number = optInt(r.number, c.at('number'), 0) ?? 0;
      if (mode === 'recreate' && number === 0) c.at('number').fail('number cannot be 0 when mode is recreate');
      const templatePaths = (stringList(r.templatePaths, c.at('templatePaths')) ?? []).map((p) => resolve(dir, p));
      if (templatePaths.length === 0) c.at('templatePaths').fail('at least one template spec file needs to be specified');
      const interval = optInt(r.intervalMilliseconds, c.at('intervalMilliseconds'), 1) ?? 500;
      return { ...base, opcode, mode, number, intervalMilliseconds: interval, namespace: optStr(r.namespace, c.at('namespace')) || undefined, templatePaths };
    }
    case 'barrier': {
      const r = object(x, c, ['opcode', 'namespaces', 'labelSelector', 'stageRequirement']);
      const stage = (optStr(r.stageRequirement, c.at('stageRequirement')) || 'Scheduled') as 'Scheduled' | 'Attempted';
      if (stage !== 'Scheduled' && stage !== 'Attempted') c.at('stageRequirement').fail(`invalid StageRequirement ${stage}: must be Scheduled or Attempted`);
      return { ...base, opcode, namespaces: stringList(r.namespaces, c.at('namespaces')) ?? [], labelSelector: stringMap(r.labelSelector, c.at('labelSelector')), stageRequirement: stage };
    }
    case 'sleep': {
      const r = object(x, c, ['opcode', 'duration', 'durationParam']);
      const op: SleepOp = { ...base, opcode, durationMs: optDuration(r.duration, c.at('duration')), durationParam: paramRef(r.durationParam, c.at('durationParam')) };
      if (op.durationMs === undefined && op.durationParam === undefined) c.at('duration').fail('Required value: set duration or durationParam');
      return op;
    }
    case 'startCollectingMetrics': {
      const r = object(x, c, ['opcode', 'name', 'namespaces', 'labelSelector']);
      const namespaces = stringList(r.namespaces, c.at('namespaces')) ?? [];
      if (namespaces.length === 0) c.at('namespaces').fail('namespaces cannot be empty');
      return { ...base, opcode, name: optStr(r.name, c.at('name')) ?? '', namespaces, labelSelector: stringMap(r.labelSelector, c.at('labelSelector')) };
    }
    case 'stopCollectingMetrics':
      object(x, c, ['opcode']);
      return { ...base, opcode };
    case 'createAny': {
      const r = object(x, c, ['opcode', 'templatePath', 'namespace', 'count', 'countParam']);
      const templatePath = path(r.templatePath, c.at('templatePath')) ?? c.at('templatePath').fail('TemplatePath must be set');
      return { ...base, opcode, templatePath, namespace: optStr(r.namespace, c.at('namespace')) || undefined, count: count(r, c, true) };
    }
    default:
      return c.at('opcode').fail(`unsupported opcode ${JSON.stringify(opcode)}: supported: ${OPCODES.join(', ')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Parameters

/** Count parameters: the ones referenced by countParam (what `--scale` multiplies). */
export function countParams(ops: readonly Op[]): Set<string> {
  const out = new Set<string>();
  const visit = (op: Op) => {
    if ('count' in op && op.count.param) out.add(op.count.param);
    if (op.opcode === 'createPodSets') visit(op.createPodsOp);
  };
  ops.forEach(visit);
  return out;
}

/** `--scale f`: every count parameter times f, rounded up, at least 1. Other parameters unchanged. */
export function scaleParams(params: Record<string, ParamValue>, counts: Set<string>, scale: number): Record<string, ParamValue> {
  const out = { ...params };
  for (const k of counts) {
    const v = out[k];
    if (typeof v === 'number') out[k] = Math.max(1, Math.ceil(v * scale - 1e-9));
  }
  return out;
}

/** Ops with every parameter replaced by its value, ready to run. */
export type Resolved<T> = T extends { count: CountRef } ? Omit<T, 'count'> & { count: number } : T;
export type ResolvedCreatePods = Omit<CreatePodsOp, 'count'> & { count: number };
export type ResolvedOp =
  | Resolved<CreateNodesOp> | Resolved<CreateNamespacesOp> | ResolvedCreatePods
  | (Omit<CreatePodSetsOp, 'count' | 'createPodsOp'> & { count: number; createPodsOp: ResolvedCreatePods })
  | DeletePodsOp | ChurnOp | BarrierOp | (SleepOp & { durationMs: number }) | StartCollectingMetricsOp | StopCollectingMetricsOp
  | Resolved<CreateAnyOp>;

/**
 * Substitutes `$name` parameters of one workload into the template. Errors: a referenced parameter
 * the workload does not define (at the reference), a defined parameter nothing uses (at the param),
 * a parameter of the wrong type.
 */
export function resolveOps(tc: TestCase, w: Workload, params: Record<string, ParamValue> = w.params): ResolvedOp[] {
  const used = new Set<string>();
  const get = (name: string, at: Cursor, kind: 'count' | 'duration' | 'bool'): ParamValue => {
    used.add(name);
    if (!(name in params)) at.fail(`parameter ${JSON.stringify(name)} is undefined in workload ${JSON.stringify(w.name)}`);
    const v = params[name]!;
    const pat = w.at.at('params').at(name);
    if (kind === 'count' && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) pat.fail(`used as a count at ${at.path}: expected a non-negative integer, got ${JSON.stringify(v)}`);
    if (kind === 'bool' && typeof v !== 'boolean') pat.fail(`used at ${at.path}: expected true or false, got ${JSON.stringify(v)}`);
    if (kind === 'duration' && (typeof v !== 'string' || parseGoDuration(v) === undefined)) pat.fail(`used at ${at.path}: expected a duration such as "10s", got ${JSON.stringify(v)}`);
    return v;
  };
  const cnt = (c: CountRef) => (c.param !== undefined ? (get(c.param, c.at, 'count') as number) : c.value!);
  const pods = (op: CreatePodsOp): ResolvedCreatePods => {
    const out: ResolvedCreatePods = { ...op, count: cnt(op.count) };
    if (op.steadyStateParam) out.steadyState = get(op.steadyStateParam, op.at.at('steadyStateParam'), 'bool') as boolean;
    if (op.durationParam) out.durationMs = parseGoDuration(get(op.durationParam, op.at.at('durationParam'), 'duration') as string);
    if (out.steadyState && !(out.durationMs! > 0)) op.at.at('duration').fail('when creating pods in a steady state, the test duration must be > 0');
    return out;
  };
  const out = tc.ops.map((op): ResolvedOp => {
    switch (op.opcode) {
      case 'createNodes':
      case 'createNamespaces':
      case 'createAny':
        return { ...op, count: cnt(op.count) };
      case 'createPods':
        return pods(op);
      case 'createPodSets':
        return { ...op, count: cnt(op.count), createPodsOp: pods(op.createPodsOp) };
      case 'sleep': {
        const ms = op.durationParam ? parseGoDuration(get(op.durationParam, op.at.at('durationParam'), 'duration') as string)! : op.durationMs!;
        return { ...op, durationMs: ms };
      }
      default:
        return op;
    }
  });
  for (const k of Object.keys(params)) {
    if (!used.has(k)) w.at.at('params').at(k).fail(`parameter ${JSON.stringify(k)} is defined but not used by test case ${JSON.stringify(tc.name)}`);
  }
  return out;
}

/** Test cases and workloads picked by --case / --workload (exact names); errors when nothing matches. */
export function selectWorkloads(cases: TestCase[], file: string, caseName?: string, workloadName?: string, label?: string): { tc: TestCase; w: Workload }[] {
  const picked: { tc: TestCase; w: Workload }[] = [];
  for (const tc of cases) {
    if (caseName !== undefined && tc.name !== caseName) continue;
    for (const w of tc.workloads) {
      if (workloadName !== undefined && w.name !== workloadName) continue;
      if (label !== undefined && !w.labels.includes(label) && !tc.labels.includes(label)) continue;
      picked.push({ tc, w });
    }
  }
  if (picked.length === 0) {
    const what = [caseName && `test case ${JSON.stringify(caseName)}`, workloadName && `workload ${JSON.stringify(workloadName)}`, label && `label ${JSON.stringify(label)}`].filter(Boolean).join(' with ');
    const known = caseName === undefined ? cases.map((t) => t.name) : (cases.find((t) => t.name === caseName)?.workloads.map((w) => w.name) ?? cases.map((t) => t.name));
    throw new InputError({ file }, `no ${what || 'workloads'} found; available: ${known.join(', ')}`);
  }
  return picked;
}

