// The programmed service ports in output order, kept in chunks of at most CHUNK_MAX ports. Each
// chunk caches the joined text of its ports' always-rewritten lines (KUBE-SERVICES, KUBE-NODEPORTS,
// filter chains), so a sync concatenates ~n/64 cached strings per top-level chain and a change
// re-joins only the chunk it touched: work in the size of the change, not of the cluster.

import type { PortPlan } from './rules.js';
import type { TopText } from './restore.js';
import { compareServicePorts, type ServicePortInfo } from '../service.js';

export interface OrderedPort {
  info: ServicePortInfo;
  plan: PortPlan;
}

const CHUNK_MAX = 128;
const CHUNK_FILL = 64;

/** Top-level line groups, in the order TopText lists them. */
const GROUPS = ['filterNodePorts', 'filterServices', 'filterExternal', 'filterFirewall', 'natNodePorts', 'natServices'] as const;

interface Chunk<P extends OrderedPort> {
  ports: P[];
  /** Joined "\n"-terminated lines per group; undefined when stale. */
  text: string[] | undefined;
  filterCount: number;
  natCount: number;
}

const cmp = (a: OrderedPort, b: OrderedPort) => compareServicePorts(a.info, b.info);

export class OrderedPorts<P extends OrderedPort> {
  private chunks: Chunk<P>[] = [];
  private count = 0;
  private topCache: TopText | undefined;

  get size(): number {
    return this.count;
  }

  *[Symbol.iterator](): IterableIterator<P> {
    for (const c of this.chunks) yield* c.ports;
  }

  /** Replaces everything with `ports` (any order): one sort instead of n binary insertions. */
  reset(ports: P[]): void {
    ports.sort(cmp);
    this.chunks = [];
    for (let i = 0; i < ports.length; i += CHUNK_FILL) this.chunks.push(newChunk(ports.slice(i, i + CHUNK_FILL)));
    this.count = ports.length;
    this.topCache = undefined;
  }

  insert(p: P): void {
    this.count++;
    this.topCache = undefined;
    if (this.chunks.length === 0) {
      this.chunks.push(newChunk([p]));
      return;
    }
    const ci = this.chunkFor(p);
    const c = this.chunks[ci]!;
    c.ports.splice(lowerBound(c.ports, p), 0, p);
    c.text = undefined;
    if (c.ports.length > CHUNK_MAX) this.chunks.splice(ci, 1, newChunk(c.ports.slice(0, CHUNK_FILL)), newChunk(c.ports.slice(CHUNK_FILL)));
  }

  remove(p: P): boolean {
    let ci = this.chunkFor(p);
    let i = this.chunks[ci] ? this.chunks[ci]!.ports.indexOf(p) : -1;
    if (i < 0) {
      // Equal keys may straddle a chunk boundary; fall back to a scan.
      ci = this.chunks.findIndex((c) => c.ports.includes(p));
      if (ci < 0) return false;
      i = this.chunks[ci]!.ports.indexOf(p);
    }
    const c = this.chunks[ci]!;
    c.ports.splice(i, 1);
    c.text = undefined;
    if (c.ports.length === 0) this.chunks.splice(ci, 1);
    this.count--;
    this.topCache = undefined;
    return true;
  }

  /** Marks the chunk holding p stale (its plan's top-level lines changed). */
  touched(p: P): void {
    const ci = this.chunkFor(p);
    const c = this.chunks[ci];
    if (c && c.ports.includes(p)) c.text = undefined;
    else for (const x of this.chunks) if (x.ports.includes(p)) x.text = undefined;
    this.topCache = undefined;
  }

  /** The always-rewritten text, from the chunks' cached joins (re-joining only stale chunks). */
  top(): TopText {
    if (this.topCache) return this.topCache;
    const parts: string[][] = GROUPS.map(() => []);
    let filterCount = 0, natCount = 0;
    for (const c of this.chunks) {
      if (!c.text) joinChunk(c);
      for (let g = 0; g < GROUPS.length; g++) if (c.text![g]) parts[g]!.push(c.text![g]!);
      filterCount += c.filterCount;
      natCount += c.natCount;
    }
    this.topCache = {
      filterNodePorts: parts[0]!, filterServices: parts[1]!, filterExternal: parts[2]!, filterFirewall: parts[3]!,
      natNodePorts: parts[4]!, natServices: parts[5]!, filterCount, natCount,
    };
    return this.topCache;
  }

  /** Index of the last chunk whose first port is <= p (0 when p sorts first). */
  private chunkFor(p: P): number {
    let lo = 0, hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cmp(this.chunks[mid]!.ports[0]!, p) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function newChunk<P extends OrderedPort>(ports: P[]): Chunk<P> {
  return { ports, text: undefined, filterCount: 0, natCount: 0 };
}

function lowerBound<P extends OrderedPort>(a: readonly P[], p: P): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(a[mid]!, p) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function joinChunk<P extends OrderedPort>(c: Chunk<P>): void {
  const text: string[] = [];
  c.filterCount = 0;
  c.natCount = 0;
  for (let g = 0; g < GROUPS.length; g++) {
    const key = GROUPS[g]!;
    let t = '';
    for (const p of c.ports) {
      const lines = p.plan[key];
      for (let i = 0; i < lines.length; i++) t += lines[i]! + '\n';
      if (g < 4) c.filterCount += lines.length;
      else c.natCount += lines.length;
    }
    if (t) t.charCodeAt(0); // flatten once; the chunk is reused by every sync until it changes
    text.push(t);
  }
  c.text = text;
}
