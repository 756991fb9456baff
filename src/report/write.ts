// Writing a report directory (index.html, report.md, results.json + results.msgpack) and merging
// several results files into one results set (`kubescale report A.json B.json --out DIR`).

import { join } from 'node:path';
import { writeFileAtomic } from '../cli/common.js';
import { buildReport } from './document.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { captureEnvironment } from './environment.js';
import { emptyResults, writeResults, type Results, type RunResult } from './schema.js';

/** `kubescale run` results in the schema, with this machine's environment (for run --out DIR). */
export function resultsFromRuns(runs: readonly RunResult[], env = captureEnvironment()): Results {
  return { ...emptyResults('run', env), runs: [...runs] };
}

/** Writes DIR/results.json (+ results.msgpack), DIR/report.md and DIR/index.html. */
export async function writeReport(dir: string, results: Results, title?: string): Promise<{ files: string[] }> {
  const written = writeResults(dir, results);
  const doc = buildReport(results, title);
  const md = join(dir, 'report.md');
  const html = join(dir, 'index.html');
  writeFileAtomic(md, renderMarkdown(doc));
  writeFileAtomic(html, await renderHtml(doc));
  return { files: [html, md, written.json, ...(written.msgpack ? [written.msgpack] : [])] };
}

function envKey(r: Results): string {
  const e = r.environment;
  return `${e.cpuModel} x${e.cores}, Node ${e.node}, commit ${e.gitCommit.slice(0, 12)}`;
}

/**
 * One results set from several: the first file's environment opens it (others that differ are
 * noted), runs/suites/comparisons concatenated in file order, a repeated suite name suffixed.
 */
export function mergeResults(inputs: readonly { file: string; results: Results }[]): Results {
  if (inputs.length === 0) throw new Error('mergeResults: nothing to merge');
  if (inputs.length === 1) return inputs[0]!.results;
  const first = inputs[0]!.results;
  const out: Results = { ...first, command: 'report', runs: [], bench: [], compare: [], notes: [] };
  delete out.samplesFile;
  const suites = new Set<string>();
  for (const { file, results } of inputs) {
    for (const n of results.notes) out.notes.push(`${file}: ${n}`);
    if (envKey(results) !== envKey(first)) out.notes.push(`${file} was measured elsewhere: ${envKey(results)} (the environment above is ${inputs[0]!.file}'s)`);
    out.runs.push(...results.runs);
    for (const s of results.bench) {
      let name = s.suite;
      for (let i = 2; suites.has(name); i++) name = `${s.suite} #${i}`;
      if (name !== s.suite) out.notes.push(`${file}: suite ${s.suite} shown as ${name}`);
      suites.add(name);
      out.bench.push({ ...s, suite: name });
    }
    out.compare.push(...results.compare);
  }
  return out;
}
