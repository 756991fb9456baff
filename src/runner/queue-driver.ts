// The run driver over the engine-neutral scheduling queue (../scheduler/queue.ts): the cluster the
// workload builds, a CycleBackend (the engine) and the queue's SchedulingDriver, plus timers on the
// simulated clock for churn, paced deletions and steady-state pod replacement.
//
// Simulated time: the queue itself charges no time for a scheduling attempt, which would make every
// measured phase instantaneous on the simulated clock and churn (every 200 ms, every 1 s) would never
// interleave with it. Here each attempt advances the simulated clock by `attemptMs` (default 1 ms, the
// order of a real kube-scheduler cycle at 5,000 nodes), so a 10,000-pod phase spans about 10 simulated
// seconds and sees the churn upstream's phase sees. Wall-clock metrics do not depend on this choice.

import { queueingHints } from '../scheduler/hints.js';
import { performance } from 'node:perf_hooks';
import type { ClusterObjects, KubeObject, Namespace, Node, Pod, PriorityClass, Service } from '../k8s/types.js';
import { emptyClusterObjects } from '../k8s/types.js';
import { describeObject, FieldError, InputError } from '../k8s/errors.js';
import type { SchedulerConfig } from '../scheduler/config.js';
import { profileFor } from '../scheduler/config.js';
import { podPriority } from '../scheduler/podinfo.js';
import { SchedulingDriver, type CycleBackend } from '../scheduler/queue.js';
import { ReferenceScheduler, referenceSkipped } from '../scheduler/reference/scheduler.js';
import { FAST_BUILT, FastScheduler } from '../scheduler/fast/engine.js';
import type { PodRef } from '../scheduler/types.js';
import type { ShardRunner } from '../scheduler/fast/shard.js';
import { podKeyOf, podMatches, type AttemptEvent, type Driver, type DriverCounters, type PodFilter, type Stage, type WaitOutcome } from './driver.js';

export interface QueueDriverOptions {
  engine: 'fast' | 'reference';
  config: SchedulerConfig;
  seed: number;
  /** Simulated ms charged per scheduling attempt (see the header). */
  attemptMs?: number;
  /** Give up waiting when no awaited pod made progress for this much simulated time (default 330 s: one 5-minute unschedulable flush). */
  stallMs?: number;
  /** Shard workers for the fast engine's all-node cycles (--workers); the engine decides per cycle. */
  shards?: ShardRunner;
  /** Overrides the engine's PARALLEL_MIN_NODES (the warm-up sends even small clusters' cycles to the shards). */
  parallelMinNodes?: number;
  /** Told once when the requested engine cannot drive the queue and another one does. */
  warn?: (message: string) => void;
}

interface Timer {
  at: number;
  seq: number;
  interval: number;
  fn: () => void;
  cancelled: boolean;
}

let fastProbe: boolean | undefined;

/**
 * Whether the fast engine can drive a workload: a CycleBackend that takes nodes added after
 * construction and pods it was not constructed with. Probed once on a one-node cluster.
 */
function fastBackendUsable(opts: QueueDriverOptions): boolean {
  if (fastProbe !== undefined) return fastProbe;
  const proto = FastScheduler.prototype as unknown as Partial<CycleBackend>;
  if (typeof proto.attempt !== 'function' || typeof proto.addNode !== 'function' || typeof proto.remove !== 'function') return (fastProbe = false);
  try {
    const cluster = emptyClusterObjects();
    const b = new FastScheduler(cluster, { config: opts.config, seed: 1 }) as unknown as CycleBackend;
    b.addNode!({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'probe', labels: { 'kubernetes.io/hostname': 'probe' } }, status: { allocatable: { cpu: '1', memory: '1Gi', pods: '10' } } });
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace: 'default' }, spec: { containers: [{ name: 'c' }] } };
    const ref: PodRef = { key: 'default/probe', pod, priority: 0 };
    b.admit(ref);
    const r = b.attempt(ref, { nominations: { podsOn: () => [] }, explain: false, now: 0 });
    if (r.node !== 'probe') return (fastProbe = false);
    b.bind(ref, 'probe', 0);
    b.remove(ref.key);
    return (fastProbe = true);
  } catch {
    return (fastProbe = false);
  }
}

/** An engine that can back the queue driver with nodes and pods added and removed as the run goes. */
function makeBackend(opts: QueueDriverOptions, cluster: ClusterObjects): { backend: CycleBackend; engine: string } {
  if (opts.engine === 'fast') {
    if (fastBackendUsable(opts)) {
      const sched = new FastScheduler(cluster, { config: opts.config, seed: opts.seed }, undefined, opts.shards);
      if (opts.parallelMinNodes !== undefined) sched.parallelMinNodes = opts.parallelMinNodes;
      return { backend: sched as unknown as CycleBackend, engine: 'fast' };
    }
    opts.warn?.('the fast engine cannot back the scheduling queue for a growing cluster yet (CycleBackend with addNode, and pods it has not seen at construction); running the reference engine');
  }
  return { backend: new ReferenceScheduler(cluster, opts.config, opts.seed), engine: 'reference' };
}

