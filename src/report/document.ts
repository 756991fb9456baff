// One report, several renderers: the results and their placement against the guidance become a
// neutral document (sections of paragraphs, lists, tables and charts) that markdown.ts and html.ts
// render. Text here is plain; each renderer escapes it for its format.

import { costCurveSpec, compareQualitySpec, compareSpec, networkSpec, suiteBarSpec, throughputSpec, type ChartSpec } from './charts.js';
import { fmtFigure, fmtNum, fmtParams, unitLabel } from './format.js';
import { PUBLISHED_SCHEDULER, SLOS, placeResults, primaryFigure, type Placement } from './guidance.js';
import type { BenchSuite, CompareResult, Results, RunResult } from './schema.js';

export type Block =
  | { kind: 'para'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][]; align?: ('l' | 'r')[] }
  | { kind: 'chart'; id: string; title: string; spec: ChartSpec };

export interface Section {
  id: string;
  title: string;
  level: 2 | 3;
  blocks: Block[];
}

export interface ReportDoc {
  title: string;
  sections: Section[];
}

const fmtOrDash = (v: number | null | undefined) => (v === null || v === undefined ? '-' : fmtNum(v));

function environmentSection(r: Results): Section {
  const e = r.environment;
  const rows: string[][] = [
    ['CPU', e.cpuModel],
    ['cores', String(e.cores)],
    ['Node.js', e.node],
    ['OS', e.os],
    ['git commit', e.gitCommit],
    ['timestamp', e.timestamp],
  ];
  const base = Object.entries(e.baseline);
  rows.push(['no-op baseline', base.length === 0 ? 'not recorded' : base.map(([k, v]) => `${fmtFigure(k, v)} (${k})`).join(', ')]);
  rows.push(['results', `from kubescale ${r.command}, schema ${r.schema} v${r.version}`]);
  const blocks: Block[] = [{ kind: 'table', head: ['environment', 'value'], rows }];
  if (r.notes.length > 0) blocks.push({ kind: 'list', items: r.notes });
  return { id: 'environment', title: 'Environment', level: 2, blocks };
}

function guidanceSection(p: Placement): Section {
  const rows = p.envelope.map((e) => [
    e.quantity + (e.note ? ` (${e.note})` : ''),
    fmtNum(e.limit),
    e.sizeRun === null ? '-' : fmtNum(e.sizeRun),
    e.source ?? '-',
    e.cost ?? '-',
    e.fittedAtLimit ?? '-',
    e.status === 'outside' ? `OUTSIDE (${fmtNum(e.sizeRun! / e.limit)}x the limit)` : e.status,
  ]);
  const blocks: Block[] = [
    { kind: 'para', text: 'Each limit of the large-cluster envelope (kubernetes.io "Considerations for large clusters", SIG Scalability thresholds), the largest size these results ran on that quantity, the cost measured at that size, and where a cost curve was fitted, that curve evaluated at the limit.' },
    { kind: 'table', head: ['quantity', 'limit', 'size run', 'run', 'measured cost there', 'fitted cost at the limit', 'envelope'], rows, align: ['l', 'r', 'r', 'l', 'r', 'l', 'l'] },
  ];
  if (p.clusters.length > 0) {
    blocks.push({ kind: 'para', text: 'Every measured run against the whole envelope (every limit must hold; - = not part of that run):' });
    blocks.push({
      kind: 'table',
      head: ['run', 'nodes', 'pods', 'max pods per node', 'containers', 'services', 'endpoints per service', 'envelope'],
      align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
      rows: p.clusters.map((c) => [c.source, fmtOrDash(c.sizes.nodes), fmtOrDash(c.sizes.pods), fmtOrDash(c.sizes.podsPerNode), fmtOrDash(c.sizes.containers),
        fmtOrDash(c.sizes.services), fmtOrDash(c.sizes.endpointsPerService), c.exceeded.length === 0 ? 'inside' : `OUTSIDE: ${c.exceeded.join(', ')}`]),
    });
  }
  blocks.push({ kind: 'para', text: `SLOs (not simulated: no API server): ${SLOS.map((s) => `${s.slo} ${s.target}`).join('; ')}; all assume churn <= 20 changes/s.` });
  return { id: 'guidance', title: 'Large-cluster guidance', level: 2, blocks };
}

