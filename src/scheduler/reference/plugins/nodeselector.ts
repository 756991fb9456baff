// Node selector matching with upstream semantics (k8s.io/component-helpers/scheduling/corev1/nodeaffinity):
// terms are ORed, requirements inside a term ANDed; an empty term matches nothing; matchFields only
// knows metadata.name; Gt/Lt compare base-10 integers; invalid requirements make the term fail.

import type { NodeSelectorRequirement, NodeSelectorTerm } from '../../../k8s/types.js';

const INT_RE = /^[+-]?\d+$/;

function matchLabelRequirement(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key]! : undefined;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return values.length > 0 && has && values.includes(v!);
    case 'NotIn':
      return values.length > 0 && (!has || !values.includes(v!));
    case 'Exists':
      return values.length === 0 && has;
    case 'DoesNotExist':
      return values.length === 0 && !has;
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1 || !INT_RE.test(values[0]!) || !has || !INT_RE.test(v!)) return false;
      const want = BigInt(values[0]!);
      const got = BigInt(v!);
      return r.operator === 'Gt' ? got > want : got < want;
    }
    default:
      return false;
  }
}

function matchFieldRequirement(r: NodeSelectorRequirement, nodeName: string): boolean {
  if (r.key !== 'metadata.name') return false;
  const values = r.values ?? [];
  if (values.length !== 1) return false; // upstream: matchFields values must have exactly one entry
  if (r.operator === 'In') return values[0] === nodeName;
  if (r.operator === 'NotIn') return values[0] !== nodeName;
  return false;
}

export function matchNodeSelectorTerm(t: NodeSelectorTerm, labels: Record<string, string>, nodeName: string): boolean {
  const exprs = t.matchExpressions ?? [];
  const fields = t.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  for (const r of exprs) if (!matchLabelRequirement(r, labels)) return false;
  for (const r of fields) if (!matchFieldRequirement(r, nodeName)) return false;
  return true;
}

export function matchNodeSelectorTerms(terms: readonly NodeSelectorTerm[], labels: Record<string, string>, nodeName: string): boolean {
  for (const t of terms) if (matchNodeSelectorTerm(t, labels, nodeName)) return true;
  return false;
}