export class QueueDriver implements Driver {
  readonly engine: string;
  private readonly cluster: ClusterObjects = emptyClusterObjects();
  private readonly backend: CycleBackend;
  private readonly sd: SchedulingDriver;
  /** Live pods by key, in creation order. */
  private readonly pods = new Map<string, PodRef>();
  private timers: Timer[] = [];
  private timerSeq = 0;
  private listeners: ((e: AttemptEvent) => void)[] = [];
  private readonly attemptMs: number;
  private readonly stallMs: number;
  /** Awaited pods' progress, maintained from the attempt hook while waitFor runs. */
  private watch?: { keys: Set<string>; stage: Stage; done: number; lastProgress: number };

  constructor(private readonly opts: QueueDriverOptions) {
    this.attemptMs = opts.attemptMs ?? 1;
    this.stallMs = opts.stallMs ?? 330_000;
    const { backend, engine } = makeBackend(opts, this.cluster);
    this.backend = backend;
    this.engine = engine;
    this.sd = new SchedulingDriver(backend, {
      podInitialBackoffSeconds: opts.config.podInitialBackoffSeconds,
      podMaxBackoffSeconds: opts.config.podMaxBackoffSeconds,
      onAttempt: (ref, result, now, attempts) => this.attemptHook(ref, result.node, now, attempts === 1),
      hint: queueingHints(opts.config, this.cluster),
    });
  }

  private attemptHook(ref: PodRef, node: string | null, now: number, first: boolean): void {
    const w = this.watch;
    if (w && (w.stage === 'Attempted' ? first : node !== null) && w.keys.has(ref.key)) {
      w.done++;
      w.lastProgress = now;
    }
    const ls = this.listeners;
    if (ls.length > 0) {
      const e: AttemptEvent = { pod: ref.pod, key: ref.key, node, wallMs: performance.now(), simMs: now };
      for (let i = 0; i < ls.length; i++) ls[i]!(e);
    }
  }

  now(): number {
    return this.sd.now;
  }

  createNodes(nodes: Node[]): void {
    const names = new Set(this.cluster.nodes.map((n) => n.metadata.name));
    for (const n of nodes) {
      if (names.has(n.metadata.name)) throw new InputError({ object: describeObject('Node', n.metadata) }, 'AlreadyExists: a node with this name exists');
      names.add(n.metadata.name);
    }
    this.cluster.nodes.push(...nodes);
    this.sd.addNodes(nodes);
  }

  deleteNode(name: string): boolean {
    const b = this.backend as CycleBackend & { removeNode?(name: string): void };
    if (typeof b.removeNode !== 'function') return false;
    b.removeNode(name);
    this.cluster.nodes = this.cluster.nodes.filter((n) => n.metadata.name !== name);
    return true;
  }

  createNamespaces(namespaces: Namespace[]): void {
    this.cluster.namespaces.push(...namespaces);
  }

  createObjects(objects: KubeObject[]): void {
    for (const o of objects) {
      if (o.kind === 'Service') this.cluster.services.push(o as Service);
      else if (o.kind === 'PriorityClass') this.cluster.priorityClasses.push(o as PriorityClass);
      else if (o.kind === 'Namespace') this.cluster.namespaces.push(o as Namespace);
      else if (o.kind === 'Node') this.createNodes([o as Node]);
      else if (o.kind === 'Pod') this.createPods([o as Pod]);
      else throw new InputError({ object: describeObject(o.kind, o.metadata) }, `kind ${o.kind} cannot be created by a workload op`);
    }
  }

  deleteObject(obj: KubeObject): void {
    if (obj.kind === 'Pod') this.deletePods([podKeyOf(obj as Pod)]);
    else if (obj.kind === 'Node') this.deleteNode(obj.metadata!.name!);
    else if (obj.kind === 'Service') this.cluster.services = this.cluster.services.filter((s) => s !== obj);
  }

  createPods(pods: Pod[]): void {
    const refs: PodRef[] = [];
    for (const pod of pods) {
      const key = podKeyOf(pod);
      if (this.pods.has(key)) throw new InputError({ object: describeObject('Pod', pod.metadata) }, 'AlreadyExists: a pod with this name exists');
      let priority: number;
      try {
        priority = podPriority(pod, this.cluster.priorityClasses);
      } catch (err) {
        if (err instanceof FieldError) throw new InputError({ object: describeObject('Pod', pod.metadata), field: err.field }, err.detail);
        throw err;
      }
      const ref: PodRef = { key, pod, priority };
      this.pods.set(key, ref);
      refs.push(ref);
    }
    this.sd.enqueue(refs);
  }

