// report.md: the report document as GitHub-flavoured Markdown. Charts are left to index.html (a
// line points there). Every text cell is escaped: names come from user input.

import type { Block, ReportDoc } from './document.js';

/** Escapes text for a Markdown paragraph or table cell (no HTML, no emphasis, no table breaks). */
export function mdEscape(s: string): string {
  return s
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'para':
      return mdEscape(b.text);
    case 'list':
      return b.items.map((i) => `- ${mdEscape(i)}`).join('\n');
    case 'table': {
      const row = (cells: string[]) => `| ${cells.map(mdEscape).join(' | ')} |`;
      const rule = `|${b.head.map((_, i) => (b.align?.[i] === 'r' ? '---:' : '---')).join('|')}|`;
      return [row(b.head), rule, ...b.rows.map(row)].join('\n');
    }
    case 'chart':
      return `Chart: ${mdEscape(b.title)} (index.html).`;
  }
}

export function renderMarkdown(doc: ReportDoc): string {
  const out: string[] = [`# ${mdEscape(doc.title)}`];
  for (const s of doc.sections) {
    out.push(`${'#'.repeat(s.level)} ${mdEscape(s.title)}`);
    for (const b of s.blocks) out.push(block(b));
  }
  return out.join('\n\n') + '\n';
}
