// Object-form matching of node selector terms and tolerations, over plain label maps. Used where
// objects are at hand (controller expansion, the reference scheduler); the fast engine compiles the
// same rules into bitsets (model/selector.ts).

import type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from './types.js';

function parseIntStrict(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const have = parseIntStrict(value);
      const want = parseIntStrict(values[0]!);
      if (have === undefined || want === undefined) return false;
      return r.operator === 'Gt' ? have > want : have < want;
    }
  }
}

/** One term: every expression and field requirement must hold; a term with neither matches nothing. */
export function matchNodeSelectorTermObject(term: NodeSelectorTerm, labels: Record<string, string>, nodeName: string): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const r of exprs) if (!requirementMatches(r, Object.hasOwn(labels, r.key) ? labels[r.key] : undefined)) return false;
  for (const r of fields) if (!requirementMatches(r, r.key === 'metadata.name' ? nodeName : undefined)) return false;
  return true;
}

/** Terms are ORed. */
export function matchNodeSelectorTermsObject(terms: NodeSelectorTerm[], labels: Record<string, string>, nodeName: string): boolean {
  return terms.some((t) => matchNodeSelectorTermObject(t, labels, nodeName));
}

/** v1 Toleration.ToleratesTaint. */
export function tolerationToleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists': return true;
    case 'Equal': return (t.value ?? '') === (taint.value ?? '');
    default: return false;
  }
}

export function tolerationsTolerateTaint(tols: Toleration[], taint: Taint): boolean {
  return tols.some((t) => tolerationToleratesTaint(t, taint));
}
