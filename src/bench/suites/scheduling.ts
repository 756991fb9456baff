// scheduling: the bundled scheduler_perf-format workloads (datasets/workloads/*.yaml) through the
// workload runner on the fast engine, SchedulingThroughput against upstream's thresholds.
// Full: every `performance` workload at its real size. --quick: the same workloads at --scale 0.1
// plus every `short` workload (thresholds are upstream's full-size figures, shown for orientation).

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { planRuns, runPlanned } from '../../runner/runner.js';
import { TemplateCache } from '../../runner/templates.js';
import type { BenchContext, CaseDef, CaseResult, SuiteDef } from '../types.js';

export const QUICK_SCALE = 0.1;

export function workloadFiles(root: string): string[] {
  const dir = join(root, 'datasets', 'workloads');
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f));
}

type Planned = ReturnType<typeof planRuns>[number];

function workloadCase(file: string, p: Planned, tier: string, scale: number | undefined, templates: TemplateCache): CaseDef {
  const name = `${p.tc.name}/${p.w.name}${scale !== undefined ? ` x${scale}` : ''}`;
  return {
    name,
    run(ctx: BenchContext): CaseResult {
      const dataset = `${file.split('/').slice(-1)[0]} ${p.tc.name}/${p.w.name} ${JSON.stringify(p.params)}`;
      ctx.log(`scheduling: ${dataset}`);
      // The full suite warms each workload up as `kubescale run` does, so a workload's figure does not
      // depend on which ran before it in this process; --quick's small runs skip it (orientation only).
      const r = runPlanned(p, { engine: 'fast', seed: 1, workers: ctx.workers, warmup: !ctx.quick }, templates);
      const t = r.metrics.SchedulingThroughput;
      const notes = [...r.warnings];
      if (r.engine !== 'fast') notes.push(`ran on the ${r.engine} engine`);
      // A scaled run is not held to upstream's full-size threshold (no exit 1), only shown beside it.
      if (scale !== undefined && r.threshold !== null) notes.push(`upstream threshold ${r.threshold} pods/s is for the full size; this run is at --scale ${scale}`);
      return {
        suite: 'scheduling', name, dataset,
        params: { file: file.split('/').slice(-1)[0]!, testCase: p.tc.name, workload: p.w.name, tier, engine: r.engine, ...(scale !== undefined ? { scale } : {}) },
        metrics: {
          averagePodsPerSec: t.Average, p50PodsPerSec: t.Perc50, p90PodsPerSec: t.Perc90, p99PodsPerSec: t.Perc99,
          scheduledPods: r.metrics.scheduled, unschedulablePods: r.metrics.unschedulable, measuredWallMs: r.metrics.wallSeconds * 1000,
          totalWallMs: r.metrics.totalWallSeconds * 1000, peakRssBytes: r.metrics.peakRssBytes,
        },
        primary: 'averagePodsPerSec',
        run: r,
        ...(r.threshold !== null && scale === undefined ? { threshold: { metric: 'averagePodsPerSec', min: r.threshold, passed: r.passed } } : {}),
        ...(notes.length > 0 ? { notes } : {}),
      };
    },
  };
}

export const schedulingSuite: SuiteDef = {
  name: 'scheduling',
  description: 'bundled scheduler_perf workloads through the runner (fast engine), SchedulingThroughput vs upstream thresholds',
  plan(ctx) {
    const cases: CaseDef[] = [];
    const templates = new TemplateCache();
    for (const file of workloadFiles(ctx.root)) {
      const scale = ctx.quick ? QUICK_SCALE : undefined;
      for (const p of planRuns(file, { label: 'performance', scale })) cases.push(workloadCase(file, p, 'performance', scale, templates));
      if (ctx.quick) for (const p of planRuns(file, { label: 'short' })) cases.push(workloadCase(file, p, 'short', undefined, templates));
    }
    return cases;
  },
};
