// The shard pool: N compute threads that filter and score one pod's node positions at a time — the
// main thread and N-1 worker threads (piscina owns their lifecycle). The main thread posts a job by
// bumping a sequence number in shared memory; the positions come in chunks that every thread claims
// from a shared counter (the main thread from the front, workers from the back) until none is left,
// then the main thread waits for the chunks others still compute and reduces. A job can be posted
// ahead (post/complete) so workers start while the main thread finishes the previous pod. Cycles are
// tens of µs, so wake-up latency matters: workers spin for a while before they sleep. Plans, memos
// and reallocated node tables reach the workers through MessagePorts before the job.

import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { RunFailure } from '../k8s/errors.js';
import type { NodeTable } from '../model/tables.js';
import { newShardCache, scoreShard, SHARD_CHUNK, type ShardCache, type ShardRunner } from '../scheduler/fast/shard.js';

/** Result slots for n positions (one per chunk, at least one). */
function chunkSlots(n: number): number {
  return Math.max(1, Math.ceil(n / SHARD_CHUNK));
}
import {
  C_CMD, C_DONE, C_ERROR, C_FAULT, C_MAIN_SLEEPING, C_MAX_AFFINITY, C_MAX_TAINT, C_PLAN, C_READY, C_SEQ, C_SLEEPERS, C_CHUNKS, C_NEXT_CHUNK, C_CHUNKS_DONE, C_JOB_TAG, C_HEARTBEAT, C_MESSAGES, MAX_WORKERS, C_TABLE, claimChunks, chunkWord, MAX_CHUNKS, CMD_FAULT, CMD_JOB, CMD_STOP, FAULT_EXIT, FAULT_THROW, CONTROL_WORDS, RESULT_STRIDE, type ShardPlan, type ShardTask,
} from './layout.js';

/** A shard that has not answered for this long is taken as dead. */
export const SHARD_TIMEOUT_MS = 30_000;
/** A worker whose heartbeat has not moved for this long while jobs were posted is taken as dead. */
export const HEARTBEAT_TIMEOUT_MS = 5_000;
/** Atomics.load polls before sleeping on a futex (a few tens of µs). */
export const SPIN = 20_000;

export class ShardPool implements ShardRunner {
  readonly workers: number;
  readonly control: Int32Array;
  ties: Int32Array;
  results: Float64Array;
  private readonly ports: MessagePort[] = [];
  /** Per-node change counters shared with the scheduler, and the main thread's memos per plan id. */
  private nodeVersion: Int32Array | undefined;
  private readonly caches = new Map<number, ShardCache>();
  /** The scheduler's order array last shared with the workers (a new array means the node set changed). */
  private sourceOrder: Int32Array | undefined;
  private readonly sentPlans = new Set<number>();
  private readonly tasks: Promise<number>[] = [];
  /** Version of the node buffer the workers hold (C_TABLE); bumped whenever a new buffer is sent. */
  private generation = 0;
  private sentBuffer: SharedArrayBuffer | undefined;
  private closed = false;
  /** Set once a shard failed: the pool must not be used again. */
  broken = false;

  /** Worker threads (workers - 1: the main thread computes shard 0). */
  private readonly threads: number;
  private order: Int32Array = new Int32Array(0);

  private constructor(private readonly piscina: Piscina, workers: number, n: number) {
    this.workers = workers;
    this.threads = workers - 1;
    this.control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
    this.ties = new Int32Array(new SharedArrayBuffer(Math.max(n, 1) * 4));
    this.results = new Float64Array(new SharedArrayBuffer(chunkSlots(n) * RESULT_STRIDE * 8));
  }

  /** Custom plugins every worker thread imported (names), when plugin modules were given to open(). */
  pluginsLoaded: string[] = [];

