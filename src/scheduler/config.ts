// KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1): strict decoding, v1.35 defaulting
// (pkg/scheduler/apis/config/v1/default_plugins.go, defaults.go), validation with upstream's field-error
// texts (validation.go, validation_pluginargs.go), and the framework's expansion of multiPoint into
// per-extension-point plugin lists with score weights (pkg/scheduler/framework/runtime/framework.go).
// The result, Profile[], is engine-neutral: the reference and the fast engine both consume it.

import { InputError } from '../k8s/errors.js';
import type { NodeSelector, PreferredSchedulingTerm, TopologySpreadConstraint } from '../k8s/types.js';
import { fieldInvalid, fieldNotSupported, fieldRequired, fieldDuplicate, fieldForbidden, ConfigIssue } from './config-errors.js';
import { pluginArgs, validatePluginArgs } from './config-args.js';
export type { ConfigIssue } from './config-errors.js';
import type { CustomPlugins } from './plugins/api.js';

export const API_VERSION = 'kubescheduler.config.k8s.io/v1';
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export const EXTENSION_POINTS = [
  'preEnqueue', 'queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score',
  'reserve', 'permit', 'preBind', 'bind', 'postBind',
] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

/**
 * Every in-tree plugin: the extension points it implements and whether kubescale has built it.
 * Plugins not built are accepted and reported as skipped (treated as no-ops), never faked.
 */
export const IN_TREE_PLUGINS: Record<string, { points: ExtensionPoint[]; built: boolean }> = {
  SchedulingGates: { points: ['preEnqueue'], built: true },
  PrioritySort: { points: ['queueSort'], built: true },
  NodeUnschedulable: { points: ['filter'], built: true },
  NodeName: { points: ['filter'], built: true },
  TaintToleration: { points: ['filter', 'preScore', 'score'], built: true },
  NodeAffinity: { points: ['preFilter', 'filter', 'preScore', 'score'], built: true },
  NodePorts: { points: ['preFilter', 'filter'], built: true },
  NodeResourcesFit: { points: ['preFilter', 'filter', 'preScore', 'score'], built: true },
  VolumeRestrictions: { points: ['preFilter', 'filter'], built: false },
  NodeVolumeLimits: { points: ['preFilter', 'filter'], built: false },
  VolumeBinding: { points: ['preFilter', 'filter', 'reserve', 'preBind', 'preScore', 'score'], built: false },
  VolumeZone: { points: ['preFilter', 'filter'], built: false },
  PodTopologySpread: { points: ['preFilter', 'filter', 'preScore', 'score'], built: false },
  InterPodAffinity: { points: ['preFilter', 'filter', 'preScore', 'score'], built: false },
  DynamicResources: { points: ['preEnqueue', 'preFilter', 'filter', 'postFilter', 'reserve', 'preBind'], built: false },
  DefaultPreemption: { points: ['postFilter'], built: false },
  NodeResourcesBalancedAllocation: { points: ['preScore', 'score'], built: true },
  ImageLocality: { points: ['score'], built: true },
  DefaultBinder: { points: ['bind'], built: true },
};

export interface PluginRef {
  name: string;
  weight?: number;
}
export interface PluginSet {
  enabled: PluginRef[];
  disabled: string[];
}

