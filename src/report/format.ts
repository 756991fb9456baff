// Number and figure formatting shared by the Markdown and HTML renderers. Deterministic (no locale):
// the Markdown golden file depends on it.

import { figureUnit } from './schema.js';

/** 1234567 -> "1,234,567"; 15 -> "15"; 12.345 -> "12.3"; 1.5 -> "1.50"; 0.012345 -> "0.0123". */
export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  let s: string;
  if (a >= 100 || Number.isInteger(v)) s = (Math.sign(v) * Math.round(a)).toString();
  else if (a >= 10) s = v.toFixed(1);
  else if (a >= 1) s = v.toFixed(2);
  else s = v.toPrecision(3);
  const [int, frac] = s.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

const UNIT_LABEL: Record<string, string> = {
  Ns: 'ns', Us: 'µs', Ms: 'ms', Seconds: 's', Pct: '%', Ratio: '', Count: '',
};

/** The unit shown after a figure: "podsPerSec" -> "pods/s", "medianMs" -> "ms", "natRules" -> "rules". */
export function unitLabel(figure: string): string {
  const u = figureUnit(figure);
  if (u === undefined) return '';
  if (u === 'PerSec') {
    const what = figure.slice(0, -'PerSec'.length).replace(/^(throughput|average|median|mean)/, '');
    return `${what ? what[0]!.toLowerCase() + what.slice(1) : ''}/s`;
  }
  if (u === 'Bytes') return 'B';
  return UNIT_LABEL[u] ?? u.toLowerCase();
}

/** Bytes in binary multiples: 46900000 -> "44.7 MiB". */
export function fmtBytes(v: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = v;
  while (Math.abs(x) >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${fmtNum(x)} ${units[i]}`;
}

/** "1,523 pods/s", "12.8 ms", "2.10 s" (from 2100 ms), "44.7 MiB", "470,005 rules". */
export function fmtFigure(figure: string, v: number): string {
  if (figureUnit(figure) === 'Bytes') return fmtBytes(v);
  if (figureUnit(figure) === 'Pct') return `${fmtNum(v)}%`;
  if (figureUnit(figure) === 'Ms' && Math.abs(v) >= 1000) return `${fmtNum(v / 1000)} s`;
  const u = unitLabel(figure);
  return u ? `${fmtNum(v)} ${u}` : fmtNum(v);
}

export function fmtParams(params: Record<string, number | string | boolean>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'number' ? fmtNum(v) : String(v)}`).join(', ');
}
