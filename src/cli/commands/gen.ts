// kubescale gen: writes a seeded synthetic cluster as multi-document YAML, a JSON `List`, or a
// msgpack snapshot. YAML and JSON are streamed: each object is serialized on its own and written
// in ~1 MiB chunks to a temp file that is renamed into place at the end (an interrupted run never
// leaves half a file). A hand-rolled YAML emitter keeps 150,000 pods within a few seconds; it
// quotes every string a YAML 1.1 or 1.2 reader could take for anything but a string.

import { closeSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { GEN_DEFAULTS, generateObjects, genOptionsError, type GenOptions } from '../../k8s/gen.js';
import type { ClusterObjects, KubeObject } from '../../k8s/types.js';
import { UsageError, writeFileAtomic } from '../common.js';

export type GenFormat = 'yaml' | 'json' | 'msgpack';

// ---- YAML ----

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./@+=-]*(?::[A-Za-z0-9_./@+=-]+)*$/;
const QUANTITY = /^[0-9]+(?:\.[0-9]+)?(?:m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi|Ei)$/;
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n)$/i;

/** A string as a YAML scalar: plain when unambiguous, else double-quoted (JSON escapes are valid YAML). */
export function yamlString(s: string): string {
  if ((PLAIN.test(s) && !RESERVED.test(s)) || QUANTITY.test(s)) return s;
  return JSON.stringify(s);
}

function scalar(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string': return yamlString(v);
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`cannot write ${v} as YAML`);
      return String(v);
    case 'boolean': return v ? 'true' : 'false';
    default: throw new TypeError(`cannot write a ${typeof v} as YAML`);
  }
}

function isEmptyCollection(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
  if (v !== null && typeof v === 'object') {
    for (const k in v) if ((v as Record<string, unknown>)[k] !== undefined) return undefined;
    return '{}';
  }
  return undefined;
}

function writeMap(obj: Record<string, unknown>, pad: string, out: string[]): void {
  for (const k in obj) {
    const v = obj[k];
    if (v === undefined) continue;
    const head = pad + yamlString(k) + ':';
    if (v === null || typeof v !== 'object') out.push(head + ' ' + scalar(v) + '\n');
    else {
      const empty = isEmptyCollection(v);
      if (empty) out.push(head + ' ' + empty + '\n');
      else if (Array.isArray(v)) {
        out.push(head + '\n');
        writeSeq(v, pad, out); // kubectl style: sequences sit at their key's indentation
      } else {
        out.push(head + '\n');
        writeMap(v as Record<string, unknown>, pad + '  ', out);
      }
    }
  }
}

function writeSeq(arr: unknown[], pad: string, out: string[]): void {
  for (const item of arr) {
    if (item === null || typeof item !== 'object') {
      out.push(pad + '- ' + scalar(item ?? null) + '\n');
      continue;
    }
    const empty = isEmptyCollection(item);
    if (empty) out.push(pad + '- ' + empty + '\n');
    else if (Array.isArray(item)) {
      out.push(pad + '-\n');
      writeSeq(item, pad + '  ', out);
    } else {
      // The item's first key shares the "- " line: write the map two deeper, then swap the pad.
      const start = out.length;
      writeMap(item as Record<string, unknown>, pad + '  ', out);
      out[start] = pad + '- ' + out[start]!.slice(pad.length + 2);
    }
  }
}

/** One YAML document (without the `---` separator) for a JSON-shaped value. */
export function toYaml(obj: Record<string, unknown>): string {
  const out: string[] = [];
  writeMap(obj, '', out);
  return out.join('');
}

// ---- streaming writers ----

/** The manifest text of the generated cluster, piece by piece. */
export function* manifestChunks(objects: Iterable<KubeObject>, format: 'yaml' | 'json'): Generator<string> {
  if (format === 'yaml') {
    for (const obj of objects) yield '---\n' + toYaml(obj);
    return;
  }
  yield '{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[';
  let first = true;
  for (const obj of objects) {
    yield (first ? '\n' : ',\n') + JSON.stringify(obj);
    first = false;
  }
  yield '\n]}\n';
}

const CHUNK_CHARS = 1 << 20;