function throughputSection(p: Placement): Section | null {
  if (p.throughput.length === 0) return p.shortRuns > 0 ? { id: 'throughput', title: 'Scheduling throughput vs upstream kube-scheduler', level: 2,
    blocks: [{ kind: 'para', text: `Only runs labelled short (integration sizes): ${p.shortRuns}; no throughput comparison.` }] } : null;
  const rows = p.throughput.map((t, i) => [
    `${i + 1}. ${t.source}`,
    fmtParams(t.params),
    fmtNum(t.podsPerSec),
    t.upstream ? fmtNum(t.upstream.threshold) : '-',
    t.upstream ? `${t.upstream.size}${t.upstream.sameSize ? '' : ' (differs from ours)'}` : '-',
    t.upstream ? `${fmtNum(t.podsPerSec / t.upstream.threshold)}x` : '-',
    t.ownThreshold === null ? '-' : `${fmtNum(t.ownThreshold)} ${t.passed ? 'ok' : 'FAIL'}`,
  ]);
  return {
    id: 'throughput',
    title: 'Scheduling throughput vs upstream kube-scheduler',
    level: 2,
    blocks: [
      { kind: 'para', text: 'SchedulingThroughput Average (pods/s) of each run beside the scheduler_perf threshold of upstream kube-scheduler (real scheduler with an API server, 5,000 nodes unless stated). Ours is a simulation without an API server: a ratio compares the scheduling decisions\' cost only.' },
      { kind: 'table', head: ['run', 'params', 'ours pods/s', 'upstream threshold pods/s', 'upstream size (nodes/init pods/measured pods)', 'ours / upstream', 'workload threshold'], rows, align: ['l', 'l', 'r', 'r', 'l', 'r', 'l'] },
      ...(p.shortRuns > 0 ? [{ kind: 'para' as const, text: `${p.shortRuns} run(s) labelled short (integration sizes) are left out here and in the envelope table of runs; they are listed with their suite.` }] : []),
      { kind: 'chart', id: 'chart-throughput', title: 'Scheduling throughput vs upstream thresholds', spec: throughputSpec(p.throughput) },
      { kind: 'list', items: [...PUBLISHED_SCHEDULER] },
    ],
  };
}

function networkSection(p: Placement): Section {
  return {
    id: 'network-reference',
    title: 'Networking vs published kube-proxy figures',
    level: 2,
    blocks: [{ kind: 'table', head: ['what', 'published', 'ours'], rows: p.network.map((n) => [n.what, n.published, n.ours]) }],
  };
}

/** "n=21, 3.00 - 3.30 ms" over the raw samples of the case's headline figure (else its first sampled one). */
function sampleSpread(c: BenchSuite['cases'][number]): string {
  if (!c.samples) return '-';
  const f = c.primary !== undefined && c.samples[c.primary] ? c.primary : Object.keys(c.samples)[0];
  const xs = f === undefined ? [] : c.samples[f]!;
  if (xs.length === 0) return '-';
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const unit = unitLabel(f!);
  return `n=${xs.length}, ${fmtNum(lo)} - ${fmtNum(hi)}${unit ? ` ${unit}` : ''}${f !== primaryFigure(c) ? ` (${f})` : ''}`;
}

function suiteSection(s: BenchSuite, index: number): Section {
  const blocks: Block[] = [];
  const status = `status: ${s.status}${s.quick ? ' (quick)' : ''}`;
  blocks.push({ kind: 'para', text: s.note ? `${status}. ${s.note}` : `${status}.` });
  if (s.cases.length > 0) {
    const figs: string[] = [];
    for (const c of s.cases) for (const f of Object.keys(c.figures)) if (!figs.includes(f)) figs.push(f);
    blocks.push({
      kind: 'table',
      head: ['case', 'params', ...figs.map((f) => (unitLabel(f) ? `${f} (${unitLabel(f)})` : f)), 'raw samples: n, min - max'],
      align: ['l', 'l', ...figs.map(() => 'r' as const), 'r'],
      rows: s.cases.map((c) => [
        c.name + (c.status && c.status !== 'completed' ? ` (${c.status}${c.note ? `: ${c.note}` : ''})` : ''),
        fmtParams(c.params),
        ...figs.map((f) => (c.figures[f] === undefined ? '-' : fmtNum(c.figures[f]!))),
        sampleSpread(c),
      ]),
    });
  }
  // Suites of workload runs are drawn in the throughput chart; swept suites by their cost curves.
  const allRuns = s.cases.length > 0 && s.cases.every((c) => c.run !== undefined);
  const chart = s.suite === 'network' ? networkSpec(s) ?? suiteBarSpec(s) : (s.fits && s.fits.length > 0) || allRuns ? null : suiteBarSpec(s);
  if (chart) blocks.push({ kind: 'chart', id: `chart-suite-${index}`, title: `${s.suite} suite`, spec: chart });
  if (s.fits && s.fits.length > 0) {
    blocks.push({ kind: 'para', text: 'Cost curves fitted by least squares on log-log axes: y = coefficient * x^exponent.' });
    blocks.push({
      kind: 'table',
      head: ['curve', 'y', 'x', 'exponent', 'coefficient', 'R²', 'points'],
      align: ['l', 'l', 'l', 'r', 'r', 'r', 'r'],
      rows: s.fits.map((f) => [f.name, f.y, f.x, f.exponent.toFixed(3), f.coefficient.toPrecision(4), f.r2.toFixed(4), String(f.points.length)]),
    });
    s.fits.forEach((f, i) => blocks.push({ kind: 'chart', id: `chart-suite-${index}-fit-${i}`, title: `cost curve ${f.name}`, spec: costCurveSpec(f) }));
  }
  return { id: `suite-${index}`, title: `Suite ${s.suite}`, level: 3, blocks };
}