export interface ResourceSpec {
  name: string;
  weight: number;
}
export interface UtilizationShapePoint {
  utilization: number;
  score: number;
}
export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';
export interface NodeResourcesFitArgs {
  ignoredResources: string[];
  ignoredResourceGroups: string[];
  scoringStrategy: {
    type: ScoringStrategyType;
    resources: ResourceSpec[];
    requestedToCapacityRatio?: { shape: UtilizationShapePoint[] };
  };
}
export interface NodeResourcesBalancedAllocationArgs {
  resources: ResourceSpec[];
}
export interface NodeAffinityArgs {
  addedAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
    preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
  };
}
export interface InterPodAffinityArgs {
  hardPodAffinityWeight: number;
  ignorePreferredTermsOfExistingPods: boolean;
}
export interface PodTopologySpreadArgs {
  defaultConstraints: TopologySpreadConstraint[];
  defaultingType: 'System' | 'List';
}
export interface DefaultPreemptionArgs {
  minCandidateNodesPercentage: number;
  minCandidateNodesAbsolute: number;
}
export interface VolumeBindingArgs {
  bindTimeoutSeconds: number;
}
export interface PluginArgsByName {
  NodeResourcesFit: NodeResourcesFitArgs;
  NodeResourcesBalancedAllocation: NodeResourcesBalancedAllocationArgs;
  NodeAffinity: NodeAffinityArgs;
  InterPodAffinity: InterPodAffinityArgs;
  PodTopologySpread: PodTopologySpreadArgs;
  DefaultPreemption: DefaultPreemptionArgs;
  VolumeBinding: VolumeBindingArgs;
}

/** One scheduling profile, ready for an engine. */
export interface Profile {
  schedulerName: string;
  /** Effective percentage: the profile's when set, else the global one; 0 = adaptive. */
  percentageOfNodesToScore: number;
  /** Enabled plugins per extension point, in the order the framework runs them. */
  plugins: Record<ExtensionPoint, string[]>;
  /** Weight of every score plugin (0 in the config means 1). */
  scoreWeights: Record<string, number>;
  /** Arguments of the plugins that take them, defaulted (present for every enabled plugin with args). */
  args: Partial<PluginArgsByName>;
  /** Enabled plugins kubescale has not built: accepted, treated as no-ops, reported. */
  notBuilt: string[];
}

export interface SchedulerConfig {
  parallelism: number;
  percentageOfNodesToScore: number;
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
  profiles: Profile[];
  /** Custom plugins loaded with --plugin (src/scheduler/plugins): profiles may enable them by name. */
  custom?: CustomPlugins;
}

/** Extension points of a plugin name: in-tree, else a custom plugin's (filter and/or score), else undefined. */
export function pluginPoints(name: string, custom?: CustomPlugins): ExtensionPoint[] | undefined {
  const inTree = IN_TREE_PLUGINS[name];
  if (inTree) return inTree.points;
  const c = custom?.byName.get(name);
  if (!c) return undefined;
  const points: ExtensionPoint[] = [];
  if (c.filters) points.push('filter');
  if (c.scores) points.push('score');
  return points;
}

/** The v1.35 default plugin set (MultiPoint), with DynamicResources inserted before DefaultPreemption
 *  because the DynamicResourceAllocation feature gate is on by default (GA in v1.34). */
export function defaultMultiPoint(): PluginRef[] {
  return [
    { name: 'SchedulingGates' }, { name: 'PrioritySort' }, { name: 'NodeUnschedulable' }, { name: 'NodeName' },
    { name: 'TaintToleration', weight: 3 }, { name: 'NodeAffinity', weight: 2 }, { name: 'NodePorts' },
    { name: 'NodeResourcesFit', weight: 1 }, { name: 'VolumeRestrictions' }, { name: 'NodeVolumeLimits' },
    { name: 'VolumeBinding' }, { name: 'VolumeZone' }, { name: 'PodTopologySpread', weight: 2 },
    { name: 'InterPodAffinity', weight: 2 }, { name: 'DynamicResources' }, { name: 'DefaultPreemption' },
    { name: 'NodeResourcesBalancedAllocation', weight: 1 }, { name: 'ImageLocality', weight: 1 }, { name: 'DefaultBinder' },
  ];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const TOP_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'parallelism', 'leaderElection', 'clientConnection', 'healthzBindAddress',
  'metricsBindAddress', 'enableProfiling', 'enableContentionProfiling', 'percentageOfNodesToScore', 'podInitialBackoffSeconds',
  'podMaxBackoffSeconds', 'profiles', 'extenders', 'delayCacheUntilActive']);
