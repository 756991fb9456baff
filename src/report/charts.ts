// Vega-Lite specs for the report's charts and their server-side rendering to SVG (vega, renderer
// "none": no DOM, no canvas, no scripts in the output). Every string in a spec's data came from
// results files; vega's SVG writer escapes text content.

import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { BenchSuite, CompareResult, CostFit } from './schema.js';
import type { ThroughputRow } from './guidance.js';
import { primaryFigure } from './guidance.js';
import { unitLabel } from './format.js';

export type ChartSpec = vl.TopLevelSpec;

const WIDTH = 520;
const base = { width: WIDTH, background: 'white', config: { font: 'sans-serif', axis: { labelLimit: 400 }, legend: { labelLimit: 400 } } } as const;

function label(s: string, max = 48): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Our SchedulingThroughput per workload (bars) with upstream kube-scheduler's threshold (ticks). */
export function throughputSpec(rows: readonly ThroughputRow[]): ChartSpec {
  const values = rows.flatMap((r, i) => {
    const name = label(`${i + 1}. ${r.testCase}/${r.workload}`);
    const out: Record<string, unknown>[] = [{ workload: name, series: 'kubescale (simulated)', podsPerSec: r.podsPerSec }];
    if (r.upstream) out.push({ workload: name, series: `upstream threshold${r.upstream.sameSize ? '' : ' (other size)'}`, podsPerSec: r.upstream.threshold });
    return out;
  });
  const bars = { transform: [{ filter: "datum.series === 'kubescale (simulated)'" }], mark: { type: 'bar', color: '#4c78a8' } };
  // A layer over no data leaves its colour scale without a domain, which breaks the layout: the
  // threshold ticks are drawn only when some run has an upstream threshold.
  const ticks = {
    transform: [{ filter: "datum.series !== 'kubescale (simulated)'" }],
    mark: { type: 'tick', thickness: 3 },
    encoding: { color: { field: 'series', type: 'nominal', title: null, scale: { range: ['#e45756', '#f58518'] } } },
  };
  return {
    ...base,
    title: 'Scheduling throughput vs upstream kube-scheduler thresholds',
    data: { values },
    encoding: {
      y: { field: 'workload', type: 'nominal', title: null, sort: null },
      x: { field: 'podsPerSec', type: 'quantitative', title: 'pods/s (SchedulingThroughput Average)' },
    },
    layer: rows.some((r) => r.upstream) ? [bars, ticks] : [bars],
  } as ChartSpec;
}

/** Measured points and the fitted power law y = c x^k on log-log axes. */
export function costCurveSpec(fit: CostFit): ChartSpec {
  const xs = fit.points.map((p) => p.x).filter((x) => x > 0);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const line = Array.from({ length: 24 }, (_, i) => {
    const x = lo * (hi / lo) ** (i / 23);
    return { x, y: fit.coefficient * x ** fit.exponent, series: `fit: exponent ${fit.exponent.toFixed(3)}, R² ${fit.r2.toFixed(4)}` };
  });
  const pts = fit.points.filter((p) => p.x > 0 && p.y > 0).map((p) => ({ ...p, series: 'measured' }));
  const unit = unitLabel(fit.y);
  return {
    ...base,
    height: 260,
    title: label(`${fit.name}: ${fit.y} ~ ${fit.x}^${fit.exponent.toFixed(2)}`, 90),
    layer: [
      { data: { values: line }, mark: { type: 'line', color: '#e45756' }, encoding: {
        x: { field: 'x', type: 'quantitative', scale: { type: 'log' }, title: fit.x },
        y: { field: 'y', type: 'quantitative', scale: { type: 'log' }, title: `${fit.y}${unit ? ` (${unit})` : ''}` },
        strokeDash: { field: 'series', type: 'nominal', title: null },
      } },
      { data: { values: pts }, mark: { type: 'point', filled: true, size: 60, color: '#4c78a8' }, encoding: {
        x: { field: 'x', type: 'quantitative', scale: { type: 'log' } },
        y: { field: 'y', type: 'quantitative', scale: { type: 'log' } },
      } },
    ],
  } as ChartSpec;
}

