// The environment every results document opens with: machine, runtime, commit, and a no-op
// baseline (what timing nothing costs here: the floor under every figure).

import { execFileSync } from 'node:child_process';
import { arch, cpus, platform, release } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { ResultsEnvironment } from './schema.js';

/** `git rev-parse HEAD` in `cwd`, or "unknown" (no git, not a checkout). */
export function gitCommit(cwd = process.cwd()): string {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : 'unknown';
  } catch {
    return 'unknown';
  }
}

let sink = 0;
const noop = (i: number): number => i;

/**
 * Median ns per call of a function that does nothing, over `batches` batches of `calls` calls.
 * The sink keeps the loop from being removed; it is read after timing.
 */
export function noopBaseline(batches = 21, calls = 100_000): { medianNs: number; samplesNs: number[] } {
  const samplesNs: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) sink += noop(i) & 1;
    samplesNs.push(((performance.now() - t0) * 1e6) / calls);
  }
  if (sink === -1) process.stderr.write('');
  const sorted = [...samplesNs].sort((a, b) => a - b);
  return { medianNs: sorted[sorted.length >> 1]!, samplesNs };
}

export function captureEnvironment(opts: { cwd?: string; now?: Date; baseline?: boolean } = {}): ResultsEnvironment {
  const c = cpus();
  const env: ResultsEnvironment = {
    cpuModel: c[0]?.model.trim() || 'unknown',
    cores: Math.max(1, c.length),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    gitCommit: gitCommit(opts.cwd),
    timestamp: (opts.now ?? new Date()).toISOString(),
    baseline: {},
  };
  if (opts.baseline !== false) {
    const b = noopBaseline();
    env.baseline = { noopMedianNs: b.medianNs };
    env.baselineSamples = { noopMedianNs: b.samplesNs };
  }
  return env;
}