/** Writes chunks through a temp file renamed into place; `-` writes to stdout. Returns bytes written. */
export function writeChunksAtomic(path: string, chunks: Iterable<string>): number {
  const toStdout = path === '-';
  let fd = 1;
  let tmp = '';
  if (!toStdout) {
    mkdirSync(dirname(path), { recursive: true });
    tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    fd = openSync(tmp, 'w');
  }
  let bytes = 0;
  try {
    let buf: string[] = [];
    let size = 0;
    const flush = () => {
      if (!buf.length) return;
      const data = Buffer.from(buf.join(''), 'utf8');
      for (let off = 0; off < data.length;) off += writeSync(fd, data, off);
      bytes += data.length;
      buf = [];
      size = 0;
    };
    for (const c of chunks) {
      buf.push(c);
      size += c.length;
      if (size >= CHUNK_CHARS) flush();
    }
    flush();
  } catch (err) {
    if (!toStdout) {
      closeSync(fd);
      unlinkSync(tmp);
    }
    throw err;
  }
  if (!toStdout) {
    closeSync(fd);
    renameSync(tmp, path);
  }
  return bytes;
}

// ---- msgpack ----

type EncodeSnapshot = (cluster: ClusterObjects) => Uint8Array;
type LoadInputs = (paths: string[]) => Promise<ClusterObjects>;

/** Modules other people own, loaded by a computed path so this command builds before they exist. */
async function optionalImport<T>(rel: string, name: string): Promise<T | undefined> {
  try {
    const mod = (await import(new URL(rel, import.meta.url).href)) as Record<string, unknown>;
    return typeof mod[name] === 'function' ? (mod[name] as T) : undefined;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

/**
 * A snapshot holds the loaded cluster, so the manifests are written to a scratch file and loaded
 * exactly as `kubescale snapshot gen.yaml` would load them.
 */
async function writeSnapshot(opts: GenOptions, path: string): Promise<void> {
  const encodeSnapshot = await optionalImport<EncodeSnapshot>('../../model/snapshot.js', 'encodeSnapshot');
  const loadInputs = await optionalImport<LoadInputs>('../../k8s/load.js', 'loadInputs');
  if (!encodeSnapshot) throw new UsageError('msgpack output needs src/model/snapshot.ts (encodeSnapshot)');
  if (!loadInputs) throw new UsageError('msgpack output needs src/k8s/load.ts (loadInputs)');
  const dir = mkdtempSync(join(tmpdir(), 'kubescale-gen-'));
  try {
    const scratch = join(dir, 'cluster.json'); // JSON loads far faster than YAML
    writeChunksAtomic(scratch, manifestChunks(generateObjects(opts), 'json'));
    const cluster = await loadInputs([scratch]);
    writeFileAtomic(path, encodeSnapshot(cluster));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- command ----

export function genOptionsFrom(opts: Record<string, unknown>): GenOptions {
  const num = (k: string, d: number) => (opts[k] === undefined ? d : Number(opts[k]));
  const o: GenOptions = {
    nodes: num('nodes', GEN_DEFAULTS.nodes),
    pods: num('pods', GEN_DEFAULTS.pods),
    zones: num('zones', GEN_DEFAULTS.zones),
    services: num('services', GEN_DEFAULTS.services),
    bound: num('bound', GEN_DEFAULTS.bound),
    expand: Boolean(opts.expand),
    seed: num('seed', GEN_DEFAULTS.seed),
  };
  const err = genOptionsError(o);
  if (err) throw new UsageError(err);
  return o;
}

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  if (args.length) throw new UsageError(`gen takes no arguments, got ${JSON.stringify(args[0])}`);
  const o = genOptionsFrom(opts);
  const format = (opts.format ?? 'yaml') as GenFormat;
  const out = opts.output;
  if (typeof out !== 'string' || out === '') throw new UsageError('gen needs -o FILE');
  if (format === 'msgpack') {
    if (out === '-') throw new UsageError('msgpack output needs a file (-o FILE)');
    await writeSnapshot(o, out);
  } else {
    const bytes = writeChunksAtomic(out, manifestChunks(generateObjects(o), format));
    if (out !== '-') process.stderr.write(`kubescale gen: wrote ${out} (${bytes} bytes; ${o.nodes} nodes, ${o.pods} pods, ${o.services} services, seed ${o.seed})\n`);
  }
  return 0;
}
