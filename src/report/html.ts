// index.html: the report document as one self-contained page. Charts are inline SVG rendered
// here (charts.ts); styles are inline; no scripts, no external URL, readable offline. Every text
// is escaped: names come from user input.

import type { Block, ReportDoc } from './document.js';
import { renderSvg } from './charts.js';

export function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; } h3 { margin-top: 1.6rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: .25rem .55rem; vertical-align: top; max-width: 32rem; overflow-wrap: break-word; }
th { background: #f6f8fa; text-align: left; } td.r { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.bad { color: #b42318; font-weight: 600; }
div.wide { overflow-x: auto; }
figure.chart { margin: .8rem 0 1.4rem; } figure.chart figcaption { font-size: 12px; color: #57606a; }
nav ul { columns: 2; font-size: 13px; }
`;

function block(b: Block, svgs: Map<string, string>): string {
  switch (b.kind) {
    case 'para':
      return `<p>${htmlEscape(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${htmlEscape(i)}</li>`).join('')}</ul>`;
    case 'table': {
      const head = `<tr>${b.head.map((h) => `<th>${htmlEscape(h)}</th>`).join('')}</tr>`;
      const rows = b.rows.map((r) => `<tr>${r.map((c, i) => {
        const cls = [b.align?.[i] === 'r' ? 'r' : '', /^(OUTSIDE|.* FAIL$)/.test(c) ? 'bad' : ''].filter(Boolean).join(' ');
        return `<td${cls ? ` class="${cls}"` : ''}>${htmlEscape(c)}</td>`;
      }).join('')}</tr>`);
      return `<div class="wide"><table><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table></div>`;
    }
    case 'chart':
      return `<figure class="chart" id="${htmlEscape(b.id)}" data-chart="${htmlEscape(b.id)}">${svgs.get(b.id)!}<figcaption>${htmlEscape(b.title)}</figcaption></figure>`;
  }
}

/** Renders every chart (server-side) and the page. */
export async function renderHtml(doc: ReportDoc): Promise<string> {
  const svgs = new Map<string, string>();
  for (const s of doc.sections) for (const b of s.blocks) if (b.kind === 'chart') svgs.set(b.id, await renderSvg(b.spec, b.title));
  const nav = doc.sections.filter((s) => s.level === 2).map((s) => `<li><a href="#${htmlEscape(s.id)}">${htmlEscape(s.title)}</a></li>`).join('');
  const body = doc.sections.map((s) => `<section id="${htmlEscape(s.id)}">\n<h${s.level}>${htmlEscape(s.title)}</h${s.level}>\n${s.blocks.map((b) => block(b, svgs)).join('\n')}\n</section>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${htmlEscape(doc.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${htmlEscape(doc.title)}</h1>
<nav><ul>${nav}</ul></nav>
${body.join('\n')}
</body>
</html>
`;
}
