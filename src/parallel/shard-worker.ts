// A shard worker: wraps the shared NodeTable, then loops for the life of the pool. For each job it
// claims chunks of node positions (from the back; the main thread claims from the front), filters and
// scores them for one pod, and writes each chunk's best positions and a small summary into shared memory. Piscina owns the thread's lifecycle; the per-pod
// hand-off uses Atomics (a message per pod would cost more than the work).

import { receiveMessageOnPort } from 'node:worker_threads';
import { newInterners } from '../model/intern.js';
import { NodeTable } from '../model/tables.js';
import {
  C_CMD, C_DONE, C_ERROR, C_FAULT, C_MAIN_SLEEPING, C_MAX_AFFINITY, C_MAX_TAINT, C_PLAN, C_READY, C_SEQ, C_SLEEPERS, C_CHUNKS_DONE, C_HEARTBEAT, C_JOB_TAG, C_MESSAGES, C_TABLE, claimChunks, CMD_FAULT, CMD_STOP, FAULT_EXIT, RESULT_STRIDE, SHARD_CHUNK,
  type ShardPlan, type ShardTask,
} from './layout.js';
import { scoreShard, type ShardCache } from '../scheduler/fast/shard.js';
import { loadPlugins } from '../scheduler/plugins/load.js';

const SPIN = 200_000;

interface PortMessage {
  plan?: ShardPlan;
  nodeBuffer?: SharedArrayBuffer;
  generation?: number;
  order?: Int32Array;
  nodeVersion?: Int32Array;
  ties?: Int32Array;
  results?: Float64Array;
  /** A plan's memo, shared by every thread of the pool. */
  memo?: { id: number; version: Int32Array; feasible: Uint8Array; total: Float64Array };
}

export default async function runShard(task: ShardTask): Promise<number> {
  const { control, port, workerIndex } = task;
  let { order, ties, results } = task;
  if (task.pluginModules && task.pluginModules.length > 0) {
    // The same plugin modules as the main thread: a module that fails here fails the pool's start.
    try {
      const loaded = await loadPlugins(task.pluginModules);
      port.postMessage({ plugins: [...loaded.byName.keys()] });
    } catch (err) {
      port.postMessage({ error: `shard ${workerIndex}: ${err instanceof Error ? err.message : String(err)}` });
      Atomics.store(control, C_ERROR, 1);
      Atomics.add(control, C_READY, 1);
      Atomics.notify(control, C_READY);
      return 0;
    }
  }
  let nodes = NodeTable.wrap(task.nodeBuffer, newInterners());
  let generation = 0;
  const plans = new Map<number, ShardPlan>();
  let nodeVersion: Int32Array | undefined;
  const caches = new Map<number, ShardCache>();
  const drain = () => {
    for (;;) {
      const m = receiveMessageOnPort(port);
      if (!m) return;
      const msg = m.message as PortMessage;
      if (msg.plan) plans.set(msg.plan.id, msg.plan);
      if (msg.nodeVersion) {
        nodeVersion = msg.nodeVersion;
        caches.clear();
      }
      if (msg.memo) {
        if (!nodeVersion) throw new Error(`shard ${workerIndex}: a memo before the node versions`);
        const { id, version, feasible, total } = msg.memo;
        caches.set(id, { nodeVersion, version, feasible, total });
      }
      if (msg.order) {
        order = msg.order;
        ties = msg.ties!;
        results = msg.results!;
      }
      if (msg.nodeBuffer) {
        nodes = NodeTable.wrap(msg.nodeBuffer, newInterners());
        generation = msg.generation!;
      }
    }
  };
  const claim = new Int32Array(1);
  let drained = -1;
  let seq = Atomics.load(control, C_SEQ);
  Atomics.add(control, C_READY, 1);
  Atomics.notify(control, C_READY);
  let jobs = 0;
  for (;;) {
    // Spin a little before sleeping: the next pod usually comes within microseconds.
    for (let spin = 0; spin < SPIN && Atomics.load(control, C_SEQ) === seq; spin++);
    // Announce the sleep before checking once more: the main thread notifies only announced sleepers.
    Atomics.add(control, C_SLEEPERS, 1);
    if (Atomics.load(control, C_SEQ) === seq) Atomics.wait(control, C_SEQ, seq);
    Atomics.sub(control, C_SLEEPERS, 1);
    seq = Atomics.load(control, C_SEQ);
    Atomics.add(control, C_HEARTBEAT + workerIndex, 1);
    const cmd = Atomics.load(control, C_CMD);
    if (cmd === CMD_STOP) break;
    try {
      if (cmd === CMD_FAULT && Atomics.load(control, C_PLAN) === workerIndex) {
        if (Atomics.load(control, C_FAULT) === FAULT_EXIT) process.exit(3);
        throw new Error(`injected fault in shard ${workerIndex}`);
      }
      // The port only when the main thread posted something (a port read costs more than a job's setup).
      const posted = Atomics.load(control, C_MESSAGES);
      if (posted !== drained) {
        drained = posted;
        drain();
      }
      if (Atomics.load(control, C_TABLE) !== generation) throw new Error(`shard ${workerIndex}: node table generation ${Atomics.load(control, C_TABLE)} not received`);
      const plan = plans.get(Atomics.load(control, C_PLAN));
      if (!plan) throw new Error(`shard ${workerIndex}: plan ${Atomics.load(control, C_PLAN)} not received`);
      const cache = caches.get(plan.id);
      if (!cache) throw new Error(`shard ${workerIndex}: the memo of plan ${plan.id} not received`);
      // Take chunks until none is left (the main thread and the other workers take them too).
      const tag = Atomics.load(control, C_JOB_TAG);
      const n = order.length;
      const maxAffinity = Atomics.load(control, C_MAX_AFFINITY);
      const maxTaint = Atomics.load(control, C_MAX_TAINT);
      for (let take = claimChunks(control, tag, false, claim); take > 0; take = claimChunks(control, tag, false, claim)) {
        for (let k = claim[0]!; k < claim[0]! + take; k++) {
          const from = k * SHARD_CHUNK;
          scoreShard(nodes, plan, order, from, Math.min(from + SHARD_CHUNK, n), ties, results, k * RESULT_STRIDE, maxAffinity, maxTaint, cache);
        }
        Atomics.add(control, C_CHUNKS_DONE, take);
        if (Atomics.load(control, C_MAIN_SLEEPING) !== 0) Atomics.notify(control, C_CHUNKS_DONE);
      }
      jobs++;
    } catch (err) {
      port.postMessage({ error: err instanceof Error ? err.message : String(err) });
      Atomics.store(control, C_ERROR, 1);
    }
    Atomics.add(control, C_DONE, 1);
    if (Atomics.load(control, C_MAIN_SLEEPING) !== 0) Atomics.notify(control, C_DONE);
  }
  return jobs;
}