const PROFILE_FIELDS = new Set(['schedulerName', 'percentageOfNodesToScore', 'plugins', 'pluginConfig']);
const PLUGINS_FIELDS = new Set(['multiPoint', ...EXTENSION_POINTS]);

class Decoder {
  constructor(readonly file: string | undefined) {}
  fail(issue: ConfigIssue): never {
    throw new InputError({ file: this.file, object: 'KubeSchedulerConfiguration', field: issue.field }, issue.detail);
  }
  strict(o: Obj, allowed: Set<string>, path: string): void {
    for (const k of Object.keys(o)) {
      if (!allowed.has(k)) this.fail({ field: path ? `${path}.${k}` : k, detail: `strict decoding error: unknown field "${path ? `${path}.${k}` : k}"` });
    }
  }
  int(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail({ field: path, detail: `expected an integer, got ${JSON.stringify(v)}` });
    return v;
  }
  str(v: unknown, path: string): string {
    if (typeof v !== 'string') this.fail({ field: path, detail: `expected a string, got ${JSON.stringify(v)}` });
    return v;
  }
  arr(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail({ field: path, detail: `expected a list, got ${JSON.stringify(v)}` });
    return v;
  }
  obj(v: unknown, path: string): Obj {
    if (!isObj(v)) this.fail({ field: path, detail: `expected an object, got ${JSON.stringify(v)}` });
    return v;
  }
  pluginSet(v: unknown, path: string): PluginSet {
    const set: PluginSet = { enabled: [], disabled: [] };
    if (v === undefined || v === null) return set;
    const o = this.obj(v, path);
    this.strict(o, new Set(['enabled', 'disabled']), path);
    this.arr(o.enabled ?? [], `${path}.enabled`).forEach((p, i) => {
      const po = this.obj(p, `${path}.enabled[${i}]`);
      this.strict(po, new Set(['name', 'weight']), `${path}.enabled[${i}]`);
      const ref: PluginRef = { name: this.str(po.name, `${path}.enabled[${i}].name`) };
      if (po.weight !== undefined && po.weight !== null) ref.weight = this.int(po.weight, `${path}.enabled[${i}].weight`);
      set.enabled.push(ref);
    });
    this.arr(o.disabled ?? [], `${path}.disabled`).forEach((p, i) => {
      const po = this.obj(p, `${path}.disabled[${i}]`);
      this.strict(po, new Set(['name']), `${path}.disabled[${i}]`);
      set.disabled.push(this.str(po.name, `${path}.disabled[${i}].name`));
    });
    return set;
  }
}

/** Upstream mergePluginSet: default set minus disabled ("*" drops all), custom entries replace defaults in place, the rest appended. */
function mergePluginSet(defaults: PluginSet, custom: PluginSet): PluginSet {
  const disabled = new Set([...custom.disabled, ...defaults.disabled]);
  const customIndex = new Map<string, number>();
  custom.enabled.forEach((p, i) => customIndex.set(p.name, i));
  const replaced = new Set<number>();
  const enabled: PluginRef[] = [];
  if (!disabled.has('*')) {
    for (const d of defaults.enabled) {
      if (disabled.has(d.name)) continue;
      const ci = customIndex.get(d.name);
      if (ci !== undefined) {
        enabled.push(custom.enabled[ci]!);
        replaced.add(ci);
      } else enabled.push(d);
    }
  }
  custom.enabled.forEach((p, i) => {
    if (!replaced.has(i)) enabled.push(p);
  });
  return { enabled, disabled: [...custom.disabled, ...defaults.disabled] };
}

/**
 * The framework's view: per-point lists built from the explicit per-point sets, then multiPoint expanded into
 * every point its plugins implement (upstream expandMultiPointPlugins ordering: overrides, multiPoint, rest).
 */
