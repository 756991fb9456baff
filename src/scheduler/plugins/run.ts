// Engine-neutral helpers for running custom plugins: the pod view, guarded calls (a throwing plugin
// becomes a RunFailure naming plugin and pod), score checks and the declared normalisation.

import { RunFailure, oneLine } from '../../k8s/errors.js';
import type { Pod } from '../../k8s/types.js';
import { NO_ID } from '../../model/intern.js';
import { resourceIndex, type NodeTable } from '../../model/tables.js';
import { MAX_NODE_SCORE, type LoadedPlugin, type PluginPod, type VectorContext } from './api.js';

export function pluginPod(pod: Pod, key: string, priority: number, requests: ReadonlyMap<string, number>): PluginPod {
  const req: Record<string, number> = {};
  for (const [k, v] of requests) if (v !== 0) req[k] = v;
  return Object.freeze({
    key, namespace: pod.metadata.namespace || 'default', name: pod.metadata.name,
    labels: Object.freeze({ ...(pod.metadata.labels ?? {}) }), priority, requests: Object.freeze(req), object: pod,
  });
}

export function pluginFailure(p: LoadedPlugin, podKey: string, what: string, err: unknown): RunFailure {
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new RunFailure(oneLine(`plugin ${p.name} (${p.module}) failed in ${what} for pod ${podKey}: ${msg}`));
}

/** Runs a plugin function; any exception becomes a RunFailure (no stack trace reaches the user). */
export function guarded<T>(p: LoadedPlugin, podKey: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RunFailure) throw err;
    throw pluginFailure(p, podKey, what, err);
  }
}

/** A per-node filter's answer: null (passes) or the reason. */
export function filterAnswer(p: LoadedPlugin, podKey: string, v: unknown): string | null {
  if (v === true) return null;
  if (typeof v === 'string' && v !== '') return v;
  throw new RunFailure(`plugin ${p.name} (${p.module}) failed in filter for pod ${podKey}: filter must return true or a non-empty reason string, got ${JSON.stringify(v) ?? String(v)}`);
}

/** A raw score: a finite number, truncated to an integer as upstream's int64 scores. */
export function scoreValue(p: LoadedPlugin, podKey: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new RunFailure(`plugin ${p.name} (${p.module}) failed in score for pod ${podKey}: score must be a finite number, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return Math.trunc(v);
}

/** The declared NormalizeScore, then upstream's range check on every normalised score. */
export function normalizeInPlace(p: LoadedPlugin, podKey: string, scores: { [i: number]: number }, count: number): void {
  if (p.normalize !== 'none') {
    const reverse = p.normalize === 'reverse';
    let max = 0;
    for (let i = 0; i < count; i++) if (scores[i]! > max) max = scores[i]!;
    if (max === 0) {
      if (reverse) for (let i = 0; i < count; i++) scores[i] = MAX_NODE_SCORE;
    } else {
      for (let i = 0; i < count; i++) {
        const s = Math.trunc((MAX_NODE_SCORE * scores[i]!) / max);
        scores[i] = reverse ? MAX_NODE_SCORE - s : s;
      }
    }
  }
  for (let i = 0; i < count; i++) {
    const s = scores[i]!;
    if (s < 0 || s > MAX_NODE_SCORE) {
      throw new RunFailure(`plugin ${p.name} (${p.module}) returns an invalid score ${s} for pod ${podKey}, it should be in the range of [0, ${MAX_NODE_SCORE}] after normalizing`);
    }
  }
}

/** The vectorised plugins' view of a NodeTable. */
export function vectorContext(table: NodeTable): VectorContext {
  const labels = table.interners.labels;
  return {
    table,
    get cols() { return table.cols; },
    get capacity() { return table.capacity; },
    get count() { return table.count; },
    resource: (name) => (table.interners.resources.lookup(name) === NO_ID ? -1 : resourceIndex(table.interners, name)),
    labelKey: (key) => labels.lookup(key),
    labelValueId: (value) => labels.lookup(value),
    labelValue: (row, keyId) => table.labelValue(row, keyId),
    labelString: (id) => labels.get(id),
    nodeName: (row) => table.nodeName(row),
  };
}
