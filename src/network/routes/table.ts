// One match table for Ingress and Gateway API HTTPRoute rules. Entries are grouped by host tier
// (exact host, wildcard suffix, any host) and, inside a group, pre-sorted by the precedence rules
// of their API, so a lookup is: a few Map.get calls for the request host, then the first entry of
// each group whose path/method/header/query conditions hold. Nothing is allocated per request on
// the fast path (match()); explain() also finds the runner-up to say which precedence step won.

export interface Backend { service: string; port: number | string; weight?: number }

export interface Cond { name: string; exact: string | undefined; re: RegExp | undefined }

export const enum PathType { Exact = 0, Prefix = 1, Regex = 2 }

export interface Entry {
  pathType: PathType;
  /** Exact: the path; Prefix: without trailing "/" ("" for "/", matching everything). */
  path: string;
  re: RegExp | undefined;
  /** "" = any method */
  method: string;
  headers: Cond[];
  query: Cond[];
  /** Precedence key, compared element by element (smaller wins); `keyReasons` names each step. */
  key: number[];
  source: string;
  backends: Backend[];
}

export interface Request {
  method: string;
  host: string;
  path: string;
  /** lower-case name -> value */
  headers: Map<string, string>;
  /** name -> first value (Gateway API matches the first value) */
  query: Map<string, string>;
}

export interface Group { entries: Entry[]; reason: string }

export interface Decision {
  status: 200 | 404;
  backend: Backend | null;
  backends: Backend[];
  source: string;
  reason: string;
}

/** Element-wise prefix match: "/foo" matches "/foo", "/foo/" and "/foo/bar", not "/foobar". */
export function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '') return true;
  if (!path.startsWith(prefix)) return false;
  return path.length === prefix.length || path.charCodeAt(prefix.length) === 47 /* / */;
}

export function normalizePrefix(p: string): string {
  let end = p.length;
  while (end > 0 && p.charCodeAt(end - 1) === 47) end--;
  return p.slice(0, end);
}

function condsHold(conds: readonly Cond[], values: Map<string, string>): boolean {
  for (let i = 0; i < conds.length; i++) {
    const c = conds[i]!;
    const v = values.get(c.name);
    if (v === undefined) return false;
    if (c.re ? !c.re.test(v) : v !== c.exact) return false;
  }
  return true;
}

export function entryMatches(e: Entry, r: Request): boolean {
  if (e.pathType === PathType.Exact) { if (r.path !== e.path) return false; }
  else if (e.pathType === PathType.Prefix) { if (!prefixMatches(e.path, r.path)) return false; }
  else if (!e.re!.test(r.path)) return false;
  if (e.method && e.method !== r.method) return false;
  if (e.headers.length && !condsHold(e.headers, r.headers)) return false;
  if (e.query.length && !condsHold(e.query, r.query)) return false;
  return true;
}

export function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export function firstDifference(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/**
 * Host-tiered table. `wildcardAnyDepth`: Gateway API wildcards cover one or more labels (suffix
 * match, longest suffix first); Ingress wildcards cover exactly one label.
 */
export class HostTable {
  readonly exact = new Map<string, Entry[]>();
  /** keyed by the suffix after "*" (".example.com") */
  readonly wildcard = new Map<string, Entry[]>();
  readonly any: Entry[] = [];
  size = 0;

  constructor(readonly wildcardAnyDepth: boolean, readonly keyReasons: readonly string[]) {}

  add(host: string, e: Entry): void {
    this.size++;
    if (!host) { this.any.push(e); return; }
    const m = host.startsWith('*.') ? this.wildcard : this.exact;
    const k = host.startsWith('*.') ? host.slice(1) : host;
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(e);
  }

  seal(): void {
    const sort = (l: Entry[]) => l.sort((a, b) => compareKeys(a.key, b.key));
    for (const l of this.exact.values()) sort(l);
    for (const l of this.wildcard.values()) sort(l);
    sort(this.any);
  }

  /** Groups to try for a host, best first. */
  groups(host: string): Group[] {
    const out: Group[] = [];
    const ex = this.exact.get(host);
    if (ex) out.push({ entries: ex, reason: 'exact hostname' });
    for (let i = host.indexOf('.'); i >= 0; i = this.wildcardAnyDepth ? host.indexOf('.', i + 1) : -1) {
      const w = this.wildcard.get(host.slice(i));
      if (w) out.push({ entries: w, reason: this.wildcardAnyDepth ? 'longest hostname' : 'wildcard hostname' });
    }
    if (this.any.length) out.push({ entries: this.any, reason: 'hostname' });
    return out;
  }

  /** Fast path: the winning entry or undefined. */
  match(r: Request): Entry | undefined {
    const host = r.host;
    const ex = this.exact.get(host);
    if (ex) for (let i = 0; i < ex.length; i++) if (entryMatches(ex[i]!, r)) return ex[i];
    if (this.wildcard.size) {
      for (let d = host.indexOf('.'); d >= 0; d = this.wildcardAnyDepth ? host.indexOf('.', d + 1) : -1) {
        const w = this.wildcard.get(host.slice(d));
        if (w) for (let i = 0; i < w.length; i++) if (entryMatches(w[i]!, r)) return w[i];
      }
    }
    const any = this.any;
    for (let i = 0; i < any.length; i++) if (entryMatches(any[i]!, r)) return any[i];
    return undefined;
  }

  /** The winner, the runner-up and the precedence step that separated them. */
  explain(r: Request): { winner: Entry; reason: string } | undefined {
    let winner: Entry | undefined;
    let winnerGroup = -1;
    const groups = this.groups(r.host);
    for (let g = 0; g < groups.length; g++) {
      for (const e of groups[g]!.entries) {
        if (!entryMatches(e, r)) continue;
        if (!winner) { winner = e; winnerGroup = g; continue; }
        if (g !== winnerGroup) return { winner, reason: groups[winnerGroup]!.reason };
        const d = firstDifference(winner.key, e.key);
        return { winner, reason: d < 0 ? 'first in order' : this.keyReasons[d]! };
      }
    }
    return winner ? { winner, reason: 'only match' } : undefined;
  }
}

export function decision(e: Entry, reason: string): Decision {
  const live = e.backends.filter((b) => b.weight === undefined || b.weight > 0);
  return { status: 200, backend: live[0] ?? null, backends: e.backends, source: e.source, reason };
}

/** Parses 'METHOD URL' (URL absolute: http://host[:port]/path?query) plus "K:V" headers. */
export function parseRequest(line: string, headerArgs: readonly string[] = []): Request {
  const m = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(line);
  if (!m) throw new Error(`--request must be 'METHOD URL', got ${JSON.stringify(line)}`);
  let url: URL;
  try { url = new URL(m[2]!); } catch { throw new Error(`--request: not an absolute URL: ${JSON.stringify(m[2])}`); }
  const headers = new Map<string, string>();
  for (const h of headerArgs) {
    const i = h.indexOf(':');
    if (i <= 0) throw new Error(`--header must be K:V, got ${JSON.stringify(h)}`);
    headers.set(h.slice(0, i).trim().toLowerCase(), h.slice(i + 1).trim());
  }
  let host = headers.get('host') ?? url.hostname;
  host = host.replace(/:\d+$/, '').toLowerCase();
  const query = new Map<string, string>();
  for (const [k, v] of url.searchParams) if (!query.has(k)) query.set(k, v);
  return { method: m[1]!.toUpperCase(), host, path: decodeURI(url.pathname) || '/', headers, query };
}