function expandPlugins(sets: Record<ExtensionPoint | 'multiPoint', PluginSet>, path: string, custom?: CustomPlugins): { plugins: Record<ExtensionPoint, string[]>; weights: Record<string, number> } {
  const plugins = {} as Record<ExtensionPoint, string[]>;
  const needed = new Set<string>();
  for (const k of ['multiPoint', ...EXTENSION_POINTS] as const) for (const p of sets[k].enabled) needed.add(p.name);
  for (const name of needed) {
    if (!pluginPoints(name, custom)) throw new ConfigFailure({ field: `${path}.plugins`, detail: `plugin "${name}" does not exist` });
  }
  for (const point of EXTENSION_POINTS) {
    const explicit: string[] = [];
    for (const p of sets[point].enabled) {
      if (!pluginPoints(p.name, custom)!.includes(point)) {
        throw new ConfigFailure({ field: `${path}.plugins.${point}`, detail: `plugin "${p.name}" does not extend ${pointTypeName(point)} plugin` });
      }
      if (explicit.includes(p.name)) throw new ConfigFailure({ field: `${path}.plugins.${point}`, detail: `plugin "${p.name}" already registered as "${pointTypeName(point)}"` });
      explicit.push(p.name);
    }
    const disabled = new Set(sets[point].disabled);
    if (disabled.has('*') || sets.multiPoint.enabled.length === 0) {
      plugins[point] = explicit;
      continue;
    }
    const multi: string[] = [];
    const overrides: string[] = [];
    for (const p of sets.multiPoint.enabled) {
      if (!pluginPoints(p.name, custom)!.includes(point)) continue;
      if (disabled.has(p.name)) continue;
      if (explicit.includes(p.name)) {
        overrides.push(p.name);
        continue;
      }
      if (multi.includes(p.name)) throw new ConfigFailure({ field: `${path}.plugins.multiPoint`, detail: `plugin "${p.name}" already registered as "${pointTypeName(point)}"` });
      multi.push(p.name);
    }
    const part1 = overrides.filter((n) => explicit.includes(n));
    const rest = explicit.filter((n) => !part1.includes(n));
    plugins[point] = [...part1, ...multi, ...rest];
  }
  // Upstream getScoreWeights: explicit score weights win over multiPoint ones; 0 means 1.
  const weights: Record<string, number> = {};
  let total = 0;
  for (const p of [...sets.score.enabled, ...sets.multiPoint.enabled]) {
    if (!pluginPoints(p.name, custom)!.includes('score')) continue;
    if (p.name in weights) continue;
    weights[p.name] = p.weight ? p.weight : 1;
    total += weights[p.name]! * 100;
    if (total > Number.MAX_SAFE_INTEGER) throw new ConfigFailure({ field: `${path}.plugins`, detail: 'total score of Score plugins could overflow' });
  }
  for (const name of Object.keys(weights)) if (!plugins.score.includes(name)) delete weights[name];
  if (plugins.queueSort.length !== 1) {
    throw new ConfigFailure({ field: `${path}.plugins.queueSort`, detail: `only one queue sort plugin required for profile, but got ${plugins.queueSort.length}` });
  }
  if (plugins.bind.length === 0) throw new ConfigFailure({ field: `${path}.plugins.bind`, detail: 'at least one bind plugin is needed for profile' });
  return { plugins, weights };
}

function pointTypeName(point: ExtensionPoint): string {
  return point[0]!.toUpperCase() + point.slice(1) + 'Plugin';
}

class ConfigFailure extends Error {
  constructor(readonly issue: ConfigIssue) {
    super(issue.detail);
  }
}

/** The configuration kube-scheduler runs with when given none. */
export function defaultSchedulerConfig(custom?: CustomPlugins): SchedulerConfig {
  return parseSchedulerConfig({ apiVersion: API_VERSION, kind: 'KubeSchedulerConfiguration' }, undefined, custom);
}

