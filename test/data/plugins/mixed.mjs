// Test plugins in the other two forms: a vectorised filter and a per-node score with 'reverse' normalisation.
export default [
  {
    name: 'NoColdNodes',
    vectorised: true,
    reason: 'node(s) were cold',
    filter(ctx, pod, rows, count, pass) {
      if (pod.labels.tolerateCold === 'true') return;
      const key = ctx.labelKey('tier');
      const cold = ctx.labelValueId('cold');
      if (key === 0 || cold === 0) return;
      for (let i = 0; i < count; i++) if (ctx.labelValue(rows[i], key) === cold) pass[i] = 0;
    },
  },
  {
    name: 'FewestPods',
    normalize: 'reverse',
    score: (pod, node) => node.podCount,
  },
];