  /**
   * Starts `workers - 1` shard threads (the main thread is the first shard) over `nodes` visited in `order`.
   * `pluginModules` (--plugin paths) are imported by every worker before it reports ready; a module that
   * fails to load there fails open() with a RunFailure and the pool is torn down.
   */
  static async open(workers: number, nodes: NodeTable, order: Int32Array, pluginModules: string[] = []): Promise<ShardPool> {
    if (!Number.isInteger(workers) || workers < 1) throw new RunFailure(`--workers must be a positive integer, got ${workers}`);
    if (workers > MAX_WORKERS + 1) throw new RunFailure(`--workers is at most ${MAX_WORKERS + 1}, got ${workers}`);
    const piscina = new Piscina({
      filename: new URL('./shard-worker.js', import.meta.url).href,
      minThreads: workers - 1, maxThreads: Math.max(1, workers - 1), concurrentTasksPerWorker: 1, idleTimeout: 60_000,
    });
    const pool = new ShardPool(piscina, workers, order.length);
    const sharedOrder = new Int32Array(new SharedArrayBuffer(Math.max(order.length, 1) * 4)).subarray(0, order.length);
    sharedOrder.set(order);
    pool.order = sharedOrder;
    pool.sourceOrder = order;
    for (let w = 1; w < workers; w++) {
      const { port1, port2 } = new MessageChannel();
      pool.ports.push(port1);
      const task: ShardTask = {
        workerIndex: w, workers, control: pool.control, nodeBuffer: nodes.buffer, order: sharedOrder,
        ties: pool.ties, results: pool.results, port: port2,
        ...(pluginModules.length > 0 ? { pluginModules } : {}),
      };
      const run = piscina.run(task, { transferList: [port2] }) as Promise<number>;
      run.catch(() => undefined); // surfaced through the control block or close()
      pool.tasks.push(run);
    }
    pool.sentBuffer = nodes.buffer;
    Atomics.store(pool.control, C_TABLE, 0);
    const deadline = Date.now() + SHARD_TIMEOUT_MS;
    while (Atomics.load(pool.control, C_READY) < workers - 1) {
      if (Date.now() > deadline) {
        await pool.close();
        throw new RunFailure(`shard workers did not start within ${SHARD_TIMEOUT_MS / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    if (pluginModules.length > 0) {
      const errors: string[] = [];
      const names = new Set<string>();
      for (const p of pool.ports) {
        for (let m = receiveMessageOnPort(p); m; m = receiveMessageOnPort(p)) {
          const msg = m.message as { error?: string; plugins?: string[] };
          if (msg.error) errors.push(msg.error);
          for (const n of msg.plugins ?? []) names.add(n);
        }
      }
      if (Atomics.load(pool.control, C_ERROR) !== 0 || errors.length > 0) {
        await pool.close();
        throw new RunFailure(`shard workers could not load the plugin modules: ${errors[0] ?? 'unknown error'}`);
      }
      pool.pluginsLoaded = [...names];
    }
    return pool;
  }

  /**
   * The node set changed (nodes joined or left, so the scheduler built a new order): share the new
   * order, and larger per-position arrays when needed, with every worker before the next job.
   */
  private follow(order: Int32Array): void {
    const n = order.length;
    const shared = new Int32Array(new SharedArrayBuffer(Math.max(n, 1) * 4)).subarray(0, n);
    shared.set(order);
    this.order = shared;
    this.sourceOrder = order;
    if (this.ties.length < n) this.ties = new Int32Array(new SharedArrayBuffer(n * 4));
    if (this.results.length < chunkSlots(n) * RESULT_STRIDE) this.results = new Float64Array(new SharedArrayBuffer(chunkSlots(n) * RESULT_STRIDE * 8));
    this.broadcast({ order: shared, ties: this.ties, results: this.results });
  }

  /** Posts a message to every worker's port; they read it before their next job. */
  private broadcast(msg: object): void {
    for (const p of this.ports) p.postMessage(msg);
    Atomics.add(this.control, C_MESSAGES, 1);
  }

  /** Runs one pod's Filter+Score on every shard; synchronous. Throws RunFailure if a shard fails or dies. */
  job(plan: ShardPlan, nodes: NodeTable, order: Int32Array, nodeVersion: Int32Array, maxAffinity: number, maxTaint: number): void {
    this.post(plan, nodes, order, nodeVersion, maxAffinity, maxTaint);
    this.complete(true);
  }

  /** The job posted and not completed yet (post/complete). */
  private pending: { plan: ShardPlan; nodes: NodeTable; maxAffinity: number; maxTaint: number; cache: ShardCache } | null = null;
  /** Chunks of the last job (ShardRunner.chunks). */
  chunks = 0;

  chunkStart(c: number): number {
    return c * SHARD_CHUNK;
  }

  /**
   * Starts a job on the worker threads and returns at once; complete() joins in (the main thread
   * takes chunks too) and waits for the rest. A job still pending is completed (and discarded) first.
   */
  post(plan: ShardPlan, nodes: NodeTable, order: Int32Array, nodeVersion: Int32Array, maxAffinity: number, maxTaint: number): void {
    if (this.pending) this.complete(false);
    if (this.closed || this.broken) throw new RunFailure('shard pool is closed');
    if (order !== this.sourceOrder) this.follow(order);
    if (nodeVersion !== this.nodeVersion) {
      if (!(nodeVersion.buffer instanceof SharedArrayBuffer)) throw new RunFailure('shard pool: node versions must live on a SharedArrayBuffer');
      // New per-node change counters (the node set changed): every memo starts afresh.
      this.nodeVersion = nodeVersion;
      this.caches.clear();
      this.broadcast({ nodeVersion });
    }
    if (nodes.buffer !== this.sentBuffer) {
      // A reallocated (or another) node table: every worker wraps the new buffer before the job.
      this.sentBuffer = nodes.buffer;
      this.generation++;
      this.broadcast({ nodeBuffer: nodes.buffer, generation: this.generation });
      Atomics.store(this.control, C_TABLE, this.generation);
    }
    if (!this.sentPlans.has(plan.id)) {
      this.broadcast({ plan });
      this.sentPlans.add(plan.id);
    }
    // One memo per plan, shared by all threads: a chunk may go to any thread from job to job.
    let cache = this.caches.get(plan.id);
    if (!cache) {
      this.caches.set(plan.id, (cache = newShardCache(nodeVersion, true)));
      const { version, feasible, total } = cache;
      this.broadcast({ memo: { id: plan.id, version, feasible, total } });
    }
    const c = this.control;
    const n = this.order.length;
    this.chunks = Math.ceil(n / SHARD_CHUNK);
    if (this.chunks > MAX_CHUNKS) throw new RunFailure(`shard pool: ${n} nodes is more than ${MAX_CHUNKS * SHARD_CHUNK}`);
    Atomics.store(c, C_DONE, 0);
    Atomics.store(c, C_PLAN, plan.id);
    Atomics.store(c, C_MAX_AFFINITY, maxAffinity);
    Atomics.store(c, C_MAX_TAINT, maxTaint);
    Atomics.store(c, C_CHUNKS, this.chunks);
    Atomics.store(c, C_CHUNKS_DONE, 0);
    this.tag = (this.tag + 1) & 0xff;
    Atomics.store(c, C_JOB_TAG, this.tag);
    Atomics.store(c, C_NEXT_CHUNK, chunkWord(this.tag, 0, this.chunks));
    Atomics.store(c, C_CMD, CMD_JOB);
    Atomics.add(c, C_SEQ, 1);
    // Spinning workers see the new sequence number; only sleeping ones need the (costlier) notify.
    if (Atomics.load(c, C_SLEEPERS) > 0) Atomics.notify(c, C_SEQ);
    this.pending = { plan, nodes, maxAffinity, maxTaint, cache };
  }

  /**
   * Finishes the posted job: the main thread takes the chunks no worker took yet (unless `compute`
   * is false: the job is being discarded, so no one takes more), then waits for the workers' chunks.
   * Throws RunFailure if a shard failed or died.
   */
  complete(compute: boolean): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    const c = this.control;
    const chunks = this.chunks;
    const n = this.order.length;
    let wait = chunks;
    if (compute) {
      const claim = this.claim;
      for (let take = claimChunks(c, this.tag, true, claim); take > 0; take = claimChunks(c, this.tag, true, claim)) {
        for (let k = claim[0]!; k < claim[0]! + take; k++) {
          const from = k * SHARD_CHUNK;
          scoreShard(p.nodes, p.plan, this.order, from, Math.min(from + SHARD_CHUNK, n), this.ties, this.results, k * RESULT_STRIDE, p.maxAffinity, p.maxTaint, p.cache);
        }
        Atomics.add(c, C_CHUNKS_DONE, take);
      }
    } else {
      // Discarded: claim what is left without computing it, then wait for the chunks workers took.
      for (;;) {
        const v = Atomics.load(c, C_NEXT_CHUNK);
        const front = (v >>> 12) & 0xfff;
        const back = v & 0xfff;
        if (Atomics.compareExchange(c, C_NEXT_CHUNK, v, chunkWord(this.tag, front, front)) === v) {
          wait = chunks - Math.max(0, back - front);
          break;
        }
      }
    }
    this.awaitChunks(wait, SHARD_TIMEOUT_MS);
    if (++this.jobsSinceCheck >= 256) this.checkAlive();
  }

  /** Tag of the current job (C_JOB_TAG). */
  private tag = 0;
  private readonly claim = new Int32Array(1);
  private jobsSinceCheck = 0;
  private readonly beats: { count: number; at: number }[] = [];

  /**
   * Workers take chunks when they can, so a job does not wait for a worker that is slow to come;
   * a worker that died or hangs is noticed here instead: its heartbeat (commands seen) has not moved
   * for HEARTBEAT_TIMEOUT_MS while jobs were posted.
   */
  private checkAlive(): void {
    this.jobsSinceCheck = 0;
    const now = Date.now();
    for (let w = 1; w < this.workers; w++) {
      const count = Atomics.load(this.control, C_HEARTBEAT + w);
      const b = (this.beats[w] ??= { count: -1, at: now });
      if (count !== b.count) {
        b.count = count;
        b.at = now;
      } else if (now - b.at >= HEARTBEAT_TIMEOUT_MS) {
        this.broken = true;
        throw new RunFailure(`shard worker ${w} took no job for ${(HEARTBEAT_TIMEOUT_MS / 1000).toFixed(1)} s while jobs were posted (it died or hung); the pool was torn down`);
      }
    }
  }

  /** Waits until `count` chunks of the current job are finished (or a worker reported an error). */
  private awaitChunks(count: number, timeoutMs: number): void {
    this.awaitCounter(C_CHUNKS_DONE, count, timeoutMs, 50);
  }

  /** Waits until every worker has handled the current command. */
  private awaitDone(timeoutMs: number): void {
    this.awaitCounter(C_DONE, this.threads, timeoutMs, 1000);
  }

  /**
   * Waits until control[slot] reaches `count` or a worker reports an error: spinning first, then
   * sleeping on the slot in naps of `napMs` (workers notify only while C_MAIN_SLEEPING is set).
   * A RunFailure when nothing moved for `timeoutMs`, or with the workers' error messages.
   */
  private awaitCounter(slot: number, count: number, timeoutMs: number, napMs: number): void {
    const c = this.control;
    const start = Date.now();
    for (;;) {
      let done = Atomics.load(c, slot);
      for (let spin = 0; spin < SPIN && done < count && Atomics.load(c, C_ERROR) === 0; spin++) done = Atomics.load(c, slot);
      if (done >= count || Atomics.load(c, C_ERROR) !== 0) break;
      Atomics.store(c, C_MAIN_SLEEPING, 1);
      const woke = Atomics.load(c, slot) !== done ? 'not-equal' : Atomics.wait(c, slot, done, Math.min(napMs, timeoutMs));
      Atomics.store(c, C_MAIN_SLEEPING, 0);
      if (woke === 'timed-out' && Date.now() - start >= timeoutMs) {
        this.broken = true;
        throw new RunFailure(`a shard worker stopped answering for ${(timeoutMs / 1000).toFixed(1)} s (it died or hung); the pool was torn down`);
      }
    }
    this.throwIfFailed();
  }

  /** A worker reported an error: the pool is broken and the run fails with the workers' messages. */
  private throwIfFailed(): void {
    if (Atomics.load(this.control, C_ERROR) !== 0) {
      this.broken = true;
      const msgs: string[] = [];
      for (const p of this.ports) {
        for (let m = receiveMessageOnPort(p); m; m = receiveMessageOnPort(p)) {
          const e = (m.message as { error?: string }).error;
          if (e) msgs.push(e);
        }
      }
      throw new RunFailure(`shard worker failed: ${msgs.join('; ') || 'unknown error'}`);
    }
  }

  /** Test hook: makes worker `w` throw (or exit its thread) on a job, through the same wait as job(). */
  injectFault(w: number, kind: 'throw' | 'exit', wait = true): void {
    const c = this.control;
    Atomics.store(c, C_DONE, 0);
    Atomics.store(c, C_PLAN, w);
    Atomics.store(c, C_FAULT, kind === 'exit' ? FAULT_EXIT : FAULT_THROW);
    Atomics.store(c, C_CMD, CMD_FAULT);
    Atomics.add(c, C_SEQ, 1);
    Atomics.notify(c, C_SEQ);
    // wait = false: the worker leaves quietly and only the jobs that follow can notice (checkAlive).
    if (wait) this.awaitDone(kind === 'exit' ? 2000 : SHARD_TIMEOUT_MS);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.pending && !this.broken) {
      try {
        this.complete(false);
      } catch {
        // a failed shard: the pool is torn down below either way
      }
    }
    this.closed = true;
    Atomics.store(this.control, C_CMD, CMD_STOP);
    Atomics.add(this.control, C_SEQ, 1);
    Atomics.notify(this.control, C_SEQ);
    await Promise.allSettled(this.tasks);
    for (const p of this.ports) p.close();
    await this.piscina.destroy();
  }
}
