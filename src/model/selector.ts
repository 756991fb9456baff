// Kubernetes label selectors and node selector terms, compiled to interned ids and evaluated over
// any row source (NodeTable, PodTable, test arrays); plus the same rules over plain label maps for
// the reference scheduler. Tests hold the two forms against each other.
//
// Semantics (k8s.io/apimachinery/pkg/labels, metav1.LabelSelectorAsSelector,
// k8s.io/component-helpers/scheduling/corev1/nodeaffinity):
// - Requirement: In needs the key present with a listed value; NotIn holds when the key is absent or its
//   value is not listed; Exists/DoesNotExist test presence; Gt/Lt need the key present and its value a
//   base-10 int64 (strconv.ParseInt) strictly above/below the requirement's single integer value.
// - LabelSelector: absent (null/undefined) matches nothing; {} (no matchLabels, no matchExpressions)
//   matches everything; otherwise every matchLabels pair and every expression must hold. This is
//   LabelSelectorAsSelector: the scheduler's affinity terms and topology spread use it, so an absent
//   labelSelector there selects no pods, while an empty one selects all.
// - A label set (pod.spec.nodeSelector, service.spec.selector) is an AND of equalities; empty matches everything.
// - Node selector terms are ORed, expressions and fields in a term ANDed; an empty term (no
//   matchExpressions, no matchFields) and an empty term list match nothing. matchFields knows
//   metadata.name with In/NotIn and exactly one value; a node without a name skips matchFields
//   (upstream only checks fields when the node has some).
// - A requirement upstream would fail to parse (labels.NewRequirement: unknown operator, wrong number of
//   values, Gt/Lt value not an integer, key not a qualified name, value not a label value) makes its
//   label selector match nothing and its node selector term match nothing (other terms still count,
//   as LazyErrorNodeSelector does). compile* functions also return those problems as messages so the
//   loader can report them as validation errors.
//
// Interning: keys and values are looked up in the shared `labels` Interner (node names in `names`)
// without adding to it. A key or value never interned gets NO_ID and can never match, so compile after
// the rows the selector will see have been interned (or recompile when new strings appear).

import type { LabelSelector, LabelSelectorRequirement, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, PreferredSchedulingTerm } from '../k8s/types.js';
import { labelValue as labelValueErrors, qualifiedName as qualifiedNameErrors } from '../k8s/validation.js';
import { Bitset } from './bitset.js';
import { NO_ID, type Interner } from './intern.js';

export const OP_IN = 0;
export const OP_NOT_IN = 1;
export const OP_EXISTS = 2;
export const OP_DOES_NOT_EXIST = 3;
export const OP_GT = 4;
export const OP_LT = 5;

const OPS: ReadonlyMap<string, number> = new Map([
  ['In', OP_IN], ['NotIn', OP_NOT_IN], ['Exists', OP_EXISTS], ['DoesNotExist', OP_DOES_NOT_EXIST], ['Gt', OP_GT], ['Lt', OP_LT],
]);

/** Rows the compiled forms evaluate against. NodeTable and PodTable fit it. */
export interface LabelSource {
  /** Value id (labels interner) of the row's label `keyId`, or NO_ID when the row lacks it. */
  labelValue(row: number, keyId: number): number;
  /** Name id (names interner) of the row, for matchFields metadata.name; NO_ID for an unnamed row. */
  nameId?(row: number): number;
}

/** Interners a compile step needs: label keys and values share `labels`; node names live in `names`. */
export interface SelectorInterners {
  labels: Interner;
  names?: Interner;
}

// ---------------------------------------------------------------------------------------------
// Integer label values (Gt/Lt), parsed once per interned value.

const INT64_RE = /^[+-]?[0-9]+$/;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

/** strconv.ParseInt(s, 10, 64): optional sign, decimal digits, int64 range; null when it fails. */
export function parseInt64(s: string): bigint | null {
  if (!INT64_RE.test(s)) return null;
  const v = BigInt(s);
  return v < MIN_INT64 || v > MAX_INT64 ? null : v;
}

/** Parsed integer per label value id (undefined: not parsed yet), one array per Interner. */
type IntegerCache = (bigint | null | undefined)[];
const integerCaches = new WeakMap<Interner, IntegerCache>();

function integerCache(labels: Interner): IntegerCache {
  let cache = integerCaches.get(labels);
  if (!cache) integerCaches.set(labels, (cache = []));
  return cache;
}

