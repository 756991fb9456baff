// Writing a bench run: DIR/results.json + DIR/results.msgpack (the schema's writeResults),
// DIR/report.md and DIR/index.html (the report renderers), and the terminal table.

import { join } from 'node:path';
import { writeFileAtomic } from '../cli/common.js';
import { fmtFigure } from '../report/format.js';
import { writeResults, type Results } from '../report/schema.js';

/** Terminal table: one line per case with its headline figure, then the fits. */
export function benchTable(r: Results): string {
  const lines: string[] = [];
  for (const s of r.bench) {
    lines.push(`${s.suite} (${s.status}${s.note ? `: ${s.note}` : ''})`);
    const rows = s.cases.map((c) => {
      const fig = c.primary ?? Object.keys(c.figures)[0];
      return [c.name, fig !== undefined ? fmtFigure(fig, c.figures[fig]!) : '-', c.note?.includes('MISSED') ? 'BELOW THRESHOLD' : ''];
    });
    const w0 = Math.max(4, ...rows.map((x) => x[0]!.length));
    const w1 = Math.max(5, ...rows.map((x) => x[1]!.length));
    for (const [a, b, c] of rows) lines.push(`  ${a!.padEnd(w0)}  ${b!.padStart(w1)}  ${c}`.trimEnd());
    for (const f of s.fits ?? []) lines.push(`  fit: ${f.name}: ${f.y} = ${f.coefficient.toPrecision(3)} * ${f.x}^${f.exponent.toFixed(3)} (r2 ${f.r2.toFixed(3)})`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}

export type Renderer = (results: Results) => string;

/** Fallback renderers until the report module's are wired in: the table as Markdown/HTML text. */
export const fallbackMarkdown: Renderer = (r) => `# kubescale bench\n\n${r.environment.cpuModel} x${r.environment.cores}, Node ${r.environment.node}\n\n\`\`\`\n${benchTable(r)}\`\`\`\n`;
export const fallbackHtml: Renderer = (r) => `<!doctype html><meta charset="utf-8"><title>kubescale bench</title><pre>${benchTable(r).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))}</pre>\n`;

export interface Written {
  json: string;
  msgpack: string | null;
  markdown: string;
  html: string;
}

export function writeBenchOutputs(dir: string, results: Results, render: { markdown: Renderer; html: Renderer } = { markdown: fallbackMarkdown, html: fallbackHtml }): Written {
  const w = writeResults(dir, results);
  const markdown = join(dir, 'report.md');
  const html = join(dir, 'index.html');
  writeFileAtomic(markdown, render.markdown(results));
  writeFileAtomic(html, render.html(results));
  return { ...w, markdown, html };
}
