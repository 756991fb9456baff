// String interning: every label key, label value, taint key, namespace, image and name used by the
// tables is replaced by a dense integer id. Id 0 is reserved for "absent" so a zeroed column means
// "no value". Interners are append-only, so ids stay valid while tables grow and across threads
// (a worker receives the string list once and rebuilds the same mapping).

export const NO_ID = 0;

export class Interner {
  private readonly ids = new Map<string, number>();
  readonly strings: string[] = [''];

  constructor(strings?: readonly string[]) {
    if (strings) {
      if (strings[0] !== '') throw new Error('interner: string list must start with the reserved empty entry');
      for (let i = 1; i < strings.length; i++) {
        this.strings.push(strings[i]!);
        this.ids.set(strings[i]!, i);
      }
    }
  }

  /** Id of s, adding it when new. */
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  /** Id of s, or NO_ID when s was never interned (a selector value no object carries). */
  lookup(s: string): number {
    return this.ids.get(s) ?? NO_ID;
  }

  get(id: number): string {
    const s = this.strings[id];
    if (s === undefined) throw new RangeError(`interner: unknown id ${id}`);
    return s;
  }

  get size(): number {
    return this.strings.length;
  }
}

/** The interners one cluster uses. Keys and values share one table so ids compare across kinds. */
export interface Interners {
  /** Label keys and values, taint keys and values, topology keys. */
  labels: Interner;
  namespaces: Interner;
  images: Interner;
  /** Node names, pod names ("namespace/name"), owner names. */
  names: Interner;
  /** Resource names: index order is the tables' resource column order. */
  resources: Interner;
}

export function newInterners(): Interners {
  return { labels: new Interner(), namespaces: new Interner(), images: new Interner(), names: new Interner(), resources: new Interner() };
}