  deletePods(keys: string[]): void {
    const live = keys.filter((k) => this.pods.has(k));
    if (live.length === 0) return;
    this.sd.deletePods(live);
    for (const k of live) {
      this.pods.delete(k);
      this.watch?.keys.delete(k);
    }
  }

  listPods(filter?: PodFilter): Pod[] {
    const out: Pod[] = [];
    for (const r of this.pods.values()) if (!filter || podMatches(r.pod, filter)) out.push(r.pod);
    return out;
  }

  namespaceNames(): Set<string> {
    return new Set(this.cluster.namespaces.map((n) => n.metadata.name));
  }

  every(intervalMs: number, fn: () => void): () => void {
    const t: Timer = { at: this.sd.now + intervalMs, seq: this.timerSeq++, interval: intervalMs, fn, cancelled: false };
    this.timers.push(t);
    return () => {
      t.cancelled = true;
      this.timers = this.timers.filter((x) => x !== t);
    };
  }

  onAttempt(listener: (e: AttemptEvent) => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private nextTimer(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }

  /** Fires every timer due at or before now, in time order. */
  private fireDue(): void {
    for (let t = this.nextTimer(); t && t.at <= this.sd.now; t = this.nextTimer()) {
      t.at += t.interval;
      t.fn();
    }
  }

  /** One attempt from activeQ, charged attemptMs; false when activeQ is empty. */
  private step(): boolean {
    if (!this.sd.scheduleOne()) return false;
    this.sd.now += this.attemptMs;
    this.fireDue();
    return true;
  }

  /** Moves the clock to `end` (or the next timer before it), letting the queue flush backoff on the way. */
  private idleUntil(end: number): void {
    const t = this.nextTimer();
    const target = t && t.at < end ? t.at : end;
    if (target > this.sd.now) this.sd.advance(target - this.sd.now);
    this.fireDue();
  }

  advance(ms: number): void {
    const end = this.sd.now + ms;
    for (;;) {
      while (this.sd.now < end && this.step());
      if (this.sd.now >= end) {
        this.fireDue();
        return;
      }
      this.idleUntil(end);
    }
  }

  waitFor(filter: PodFilter, stage: Stage): WaitOutcome {
    const keys = new Set<string>();
    let done = 0;
    for (const r of this.pods.values()) {
      if (!podMatches(r.pod, filter)) continue;
      keys.add(r.key);
      if (stage === 'Scheduled' ? !!r.pod.spec.nodeName : this.sd.attempts(r.key) > 0) done++;
    }
    const w = (this.watch = { keys, stage, done, lastProgress: this.sd.now });
    try {
      for (;;) {
        while (w.done < w.keys.size && this.step());
        if (w.done >= w.keys.size) return { satisfied: true, remaining: 0 };
        // activeQ is empty: pods wait in backoffQ (time will bring them back), in the unschedulable set (an
        // event may: timers can create one) or behind scheduling gates.
        const backingOff = [...w.keys].some((k) => this.sd.state(k)?.where === 'backoff');
        const t = this.nextTimer();
        if (!backingOff && (!t || this.sd.now - w.lastProgress >= this.stallMs)) break;
        const horizon = backingOff ? this.sd.now + 1000 : Math.min(t!.at, w.lastProgress + this.stallMs);
        this.idleUntil(Math.max(horizon, this.sd.now + 1));
      }
      const remaining = [...w.keys].filter((k) => {
        const r = this.pods.get(k);
        return r && (stage === 'Scheduled' ? !r.pod.spec.nodeName : this.sd.attempts(k) === 0);
      }).length;
      return { satisfied: remaining === 0, remaining };
    } finally {
      this.watch = undefined;
    }
  }

  counters(): DriverCounters {
    const m = this.sd.metrics;
    return { attempts: m.attempts, scheduled: m.scheduled, unschedulable: m.unschedulable, preemptions: m.preemptionAttempts };
  }

  /** Why a pod is not bound (the queue's last reason). */
  reason(key: string): string | undefined {
    return this.sd.state(key)?.reason;
  }

  state(): ClusterObjects {
    return { ...this.cluster, pods: [...this.pods.values()].map((r) => r.pod) };
  }

  skippedPlugins(): string[] {
    const out = new Set<string>();
    for (const p of this.opts.config.profiles) {
      const names = this.engine === 'reference' ? referenceSkipped(p) : p.notBuilt.filter((n) => !FAST_BUILT.has(n));
      for (const n of names) out.add(n);
    }
    return [...out];
  }

  /** True when some profile serves the pod's schedulerName. */
  hasProfile(pod: Pod): boolean {
    return profileFor(this.opts.config, pod.spec.schedulerName) !== undefined;
  }
}
