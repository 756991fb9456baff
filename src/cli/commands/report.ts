// kubescale report RESULTS.json... --out DIR — renders results from run, bench and compare into
// DIR/index.html, DIR/report.md and DIR/results.json (merged; raw samples in results.msgpack).
// An argument that is a directory means the results.json in it.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readResults } from '../../report/schema.js';
import { mergeResults, writeReport } from '../../report/write.js';
import { UsageError } from '../common.js';

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  if (args.length === 0) throw new UsageError('report takes at least one results file');
  const out = opts.out;
  if (typeof out !== 'string' || out === '') throw new UsageError('report: --out DIR is required');
  // A report directory (reports/latest) stands for its results.json.
  const files = args.map((a) => (existsSync(a) && statSync(a).isDirectory() ? join(a, 'results.json') : a));
  const inputs = files.map((file) => ({ file, results: readResults(file) }));
  const written = await writeReport(out, mergeResults(inputs));
  for (const f of written.files) process.stderr.write(`kubescale: wrote ${f}\n`);
  return 0;
}
