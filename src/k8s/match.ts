// Tolerations against taints over the objects (v1 Toleration.ToleratesTaint), for every caller:
// the schedulers, controller expansion and the final-state validator. Node selector terms have their
// object form beside their compiled one, in model/selector.ts.

import type { Taint, Toleration } from './types.js';

/** v1 Toleration.ToleratesTaint: effect and key when set; operator "" or Equal compares values, Exists any. */
export function tolerationToleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerationsTolerateTaint(tols: readonly Toleration[], taint: Taint): boolean {
  for (const t of tols) if (tolerationToleratesTaint(t, taint)) return true;
  return false;
}