/** Every millisecond figure of the network suite against the number of services, log-log. */
export function networkSpec(suite: BenchSuite): ChartSpec | null {
  const values: Record<string, unknown>[] = [];
  for (const c of suite.cases) {
    const services = c.params.services;
    if (typeof services !== 'number' || services <= 0) continue;
    const mode = typeof c.params.mode === 'string' ? ` (${c.params.mode})` : '';
    if (typeof c.params.step === 'string') {
      // Step-tagged cases (one operation each): their headline time, one line per step.
      const f = [primaryFigure(c), ...Object.keys(c.figures)].find((x) => x !== undefined && /Ms$/.test(x) && c.figures[x]! > 0);
      if (f) values.push({ services, ms: c.figures[f]!, figure: label(`${c.params.step} ${f}`, 40) });
      continue;
    }
    for (const [f, v] of Object.entries(c.figures)) if (/Ms$/.test(f) && v > 0) values.push({ services, ms: v, figure: label(`${f}${mode}`, 40) });
  }
  if (values.length === 0) return null;
  // The published kube-proxy figures (scale-guidance.md; 3,595 services, ~212,000 endpoints) as diamonds.
  const published: Record<string, unknown>[] = [];
  if (suite.cases.some((c) => c.params.mode === 'iptables' || c.params.mode === undefined)) {
    for (const [what, ms] of [['full sync', 17_500], ['iptables-restore', 10_500], ['partial sync', 2_800]] as const) {
      published.push({ services: 3595, ms, figure: `published kube-proxy ${what}` });
    }
  }
  const x = { field: 'services', type: 'quantitative', scale: { type: 'log' }, title: 'services' };
  const y = { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms' };
  const color = { field: 'figure', type: 'nominal', title: null };
  return {
    ...base,
    height: 260,
    title: `Network: time per operation vs services${published.length ? ' (diamonds: published kube-proxy figures)' : ''}`,
    layer: [
      { data: { values }, mark: { type: 'line', point: true }, encoding: { x, y, color } },
      ...(published.length ? [{ data: { values: published }, mark: { type: 'point', shape: 'diamond', filled: true, size: 140 }, encoding: { x, y, color } }] : []),
    ],
  } as ChartSpec;
}

/** One horizontal bar per case: the case's headline figure (when the cases share it). */
export function suiteBarSpec(suite: BenchSuite): ChartSpec | null {
  const cases = suite.cases.filter((c) => c.status !== 'skipped' && c.status !== 'errored');
  const f = cases.length > 0 ? primaryFigure(cases[0]!) : undefined;
  if (f === undefined) return null;
  const values = cases.filter((c) => c.figures[f] !== undefined).map((c, i) => ({ case: label(`${i + 1}. ${c.name}`), value: c.figures[f]! }));
  if (values.length === 0) return null;
  const unit = unitLabel(f);
  // Kernels differing by orders of magnitude: a log axis keeps the small ones visible.
  const pos = values.map((v) => v.value).filter((v) => v > 0);
  const log = pos.length === values.length && Math.max(...pos) / Math.min(...pos) > 100;
  return {
    ...base,
    title: label(`${suite.suite}: ${f} per case${log ? ' (log scale)' : ''}`, 90),
    data: { values },
    // Bars need a zero baseline, which a log axis lacks: dots there.
    mark: log ? { type: 'circle', size: 80, color: '#4c78a8', opacity: 1 } : { type: 'bar', color: '#4c78a8' },
    encoding: {
      y: { field: 'case', type: 'nominal', sort: null, title: null },
      x: { field: 'value', type: 'quantitative', title: `${f}${unit ? ` (${unit})` : ''}`, ...(log ? { scale: { type: 'log' } } : {}) },
    },
  } as ChartSpec;
}

/** Profiles side by side: throughput (or the first figure they all have). */
export function compareSpec(cmp: CompareResult): ChartSpec | null {
  const first = cmp.profiles[0]!;
  const f = 'throughputPodsPerSec' in first.figures ? 'throughputPodsPerSec' : Object.keys(first.figures)[0];
  if (f === undefined) return null;
  const values = cmp.profiles.filter((p) => p.figures[f] !== undefined).map((p, i) => ({ profile: label(`${i + 1}. ${p.profile}`), value: p.figures[f]! }));
  return {
    ...base,
    title: label(`${cmp.testCase}/${cmp.workload}: ${f} per profile`, 90),
    data: { values },
    mark: { type: 'bar', color: '#72b7b2' },
    encoding: {
      y: { field: 'profile', type: 'nominal', sort: null, title: null },
      x: { field: 'value', type: 'quantitative', title: `${f} (${unitLabel(f)})` },
    },
  } as ChartSpec;
}

/** Placement quality side by side: every percentage figure (utilisation, balance spread), one bar per profile. */
export function compareQualitySpec(cmp: CompareResult): ChartSpec | null {
  const values: Record<string, unknown>[] = [];
  cmp.profiles.forEach((p, i) => {
    for (const [f, v] of Object.entries(p.figures)) if (/Pct$/.test(f)) values.push({ figure: f, profile: label(`${i + 1}. ${p.profile}`, 40), value: v });
  });
  if (values.length === 0) return null;
  return {
    ...base,
    title: label(`${cmp.testCase}/${cmp.workload}: placement quality per profile`, 90),
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'figure', type: 'nominal', sort: null, title: null },
      yOffset: { field: 'profile', type: 'nominal', sort: null },
      x: { field: 'value', type: 'quantitative', title: '%' },
      color: { field: 'profile', type: 'nominal', sort: null, title: null },
    },
  } as ChartSpec;
}

/** Compiles and renders one chart to an SVG string fit for inlining in HTML. */
export async function renderSvg(spec: ChartSpec, title: string): Promise<string> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' }).logLevel(vega.Error);
  let svg = await view.toSVG();
  view.finalize();
  const size = /^<svg[^>]* width="([^"]+)" height="([^"]+)"/.exec(svg);
  if (!size || !(Number(size[1]) > 0 && Number(size[1]) < 10_000 && Number(size[2]) > 0 && Number(size[2]) < 100_000)) {
    throw new Error(`chart ${JSON.stringify(title)} rendered with an impossible size ${size ? `${size[1]}x${size[2]}` : '(none)'}`);
  }
  // The xlink namespace is declared but unused by these marks; keep only the SVG one.
  if (!/xlink:(?!xmlns)/.test(svg.replace(/xmlns:xlink="[^"]*"/, ''))) svg = svg.replace(/\s*xmlns:xlink="[^"]*"/, '');
  const aria = title.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return svg.replace(/^<svg /, `<svg role="img" aria-label="${aria}" `);
}
