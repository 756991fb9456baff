import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildReport } from '../src/report/document.js';
import { fmtBytes, fmtFigure, fmtNum, unitLabel } from '../src/report/format.js';
import { mdEscape, renderMarkdown } from '../src/report/markdown.js';
import { fixedResults } from './report-fixtures.js';

// The golden file was reviewed by hand. This test never writes it: when the output changes on
// purpose, regenerate it by hand (renderMarkdown(buildReport(fixedResults()))) and review the diff.
const GOLDEN = new URL('../../test/data/report/report.golden.md', import.meta.url);

test('report.md from fixed results equals the golden file', () => {
  const got = renderMarkdown(buildReport(fixedResults()));
  const want = readFileSync(GOLDEN, 'utf8');
  if (got !== want) {
    const g = got.split('\n');
    const w = want.split('\n');
    const i = g.findIndex((l, k) => l !== w[k]);
    assert.fail(`report.md differs from ${GOLDEN.pathname} at line ${i + 1}:\n  got:  ${g[i]}\n  want: ${w[i]}`);
  }
});

test('report.md opens with the environment, then the guidance table, then per-suite sections', () => {
  const md = renderMarkdown(buildReport(fixedResults()));
  const heads = md.split('\n').filter((l) => l.startsWith('#'));
  assert.deepEqual(heads.slice(0, 3), ['# kubescale scale report', '## Environment', '## Large-cluster guidance']);
  assert.ok(heads.indexOf('### Suite micro') > heads.indexOf('## Bench suites'));
  // Every limit of the guidance has its row: limit, size run, measured cost, envelope.
  for (const row of [
    '| nodes | 5,000 | 15,000 | run LargeClusterNodes/15000Nodes | 402 pods/s |',
    '| pods | 150,000 | 45,000 |',
    '| pods per node (SIG threshold min(110, 10 x cores)) | 110 | 4 |',
    '| containers | 300,000 | 45,000 |',
    '| services (5,000 per namespace) | 10,000 | 10,000 | bench network/iptables-10k | 291 ms |',
    '| endpoints per service | 250 | 15 |',
  ]) assert.ok(md.includes(row), `missing guidance row ${row}`);
  assert.match(md, /\| nodes \| 5,000 \| 15,000 .* \| OUTSIDE \(3x the limit\) \|/);
  // Upstream threshold beside ours; the kube-proxy figures beside ours.
  assert.ok(md.includes('| 1. run SchedulingBasic/5000Nodes\\_10000Pods | initNodes=5,000, initPods=1,000, measurePods=10,000 | 1,523 | 680 | 5000/1000/10000 | 2.24x | 680 ok |'));
  assert.ok(md.includes('| 17.5 s | 291 ms at 10,000 services, 150,000 endpoints, 470,005 nat rules, iptables (network/iptables-10k) |'));
});

test('markdown escaping keeps user names inert', () => {
  assert.equal(mdEscape('a|b *c* <x> & `y` [l](u) #h\nnext'), 'a\\|b \\*c\\* &lt;x&gt; &amp; \\`y\\` \\[l\\](u) \\#h next');
  const md = renderMarkdown(buildReport(fixedResults()));
  assert.ok(!md.includes('<img'));
  assert.ok(md.includes('&lt;img src=x onerror=alert(1)&gt; \\| \\*bold\\* &amp; "q"'));
});

test('number and unit formatting', () => {
  assert.equal(fmtNum(1234567), '1,234,567');
  assert.equal(fmtNum(15), '15');
  assert.equal(fmtNum(1523.4), '1,523');
  assert.equal(fmtNum(12.345), '12.3');
  assert.equal(fmtNum(1.5), '1.50');
  assert.equal(fmtNum(0.012345), '0.0123');
  assert.equal(fmtNum(-2500.5), '-2,501');
  assert.equal(fmtBytes(46_900_000), '44.7 MiB');
  assert.equal(unitLabel('podsPerSec'), 'pods/s');
  assert.equal(unitLabel('throughputPodsPerSec'), 'pods/s');
  assert.equal(unitLabel('medianMs'), 'ms');
  assert.equal(unitLabel('natRules'), 'rules');
  assert.equal(fmtFigure('cpuUtilP50Pct', 97.5), '97.5%');
  assert.equal(fmtFigure('noopMedianNs', 1.234), '1.23 ns');
});
