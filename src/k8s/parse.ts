// Reading input files into plain objects: YAML (multi-document) or JSON, single objects or lists
// (`kind: List`, `kind: PodList`, ... as `kubectl get -o yaml|json` prints them), directories.
// Guards: a size cap (no multi-gigabyte reads), YAML alias expansion capped (no "billion laughs"),
// and every parse error reported as one line naming the file and the line.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { InputError } from './errors.js';
import type { KubeObject } from './types.js';

/** Largest input file read (V8 strings stop a little above 512 MiB). */
export const MAX_INPUT_BYTES = 400 * 1024 * 1024;
/** Aliases a YAML document may expand (the yaml library counts nested expansions). */
export const MAX_YAML_ALIASES = 1000;

export interface SourcedObject {
  file: string;
  /** Position in the file, for messages ("document 3", "items[4]"). */
  where: string;
  object: KubeObject;
}

export const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Expands directories into their manifest files (sorted, not recursive), keeping other paths as given. */
export function expandPaths(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new InputError({ file: p }, 'no such file or directory');
    }
    if (st.isDirectory()) {
      const entries = readdirSync(p).filter((f) => MANIFEST_EXTENSIONS.has(extname(f).toLowerCase())).sort();
      for (const f of entries) out.push(join(p, f));
    } else {
      out.push(p);
    }
  }
  return out;
}

export function readText(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new InputError({ file }, 'no such file or directory');
  }
  if (size > MAX_INPUT_BYTES) {
    throw new InputError({ file }, `file is ${Math.round(size / 1048576)} MiB; inputs over ${MAX_INPUT_BYTES / 1048576} MiB are refused (write a .msgpack snapshot with 'kubescale snapshot' instead)`);
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError({ file }, `cannot read: ${(err as Error).message}`);
  }
}

function looksLikeJson(file: string, text: string): boolean {
  if (extname(file).toLowerCase() === '.json') return true;
  const m = /^\s*(\S)/.exec(text);
  return m !== null && (m[1] === '{' || m[1] === '[');
}

/** 1-based line number of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Parses one file's text into the documents it holds (lists not yet flattened). */
export function parseDocuments(file: string, text: string): { doc: unknown; where: string }[] {
  if (looksLikeJson(file, text)) {
    try {
      const v = JSON.parse(text) as unknown;
      return Array.isArray(v) ? v.map((d, i) => ({ doc: d, where: `[${i}]` })) : [{ doc: v, where: '' }];
    } catch (err) {
      if (extname(file).toLowerCase() === '.json') {
        // V8 reports a character offset only; a line number is what a user can act on in a large file.
        const msg = (err as Error).message;
        const at = /at position (\d+)/.exec(msg);
        const line = at && !/\(line \d+/.test(msg) ? ` (line ${lineAt(text, Number(at[1]))})` : '';
        throw new InputError({ file }, `invalid JSON: ${msg}${line}`);
      }
      // Not JSON after all (YAML flow style): fall through to YAML.
    }
  }
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, strict: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: { doc: unknown; where: string }[] = [];
  list.forEach((d, i) => {
    if (d.errors.length > 0) {
      const e = d.errors[0]!;
      // linePos is only filled with prettyErrors; pos (source offsets) always is.
      const line = e.linePos?.[0]?.line ?? (e.pos ? lineAt(text, e.pos[0]) : undefined);
      throw new InputError({ file }, `invalid YAML${line ? ` at line ${line}` : ''}: ${e.message.split('\n')[0]}`);
    }
    let value: unknown;
    try {
      value = d.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (err) {
      throw new InputError({ file }, `invalid YAML in document ${i + 1}: ${(err as Error).message.split('\n')[0]}`);
    }
    if (value !== null && value !== undefined) out.push({ doc: value, where: list.length > 1 ? `document ${i + 1}` : '' });
  });
  return out;
}

/** Flattens lists (`kind: List`, `kind: XxxList` with `items`) into individual objects. */
export function flattenDocuments(file: string, docs: { doc: unknown; where: string }[]): SourcedObject[] {
  const out: SourcedObject[] = [];
  const visit = (doc: unknown, where: string) => {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      throw new InputError({ file, ...(where ? { object: where } : {}) }, 'expected a Kubernetes object (a mapping with apiVersion and kind)');
    }
    const obj = doc as KubeObject;
    const items = (obj as { items?: unknown }).items;
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && items !== undefined && !Array.isArray(items)) {
      throw new InputError({ file, object: `${obj.kind}${where ? ' ' + where : ''}`, field: 'items' }, 'Invalid value: must be a list');
    }
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(items)) {
      ((obj as { items: unknown[] }).items).forEach((item, i) => {
        // Items of typed lists (PodList, as the API server returns them) omit kind and apiVersion;
        // kubectl fills both from the list.
        if (item && typeof item === 'object' && !Array.isArray(item) && obj.kind !== 'List' && (item as KubeObject).kind === undefined) {
          (item as KubeObject).kind = obj.kind!.slice(0, -4);
          if ((item as KubeObject).apiVersion === undefined && typeof obj.apiVersion === 'string') (item as KubeObject).apiVersion = obj.apiVersion;
        }
        visit(item, `${where ? where + ' ' : ''}items[${i}]`);
      });
      return;
    }
    out.push({ file, where, object: obj });
  };
  for (const { doc, where } of docs) visit(doc, where);
  return out;
}
