// A column store on one SharedArrayBuffer: the mechanism under NodeTable and PodTable.
//
// Layout (versioned; see docs in tables.ts for the concrete columns):
//   bytes 0..63   header, 16 Int32 words:
//                 [0] magic, [1] layout version, [2] capacity (rows), [3] row count,
//                 [4..15] table-specific dimensions (resource count, slot widths, ...)
//   then every column in declaration order, each starting at an 8-byte aligned offset.
// A column of width W holds W*capacity elements. `order: 'column'` stores W sub-columns one after the
// other (element (row, k) at k*capacity + row) so a kernel over one resource reads a dense run;
// `order: 'row'` stores each row's W slots together (element (row, k) at row*W + k), used for short
// per-row lists such as labels and taints.
// Offsets are a pure function of (capacity, widths), so another thread given only the buffer can
// recompute them from the header and wrap the same memory without copying.

export type ColumnType = 'f64' | 'i32' | 'u32' | 'u16' | 'u8';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  width: number;
  order: 'column' | 'row';
}

export type ColumnArray = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

const BYTES: Record<ColumnType, number> = { f64: 8, i32: 4, u32: 4, u16: 2, u8: 1 };

function view(type: ColumnType, buffer: SharedArrayBuffer, offset: number, length: number): ColumnArray {
  switch (type) {
    case 'f64': return new Float64Array(buffer, offset, length);
    case 'i32': return new Int32Array(buffer, offset, length);
    case 'u32': return new Uint32Array(buffer, offset, length);
    case 'u16': return new Uint16Array(buffer, offset, length);
    case 'u8': return new Uint8Array(buffer, offset, length);
  }
}

export const HEADER_WORDS = 16;
export const HEADER_BYTES = HEADER_WORDS * 4;
/** Header word indices: named constants, one place. */
export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_CAPACITY = 2;
export const H_COUNT = 3;
export const H_DIMS = 4;

function align8(n: number): number {
  return (n + 7) & ~7;
}

export function layoutBytes(specs: readonly ColumnSpec[], capacity: number): { offsets: number[]; total: number } {
  let off = HEADER_BYTES;
  const offsets: number[] = [];
  for (const s of specs) {
    off = align8(off);
    offsets.push(off);
    off += BYTES[s.type] * s.width * capacity;
  }
  return { offsets, total: align8(off) };
}

/** Typed views over one buffer laid out from `specs`. */
export class ColumnStore {
  readonly buffer: SharedArrayBuffer;
  readonly header: Int32Array;
  readonly capacity: number;
  readonly columns: Record<string, ColumnArray>;

  constructor(buffer: SharedArrayBuffer, specs: readonly ColumnSpec[], capacity: number) {
    const { offsets, total } = layoutBytes(specs, capacity);
    if (buffer.byteLength < total) throw new Error(`column store: buffer of ${buffer.byteLength} bytes is smaller than the layout's ${total}`);
    this.buffer = buffer;
    this.capacity = capacity;
    this.header = new Int32Array(buffer, 0, HEADER_WORDS);
    this.columns = {};
    specs.forEach((s, i) => {
      this.columns[s.name] = view(s.type, buffer, offsets[i]!, s.width * capacity);
    });
  }

  static allocate(specs: readonly ColumnSpec[], capacity: number, magic: number, version: number): ColumnStore {
    const { total } = layoutBytes(specs, capacity);
    const store = new ColumnStore(new SharedArrayBuffer(total), specs, capacity);
    store.header[H_MAGIC] = magic;
    store.header[H_VERSION] = version;
    store.header[H_CAPACITY] = capacity;
    return store;
  }
}

/**
 * Copies rows [0, count) of every column from `from` to `to`. Both layouts must share column names;
 * widths may differ (a wider slot list or more resources): the common prefix of slots is copied.
 */
export function copyColumns(from: ColumnStore, fromSpecs: readonly ColumnSpec[], to: ColumnStore, toSpecs: readonly ColumnSpec[], count: number): void {
  const toByName = new Map(toSpecs.map((s) => [s.name, s]));
  for (const fs of fromSpecs) {
    const ts = toByName.get(fs.name);
    if (!ts) continue;
    const src = from.columns[fs.name]!;
    const dst = to.columns[fs.name]!;
    const w = Math.min(fs.width, ts.width);
    if (fs.order === 'column') {
      for (let k = 0; k < w; k++) {
        dst.set(src.subarray(k * from.capacity, k * from.capacity + count), k * to.capacity);
      }
    } else if (fs.width === ts.width) {
      dst.set(src.subarray(0, count * fs.width), 0);
    } else {
      for (let r = 0; r < count; r++) {
        dst.set(src.subarray(r * fs.width, r * fs.width + w), r * ts.width);
      }
    }
  }
}
