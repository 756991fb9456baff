// Loads custom plugin modules (--plugin PATH, resolved from the working directory) and validates
// their shape. Every problem is one InputError line naming the module and what is wrong (exit 2).

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, oneLine } from '../../k8s/errors.js';
import { IN_TREE_PLUGINS } from '../config.js';
import type { CustomPlugin, CustomPlugins, LoadedPlugin, Normalize } from './api.js';

const NORMALIZE: readonly Normalize[] = ['none', 'default', 'reverse'];
const NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** Imports a module's default export; InputError when the file is missing or does not evaluate. */
export async function importModule(path: string): Promise<unknown> {
  const abs = resolve(process.cwd(), path);
  if (!existsSync(abs)) throw new InputError({ file: path }, 'plugin module not found');
  if (!statSync(abs).isFile()) throw new InputError({ file: path }, 'plugin module is not a file');
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (err) {
    const e = err as Error;
    throw new InputError({ file: path }, `cannot load plugin module: ${e?.name ?? 'Error'}: ${oneLine(String(e?.message ?? err))}`);
  }
  if (!('default' in mod) || mod.default === undefined) {
    throw new InputError({ file: path }, 'plugin module has no default export (export default a plugin object or an array of them)');
  }
  return mod.default;
}

/** Checks one exported value; returns the engine-facing form. */
export function validatePlugin(value: unknown, path: string, where: string): LoadedPlugin {
  const fail = (detail: string, name?: string): never => {
    throw new InputError({ file: path, object: name ? `plugin "${name}"` : where }, detail);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`expected a plugin object, got ${describe(value)}`);
  const p = value as Record<string, unknown>;
  if (typeof p.name !== 'string' || p.name === '') fail(`name must be a non-empty string, got ${describe(p.name)}`);
  const name = p.name as string;
  if (!NAME_RE.test(name)) fail('name must start with a letter and hold only letters, digits, "_", "-" and "."', name);
  if (IN_TREE_PLUGINS[name]) fail(`name clashes with the in-tree plugin ${name}`, name);
  if (p.vectorised !== undefined && typeof p.vectorised !== 'boolean') fail(`vectorised must be true or false, got ${describe(p.vectorised)}`, name);
  for (const fn of ['prepare', 'filter', 'score'] as const) {
    if (p[fn] !== undefined && typeof p[fn] !== 'function') fail(`${fn} must be a function, got ${describe(p[fn])}`, name);
  }
  if (p.filter === undefined && p.score === undefined) fail('implements neither filter nor score', name);
  if (p.normalize !== undefined && !NORMALIZE.includes(p.normalize as Normalize)) {
    fail(`normalize must be one of ${NORMALIZE.map((n) => `"${n}"`).join(', ')}, got ${describe(p.normalize)}`, name);
  }
  if (p.normalize !== undefined && p.score === undefined) fail('normalize is set but the plugin has no score function', name);
  if (p.reason !== undefined && (typeof p.reason !== 'string' || p.reason === '')) fail(`reason must be a non-empty string, got ${describe(p.reason)}`, name);
  const vectorised = p.vectorised === true;
  const perNodeArity = vectorised ? 5 : 2;
  for (const fn of ['filter', 'score'] as const) {
    const f = p[fn] as ((...a: unknown[]) => unknown) | undefined;
    if (f && f.length > perNodeArity) fail(`${fn} takes ${f.length} parameters; the ${vectorised ? 'vectorised' : 'per-node'} form passes ${perNodeArity}`, name);
  }
  return {
    name, module: path, vectorised,
    filters: p.filter !== undefined, scores: p.score !== undefined,
    normalize: (p.normalize as Normalize | undefined) ?? 'none',
    reason: (p.reason as string | undefined) ?? `node(s) didn't satisfy plugin ${name}`,
    impl: value as CustomPlugin,
  };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v);
  return `${typeof v} ${String(v)}`;
}

/** Loads every module (in order) and checks names are unique across them. */
export async function loadPlugins(paths: readonly string[]): Promise<CustomPlugins> {
  const byName = new Map<string, LoadedPlugin>();
  for (const path of paths) {
    const exported = await importModule(path);
    const list = Array.isArray(exported) ? exported : [exported];
    if (list.length === 0) throw new InputError({ file: path }, 'default export is an empty array');
    list.forEach((v, i) => {
      const lp = validatePlugin(v, path, Array.isArray(exported) ? `default export[${i}]` : 'default export');
      const prev = byName.get(lp.name);
      if (prev) throw new InputError({ file: path, object: `plugin "${lp.name}"` }, `name already used by a plugin of ${prev.module}`);
      byName.set(lp.name, lp);
    });
  }
  return { modules: [...paths], byName };
}

/** Plugins from `--plugin` (commander collects a list), or undefined when none were given. */
export async function pluginsFromOption(value: unknown): Promise<CustomPlugins | undefined> {
  const paths = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
  return paths.length === 0 ? undefined : loadPlugins(paths);
}
