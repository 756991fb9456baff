// A small in-memory model of one nftables table that applies the transactions the proxier writes
// (add/flush/delete of table, chain, set, map, rule, element) and dumps the result in knftables'
// Fake.Dump() vocabulary: one "add ..." line per object. Tests use it to compare a sync with
// upstream's expected dumps and to check that partial syncs converge to the same state as a full
// sync. It understands only the statements this package writes, and fails loudly on the rest,
// including the errors nft itself would raise (flushing or deleting what does not exist, deleting a
// chain that still has rules or is still referenced).

export class NftModel {
  table: string | undefined;
  readonly chains = new Map<string, { decl: string; rules: string[] }>();
  readonly sets = new Map<string, { decl: string; elements: Map<string, string> }>();

  /** Applies one transaction (all or nothing, as nft -f). */
  apply(text: string): void {
    const snapshot = this.clone();
    try {
      for (const line of text.split('\n')) if (line && !line.startsWith('#')) this.op(line);
    } catch (e) {
      this.restore(snapshot);
      throw e;
    }
  }

  private op(line: string): void {
    const m = /^(add|flush|delete) (table|chain|set|map|rule|element) (ip6?) (\S+)(?: (\S+))?(?: (.*))?$/.exec(line);
    if (!m) throw new Error(`model: cannot parse: ${line}`);
    const [, verb, kind, fam, tbl, name, rest] = m;
    const prefix = `${fam} ${tbl}`;
    if (kind === 'table') {
      if (verb === 'add') this.table = line.slice('add table '.length);
      else throw new Error(`model: unsupported: ${line}`);
      return;
    }
    if (!this.table) throw new Error(`model: no table for: ${line}`);
    if (kind === 'chain') {
      const c = this.chains.get(name!);
      if (verb === 'add') { if (!c) this.chains.set(name!, { decl: `${prefix} ${name}${rest ? ' ' + rest : ''}`, rules: [] }); return; }
      if (!c) throw new Error(`model: no such chain: ${line}`);
      if (verb === 'flush') { c.rules = []; return; }
      if (c.rules.length) throw new Error(`model: chain not empty: ${line}`);
      for (const [other, oc] of this.chains) if (other !== name && oc.rules.some((r) => refersTo(r, name!))) throw new Error(`model: chain in use: ${line}`);
      for (const [, s] of this.sets) for (const v of s.elements.values()) if (refersTo(v, name!)) throw new Error(`model: chain in use by element: ${line}`);
      this.chains.delete(name!);
      return;
    }
    if (kind === 'set' || kind === 'map') {
      const s = this.sets.get(name!);
      if (verb === 'add') { if (!s) this.sets.set(name!, { decl: `${kind} ${prefix} ${name} ${rest ?? ''}`.trimEnd(), elements: new Map() }); return; }
      if (!s) throw new Error(`model: no such ${kind}: ${line}`);
      if (verb === 'flush') { s.elements.clear(); return; }
      this.sets.delete(name!);
      return;
    }
    if (kind === 'rule') {
      const c = this.chains.get(name!);
      if (!c) throw new Error(`model: rule for missing chain: ${line}`);
      for (const target of jumpTargets(rest ?? '')) if (!this.chains.has(target)) throw new Error(`model: jump to missing chain ${target}: ${line}`);
      c.rules.push(rest ?? '');
      return;
    }
    // element: "{ key[ comment "x"][ : value] }"
    const s = this.sets.get(name!);
    if (!s) throw new Error(`model: element for missing set/map: ${line}`);
    const em = /^\{ (.*?)(?: comment "[^"]*")?(?: : (.*))? \}$/.exec(rest ?? '');
    if (!em) throw new Error(`model: cannot parse element: ${line}`);
    const key = em[1]!;
    if (verb === 'add') {
      const full = rest!.slice(2, -2);
      if (s.elements.has(key) && s.elements.get(key) !== full) throw new Error(`model: element exists with another value: ${line}`);
      for (const target of jumpTargets(em[2] ?? '')) if (!this.chains.has(target)) throw new Error(`model: element points at missing chain ${target}: ${line}`);
      s.elements.set(key, full);
    } else if (verb === 'delete') {
      if (!s.elements.delete(key)) throw new Error(`model: no such element: ${line}`);
    } else throw new Error(`model: unsupported: ${line}`);
  }

  /** knftables-style dump: one "add ..." line per object, rules in chain order. */
  dump(): string[] {
    const out: string[] = [];
    if (this.table) out.push(`add table ${this.table}`);
    const fam = this.table?.split(' ').slice(0, 2).join(' ') ?? 'ip kube-proxy';
    for (const [, s] of [...this.sets].sort(([a], [b]) => (a < b ? -1 : 1))) out.push(`add ${s.decl}`);
    for (const [, c] of [...this.chains].sort(([a], [b]) => (a < b ? -1 : 1))) out.push(`add chain ${c.decl}`);
    for (const [name, c] of [...this.chains].sort(([a], [b]) => (a < b ? -1 : 1))) for (const r of c.rules) out.push(`add rule ${fam} ${name} ${r}`);
    for (const [name, s] of [...this.sets].sort(([a], [b]) => (a < b ? -1 : 1))) {
      for (const e of [...s.elements.values()].sort()) out.push(`add element ${fam} ${name} { ${e} }`);
    }
    return out;
  }

  private clone(): string {
    return JSON.stringify({ t: this.table, c: [...this.chains], s: [...this.sets].map(([k, v]) => [k, v.decl, [...v.elements]]) });
  }

  private restore(snap: string): void {
    const o = JSON.parse(snap) as { t: string | undefined; c: [string, { decl: string; rules: string[] }][]; s: [string, string, [string, string][]][] };
    this.table = o.t;
    this.chains.clear();
    for (const [k, v] of o.c) this.chains.set(k, v);
    this.sets.clear();
    for (const [k, decl, els] of o.s) this.sets.set(k, { decl, elements: new Map(els) });
  }
}

function jumpTargets(text: string): string[] {
  const out: string[] = [];
  const re = /\b(?:goto|jump) ([A-Za-z0-9_./-]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push(m[1]!);
  return out;
}

function refersTo(text: string, chain: string): boolean {
  return jumpTargets(text).includes(chain);
}