/**
 * Decodes, defaults and validates a KubeSchedulerConfiguration object (already parsed from YAML/JSON).
 * Throws InputError naming `file`, the object and the field path, with upstream's message.
 */
export function parseSchedulerConfig(input: unknown, file?: string, customPlugins?: CustomPlugins): SchedulerConfig {
  const d = new Decoder(file);
  const o = d.obj(input, '');
  if (o.kind !== 'KubeSchedulerConfiguration') d.fail({ field: 'kind', detail: `expected "KubeSchedulerConfiguration", got ${JSON.stringify(o.kind)}` });
  if (o.apiVersion !== API_VERSION) {
    d.fail({ field: 'apiVersion', detail: `no kind "KubeSchedulerConfiguration" is registered for version "${String(o.apiVersion)}" (kubescale reads ${API_VERSION})` });
  }
  d.strict(o, TOP_FIELDS, '');
  const issues: ConfigIssue[] = [];
  const parallelism = o.parallelism === undefined ? 16 : d.int(o.parallelism, 'parallelism');
  if (parallelism <= 0) issues.push(fieldInvalid('parallelism', parallelism, 'should be an integer value greater than zero'));
  const globalPct = o.percentageOfNodesToScore === undefined || o.percentageOfNodesToScore === null ? 0 : d.int(o.percentageOfNodesToScore, 'percentageOfNodesToScore');
  if (globalPct < 0 || globalPct > 100) issues.push(fieldInvalid('percentageOfNodesToScore', globalPct, 'not in valid range [0-100]'));
  const initialBackoff = o.podInitialBackoffSeconds === undefined ? 1 : d.int(o.podInitialBackoffSeconds, 'podInitialBackoffSeconds');
  const maxBackoff = o.podMaxBackoffSeconds === undefined ? 10 : d.int(o.podMaxBackoffSeconds, 'podMaxBackoffSeconds');
  if (initialBackoff <= 0) issues.push(fieldInvalid('podInitialBackoffSeconds', initialBackoff, 'must be greater than 0'));
  if (maxBackoff < initialBackoff) issues.push(fieldInvalid('podMaxBackoffSeconds', maxBackoff, 'must be greater than or equal to PodInitialBackoffSeconds'));

  const rawProfiles = o.profiles === undefined || o.profiles === null ? [] : d.arr(o.profiles, 'profiles');
  const profileObjs: Obj[] = rawProfiles.length === 0 ? [{}] : rawProfiles.map((p, i) => d.obj(p, `profiles[${i}]`));
  const profiles: Profile[] = [];
  const seenNames = new Set<string>();
  let firstQueueSort: string | undefined;
  profileObjs.forEach((p, i) => {
    const path = `profiles[${i}]`;
    d.strict(p, PROFILE_FIELDS, path);
    let name = p.schedulerName === undefined || p.schedulerName === null ? undefined : d.str(p.schedulerName, `${path}.schedulerName`);
    if (name === undefined && profileObjs.length === 1) name = DEFAULT_SCHEDULER_NAME;
    if (!name) issues.push(fieldRequired(`${path}.schedulerName`, ''));
    else if (seenNames.has(name)) issues.push(fieldDuplicate(`${path}.schedulerName`, name));
    else seenNames.add(name);
    let pct: number | undefined;
    if (p.percentageOfNodesToScore !== undefined && p.percentageOfNodesToScore !== null) {
      pct = d.int(p.percentageOfNodesToScore, `${path}.percentageOfNodesToScore`);
      if (pct < 0 || pct > 100) issues.push(fieldInvalid(`${path}.percentageOfNodesToScore`, pct, 'not in valid range [0-100]'));
    }
    const custom = {} as Record<ExtensionPoint | 'multiPoint', PluginSet>;
    const po = p.plugins === undefined || p.plugins === null ? {} : d.obj(p.plugins, `${path}.plugins`);
    d.strict(po, PLUGINS_FIELDS, `${path}.plugins`);
    for (const k of ['multiPoint', ...EXTENSION_POINTS] as const) custom[k] = d.pluginSet(po[k], `${path}.plugins.${k}`);
    const merged = {} as Record<ExtensionPoint | 'multiPoint', PluginSet>;
    for (const k of ['multiPoint', ...EXTENSION_POINTS] as const) {
      merged[k] = mergePluginSet(k === 'multiPoint' ? { enabled: defaultMultiPoint(), disabled: [] } : { enabled: [], disabled: [] }, custom[k]);
    }
    let expanded;
    try {
      expanded = expandPlugins(merged, path, customPlugins);
    } catch (err) {
      if (err instanceof ConfigFailure) d.fail(err.issue);
      throw err;
    }
    const enabledNames = new Set<string>();
    for (const k of ['multiPoint', ...EXTENSION_POINTS] as const) for (const r of merged[k].enabled) enabledNames.add(r.name);
    const rawConfigs = p.pluginConfig === undefined || p.pluginConfig === null ? [] : d.arr(p.pluginConfig, `${path}.pluginConfig`);
    const seenConfig = new Set<string>();
    const args: Partial<PluginArgsByName> = {};
    rawConfigs.forEach((c, j) => {
      const cpath = `${path}.pluginConfig[${j}]`;
      const co = d.obj(c, cpath);
      d.strict(co, new Set(['name', 'args']), cpath);
      const pname = d.str(co.name, `${cpath}.name`);
      if (seenConfig.has(pname)) issues.push(fieldDuplicate(cpath, pname));
      seenConfig.add(pname);
      const parsed = pluginArgs(pname, co.args ?? {}, `${cpath}.args`, d);
      if (parsed) {
        issues.push(...validatePluginArgs(pname, parsed, `${cpath}.args`));
        (args as Record<string, unknown>)[pname] = parsed;
      }
    });
    // Defaults for enabled plugins that take args and were not configured (upstream appends them).
    for (const pname of [...enabledNames].sort()) {
      if (pname in args) continue;
      const def = pluginArgs(pname, {}, '', d);
      if (def) (args as Record<string, unknown>)[pname] = def;
    }
    const queueSort = expanded.plugins.queueSort.join(',');
    if (firstQueueSort === undefined) firstQueueSort = queueSort;
    else if (queueSort !== firstQueueSort) issues.push(fieldInvalid(`${path}.plugins.queueSort`, expanded.plugins.queueSort, 'queueSort must be the same for all profiles'));
    const notBuilt = [...enabledNames].filter((n) => IN_TREE_PLUGINS[n] && !IN_TREE_PLUGINS[n]!.built && pluginUsed(n, expanded.plugins));
    profiles.push({
      schedulerName: name ?? '',
      percentageOfNodesToScore: pct ?? globalPct,
      plugins: expanded.plugins,
      scoreWeights: expanded.weights,
      args,
      notBuilt,
    });
  });
  if (issues.length > 0) d.fail(issues[0]!);
  const config: SchedulerConfig = { parallelism, percentageOfNodesToScore: globalPct, podInitialBackoffSeconds: initialBackoff, podMaxBackoffSeconds: maxBackoff, profiles };
  if (customPlugins) config.custom = customPlugins;
  return config;
}

function pluginUsed(name: string, plugins: Record<ExtensionPoint, string[]>): boolean {
  return EXTENSION_POINTS.some((p) => plugins[p].includes(name));
}

/** The profile a pod's spec.schedulerName selects, or undefined (upstream leaves such pods alone). */
export function profileFor(config: SchedulerConfig, schedulerName: string | undefined): Profile | undefined {
  const name = schedulerName || DEFAULT_SCHEDULER_NAME;
  for (const p of config.profiles) if (p.schedulerName === name) return p;
  return undefined;
}

export { fieldInvalid, fieldNotSupported, fieldRequired, fieldDuplicate, fieldForbidden };
export type { Decoder };
