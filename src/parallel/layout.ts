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
//   C_SPLIT   where the main thread's shard ends (moved job by job to balance the threads)
// ties: Int32Array over node positions (positions in the scheduler's node order, not table rows):
//   worker w writes the positions of its nodes that reach its max total from its first position on.
// results: Float64Array, RESULT_STRIDE per worker: max total among its feasible nodes, how many
//   reach it, how many feasible nodes it found, and the max raw NodeAffinity and TaintToleration
//   scores among them.

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
/** Where the main thread's shard ends for the current job (the workers share the positions after it). */
export const C_SPLIT = 12;
export const CONTROL_WORDS = 16;

export const CMD_JOB = 1;
export const CMD_STOP = 2;
/** Fault injection for tests: the worker named in C_PLAN throws (FAULT_THROW) or exits its thread (FAULT_EXIT). */
export const CMD_FAULT = 3;
export const FAULT_THROW = 1;
export const FAULT_EXIT = 2;
export const C_FAULT = 7;

import type { MessagePort } from 'node:worker_threads';

export { RESULT_STRIDE, R_MAX, R_TIES, R_FEASIBLE, R_MAX_AFFINITY, R_MAX_TAINT, shardRange } from '../scheduler/fast/shard.js';
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