function compareSection(c: CompareResult, index: number): Section {
  const figs: string[] = [];
  for (const p of c.profiles) for (const f of Object.keys(p.figures)) if (!figs.includes(f)) figs.push(f);
  const blocks: Block[] = [
    { kind: 'para', text: fmtParams(c.params) },
    {
      kind: 'table',
      head: ['figure', ...c.profiles.map((p) => p.profile)],
      align: ['l', ...c.profiles.map(() => 'r' as const)],
      rows: figs.map((f) => [unitLabel(f) ? `${f} (${unitLabel(f)})` : f, ...c.profiles.map((p) => (p.figures[f] === undefined ? '-' : fmtNum(p.figures[f]!)))]),
    },
  ];
  const chart = compareSpec(c);
  if (chart) blocks.push({ kind: 'chart', id: `chart-compare-${index}`, title: `compare ${c.testCase}/${c.workload}`, spec: chart });
  const quality = compareQualitySpec(c);
  if (quality) blocks.push({ kind: 'chart', id: `chart-compare-${index}-quality`, title: `placement quality ${c.testCase}/${c.workload}`, spec: quality });
  return { id: `compare-${index}`, title: `Compare ${c.testCase}/${c.workload}`, level: 3, blocks };
}

function runsSection(runs: readonly RunResult[]): Section {
  return {
    id: 'runs',
    title: 'Workload runs',
    level: 2,
    blocks: [{
      kind: 'table',
      head: ['test case', 'workload', 'engine', 'Average pods/s', 'Perc50', 'Perc90', 'Perc99', 'scheduled', 'unschedulable', 'wall s', 'peak RSS', 'threshold'],
      align: ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
      rows: runs.map((r) => {
        const t = r.metrics.SchedulingThroughput;
        return [r.testCase, r.workload, r.engine, fmtNum(t.Average), fmtNum(t.Perc50), fmtNum(t.Perc90), fmtNum(t.Perc99), fmtNum(r.metrics.scheduled),
          fmtNum(r.metrics.unschedulable), fmtNum(r.metrics.wallSeconds), fmtFigure('peakRssBytes', r.metrics.peakRssBytes),
          r.threshold === null ? '-' : `${fmtNum(r.threshold)} ${r.passed ? 'ok' : 'FAIL'}`];
      }),
    }],
  };
}

/** The report: environment, guidance, then throughput, network, runs, suites, comparisons. */
export function buildReport(results: Results, title = 'kubescale scale report'): ReportDoc {
  const p = placeResults(results);
  const sections: Section[] = [environmentSection(results), guidanceSection(p)];
  const t = throughputSection(p);
  if (t) sections.push(t);
  sections.push(networkSection(p));
  if (results.runs.length > 0) sections.push(runsSection(results.runs));
  if (results.bench.length > 0) {
    sections.push({ id: 'suites', title: 'Bench suites', level: 2, blocks: [] });
    results.bench.forEach((s, i) => sections.push(suiteSection(s, i)));
  }
  if (results.compare.length > 0) {
    sections.push({ id: 'compare', title: 'Profile comparisons', level: 2, blocks: [] });
    results.compare.forEach((c, i) => sections.push(compareSection(c, i)));
  }
  return { title, sections };
}
