// Node selector terms and tolerations compiled to interned ids, evaluated on NodeTable rows.
// Same semantics as the object-form matchers (reference/plugins/nodeselector.ts): terms ORed,
// requirements ANDed, an empty term matches nothing, matchFields knows metadata.name, Gt/Lt compare
// base-10 integers, a requirement with the wrong number of values fails.

import type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from '../../k8s/types.js';
import { NO_ID, type Interners } from '../../model/intern.js';
import { EFFECTS, type NodeTable } from '../../model/tables.js';

const OP_IN = 0, OP_NOT_IN = 1, OP_EXISTS = 2, OP_DOES_NOT_EXIST = 3, OP_GT = 4, OP_LT = 5, OP_NAME_IN = 6, OP_NAME_NOT_IN = 7, OP_FALSE = 8;
const OPS: Record<string, number> = { In: OP_IN, NotIn: OP_NOT_IN, Exists: OP_EXISTS, DoesNotExist: OP_DOES_NOT_EXIST, Gt: OP_GT, Lt: OP_LT };
const INT_RE = /^[+-]?\d+$/;

interface CompiledRequirement {
  op: number;
  key: number;
  values: Int32Array;
  bound: bigint;
}

export type CompiledTerm = CompiledRequirement[];

function compileRequirement(r: NodeSelectorRequirement, interners: Interners, field: boolean): CompiledRequirement {
  const values = r.values ?? [];
  const none = { key: 0, values: new Int32Array(0), bound: 0n };
  if (field) {
    // Upstream turns matchFields into a field selector, which takes exactly one value.
    if (r.key !== 'metadata.name' || values.length !== 1 || (r.operator !== 'In' && r.operator !== 'NotIn')) return { op: OP_FALSE, ...none };
    return { op: r.operator === 'In' ? OP_NAME_IN : OP_NAME_NOT_IN, key: 0, values: Int32Array.from(values, (v) => interners.names.intern(v)), bound: 0n };
  }
  const op = OPS[r.operator] ?? OP_FALSE;
  const key = interners.labels.intern(r.key);
  if ((op === OP_IN || op === OP_NOT_IN) && values.length === 0) return { op: OP_FALSE, ...none };
  if ((op === OP_EXISTS || op === OP_DOES_NOT_EXIST) && values.length > 0) return { op: OP_FALSE, ...none };
  if (op === OP_GT || op === OP_LT) {
    if (values.length !== 1 || !INT_RE.test(values[0]!)) return { op: OP_FALSE, ...none };
    return { op, key, values: new Int32Array(0), bound: BigInt(values[0]!) };
  }
  return { op, key, values: Int32Array.from(values, (v) => interners.labels.intern(v)), bound: 0n };
}

export function compileTerm(t: NodeSelectorTerm, interners: Interners): CompiledTerm {
  const exprs = t.matchExpressions ?? [];
  const fields = t.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return [{ op: OP_FALSE, key: 0, values: new Int32Array(0), bound: 0n }];
  return [...exprs.map((r) => compileRequirement(r, interners, false)), ...fields.map((r) => compileRequirement(r, interners, true))];
}

function includes(values: Int32Array, v: number): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] === v) return true;
  return false;
}

/** Integer value of an interned label value, cached (Gt/Lt). */
export class IntLabelCache {
  private readonly cache = new Map<number, bigint | null>();
  constructor(private readonly interners: Interners) {}
  get(id: number): bigint | null {
    let v = this.cache.get(id);
    if (v === undefined) {
      const s = this.interners.labels.get(id);
      v = INT_RE.test(s) ? BigInt(s) : null;
      this.cache.set(id, v);
    }
    return v;
  }
}