function labelInteger(labels: Interner, ints: IntegerCache, id: number): bigint | null {
  let v = ints[id];
  if (v === undefined) ints[id] = v = parseInt64(labels.get(id));
  return v;
}

// ---------------------------------------------------------------------------------------------
// Validation shared by both forms (labels.NewRequirement and nodeSelectorRequirementsAsFieldSelector).

function invalid(path: string, value: unknown, detail: string): string {
  return `${path}: Invalid value: ${JSON.stringify(value)}: ${detail}`;
}

/** Problems upstream's labels.NewRequirement reports for one requirement; empty when it parses. */
export function requirementErrors(key: string, operator: string, values: readonly string[] | undefined, path = '', allowGtLt = true): string[] {
  const errs: string[] = [];
  const vals = values ?? [];
  const p = (child: string) => (path ? `${path}.${child}` : child);
  for (const e of qualifiedNameErrors(key)) errs.push(invalid(p('key'), key, e));
  const op = OPS.get(operator);
  if (op === undefined || (!allowGtLt && (op === OP_GT || op === OP_LT))) {
    errs.push(allowGtLt
      ? `${p('operator')}: Unsupported value: ${JSON.stringify(operator)}: supported values: "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"`
      : `${p('operator')}: Invalid value: ${JSON.stringify(operator)}: ${JSON.stringify(operator)} is not a valid label selector operator`);
  } else if (op === OP_IN || op === OP_NOT_IN) {
    if (vals.length === 0) errs.push(invalid(p('values'), vals, "for 'in', 'notin' operators, values set can't be empty"));
  } else if (op === OP_EXISTS || op === OP_DOES_NOT_EXIST) {
    if (vals.length !== 0) errs.push(invalid(p('values'), vals, 'values set must be empty for exists and does not exist'));
  } else {
    if (vals.length !== 1) errs.push(invalid(p('values'), vals, "for 'Gt', 'Lt' operators, exactly one value is required"));
    vals.forEach((v, i) => {
      if (parseInt64(v) === null) errs.push(invalid(`${p('values')}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
    });
  }
  vals.forEach((v, i) => {
    if (typeof v !== 'string') errs.push(invalid(`${p('values')}[${i}]`, v, 'must be a string'));
    else for (const e of labelValueErrors(v)) errs.push(invalid(`${p('values')}[${i}]`, v, e));
  });
  return errs;
}

/** Problems with one matchFields requirement (only metadata.name, In/NotIn, exactly one value). */
export function fieldRequirementErrors(r: NodeSelectorRequirement, path = ''): string[] {
  const errs: string[] = [];
  const p = (child: string) => (path ? `${path}.${child}` : child);
  if (r.key !== 'metadata.name') errs.push(`${p('key')}: Unsupported value: ${JSON.stringify(r.key)}: supported values: "metadata.name"`);
  if (r.operator !== 'In' && r.operator !== 'NotIn') {
    errs.push(`${p('operator')}: Unsupported value: ${JSON.stringify(r.operator)}: supported values: "In", "NotIn"`);
  } else if ((r.values ?? []).length !== 1) {
    errs.push(invalid(p('values'), r.values ?? [], 'must have one element'));
  }
  return errs;
}

// Object-form matching validates each requirement once per requirement object.
const validity = new WeakMap<object, boolean>();

function isValid(r: object, compute: () => string[]): boolean {
  let ok = validity.get(r);
  if (ok === undefined) validity.set(r, (ok = compute().length === 0));
  return ok;
}

// ---------------------------------------------------------------------------------------------
// Compiled forms.

/** A conjunction of label requirements over interned ids, in flat typed arrays. */
export interface CompiledRequirements {
  readonly count: number;
  readonly ops: Uint8Array;
  readonly keys: Int32Array;
  /** Values of requirement i (In/NotIn value ids, never-interned values dropped): values[valueStart[i] .. valueStart[i+1]). */
  readonly valueStart: Int32Array;
  readonly values: Int32Array;
  /** Gt/Lt bound of requirement i (0n for other operators). */
  readonly bounds: readonly bigint[];
}

export const MATCH_NONE = 0;
export const MATCH_ALL = 1;
export const MATCH_REQUIREMENTS = 2;
export type MatchMode = typeof MATCH_NONE | typeof MATCH_ALL | typeof MATCH_REQUIREMENTS;

export interface CompiledLabelSelector {
  readonly kind: 'labels';
  /** MATCH_NONE: no row (absent or invalid selector, or a requirement no interned row can meet); MATCH_ALL: every row. */
  readonly mode: MatchMode;
  readonly reqs: CompiledRequirements;
  readonly labels: Interner;
  /** Validation problems (upstream messages); non-empty means mode is MATCH_NONE. */
  readonly errors: readonly string[];
}

export interface CompiledNodeSelectorTerm {
  /** False when the term is empty, invalid, or needs a key or value no row has: it matches no node. */
  readonly live: boolean;
  readonly reqs: CompiledRequirements;
  /** matchFields metadata.name: OP_IN / OP_NOT_IN with one name id each (NO_ID when never interned). */
  readonly nameOps: Uint8Array;
  readonly names: Int32Array;
}

export interface CompiledNodeSelector {
  readonly kind: 'nodeSelector';
  readonly terms: readonly CompiledNodeSelectorTerm[];
  /** Weight per term for preferred terms (all 1 for required terms). */
  readonly weights: Int32Array;
  readonly labels: Interner;
  readonly errors: readonly string[];
}

export type CompiledSelector = CompiledLabelSelector | CompiledNodeSelector;

class RequirementsBuilder {
  private ops: number[] = [];
  private keys: number[] = [];
  private starts: number[] = [0];
  private values: number[] = [];
  private bounds: bigint[] = [];
  /** Set when a requirement can never hold for any interned row. */
  impossible = false;

  constructor(private readonly labels: Interner) {}

  /** Adds a requirement that already validated. */
  add(key: string, op: number, vals: readonly string[]): void {
    const keyId = this.labels.lookup(key);
    if (keyId === NO_ID) {
      // No row carries the key: NotIn and DoesNotExist always hold, the rest never do.
      if (op !== OP_NOT_IN && op !== OP_DOES_NOT_EXIST) this.impossible = true;
      return;
    }
    let bound = 0n;
    if (op === OP_IN || op === OP_NOT_IN) {
      for (const v of vals) {
        const id = this.labels.lookup(v);
        if (id !== NO_ID && !this.values.includes(id, this.starts[this.starts.length - 1])) this.values.push(id);
      }
      if (op === OP_IN && this.values.length === this.starts[this.starts.length - 1]) this.impossible = true;
    } else if (op === OP_GT || op === OP_LT) {
      bound = parseInt64(vals[0]!)!;
    }
    this.ops.push(op);
    this.keys.push(keyId);
    this.starts.push(this.values.length);
    this.bounds.push(bound);
  }

  build(): CompiledRequirements {
    return {
      count: this.ops.length,
      ops: Uint8Array.from(this.ops),
      keys: Int32Array.from(this.keys),
      valueStart: Int32Array.from(this.starts),
      values: Int32Array.from(this.values),
      bounds: this.bounds,
    };
  }
}

const EMPTY_REQS: CompiledRequirements = {
  count: 0, ops: new Uint8Array(0), keys: new Int32Array(0), valueStart: new Int32Array(1), values: new Int32Array(0), bounds: [],
};

/** metav1.LabelSelectorAsSelector, compiled. `path` prefixes error messages. */
export function compileLabelSelector(sel: LabelSelector | null | undefined, interners: SelectorInterners, path = ''): CompiledLabelSelector {
  const labels = interners.labels;
  const none = (errors: string[] = []): CompiledLabelSelector => ({ kind: 'labels', mode: MATCH_NONE, reqs: EMPTY_REQS, labels, errors });
  if (sel === null || sel === undefined) return none();
  const pairs = Object.entries(sel.matchLabels ?? {});
  const exprs = sel.matchExpressions ?? [];
  if (pairs.length === 0 && exprs.length === 0) return { kind: 'labels', mode: MATCH_ALL, reqs: EMPTY_REQS, labels, errors: [] };
  const p = (child: string) => (path ? `${path}.${child}` : child);
  const errors: string[] = [];
  for (const [k, v] of pairs) errors.push(...requirementErrors(k, 'In', [v], p(`matchLabels[${k}]`), false));
  exprs.forEach((r, i) => errors.push(...requirementErrors(r.key, r.operator, r.values, p(`matchExpressions[${i}]`), false)));
  if (errors.length > 0) return none(errors);
  const b = new RequirementsBuilder(labels);
  for (const [k, v] of pairs) b.add(k, OP_IN, [v]);
  for (const r of exprs) b.add(r.key, OPS.get(r.operator)!, r.values ?? []);
  if (b.impossible) return none();
  const reqs = b.build();
  return { kind: 'labels', mode: reqs.count === 0 ? MATCH_ALL : MATCH_REQUIREMENTS, reqs, labels, errors: [] };
}

/** labels.SelectorFromSet (pod.spec.nodeSelector, service.spec.selector): equalities ANDed; empty matches all. */
export function compileLabelSet(set: Readonly<Record<string, string>> | null | undefined, interners: SelectorInterners): CompiledLabelSelector {
  const labels = interners.labels;
  const pairs = Object.entries(set ?? {});
  if (pairs.length === 0) return { kind: 'labels', mode: MATCH_ALL, reqs: EMPTY_REQS, labels, errors: [] };
  const b = new RequirementsBuilder(labels);
  for (const [k, v] of pairs) b.add(k, OP_IN, [v]);
  if (b.impossible) return { kind: 'labels', mode: MATCH_NONE, reqs: EMPTY_REQS, labels, errors: [] };
  return { kind: 'labels', mode: MATCH_REQUIREMENTS, reqs: b.build(), labels, errors: [] };
}

function compileTerm(term: NodeSelectorTerm, interners: SelectorInterners, path: string, errors: string[]): CompiledNodeSelectorTerm {
  const dead: CompiledNodeSelectorTerm = { live: false, reqs: EMPTY_REQS, nameOps: new Uint8Array(0), names: new Int32Array(0) };
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return dead;
  const p = (child: string) => (path ? `${path}.${child}` : child);
  const before = errors.length;
  exprs.forEach((r, i) => errors.push(...requirementErrors(r.key, r.operator, r.values, p(`matchExpressions[${i}]`))));
  fields.forEach((r, i) => errors.push(...fieldRequirementErrors(r, p(`matchFields[${i}]`))));
  if (errors.length > before) return dead;
  const b = new RequirementsBuilder(interners.labels);
  for (const r of exprs) b.add(r.key, OPS.get(r.operator)!, r.values ?? []);
  if (b.impossible) return dead;
  if (fields.length > 0 && !interners.names) throw new Error('selector: matchFields needs the names interner');
  const nameOps = Uint8Array.from(fields, (r) => (r.operator === 'In' ? OP_IN : OP_NOT_IN));
  const names = Int32Array.from(fields, (r) => interners.names!.lookup(r.values![0]!));
  return { live: true, reqs: b.build(), nameOps, names };
}

/** A required node selector (terms ORed), compiled; errors name `path.nodeSelectorTerms[i]...`. */
export function compileNodeSelectorTerms(terms: readonly NodeSelectorTerm[] | null | undefined, interners: SelectorInterners, path = ''): CompiledNodeSelector {
  const errors: string[] = [];
  const p = path ? `${path}.nodeSelectorTerms` : 'nodeSelectorTerms';
  const compiled = (terms ?? []).map((t, i) => compileTerm(t, interners, `${p}[${i}]`, errors));
  return { kind: 'nodeSelector', terms: compiled, weights: new Int32Array(compiled.length).fill(1), labels: interners.labels, errors };
}

/** Preferred scheduling terms: score = sum of weights of the terms a node matches (weight 0 terms skipped). */
export function compilePreferredSchedulingTerms(terms: readonly PreferredSchedulingTerm[] | null | undefined, interners: SelectorInterners, path = ''): CompiledNodeSelector {
  const errors: string[] = [];
  const kept: CompiledNodeSelectorTerm[] = [];
  const weights: number[] = [];
  (terms ?? []).forEach((t, i) => {
    if (!t.weight) return;
    const c = compileTerm(t.preference, interners, path ? `${path}[${i}].preference` : `[${i}].preference`, errors);
    if (!c.live) return;
    kept.push(c);
    weights.push(t.weight);
  });
  return { kind: 'nodeSelector', terms: kept, weights: Int32Array.from(weights), labels: interners.labels, errors };
}

// ---------------------------------------------------------------------------------------------
// Evaluation of compiled forms.

function requirementsHold(reqs: CompiledRequirements, labels: Interner, ints: IntegerCache, src: LabelSource, row: number): boolean {
  const { count, ops, keys, valueStart, values, bounds } = reqs;
  for (let i = 0; i < count; i++) {
    const v = src.labelValue(row, keys[i]!);
    const op = ops[i]!;
    if (op === OP_EXISTS) {
      if (v === NO_ID) return false;
    } else if (op === OP_DOES_NOT_EXIST) {
      if (v !== NO_ID) return false;
    } else if (op === OP_IN || op === OP_NOT_IN) {
      if (v === NO_ID) {
        if (op === OP_IN) return false;
        continue;
      }
      let found = false;
      for (let j = valueStart[i]!, end = valueStart[i + 1]!; j < end; j++) {
        if (values[j] === v) {
          found = true;
          break;
        }
      }
      if (found !== (op === OP_IN)) return false;
    } else {
      if (v === NO_ID) return false;
      const n = labelInteger(labels, ints, v);
      if (n === null || (op === OP_GT ? !(n > bounds[i]!) : !(n < bounds[i]!))) return false;
    }
  }
  return true;
}

function termHolds(t: CompiledNodeSelectorTerm, labels: Interner, ints: IntegerCache, src: LabelSource, row: number): boolean {
  if (!t.live || !requirementsHold(t.reqs, labels, ints, src, row)) return false;
  const n = t.nameOps.length;
  if (n === 0) return true;
  if (!src.nameId) throw new Error('selector: matchFields needs a source with nameId()');
  const name = src.nameId(row);
  if (name === NO_ID) return true; // upstream checks fields only when the node has some
  for (let i = 0; i < n; i++) {
    const want = t.names[i]!;
    if ((t.nameOps[i] === OP_IN) !== (want !== NO_ID && name === want)) return false;
  }
  return true;
}

/** Whether row matches the compiled selector (label selector, or node selector terms ORed). */
export function matchesRow(sel: CompiledSelector, src: LabelSource, row: number): boolean {
  const ints = integerCache(sel.labels);
  if (sel.kind === 'labels') {
    if (sel.mode !== MATCH_REQUIREMENTS) return sel.mode === MATCH_ALL;
    return requirementsHold(sel.reqs, sel.labels, ints, src, row);
  }
  return anyTermHolds(sel, ints, src, row);
}

function anyTermHolds(sel: CompiledNodeSelector, ints: IntegerCache, src: LabelSource, row: number): boolean {
  const { terms, labels } = sel;
  for (let i = 0; i < terms.length; i++) if (termHolds(terms[i]!, labels, ints, src, row)) return true;
  return false;
}

/** Sum of the weights of the terms row matches (preferred scheduling terms). */
export function scoreRow(sel: CompiledNodeSelector, src: LabelSource, row: number): number {
  const ints = integerCache(sel.labels);
  let s = 0;
  for (let i = 0; i < sel.terms.length; i++) if (termHolds(sel.terms[i]!, sel.labels, ints, src, row)) s += sel.weights[i]!;
  return s;
}

/**
 * Writes the matching rows 0..count-1 into out (bits >= count cleared) without allocating;
 * out.size must be at least count.
 */
export function toBitset(sel: CompiledSelector, src: LabelSource, count: number, out: Bitset): Bitset {
  if (count > out.size) throw new RangeError(`selector: bitset of ${out.size} bits cannot hold ${count} rows`);
  const words = out.words;
  if (sel.kind === 'labels' && sel.mode !== MATCH_REQUIREMENTS) {
    words.fill(0);
    if (sel.mode === MATCH_ALL) fillPrefix(words, count);
    return out;
  }
  const ints = integerCache(sel.labels);
  const test = sel.kind === 'labels'
    ? (row: number) => requirementsHold(sel.reqs, sel.labels, ints, src, row)
    : (row: number) => anyTermHolds(sel, ints, src, row);
  const fullWords = count >>> 5;
  let row = 0;
  for (let w = 0; w < fullWords; w++) {
    let bits = 0;
    for (let b = 0; b < 32; b++, row++) if (test(row)) bits |= 1 << b;
    words[w] = bits;
  }
  if (fullWords < words.length) {
    let bits = 0;
    for (let b = 0; row < count; b++, row++) if (test(row)) bits |= 1 << b;
    words[fullWords] = bits;
    words.fill(0, fullWords + 1);
  }
  return out;
}

function fillPrefix(words: Uint32Array, count: number): void {
  const full = count >>> 5;
  words.fill(0xffffffff, 0, full);
  if (count & 31) words[full] = (1 << (count & 31)) - 1;
}

// ---------------------------------------------------------------------------------------------
// Object form, over plain label maps: the reference scheduler, controller expansion (DaemonSets) and
// the final-state validator use these; the compiled form above must agree with them (tests).

export interface NodeLabelsAndName {
  name?: string;
  labels?: Readonly<Record<string, string>>;
}

function labelOf(labels: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return labels !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

function requirementHolds(op: number, values: readonly string[], v: string | undefined): boolean {
  switch (op) {
    case OP_IN: return v !== undefined && values.includes(v);
    case OP_NOT_IN: return v === undefined || !values.includes(v);
    case OP_EXISTS: return v !== undefined;
    case OP_DOES_NOT_EXIST: return v === undefined;
    default: {
      if (v === undefined) return false;
      const n = parseInt64(v);
      const bound = parseInt64(values[0]!)!;
      return n !== null && (op === OP_GT ? n > bound : n < bound);
    }
  }
}

/** metav1.LabelSelectorAsSelector(sel).Matches(labels): absent matches nothing, {} matches everything. */
export function matchLabelSelector(sel: LabelSelector | null | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (sel === null || sel === undefined) return false;
  const ml = sel.matchLabels;
  if (ml) {
    if (!isValid(ml, () => Object.entries(ml).flatMap(([k, v]) => requirementErrors(k, 'In', [v], '', false)))) return false;
    for (const k of Object.keys(ml)) if (labelOf(labels, k) !== ml[k]) return false;
  }
  for (const r of sel.matchExpressions ?? []) {
    if (!isValid(r, () => requirementErrors(r.key, r.operator, r.values, '', false))) return false;
    if (!requirementHolds(OPS.get(r.operator)!, r.values ?? [], labelOf(labels, r.key))) return false;
  }
  return true;
}

/** labels.SelectorFromSet(set).Matches(labels): every pair present and equal; empty matches everything. */
export function matchLabelSet(set: Readonly<Record<string, string>> | null | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (!set) return true;
  for (const k of Object.keys(set)) if (labelOf(labels, k) !== set[k]) return false;
  return true;
}

function nodeRequirementHolds(r: NodeSelectorRequirement, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (!isValid(r, () => requirementErrors(r.key, r.operator, r.values))) return false;
  return requirementHolds(OPS.get(r.operator)!, r.values ?? [], labelOf(labels, r.key));
}

/** One node selector term: expressions and fields ANDed; an empty or invalid term matches nothing. */
export function matchNodeSelectorTerm(term: NodeSelectorTerm, node: NodeLabelsAndName): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const r of exprs) if (!nodeRequirementHolds(r, node.labels)) return false;
  for (const r of fields) {
    if (!isValid(r, () => fieldRequirementErrors(r))) return false;
    // Upstream checks fields only when the node has some, i.e. a name.
    if (node.name && (r.operator === 'In') !== (node.name === r.values![0])) return false;
  }
  return true;
}

/** Node selector terms ORed; no terms matches nothing. */
export function matchNodeSelectorTerms(terms: readonly NodeSelectorTerm[] | null | undefined, node: NodeLabelsAndName): boolean {
  for (const t of terms ?? []) if (matchNodeSelectorTerm(t, node)) return true;
  return false;
}

/**
 * Upstream nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): the pod's nodeSelector (every pair
 * present and equal) and, when set, its required node affinity (terms ORed; no terms matches nothing).
 */
export function requiredNodeAffinityMatches(spec: Pick<PodSpec, 'nodeSelector' | 'affinity'>, node: NodeLabelsAndName): boolean {
  if (!matchLabelSet(spec.nodeSelector, node.labels)) return false;
  const req = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return !req || matchNodeSelectorTerms(req.nodeSelectorTerms, node);
}

/** Sum of weights of matching preferred terms (weight 0 terms skipped). */
export function scorePreferredSchedulingTerms(terms: readonly PreferredSchedulingTerm[] | null | undefined, node: NodeLabelsAndName): number {
  let s = 0;
  for (const t of terms ?? []) if (t.weight && matchNodeSelectorTerm(t.preference, node)) s += t.weight;
  return s;
}

/** Validation problems of a LabelSelector as upstream's LabelSelectorAsSelector reports them. */
export function labelSelectorErrors(sel: LabelSelector | null | undefined, path = ''): string[] {
  if (!sel) return [];
  const p = (child: string) => (path ? `${path}.${child}` : child);
  const errs: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) errs.push(...requirementErrors(k, 'In', [v], p(`matchLabels[${k}]`), false));
  (sel.matchExpressions ?? []).forEach((r: LabelSelectorRequirement, i) => errs.push(...requirementErrors(r.key, r.operator, r.values, p(`matchExpressions[${i}]`), false)));
  return errs;
}
