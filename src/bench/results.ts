// Bench results in the project's one versioned results schema (src/report/schema.ts): the suites'
// cases become schema cases (figures = metrics; dataset and checksum go into params), fits become
// cost fits, and a run stopped by Ctrl-C says so in `notes` and in the suites' status.

import { captureEnvironment } from '../report/environment.js';
import { emptyResults, type BenchCase, type CostFit, type Results, type ResultsEnvironment } from '../report/schema.js';
import type { BenchResults, CaseResult, FitResult } from './types.js';

function toCase(c: CaseResult): BenchCase {
  const notes = [...(c.notes ?? [])];
  if (c.threshold) notes.push(`threshold ${c.threshold.metric} >= ${c.threshold.min}: ${c.threshold.passed ? 'met' : 'MISSED'}`);
  return {
    name: c.name,
    params: { ...c.params, dataset: c.dataset, ...(c.checksum !== undefined ? { checksum: c.checksum } : {}) },
    figures: Object.fromEntries(Object.entries(c.metrics).filter(([, v]) => Number.isFinite(v))),
    ...(c.primary && Number.isFinite(c.metrics[c.primary]) ? { primary: c.primary } : {}),
    status: 'completed',
    ...(c.samples ? { samples: Object.fromEntries(Object.entries(c.samples).filter(([k]) => Number.isFinite(c.metrics[k]))) } : {}),
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    ...(c.run ? { run: c.run as unknown as BenchCase['run'] } : {}),
  };
}

function toFit(f: FitResult): CostFit & { expectedExponent?: number } {
  return { name: f.name, x: f.x, y: f.y, exponent: f.exponent, coefficient: f.coefficient, r2: f.r2, points: f.points };
}

/** The schema document for a bench run; `env` defaults to this machine now (with its no-op baseline). */
export function toResults(b: BenchResults, env: ResultsEnvironment = captureEnvironment()): Results {
  const r = emptyResults('bench', env);
  r.environment = { ...r.environment, baseline: { ...r.environment.baseline, tinybenchNoopNs: b.baseline.noopNsPerCall } };
  r.notes.push(`${b.command}${b.quick ? ' (quick sizes)' : ''}: ${(b.durationMs / 1000).toFixed(1)} s, load average at start ${b.environment.loadAverage.join(' / ')}, ${b.environment.root ? 'root' : 'not root'}`);
  if (b.interrupted) r.notes.push('interrupted (Ctrl-C): only the cases that finished are here');
  for (const s of b.suites) {
    const status = s.status === 'not-started' ? 'skipped' : s.status;
    const note = s.status === 'not-started' ? 'not started: the run was interrupted before this suite' : s.note;
    r.bench.push({
      suite: s.name,
      status,
      ...(note ? { note } : {}),
      quick: b.quick,
      cases: dedupe(s.cases).map(toCase),
      fits: s.fits.map(toFit),
    });
  }
  return r;
}

/** Case names are unique per suite in the schema; a repeated name gets " #2", " #3". */
function dedupe(cases: CaseResult[]): CaseResult[] {
  const seen = new Map<string, number>();
  return cases.map((c) => {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    return n === 1 ? c : { ...c, name: `${c.name} #${n}` };
  });
}
