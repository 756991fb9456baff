import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../src/report/document.js';
import { htmlEscape, renderHtml } from '../src/report/html.js';
import { readResults, writeResults } from '../src/report/schema.js';
import { HOSTILE, fixedResults } from './report-fixtures.js';

const BIN = new URL('../../bin/kubescale.js', import.meta.url).pathname;

test('index.html escapes names, has one <svg> per chart, no scripts, no URL but the SVG namespace', async () => {
  const doc = buildReport(fixedResults());
  const charts = doc.sections.flatMap((s) => s.blocks).filter((b) => b.kind === 'chart');
  // throughput, micro bars, scale fit, network, compare throughput + quality (the scheduling suite's runs are in the throughput chart)
  assert.equal(charts.length, 6);
  const html = await renderHtml(doc);
  assert.ok(!html.includes('<img'), 'a name must not become markup');
  assert.ok(!html.includes(HOSTILE));
  assert.ok(html.includes(htmlEscape(HOSTILE)));
  assert.equal(htmlEscape(HOSTILE), '&lt;img src=x onerror=alert(1)&gt; | *bold* &amp; &quot;q&quot;');
  assert.equal(html.match(/<svg[\s>]/g)?.length, charts.length);
  const figures = html.match(/<figure class="chart"[\s\S]*?<\/figure>/g) ?? [];
  assert.equal(figures.length, charts.length);
  for (const f of figures) assert.equal(f.match(/<svg[\s>]/g)?.length, 1, 'one svg per chart figure');
  for (const m of html.matchAll(/<svg [^>]*width="([^"]+)" height="([^"]+)"/g)) assert.ok(Number(m[1]) < 2000 && Number(m[2]) < 2000, `chart size ${m[1]}x${m[2]}`);
  assert.deepEqual([...new Set(html.match(/https?:[^"'\s)<>]*/g))], ['http://www.w3.org/2000/svg']);
  assert.ok(!/<script|<link|<iframe|<img|@import|url\(/i.test(html));
  for (const m of html.matchAll(/\b(?:href|src)="([^"]*)"/g)) assert.ok(m[1]!.startsWith('#'), `only in-page links, got ${m[1]}`);
  // Sections in order: environment, guidance, then the suites.
  const ids = [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(ids.slice(0, 2), ['environment', 'guidance']);
  assert.ok(ids.indexOf('suite-0') > ids.indexOf('guidance'));
});

test('chart text from user input is escaped inside the SVG too', async () => {
  const r = fixedResults();
  r.bench = [{ suite: 'micro', status: 'completed', cases: [{ name: '</svg><b>x</b>', params: {}, figures: { medianNs: 5 } }] }];
  r.runs = [];
  r.compare = [];
  const html = await renderHtml(buildReport(r));
  assert.ok(!html.includes('</svg><b>'));
  assert.ok(html.includes('&lt;/svg&gt;&lt;b&gt;x&lt;/b&gt;'));
  assert.equal(html.match(/<svg[\s>]/g)?.length, 1);
});

test('kubescale report: merges files (schema + run output) into index.html, report.md, results.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubescale-report-cli-'));
  try {
    writeResults(join(dir, 'a'), fixedResults());
    const runDoc = { results: [fixedResults().runs[0]], environment: { node: 'v20.0.0', cpus: 8, cpuModel: 'Other CPU' } };
    writeFileSync(join(dir, 'run.json'), JSON.stringify(runDoc));
    const second = fixedResults();
    second.runs = [];
    second.compare = [];
    second.bench = [second.bench[1]!];
    writeResults(join(dir, 'b'), second);
    const out = join(dir, 'out');
    execFileSync(process.execPath, [BIN, 'report', join(dir, 'a', 'results.json'), join(dir, 'run.json'), join(dir, 'b'), '--out', out], { stdio: 'pipe' });
    for (const f of ['index.html', 'report.md', 'results.json', 'results.msgpack']) assert.ok(existsSync(join(out, f)), f);
    const merged = readResults(join(out, 'results.json'));
    assert.equal(merged.command, 'report');
    assert.equal(merged.runs.length, 4);
    assert.deepEqual(merged.bench.map((s) => s.suite), ['micro', 'scale', 'network', 'kernel', 'scheduling', 'scale #2']);
    // Samples of both files survive the merge (the renamed suite's too).
    assert.deepEqual(merged.bench[1]!.cases[0]!.samples, { medianMs: [3, 3.1, 3.3] });
    assert.deepEqual(merged.bench[5]!.cases[0]!.samples, { medianMs: [3, 3.1, 3.3] });
    assert.ok(merged.notes.some((n) => n.startsWith(`${join(dir, 'run.json')} was measured elsewhere: Other CPU x8`)));
    assert.ok(readFileSync(join(out, 'report.md'), 'utf8').includes('### Suite scale \\#2'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kubescale report: bad input is exit 2 with one line naming file and field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubescale-report-cli-'));
  try {
    const f = join(dir, 'bad.json');
    const r = fixedResults();
    (r.environment as { cores: unknown }).cores = 'two';
    writeFileSync(f, JSON.stringify(r));
    const p = spawnSync(process.execPath, [BIN, 'report', f, '--out', join(dir, 'out')], { encoding: 'utf8' });
    assert.equal(p.status, 2);
    assert.match(p.stderr, new RegExp(`^kubescale: ${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: environment\\.cores: .+\\n$`));
    assert.equal(existsSync(join(dir, 'out')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
