// Writing a bench run: DIR/results.json + DIR/results.msgpack (the schema's writeResults),
// DIR/report.md and DIR/index.html (the report renderers), and the terminal table.

import { fmtFigure } from '../report/format.js';
import type { Results } from '../report/schema.js';
import { writeReport } from '../report/write.js';

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

/**
 * DIR/results.json + results.msgpack, DIR/report.md and DIR/index.html through the report module
 * (one results object, several renderers).
 */
export async function writeBenchOutputs(dir: string, results: Results, title = 'kubescale bench'): Promise<string[]> {
  return (await writeReport(dir, results, title)).files;
}
