// Opens a generated index.html from disk in headless Chromium (Debian's chromium, driven by
// playwright-core): every chart drawn with marks, no console errors, no network requests.
// Skips, saying so, when /usr/bin/chromium is absent; CI installs it (.ci/run).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildReport } from '../src/report/document.js';
import { renderHtml } from '../src/report/html.js';
import { fixedResults } from './report-fixtures.js';

const CHROMIUM = process.env.KUBESCALE_CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found (apt-get install chromium): browser test skipped`;
if (skip) process.stderr.write(`report-browser: ${skip}\n`);

interface ChartBox { id: string; width: number; height: number; marks: number; drawnMarks: number }

// Runs in the page (the project compiles without DOM types, so it is a string).
const MEASURE = `(() => [...document.querySelectorAll('figure.chart')].map((f) => {
  const svg = f.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
  const marks = svg ? [...svg.querySelectorAll('g[class*="role-mark"] > path, g[class*="role-mark"] > rect, g[class*="role-mark"] > line, g[class*="role-mark"] > g > path, g[class*="role-mark"] > g > rect')] : [];
  const drawn = marks.filter((m) => { const b = m.getBBox(); return b.width > 0 || b.height > 0; });
  return { id: f.id, width: box.width, height: box.height, marks: marks.length, drawnMarks: drawn.length };
}))()`;

test('index.html in headless Chromium: every chart drawn, no console errors, no network', { skip, timeout: 60_000 }, async () => {
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'kubescale-browser-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    // The fixed results, and a variant whose micro kernels differ 20,000x (log axis, dots not bars).
    const wide = fixedResults();
    wide.bench[0]!.cases[1]!.figures.medianNs = 0.04;
    // And runs with no upstream threshold at all (the threshold layer is left out), no bench.
    const custom = fixedResults();
    custom.runs = custom.runs.map((r) => ({ ...r, testCase: `Custom${r.testCase}` }));
    custom.bench = [];
    for (const [variant, results] of [['fixed', fixedResults()], ['log-axis', wide], ['no-upstream', custom]] as const) {
      await check(variant, results);
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }

  async function check(variant: string, results: ReturnType<typeof fixedResults>): Promise<void> {
    const doc = buildReport(results);
    const expected = doc.sections.flatMap((s) => s.blocks).filter((b) => b.kind === 'chart').map((b) => (b as { id: string }).id);
    const file = join(dir, `${variant}.html`);
    writeFileSync(file, await renderHtml(doc));
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    const charts = (await page.evaluate(MEASURE)) as ChartBox[];
    assert.deepEqual(charts.map((c) => c.id), expected);
    for (const c of charts) {
      assert.ok(c.width > 100 && c.height > 50, `${variant} ${c.id}: svg drawn with a real size, got ${c.width}x${c.height}`);
      assert.ok(c.marks > 0 && c.drawnMarks === c.marks, `${variant} ${c.id}: every mark drawn (${c.drawnMarks} of ${c.marks})`);
    }
    // The throughput chart: one bar per run plus one tick per upstream threshold found.
    assert.equal(charts[0]!.drawnMarks, variant === 'no-upstream' ? 3 : 7);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file://')), [], 'no network requests');
    assert.deepEqual(requests, [url], 'the page loads nothing but itself');
    const title = await page.title();
    assert.equal(title, 'kubescale scale report');
    await page.close();
  }
});
