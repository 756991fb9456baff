// Runs suites case by case and assembles the results object. Ctrl-C is cooperative: the runner
// looks at the stop flag between cases (each case is synchronous work, so the signal handler runs
// when the runner yields to the event loop), and whatever finished is kept.

import { cpus, loadavg, totalmem } from 'node:os';
import { micro } from './measure.js';
import { silentProgress, type Progress } from './progress.js';
import { BENCH_RESULTS_VERSION, type BenchContext, type BenchEnvironment, type BenchResults, type CaseResult, type SuiteDef, type SuiteResult } from './types.js';

export interface StopFlag {
  stopped: boolean;
  reason?: string;
}

export interface RunSuitesOptions {
  ctx: BenchContext;
  progress?: Progress;
  stop?: StopFlag;
  command?: string;
  /** Skip the no-op baseline (tests). */
  noBaseline?: boolean;
}

export function benchEnvironment(): BenchEnvironment {
  const c = cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    totalMemoryBytes: totalmem(),
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    root: process.getuid?.() === 0,
  };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function summaryOf(c: CaseResult): string {
  const m = c.metrics;
  const pick = c.primary ?? Object.keys(m)[0];
  if (!pick) return '';
  const v = m[pick]!;
  return `${pick} ${v >= 100 ? v.toFixed(0) : v.toPrecision(3)}`;
}

async function runSuite(def: SuiteDef, o: RunSuitesOptions, progress: Progress, stop: StopFlag): Promise<SuiteResult> {
  const t0 = performance.now();
  const result: SuiteResult = { name: def.name, status: 'completed', durationMs: 0, cases: [], fits: [] };
  const plan = def.plan(o.ctx);
  if (!Array.isArray(plan)) {
    progress.note(`${def.name}: skipped: ${plan.skip}`);
    return { ...result, status: 'skipped', note: plan.skip };
  }
  progress.suiteStart(def.name, plan.length);
  for (const c of plan) {
    await yieldToEventLoop();
    if (stop.stopped) {
      result.status = 'interrupted';
      break;
    }
    progress.caseStart(def.name, c.name);
    try {
      const out = await c.run(o.ctx);
      const list = Array.isArray(out) ? out : [out];
      result.cases.push(...list);
      progress.caseDone(def.name, c.name, list.length === 1 ? summaryOf(list[0]!) : `${list.length} results`);
    } catch (err) {
      await yieldToEventLoop();
      if (stop.stopped) {
        // Ctrl-C also reaches child processes (kernel suite): the case died of the interrupt.
        result.status = 'interrupted';
        break;
      }
      result.status = 'errored';
      result.note = `${c.name}: ${err instanceof Error ? err.message : String(err)}`;
      break;
    }
  }
  await yieldToEventLoop();
  if (stop.stopped && result.status === 'completed') result.status = 'interrupted';
  if (def.fits && result.cases.length > 0) {
    try {
      result.fits = def.fits(result.cases);
    } catch (err) {
      result.note = `${result.note ? `${result.note}; ` : ''}fit failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  result.durationMs = performance.now() - t0;
  progress.suiteEnd(def.name, result.status, result.note);
  return result;
}

/** Runs the suites in order; after a stop, later suites are reported as not started. */
export async function runSuites(suites: readonly SuiteDef[], o: RunSuitesOptions): Promise<BenchResults> {
  const progress = o.progress ?? silentProgress;
  const stop = o.stop ?? { stopped: false };
  const t0 = performance.now();
  const environment = benchEnvironment();
  const noopNsPerCall = o.noBaseline ? 0 : micro('noop', () => 0, o.ctx.quick ? 50 : 200).medianNs;
  const out: SuiteResult[] = [];
  for (const s of suites) {
    if (stop.stopped) {
      out.push({ name: s.name, status: 'not-started', durationMs: 0, cases: [], fits: [] });
      continue;
    }
    out.push(await runSuite(s, o, progress, stop));
  }
  progress.stop();
  return {
    kind: 'kubescale.bench',
    version: BENCH_RESULTS_VERSION,
    createdAt: new Date().toISOString(),
    command: o.command ?? 'kubescale bench',
    quick: o.ctx.quick,
    workers: o.ctx.workers,
    interrupted: stop.stopped,
    durationMs: performance.now() - t0,
    environment,
    baseline: { noopNsPerCall },
    suites: out,
  };
}
