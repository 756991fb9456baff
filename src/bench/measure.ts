// The measurement core: repeated timing of a function (wall and CPU), tinybench for micro kernels,
// order statistics. Knows nothing about suites, registration or reports.

import { Bench } from 'tinybench';

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Nearest-rank percentile (p in 0..100), as scheduler_perf's PercX: sorted[ceil(len*p/100) - 1]. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((s.length * p) / 100) - 1)]!;
}

/** A sink against dead-code elimination: measured functions return something, it lands here. */
let sinkValue = 0;
export function sink(v: unknown): void {
  if (typeof v === 'number') sinkValue = (sinkValue + v) | 0;
  else if (typeof v === 'string') sinkValue = (sinkValue + v.length) | 0;
  else if (v !== undefined && v !== null) sinkValue = (sinkValue + 1) | 0;
}
export function sinkState(): number {
  return sinkValue;
}

export interface Timed<T> {
  value: T;
  wallMs: number;
  /** process.cpuUsage user+system: includes V8's GC threads; the fairer figure on a shared machine. */
  cpuMs: number;
}

export function timed<T>(fn: () => T): Timed<T> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

export interface Repeated<T> {
  last: T;
  wallMs: number[];
  cpuMs: number[];
  medianWallMs: number;
  medianCpuMs: number;
}

/**
 * Runs `setup` then times `fn` (setup is outside the timed region) `runs` times after `warmup`
 * untimed runs. Returns every sample and the medians.
 */
export function repeat<S, T>(opts: { runs: number; warmup?: number }, setup: () => S, fn: (s: S) => T): Repeated<T> {
  let last!: T;
  for (let i = 0; i < (opts.warmup ?? 0); i++) sink((last = fn(setup())));
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < Math.max(1, opts.runs); i++) {
    const s = setup();
    const t = timed(() => fn(s));
    last = t.value;
    sink(last);
    wallMs.push(t.wallMs);
    cpuMs.push(t.cpuMs);
  }
  return { last, wallMs, cpuMs, medianWallMs: median(wallMs), medianCpuMs: median(cpuMs) };
}

export interface MicroStats {
  medianNs: number;
  meanNs: number;
  p99Ns: number;
  /** Relative margin of error of the mean (95 %), percent. */
  rmePct: number;
  samplesCount: number;
  opsPerSec: number;
}

/** Times one function with tinybench (warm-up, then `timeMs` of samples); its result goes to the sink. */
export function micro(name: string, fn: () => unknown, timeMs: number): MicroStats {
  const bench = new Bench({ time: timeMs, warmupTime: Math.max(10, timeMs / 5), iterations: 16, throws: true });
  bench.add(name, () => {
    sink(fn());
  });
  bench.runSync();
  const r = bench.tasks[0]!.result;
  if (r.state !== 'completed') throw new Error(`micro ${name}: tinybench state ${r.state}`);
  const ms = r.latency;
  return {
    medianNs: ms.p50 * 1e6,
    meanNs: ms.mean * 1e6,
    p99Ns: ms.p99 * 1e6,
    rmePct: ms.mean > 0 ? (ms.moe / ms.mean) * 100 : 0,
    samplesCount: ms.samplesCount,
    opsPerSec: ms.p50 > 0 ? 1000 / ms.p50 : 0,
  };
}

/** FNV-1a over a string: checksums of measured output, computed outside timed regions. */
export function checksumOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