export function termMatches(term: CompiledTerm, nodes: NodeTable, n: number, ints: IntLabelCache): boolean {
  for (const r of term) {
    switch (r.op) {
      case OP_FALSE: return false;
      case OP_NAME_IN: if (!includes(r.values, nodes.cols.name[n]!)) return false; break;
      case OP_NAME_NOT_IN: if (includes(r.values, nodes.cols.name[n]!)) return false; break;
      default: {
        const v = nodes.labelValue(n, r.key);
        switch (r.op) {
          case OP_IN: if (v === NO_ID || !includes(r.values, v)) return false; break;
          case OP_NOT_IN: if (v !== NO_ID && includes(r.values, v)) return false; break;
          case OP_EXISTS: if (v === NO_ID) return false; break;
          case OP_DOES_NOT_EXIST: if (v !== NO_ID) return false; break;
          case OP_GT:
          case OP_LT: {
            if (v === NO_ID) return false;
            const x = ints.get(v);
            if (x === null) return false;
            if (r.op === OP_GT ? !(x > r.bound) : !(x < r.bound)) return false;
            break;
          }
        }
      }
    }
  }
  return true;
}

export function termsMatch(terms: CompiledTerm[], nodes: NodeTable, n: number, ints: IntLabelCache): boolean {
  for (const t of terms) if (termMatches(t, nodes, n, ints)) return true;
  return false;
}

/** nodeSelector as (key id, value id) pairs: every pair must be on the node. */
export function compileNodeSelector(sel: Record<string, string> | undefined, interners: Interners): Int32Array {
  const pairs = Object.entries(sel ?? {});
  const out = new Int32Array(pairs.length * 2);
  pairs.forEach(([k, v], i) => {
    out[2 * i] = interners.labels.intern(k);
    out[2 * i + 1] = interners.labels.intern(v);
  });
  return out;
}

export function nodeSelectorMatches(pairs: Int32Array, nodes: NodeTable, n: number): boolean {
  for (let i = 0; i < pairs.length; i += 2) if (nodes.labelValue(n, pairs[i]!) !== pairs[i + 1]) return false;
  return true;
}

/** Tolerations as parallel arrays: key id (NO_ID = any key), exists flag, value id, effect code (0 = any). */
export interface CompiledTolerations {
  key: Int32Array;
  exists: Uint8Array;
  value: Int32Array;
  effect: Uint8Array;
  /** Set when an operator is neither Exists nor Equal: such a toleration tolerates nothing. */
  invalid: Uint8Array;
}

export function compileTolerations(tols: readonly Toleration[], interners: Interners): CompiledTolerations {
  const n = tols.length;
  const out: CompiledTolerations = { key: new Int32Array(n), exists: new Uint8Array(n), value: new Int32Array(n), effect: new Uint8Array(n), invalid: new Uint8Array(n) };
  tols.forEach((t, i) => {
    out.key[i] = t.key ? interners.labels.intern(t.key) : NO_ID;
    const op = t.operator ?? '';
    out.exists[i] = op === 'Exists' ? 1 : 0;
    out.invalid[i] = op === '' || op === 'Equal' || op === 'Exists' ? 0 : 1;
    out.value[i] = interners.labels.intern(t.value ?? '');
    out.effect[i] = t.effect ? EFFECTS.indexOf(t.effect) : 0;
  });
  return out;
}

/** Does any toleration tolerate the taint (key id, value id, effect code)? */
export function tolerates(c: CompiledTolerations, key: number, value: number, effect: number): boolean {
  for (let i = 0; i < c.key.length; i++) {
    if (c.invalid[i]) continue;
    if (c.effect[i] !== 0 && c.effect[i] !== effect) continue;
    if (c.key[i] !== NO_ID && c.key[i] !== key) continue;
    if (c.exists[i] || c.value[i] === value) return true;
  }
  return false;
}

/** Taint object of slot s on node n (for reason texts). */
export function taintAt(nodes: NodeTable, n: number, s: number): Taint {
  const T = nodes.taintSlots;
  const c = nodes.cols;
  return {
    key: nodes.interners.labels.get(c.taintKey[n * T + s]!),
    value: nodes.interners.labels.get(c.taintVal[n * T + s]!),
    effect: EFFECTS[c.taintEffect[n * T + s]!] as Taint['effect'],
  };
}
