// Shared-memory layout of the sharded Filter/Score hand-off between the main thread and the shard
// workers. Slot indices are named here and nowhere else.
//
// control: Int32Array on a SharedArrayBuffer
//   C_SEQ     job sequence number; the main thread increments it to start a job (workers Atomics.wait on it)
//   C_CMD     CMD_JOB or CMD_STOP
//   C_PLAN    id of the compiled plan the job uses (workers receive plans through their MessagePort first)
//   C_DONE    number of workers finished with the current job (the main thread waits on it)
//   C_READY   number of workers that entered their loop
//   C_TABLE   NodeTable generation the job expects (a reallocated table is sent through the port first)
//   C_ERROR   set to 1 by a worker that caught an error (its message goes through the port)
//   C_MAX_AFFINITY, C_MAX_TAINT  the normalisation maxima of the job (see ShardRunner.job)
//   C_SLEEPERS, C_MAIN_SLEEPING  who sleeps on a futex (the others spin): Atomics.notify only for them
//   C_CHUNKS, C_NEXT_CHUNK, C_CHUNKS_DONE, C_JOB_TAG  the job's positions come in chunks of
//             SHARD_CHUNK; threads claim the next with a compare-exchange and count the ones they finish
//   C_MESSAGES  messages posted to the workers' ports (a worker drains its port only when it moved)
//   C_HEARTBEAT + w  commands seen by worker w (the main thread notices a worker that stopped)
// ties: Int32Array over node positions (positions in the scheduler's node order, not table rows):
//   the thread that takes chunk c writes the positions of its nodes that reach the chunk's max total
//   from the chunk's first position on.
// results: Float64Array, RESULT_STRIDE per chunk: max total among its feasible nodes, how many reach
//   it, how many feasible nodes it has, and the max raw NodeAffinity and TaintToleration scores among them.
// Memos (per plan: node version, filter result and partial total per node row) are shared by all
// threads on SharedArrayBuffers; the Atomics of the job hand-off order their plain writes.

export const C_SEQ = 0;
export const C_CMD = 1;
export const C_PLAN = 2;
export const C_DONE = 3;
export const C_READY = 4;
export const C_TABLE = 5;
export const C_ERROR = 6;
export const C_MAX_AFFINITY = 8;
export const C_MAX_TAINT = 9;
/** Workers sleeping in Atomics.wait on C_SEQ, and 1 while the main thread sleeps on C_DONE: a notify is needed only then. */
export const C_SLEEPERS = 10;
export const C_MAIN_SLEEPING = 11;
/** How many chunks the current job has. */
export const C_CHUNKS = 12;
/**
 * The chunks left, tagged with the job (chunkWord). A thread claims a chunk with
 * Atomics.compareExchange only while the tag is its job's, so a late thread cannot take a chunk of a
 * newer job with an older job's parameters.
 */
export const C_NEXT_CHUNK = 13;
/** Chunks finished in the current job (the main thread waits for all it posted). */
export const C_CHUNKS_DONE = 14;
/** The current job's tag (15 bits). */
export const C_JOB_TAG = 15;
/** Messages posted to the workers' ports so far: a worker reads its port only when this moved. */
export const C_MESSAGES = 16;
/** Per worker w (1..MAX_WORKERS), C_HEARTBEAT + w counts the commands it has seen (liveness). */
export const C_HEARTBEAT = 17;
/** Most worker threads a pool can have (CONTROL_WORDS holds their heartbeats). */
export const MAX_WORKERS = 64;
export const CONTROL_WORDS = C_HEARTBEAT + MAX_WORKERS + 1;

export const CMD_JOB = 1;
export const CMD_STOP = 2;
/** Fault injection for tests: the worker named in C_PLAN throws (FAULT_THROW) or exits its thread (FAULT_EXIT). */
export const CMD_FAULT = 3;
export const FAULT_THROW = 1;
export const FAULT_EXIT = 2;
export const C_FAULT = 7;

/** Packs the chunk counter word: job tag (8 bits), next chunk from the front, end of the chunks left (12 bits each). */
export function chunkWord(tag: number, front: number, back: number): number {
  return ((tag & 0xff) << 24) | ((front & 0xfff) << 12) | (back & 0xfff);
}

/** Most chunks a job can have (12 bits). */
export const MAX_CHUNKS = 0xfff;

/**
 * Claims chunks of the job tagged `tag`: the main thread takes them from the front, workers from
 * the back, so each thread mostly meets the same chunks job after job (their memo entries stay in
 * its cache) while the boundary moves to wherever the threads meet. A claim takes a quarter of what
 * is left (at least one chunk), so a job needs few claims on the shared counter while the last ones
 * stay small. Writes the first chunk to out[0] and returns how many were claimed: 0 when none is left
 * or the job is no longer the current one.
 */
export function claimChunks(control: Int32Array, tag: number, fromFront: boolean, out: Int32Array): number {
  for (;;) {
    const v = Atomics.load(control, C_NEXT_CHUNK);
    if (v >>> 24 !== (tag & 0xff)) return 0;
    const front = (v >>> 12) & 0xfff;
    const back = v & 0xfff;
    if (front >= back) return 0;
    const take = Math.max(1, (back - front) >> 2);
    const next = fromFront ? chunkWord(tag, front + take, back) : chunkWord(tag, front, back - take);
    if (Atomics.compareExchange(control, C_NEXT_CHUNK, v, next) === v) {
      out[0] = fromFront ? front : back - take;
      return take;
    }
  }
}

import type { MessagePort } from 'node:worker_threads';

export { RESULT_STRIDE, R_MAX, R_TIES, R_FEASIBLE, R_MAX_AFFINITY, R_MAX_TAINT, SHARD_CHUNK } from '../scheduler/fast/shard.js';
export type { ShardPlan, ShardRecipe } from '../scheduler/fast/shard.js';

export interface ShardTask {
  workerIndex: number;
  workers: number;
  control: Int32Array;
  nodeBuffer: SharedArrayBuffer;
  order: Int32Array;
  ties: Int32Array;
  results: Float64Array;
  port: MessagePort;
  /** Custom plugin modules (--plugin paths, resolved from the working directory) every worker imports at start. */
  pluginModules?: string[];
}

