// The public API for custom scheduler plugins (`kubescale schedule|run|compare --plugin ./my-plugin.mjs`).
//
// A plugin module is an ES module whose default export is one plugin object or an array of them.
// A plugin has a unique `name` (it must not clash with an in-tree plugin such as NodeResourcesFit) and
// implements Filter, Score or both, in one of two forms:
//
// * Per-node form — the simple one. `filter(pod, node)` returns `true` (the node passes) or a string
//   (the reason it is rejected, shown in the FitError as upstream's reasons are). `score(pod, node)`
//   returns a number (truncated to an integer, like upstream's int64 scores). `prepare(pod, cluster)`,
//   when present, runs once per scheduling cycle before any filter/score call: compute per-cycle state
//   there (e.g. counts per rack) and read it in filter/score.
//
// * Vectorised form (`vectorised: true`) — for speed on large clusters. The plugin works on the node
//   table columns directly: `filter(ctx, pod, rows, count, pass)` sets pass[i] = 0 to reject node row
//   rows[i] (pass is filled with 1 before the call); `score(ctx, pod, rows, count, out)` writes the raw
//   score of rows[i] into out[i]. `prepare(ctx, pod)` runs once per cycle. The reference engine calls
//   the same functions with one row at a time.
//
// Score plugins declare how their raw scores become 0..100: `normalize: 'none'` (the default: raw
// scores must already be in [0, 100]), `'default'` (upstream DefaultNormalizeScore: score * 100 / max),
// or `'reverse'` (the same, then 100 - score: lower raw is better). A normalised score outside
// [0, 100] aborts the run, as upstream's framework does.
//
// Profiles enable custom plugins by name exactly like out-of-tree plugins, e.g.
//   plugins: { multiPoint: { enabled: [{ name: GpuBinPack, weight: 2 }] } }
// or through the `filter` / `score` sets. Custom filters run after the in-tree filters of the profile,
// custom scores add to the weighted total like any score plugin.
//
// Units everywhere: cpu in millicores, memory and ephemeral-storage in bytes, extended resources
// (e.g. nvidia.com/gpu) in whole units, pods as a count.
//
// A plugin that throws aborts the run with exit code 1 and one line naming the plugin and the pod.
// Plugins must be deterministic and must not modify what they are given.

import type { Pod, Taint } from '../../k8s/types.js';
import type { NodeColumns, NodeTable } from '../../model/tables.js';

export type Normalize = 'none' | 'default' | 'reverse';

/** The pod being scheduled, as plugins see it (read-only). */
export interface PluginPod {
  /** "namespace/name". */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly priority: number;
  /** Effective requests (containers, init containers, overhead): only resources the pod requests. */
  readonly requests: Readonly<Record<string, number>>;
  /** The Kubernetes Pod object. */
  readonly object: Readonly<Pod>;
}

/** A pod bound to a node (what per-node plugins may count). */
export interface PluginBoundPod {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A node as per-node plugins see it (read-only; values are those at the start of the cycle). */
export interface PluginNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Readonly<Taint>[];
  readonly unschedulable: boolean;
  /** Allocatable per resource (resources the node declares). */
  readonly allocatable: Readonly<Record<string, number>>;
  /** Sum of the requests of the pods bound to the node (non-zero entries only). */
  readonly requested: Readonly<Record<string, number>>;
  readonly podCount: number;
  /** Allocatable pods. */
  readonly allowedPods: number;
  /** Pods bound to the node. */
  readonly pods: readonly PluginBoundPod[];
}

/** The whole cluster, for `prepare` of per-node plugins. */
export interface PluginCluster {
  readonly nodes: readonly PluginNode[];
}

/** The per-node form. */
export interface PerNodePlugin {
  readonly name: string;
  readonly vectorised?: false;
  prepare?(pod: PluginPod, cluster: PluginCluster): void;
  filter?(pod: PluginPod, node: PluginNode): true | string;
  score?(pod: PluginPod, node: PluginNode): number;
  readonly normalize?: Normalize;
}

/**
 * What vectorised plugins read: the NodeTable (structure of arrays, see src/model/tables.ts). Resource
 * columns are column-major: the value of resource column r on node row n is `cols.alloc[r * capacity + n]`
 * (allocatable) and `cols.req[r * capacity + n]` (requested by bound pods). Labels are interned ids.
 */
export interface VectorContext {
  readonly table: NodeTable;
  readonly cols: NodeColumns;
  readonly capacity: number;
  /** Node rows in the table (not every row needs to be visited). */
  readonly count: number;
  /** Resource column index of a resource name, or -1 when no node declares it. */
  resource(name: string): number;
  /** Label key id (0 when no node carries it). */
  labelKey(key: string): number;
  /** Label value id (0 when no node carries it). */
  labelValueId(value: string): number;
  /** Value id of label `keyId` on node `row`, or 0 when absent. */
  labelValue(row: number, keyId: number): number;
  /** The string behind a label key or value id. */
  labelString(id: number): string;
  nodeName(row: number): string;
}

/** The vectorised form. */
export interface VectorisedPlugin {
  readonly name: string;
  readonly vectorised: true;
  prepare?(ctx: VectorContext, pod: PluginPod): void;
  filter?(ctx: VectorContext, pod: PluginPod, rows: Int32Array, count: number, pass: Uint8Array): void;
  score?(ctx: VectorContext, pod: PluginPod, rows: Int32Array, count: number, out: Float64Array): void;
  readonly normalize?: Normalize;
  /** Reason text for rejected nodes (default: "node(s) didn't satisfy plugin NAME"). */
  readonly reason?: string;
}

export type CustomPlugin = PerNodePlugin | VectorisedPlugin;

/** A validated plugin, as the engines use it. */
export interface LoadedPlugin {
  readonly name: string;
  /** Path of the module it came from (as given on the command line). */
  readonly module: string;
  readonly vectorised: boolean;
  readonly filters: boolean;
  readonly scores: boolean;
  readonly normalize: Normalize;
  readonly reason: string;
  readonly impl: CustomPlugin;
}

/** Every loaded custom plugin, by name; attached to the SchedulerConfig (config.custom). */
export interface CustomPlugins {
  /** Module paths, in command-line order (workers import the same ones). */
  readonly modules: string[];
  readonly byName: ReadonlyMap<string, LoadedPlugin>;
}

export const MAX_NODE_SCORE = 100;
