// Helpers shared by the command modules.

import { writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/** Bad flags or flag combinations (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function notYetImplemented(command: string, issue: string): never {
  throw new UsageError(`${command}: not yet implemented (${issue})`);
}

/** Writes a file atomically (temp file + rename) so a failed run never leaves half a file. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/**
 * `--workers N` (default: the machine's available cores). One worker means one thread and no pool.
 * With more, a shard pool is opened for the fast engine, which hands it only the cycles that examine
 * every node of a cluster of PARALLEL_MIN_NODES or more and that no per-plan totals cache answers
 * (scores normalised over the feasible set): below that size (measured, see reports/BENCHMARKS.md)
 * the per-pod hand-off costs more than the shards save, and the cycle runs on one thread.
 */
export async function openShardPool(workersOpt: unknown, engine: string, pluginModules: string[] = []): Promise<import('../parallel/pool.js').ShardPool | undefined> {
  const { availableParallelism } = await import('node:os');
  const workers = workersOpt === undefined ? availableParallelism() : Number(workersOpt);
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a positive integer, got ${String(workersOpt)}`);
  if (workers === 1 || engine !== 'fast') return undefined;
  const { ShardPool } = await import('../parallel/pool.js');
  const { NodeTable, clusterInterners } = await import('../model/tables.js');
  // The scheduler's own tables reach the workers with the first job.
  return ShardPool.open(workers, NodeTable.create(clusterInterners(), 1), new Int32Array(0), pluginModules);
}
