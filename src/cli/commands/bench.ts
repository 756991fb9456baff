// kubescale bench [SUITE...] [--quick] [--workers N] [--out DIR] [-o table|json] (cli.md).
// Runs the suites, writes DIR/results.json (+ results.msgpack), DIR/report.md and DIR/index.html.
// Ctrl-C stops after the current case and still writes what finished (exit 130); a second Ctrl-C
// exits at once.

import { fileURLToPath } from 'node:url';
import { RunFailure } from '../../k8s/errors.js';
import { benchTable, writeBenchOutputs } from '../../bench/output.js';
import { createProgress, silentProgress, type Progress } from '../../bench/progress.js';
import { selectSuites } from '../../bench/registry.js';
import { toResults } from '../../bench/results.js';
import { runSuites, type StopFlag } from '../../bench/runner.js';
import type { BenchContext, SuiteDef } from '../../bench/types.js';
import { UsageError } from '../common.js';

export const EXIT_INTERRUPTED = 130;
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface BenchCommandDeps {
  registry?: readonly SuiteDef[];
  progress?: Progress;
  stop?: StopFlag;
  /** Install the SIGINT handler (off in tests). */
  handleSignals?: boolean;
  stdout?: (text: string) => void;
  /** Skip the tinybench no-op baseline (tests). */
  noBaseline?: boolean;
}

export async function runBench(args: string[], opts: Record<string, unknown>, deps: BenchCommandDeps = {}): Promise<number> {
  const selected = selectSuites(args, deps.registry);
  if ('error' in selected) throw new UsageError(`bench: ${selected.error}`);
  const workers = opts.workers === undefined ? 1 : Number(opts.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a positive integer, got ${String(opts.workers)}`);
  const output = String(opts.output ?? 'table');
  if (output !== 'table' && output !== 'json') throw new UsageError(`-o must be table or json, got ${JSON.stringify(output)}`);
  const out = typeof opts.out === 'string' && opts.out !== '' ? opts.out : 'reports/latest';
  const quick = opts.quick === true;
  const write = deps.stdout ?? ((t: string) => process.stdout.write(t));
  const progress = deps.progress ?? (output === 'json' && !process.stderr.isTTY ? silentProgress : createProgress());
  const stop: StopFlag = deps.stop ?? { stopped: false };
  const onSigint = () => {
    if (stop.stopped) process.exit(EXIT_INTERRUPTED); // second Ctrl-C: leave now
    stop.stopped = true;
    stop.reason = 'SIGINT';
    progress.note('interrupted: stopping after the current case, then writing what finished (Ctrl-C again to quit now)');
  };
  if (deps.handleSignals !== false) process.on('SIGINT', onSigint);
  const ctx: BenchContext = { quick, workers, root: ROOT, log: (line) => progress.detail(line) };
  let bench;
  try {
    bench = await runSuites(selected, {
      ctx, progress, stop, noBaseline: deps.noBaseline,
      command: `kubescale bench${args.length ? ' ' + args.join(' ') : ''}${quick ? ' --quick' : ''}${workers !== 1 ? ` --workers ${workers}` : ''}`,
    });
  } finally {
    if (deps.handleSignals !== false) process.off('SIGINT', onSigint);
  }
  const results = toResults(bench);
  const files = await writeBenchOutputs(out, results, `kubescale bench${quick ? ' --quick' : ''}`);
  if (output === 'json') write(JSON.stringify(results, null, 2) + '\n');
  else write(benchTable(results) + `wrote ${files.join(', ')}\n`);
  if (bench.interrupted) return EXIT_INTERRUPTED;
  const errored = bench.suites.filter((s) => s.status === 'errored');
  const missed = bench.suites.flatMap((s) => s.cases.filter((c) => c.threshold && !c.threshold.passed).map((c) => `${s.name}/${c.name}`));
  if (errored.length > 0 || missed.length > 0) {
    throw new RunFailure([
      ...errored.map((s) => `suite ${s.name} failed: ${s.note}`),
      ...(missed.length ? [`below threshold: ${missed.join(', ')}`] : []),
    ].join('; '));
  }
  return 0;
}

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  return runBench(args, opts);
}
