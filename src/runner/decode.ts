// Strict decoding of workload files: every value is checked against the shape upstream's
// scheduler_perf decodes (test/integration/scheduler_perf), unknown fields are errors, and every
// error names the file and the path inside it (`workload.yaml: [0].workloadTemplate[2].countParam: ...`).

import { InputError } from '../k8s/errors.js';

export type Rec = Record<string, unknown>;

/** Where a value sits: the file and the path inside the document. */
export class Cursor {
  constructor(readonly file: string, readonly path: string) {}
  at(key: string | number): Cursor {
    if (typeof key === 'number') return new Cursor(this.file, `${this.path}[${key}]`);
    return new Cursor(this.file, this.path ? `${this.path}.${key}` : key);
  }
  fail(detail: string): never {
    throw new InputError({ file: this.file, field: this.path || undefined }, detail);
  }
}

export function isRecord(x: unknown): x is Rec {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function typeName(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'list';
  return typeof x === 'object' ? 'object' : typeof x;
}

/** An object with only the given fields (others: "unknown field"). */
export function object(x: unknown, c: Cursor, allowed: readonly string[]): Rec {
  if (!isRecord(x)) c.fail(`expected an object, got ${typeName(x)}`);
  for (const k of Object.keys(x)) {
    if (!allowed.includes(k)) c.at(k).fail(`unknown field ${JSON.stringify(k)}`);
  }
  return x;
}

export function list(x: unknown, c: Cursor): unknown[] {
  if (!Array.isArray(x)) c.fail(`expected a list, got ${typeName(x)}`);
  return x;
}

export function optList(x: unknown, c: Cursor): unknown[] | undefined {
  return x === undefined || x === null ? undefined : list(x, c);
}

export function str(x: unknown, c: Cursor): string {
  if (typeof x !== 'string') c.fail(`expected a string, got ${typeName(x)}`);
  return x;
}

export function optStr(x: unknown, c: Cursor): string | undefined {
  return x === undefined || x === null ? undefined : str(x, c);
}

export function requiredStr(x: unknown, c: Cursor): string {
  if (x === undefined || x === null || x === '') c.fail('Required value');
  return str(x, c);
}

export function optBool(x: unknown, c: Cursor): boolean | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'boolean') c.fail(`expected true or false, got ${typeName(x)}`);
  return x;
}

export function optInt(x: unknown, c: Cursor, min = 0): number | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'number' || !Number.isSafeInteger(x)) c.fail(`expected an integer, got ${JSON.stringify(x)}`);
  if (x < min) c.fail(`must be >= ${min}, got ${x}`);
  return x;
}

export function optNumber(x: unknown, c: Cursor): number | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'number' || !Number.isFinite(x)) c.fail(`expected a number, got ${JSON.stringify(x)}`);
  return x;
}

export function stringList(x: unknown, c: Cursor): string[] | undefined {
  const l = optList(x, c);
  return l?.map((v, i) => str(v, c.at(i)));
}

export function stringMap(x: unknown, c: Cursor): Record<string, string> | undefined {
  if (x === undefined || x === null) return undefined;
  if (!isRecord(x)) c.fail(`expected an object, got ${typeName(x)}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(x)) out[k] = str(v, c.at(k));
  return out;
}

/** A `$name` parameter reference (upstream: every *Param field starts with "$"). */
export function paramRef(x: unknown, c: Cursor): string | undefined {
  const s = optStr(x, c);
  if (s === undefined || s === '') return undefined;
  if (!s.startsWith('$') || s.length < 2) c.fail(`parameter reference must look like "$name", got ${JSON.stringify(s)}`);
  return s.slice(1);
}

/**
 * Go's time.ParseDuration (the format of metav1.Duration): "300ms", "1.5h", "2h45m", "1m30s", "0".
 * Returns milliseconds.
 */
export function parseGoDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let sign = 1;
  let rest = s;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '') return undefined;
  let total = 0;
  re.lastIndex = 0;
  let pos = 0;
  while (pos < rest.length) {
    re.lastIndex = pos;
    const m = re.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]!]!;
    pos = re.lastIndex;
  }
  return sign * total;
}

export function optDuration(x: unknown, c: Cursor): number | undefined {
  if (x === undefined || x === null) return undefined;
  const s = str(x, c);
  const ms = parseGoDuration(s);
  if (ms === undefined) c.fail(`invalid duration ${JSON.stringify(s)} (examples: "500ms", "10s", "1m30s")`);
  if (ms < 0) c.fail(`duration must not be negative, got ${JSON.stringify(s)}`);
  return ms;
}
