// Report rendering cost: building the report document, report.md, index.html (vega-lite + vega
// server-side SVG for every chart), and the results.json + results.msgpack round trip, on a seeded
// synthetic results set. Run: npm run build && node dist/bench/report-render.js [runs] [casesPerSuite] [samplesPerCase]

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRng } from '../src/model/rng.js';
import { buildReport } from '../src/report/document.js';
import { captureEnvironment } from '../src/report/environment.js';
import { renderHtml } from '../src/report/html.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { emptyResults, readResults, writeResults, type Results } from '../src/report/schema.js';

const RUNS = Number(process.argv[2] ?? 40);
const CASES = Number(process.argv[3] ?? 40);
const SAMPLES = Number(process.argv[4] ?? 1000);
const REPS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
let sink = 0;

function synthetic(): Results {
  const rng = createRng(1);
  const r = emptyResults('bench', captureEnvironment());
  for (let i = 0; i < RUNS; i++) {
    const avg = 200 + rng.next() * 2000;
    r.runs.push({ testCase: `Case${i % 8}`, workload: `${500 * (1 + (i % 10))}Nodes`, params: { initNodes: 500 * (1 + (i % 10)), initPods: 500, measurePods: 1000 },
      engine: 'fast', workers: 1, seed: 1, threshold: null, passed: true,
      metrics: { SchedulingThroughput: { Average: avg, Perc50: avg, Perc90: avg, Perc95: avg, Perc99: avg, unit: 'pods/s' }, scheduled: 1000, unschedulable: 0, attempts: 1000, preemptions: 0, wallSeconds: 1000 / avg, peakRssBytes: 1e8 } });
  }
  for (const suite of ['micro', 'network', 'scale']) {
    const cases = Array.from({ length: CASES }, (_, i) => {
      const n = 1000 * (i + 1);
      const y = 0.003 * n ** 1.1 * (1 + 0.05 * rng.next());
      return { name: `${suite}-${i}`, params: { nodes: n, services: n }, figures: { medianMs: y, fullSyncMs: y * 2 },
        samples: { medianMs: Array.from({ length: SAMPLES }, () => y * (0.9 + 0.2 * rng.next())) } };
    });
    r.bench.push({ suite, status: 'completed', cases,
      ...(suite === 'scale' ? { fits: [{ name: 'cost vs nodes', x: 'nodes', y: 'medianMs', exponent: 1.1, coefficient: 0.003, r2: 0.99, points: cases.map((c) => ({ x: c.params.nodes, y: c.figures.medianMs })) }] } : {}) });
  }
  return r;
}

async function time(name: string, fn: () => Promise<number> | number): Promise<void> {
  sink ^= await fn(); // warm-up (loads vega)
  const ts: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    sink ^= await fn();
    ts.push(performance.now() - t0);
  }
  console.log(`${name.padEnd(48)} median ${median(ts).toFixed(1).padStart(8)} ms`);
}

const results = synthetic();
const dir = mkdtempSync(join(tmpdir(), 'kubescale-report-bench-'));
console.log(`results: ${RUNS} runs, 3 suites x ${CASES} cases, ${SAMPLES} samples per case; ${REPS} reps; node ${process.version}`);
const doc = buildReport(results);
const charts = doc.sections.flatMap((s) => s.blocks).filter((b) => b.kind === 'chart').length;
await time('noop baseline', () => 0);
await time('buildReport + renderMarkdown', () => renderMarkdown(buildReport(results)).length);
await time(`renderHtml (${charts} charts)`, async () => (await renderHtml(doc)).length);
await time('writeResults (json + msgpack)', () => writeResults(dir, results).json.length);
await time('readResults (json + msgpack)', () => readResults(join(dir, 'results.json')).bench.length);
const html = await renderHtml(doc);
console.log(`index.html ${(html.length / 1024).toFixed(0)} KiB, results.json ${(statSync(join(dir, 'results.json')).size / 1024).toFixed(0)} KiB, results.msgpack ${(statSync(join(dir, 'results.msgpack')).size / 1024).toFixed(0)} KiB`);
rmSync(dir, { recursive: true, force: true });
if (sink === 0.5) console.log(sink);
