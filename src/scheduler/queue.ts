// The scheduling queue and loop, engine-neutral, on a simulated clock (upstream pkg/scheduler/backend/queue and
// schedule_one.go). The driver owns time, the three queues, the nominator and the metrics; an engine plugs in
// through CycleBackend (one scheduling cycle, bind, PostFilter, removal).
//
//  - activeQ: PrioritySort (higher priority first, then earlier timestamp; ties in enqueue order).
//  - backoffQ: a pod that failed waits initial * 2^(attempts-1), capped at max (podInitialBackoffSeconds /
//    podMaxBackoffSeconds), counted from its last failure; completed pods are flushed to activeQ on the 1 s tick.
//  - unschedulable set: failed pods wait for a cluster event one of their rejecting plugins registers for
//    (UNSCHEDULABLE_EVENTS) and, where modelled, whose QueueingHint says it could help (hints.ts); the
//    event moves them to backoffQ (still backing off) or activeQ. Pods that failed
//    with no rejecting plugin (errors) go straight to backoffQ. Pods left unschedulable for 5 minutes are flushed
//    on the 30 s tick when time is advanced with advance(); runUntilIdle() never waits for that.
//  - SchedulingGates: gated pods never enter activeQ (upstream PreEnqueue).
// A scheduling attempt takes no simulated time; timestamps are (time, sequence) pairs so later failures sort
// after earlier enqueues, as real timestamps do.

import type { Node, Pod } from '../k8s/types.js';
import { queueingHints, type EventObjects, type QueueingHint } from './hints.js';
import { fitErrorMessage } from './sampling.js';
import type { AttemptContext, AttemptResult, Nominations, PodExplain, PodRef, Preemption, PreemptionResult } from './types.js';

/** What an engine implements for the driver. All calls are synchronous; the driver calls them one at a time. */
export interface CycleBackend {
  /** PreEnqueue: null to admit, else why the pod may not enter activeQ (gated: waits; !gated: dropped for good). */
  admit(pod: PodRef): { reason: string; gated: boolean } | null;
  /** One scheduling cycle: PreFilter..Score and selectHost. No side effects on the cluster. */
  attempt(pod: PodRef, ctx: AttemptContext): AttemptResult;
  /** Assume + bind the pod on `node` (sets pod.spec.nodeName). */
  bind(pod: PodRef, node: string, now: number): void;
  /** PostFilter after a failed attempt (the one just returned); null when no PostFilter plugin is enabled. */
  preempt(pod: PodRef, failure: AttemptResult, ctx: AttemptContext): PreemptionResult | null;
  /** The pod (bound or not) is deleted / evicted. */
  remove(key: string): void;
  /** A node joins the cluster. */
  addNode?(node: Node): void;
}

export type ClusterEvent = 'NodeAdd' | 'NodeUpdate' | 'AssignedPodAdd' | 'AssignedPodDelete';

/** Which plugins a cluster event can help (upstream EventsToRegister); the driver's QueueingHints (hints.ts) refine some. */
export const UNSCHEDULABLE_EVENTS: Record<ClusterEvent, ReadonlySet<string>> = {
  NodeAdd: new Set(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity', 'ImageLocality']),
  NodeUpdate: new Set(['NodeUnschedulable', 'TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity']),
  AssignedPodAdd: new Set(['PodTopologySpread', 'InterPodAffinity']),
  AssignedPodDelete: new Set(['NodeResourcesFit', 'NodePorts', 'PodTopologySpread', 'InterPodAffinity']),
};

/** Upstream DefaultPodMaxInUnschedulablePodsDuration and the flush periods. */
export const MAX_IN_UNSCHEDULABLE_MS = 5 * 60 * 1000;
export const UNSCHEDULABLE_FLUSH_PERIOD_MS = 30 * 1000;
export const BACKOFF_FLUSH_PERIOD_MS = 1000;

export interface QueueMetrics {
  attempts: number;
  scheduled: number;
  /** Failed attempts. */
  unschedulable: number;
  /** Successful preemptions (a node nominated, victims evicted). */
  preemptionAttempts: number;
  victims: number;
  /** Per bound pod: simulated ms from first enqueue to bind. */
  podSchedulingMs: Map<string, number>;
}

export interface DriverOptions {
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
  explain?: boolean;
  /** Called after every attempt (metrics hooks). */
  onAttempt?: (pod: PodRef, result: AttemptResult, now: number, attempts: number) => void;
  /**
   * QueueingHints (hints.ts): whether a plugin that rejected a pod lets an event bring it back.
   * Without them every registered event brings it back.
   */
  hint?: QueueingHint;
}

const NO_PLUGINS: string[] = [];

type Where = 'active' | 'backoff' | 'unschedulable' | 'gated' | 'done';

interface Entry {
  ref: PodRef;
  /** Upstream Timestamp: (time, sequence). */
  ts: number;
  tsSeq: number;
  /** Input order among pods enqueued together (final tie-break). */
  order: number;
  attempts: number;
  backoffExpiry: number;
  unschedulableSince: number;
  unschedulablePlugins: string[];
  where: Where;
  firstEnqueue: number;
  nominatedNode?: string;
  lastReason?: string;
  /** Bumped whenever the entry is pushed onto a heap; heap items with an older version are stale. */
  version: number;
}

/** A binary min-heap with lazy deletion (stale items are skipped when they surface). */
class Heap<T> {
  private readonly vals: T[] = [];
  private readonly vers: number[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}
  push(v: T, ver: number): void {
    const { vals, vers } = this;
    let i = vals.length;
    vals.push(v);
    vers.push(ver);
    // Sift up by moving parents down into the hole.
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(v, vals[p]!)) break;
      vals[i] = vals[p]!;
      vers[i] = vers[p]!;
      i = p;
    }
    vals[i] = v;
    vers[i] = ver;
  }
  /** The first item for which `live` holds, removing stale ones on the way; undefined when empty. */
  peek(live: (v: T, ver: number) => boolean): T | undefined {
    while (this.vals.length > 0 && !live(this.vals[0]!, this.vers[0]!)) this.pop();
    return this.vals[0];
  }
  pop(): T | undefined {
    const { vals, vers } = this;
    const n = vals.length;
    if (n === 0) return undefined;
    const top = vals[0]!;
    const last = vals.pop()!;
    const lastVer = vers.pop()!;
    const size = n - 1;
    if (size > 0) {
      // Sift the last item down from the root, moving the smaller child up into the hole.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        const m = r < size && this.before(vals[r]!, vals[l]!) ? r : l;
        if (!this.before(vals[m]!, last)) break;
        vals[i] = vals[m]!;
        vers[i] = vers[m]!;
        i = m;
      }
      vals[i] = last;
      vers[i] = lastVer;
    }
    return top;
  }
}

export class SchedulingDriver implements Nominations {
  now = 0;
  readonly metrics: QueueMetrics = { attempts: 0, scheduled: 0, unschedulable: 0, preemptionAttempts: 0, victims: 0, podSchedulingMs: new Map() };
  readonly preemptions: Preemption[] = [];
  readonly explain: PodExplain[] = [];
  private readonly entries = new Map<string, Entry>();
  /** Pods in the order they were first enqueued (after PrioritySort of each enqueue batch). */
  private readonly order: Entry[] = [];
  private seq = 0;
  private readonly nominated = new Map<string, PodRef[]>();
  private lastUnschedulableFlush = 0;
  // activeQ and backoffQ as heaps, the unschedulable set as an insertion-ordered set: a cycle costs
  // O(log n) in the number of queued pods, not O(n).
  private readonly active = new Heap<Entry>((a, b) => this.less(a, b));
  private readonly backoff = new Heap<Entry>((a, b) => a.backoffExpiry < b.backoffExpiry || (a.backoffExpiry === b.backoffExpiry && a.tsSeq < b.tsSeq));
  private readonly unschedulable = new Set<Entry>();

  private readonly ctx: AttemptContext;

  constructor(private readonly backend: CycleBackend, private readonly opts: DriverOptions) {
    this.ctx = { nominations: this, nominatedNode: undefined, explain: opts.explain === true, now: 0, next: () => this.peekActive()?.ref };
  }

  /** Moves an entry between queues, keeping the heaps and the unschedulable set in step. */
  private place(e: Entry, where: Where): void {
    if (e.where === 'unschedulable') this.unschedulable.delete(e);
    e.where = where;
    if (where === 'active') this.active.push(e, ++e.version);
    else if (where === 'backoff') this.backoff.push(e, ++e.version);
    else if (where === 'unschedulable') this.unschedulable.add(e);
  }

  // ---- Nominations ----
  podsOn(node: string): readonly PodRef[] {
    return this.nominated.get(node) ?? [];
  }

  private nominate(e: Entry, node: string | undefined): void {
    // Nothing nominated before or now: nothing to do (the common case after every bind).
    if (node === undefined && e.nominatedNode === undefined && e.ref.pod.status?.nominatedNodeName === undefined) return;
    if (e.nominatedNode) {
      const list = this.nominated.get(e.nominatedNode)!;
      list.splice(list.indexOf(e.ref), 1);
      if (list.length === 0) this.nominated.delete(e.nominatedNode);
    }
    e.nominatedNode = node;
    if (node) {
      let list = this.nominated.get(node);
      if (!list) this.nominated.set(node, (list = []));
      list.push(e.ref);
    }
    const status = (e.ref.pod.status ??= {});
    if (node) status.nominatedNodeName = node;
    else delete status.nominatedNodeName;
  }

  // ---- Operations ----

  /** Adds pending pods (sorted by PrioritySort within the batch for reporting order, then queued). */
  enqueue(pods: readonly PodRef[]): void {
    let sorted = true;
    for (let i = 1; i < pods.length && sorted; i++) sorted = pods[i]!.priority <= pods[i - 1]!.priority;
    const batch = sorted ? pods : pods.map((ref, i) => ({ ref, i })).sort((a, b) => b.ref.priority - a.ref.priority || a.i - b.i).map((x) => x.ref);
    for (const ref of batch) {
      const e: Entry = {
        ref, ts: this.now, tsSeq: this.seq++, order: this.order.length, attempts: 0, backoffExpiry: 0, unschedulableSince: 0,
        unschedulablePlugins: NO_PLUGINS, where: 'gated', firstEnqueue: this.now, version: 0,
      };
      if (ref.pod.status?.nominatedNodeName) this.nominate(e, ref.pod.status.nominatedNodeName);
      this.entries.set(ref.key, e);
      this.order.push(e);
      const gate = this.backend.admit(ref);
      if (gate) {
        e.lastReason = gate.reason;
        this.place(e, gate.gated ? 'gated' : 'done');
      } else {
        this.place(e, 'active');
      }
    }
  }

  addNodes(nodes: readonly Node[]): void {
    for (const n of nodes) this.backend.addNode?.(n);
    if (nodes.length > 0) this.moveAll('NodeAdd', { nodes });
  }

  /** Deletes pods (bound or pending); frees their resources and requeues pods the deletion can help. */
  deletePods(keys: readonly string[]): void {
    let boundDeleted = false;
    // The bound pods deleted, for the hints; undefined once a pod the driver never saw is among them.
    let deleted: Pod[] | undefined = [];
    for (const key of keys) {
      const e = this.entries.get(key);
      if (e) {
        this.nominate(e, undefined);
        this.place(e, 'done');
        e.lastReason ??= 'deleted';
      }
      if (!e) {
        boundDeleted = true;
        deleted = undefined;
      } else if (e.ref.pod.spec.nodeName) {
        boundDeleted = true;
        deleted?.push(e.ref.pod);
      }
      this.backend.remove(key);
    }
    if (boundDeleted) this.moveAll('AssignedPodDelete', deleted ? { pods: deleted } : {});
  }

  /** Tells the driver about a pod bound outside it (running pods of the input are the backend's business). */
  podAssigned(): void {
    this.moveAll('AssignedPodAdd');
  }

  /**
   * Upstream MoveAllToActiveOrBackoffQueue for an event (isPodWorthRequeuing): a pod comes back when
   * its last attempt named no plugin, or when a plugin it named registers the event and its
   * QueueingHint (when the driver has hints) says the event's objects could make the pod schedulable.
   * A batch of nodes counts as one event per node: the pod comes back if any of them could help.
   */
  moveAll(event: ClusterEvent, objects: EventObjects = {}): void {
    if (this.unschedulable.size === 0) return;
    const helps = UNSCHEDULABLE_EVENTS[event];
    const hint = this.opts.hint;
    for (const e of [...this.unschedulable]) {
      const plugins = e.unschedulablePlugins;
      if (plugins.length > 0 && !plugins.some((p) => helps.has(p) && (!hint || hint(p, e.ref.pod, event, objects)))) continue;
      this.requeue(e);
    }
  }

  private requeue(e: Entry): void {
    this.place(e, e.backoffExpiry > this.now ? 'backoff' : 'active');
  }

  /** Upstream calculateBackoffDuration. */
  backoffMs(attempts: number): number {
    if (attempts === 0) return 0;
    const max = this.opts.podMaxBackoffSeconds * 1000;
    let d = this.opts.podInitialBackoffSeconds * 1000;
    for (let i = 1; i < attempts; i++) {
      if (d > max - d) return max;
      d += d;
    }
    return d;
  }

  private less(a: Entry, b: Entry): boolean {
    if (a.ref.priority !== b.ref.priority) return a.ref.priority > b.ref.priority;
    if (a.ts !== b.ts) return a.ts < b.ts;
    return a.tsSeq < b.tsSeq;
  }

  /** The entry popActive would return (activeQ's best live entry), left in place. */
  private peekActive(): Entry | undefined {
    return this.active.peek((x, ver) => x.where === 'active' && ver === x.version);
  }

  private popActive(): Entry | undefined {
    const e = this.active.peek((x, ver) => x.where === 'active' && ver === x.version);
    if (e) this.active.pop();
    return e;
  }

  /** Backoff flush (1 s tick) and, when `leftovers`, the 5-minute unschedulable flush (30 s tick). */
  private flush(leftovers: boolean): void {
    const live = (x: Entry, ver: number) => x.where === 'backoff' && ver === x.version;
    for (let e = this.backoff.peek(live); e && e.backoffExpiry <= this.now; e = this.backoff.peek(live)) {
      this.backoff.pop();
      this.place(e, 'active');
    }
    if (leftovers && this.now - this.lastUnschedulableFlush >= UNSCHEDULABLE_FLUSH_PERIOD_MS) {
      this.lastUnschedulableFlush = this.now - (this.now % UNSCHEDULABLE_FLUSH_PERIOD_MS);
      for (const e of [...this.unschedulable]) {
        if (this.now - e.unschedulableSince > MAX_IN_UNSCHEDULABLE_MS) this.requeue(e);
      }
    }
  }

  /** The next 1 s tick at or after the earliest backoff expiry, or undefined when backoffQ is empty. */
  private nextBackoffTick(): number | undefined {
    const e = this.backoff.peek((x, ver) => x.where === 'backoff' && ver === x.version);
    if (!e) return undefined;
    const t = e.backoffExpiry;
    return Math.ceil(t / BACKOFF_FLUSH_PERIOD_MS) * BACKOFF_FLUSH_PERIOD_MS;
  }

  /** One scheduling cycle for the best pod of activeQ; false when activeQ is empty. */
  scheduleOne(): boolean {
    const e = this.popActive();
    if (!e) return false;
    // One context object per driver, refilled per attempt (backends read it during the call only).
    const ctx = this.ctx;
    ctx.nominatedNode = e.nominatedNode;
    ctx.now = this.now;
    const r = this.backend.attempt(e.ref, ctx);
    e.attempts++;
    this.metrics.attempts++;
    if (r.explain) this.explain.push(r.explain);
    this.opts.onAttempt?.(e.ref, r, this.now, e.attempts);
    if (r.node) {
      this.backend.bind(e.ref, r.node, this.now);
      this.nominate(e, undefined);
      this.place(e, 'done');
      e.lastReason = undefined;
      this.metrics.scheduled++;
      this.metrics.podSchedulingMs.set(e.ref.key, this.now - e.firstEnqueue);
      if (this.unschedulable.size > 0) this.moveAll('AssignedPodAdd', { pods: [e.ref.pod] });
      return true;
    }
    this.metrics.unschedulable++;
    const pf = this.backend.preempt(e.ref, r, ctx);
    let post = pf?.message;
    if (pf) {
      if (pf.nominatedNode !== undefined) this.nominate(e, pf.nominatedNode ?? undefined);
      if (pf.nominatedNode && pf.victims.length > 0) {
        this.metrics.preemptionAttempts++;
        this.metrics.victims += pf.victims.length;
        for (const v of pf.victims) this.preemptions.push({ victim: v, preemptor: e.ref.key, node: pf.nominatedNode });
        this.clearLowerNominated(e, pf.nominatedNode);
      }
    }
    if (r.fitError) {
      const f = r.fitError;
      e.lastReason = fitErrorMessage(f.numAllNodes, f.reasonsPerNode, f.preFilterMsg, post || undefined);
    } else {
      e.lastReason = r.error ?? 'unschedulable';
      post = undefined;
    }
    // Failed: timestamp now; unschedulable set, or backoffQ for errors (no rejecting plugin).
    e.ts = this.now;
    e.tsSeq = this.seq++;
    e.backoffExpiry = this.now + this.backoffMs(e.attempts);
    e.unschedulablePlugins = r.unschedulablePlugins;
    e.unschedulableSince = this.now;
    // Upstream sends pods failing without a rejecting plugin (errors) to backoffQ and retries them forever; here they
    // wait in the unschedulable set like the others, and any cluster event moves them.
    this.place(e, 'unschedulable');
    if (pf && pf.victims.length > 0) {
      for (const v of pf.victims) {
        const ve = this.entries.get(v);
        if (ve) ve.lastReason = `preempted by ${e.ref.key} on ${pf.nominatedNode}`;
      }
      this.deletePods(pf.victims);
    }
    return true;
  }

  /** Upstream prepareCandidate: lower-priority pods nominated to the node lose their nomination and are reactivated. */
  private clearLowerNominated(preemptor: Entry, node: string): void {
    for (const ref of [...this.podsOn(node)]) {
      if (ref.priority >= preemptor.ref.priority) continue;
      const e = this.entries.get(ref.key)!;
      this.nominate(e, undefined);
      if (e.where === 'unschedulable' || e.where === 'backoff') this.place(e, 'active');
    }
  }

  /** Schedules until activeQ and backoffQ are empty, moving the clock to backoff expiries as needed. */
  runUntilIdle(maxAttempts = Number.MAX_SAFE_INTEGER): void {
    for (let n = 0; n < maxAttempts; n++) {
      this.flush(false);
      if (this.scheduleOne()) continue;
      const t = this.nextBackoffTick();
      if (t === undefined) return;
      this.now = Math.max(this.now, t);
    }
  }

  /** Lets `ms` of simulated time pass, scheduling whatever becomes ready on the way (ticks every second). */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.flush(true);
      while (this.scheduleOne()) this.flush(true);
      if (this.now >= end) return;
      this.now = Math.min(end, Math.floor(this.now / BACKOFF_FLUSH_PERIOD_MS) * BACKOFF_FLUSH_PERIOD_MS + BACKOFF_FLUSH_PERIOD_MS);
    }
  }

  /** How many scheduling attempts the pod has had since it was (last) enqueued; 0 for unknown pods. */
  attempts(key: string): number {
    return this.entries.get(key)?.attempts ?? 0;
  }

  /** Where a pod is (tests, metrics). */
  state(key: string): { where: Where; attempts: number; backoffExpiry: number; nominatedNode?: string; reason?: string } | undefined {
    const e = this.entries.get(key);
    return e && { where: e.where, attempts: e.attempts, backoffExpiry: e.backoffExpiry, nominatedNode: e.nominatedNode, reason: e.lastReason };
  }

  /** Every enqueued pod in first-enqueue order, with its node (bound) or last reason. */
  results(): { key: string; node: string | null; reason?: string }[] {
    return this.order.map((e) => (e.where === 'done' && e.lastReason === undefined && e.ref.pod.spec.nodeName
      ? { key: e.ref.key, node: e.ref.pod.spec.nodeName }
      : { key: e.ref.key, node: null, reason: e.lastReason ?? 'pending' }));
  }
}

/**
 * `kubescale schedule` for any engine: every pending pod of the input through the queue until it is
 * idle. `running` is told about each pod already bound in the input, `skipped` names the plugins the
 * engine lacks for a profile. Pods are copied, so the input is not modified.
 */
export function scheduleAllPending(
  backend: CycleBackend,
  cluster: import('../k8s/types.js').ClusterObjects,
  options: import('./types.js').ScheduleOptions,
  priorityOf: (pod: import('../k8s/types.js').Pod) => number,
  running: (ref: PodRef) => void,
  skipped: (profile: import('./config.js').Profile) => readonly string[],
): import('./types.js').ScheduleOutcome {
  // Object.assign, not spread: binding adds spec.nodeName, which V8 makes slow on spread copies.
  const pods = cluster.pods.map((p) => {
    const copy: import('../k8s/types.js').Pod = Object.assign({}, p, { spec: Object.assign({}, p.spec) });
    if (p.status) copy.status = Object.assign({}, p.status);
    return copy;
  });
  const pending: PodRef[] = [];
  for (const pod of pods) {
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    const ref: PodRef = { key: `${pod.metadata.namespace || 'default'}/${pod.metadata.name}`, pod, priority: priorityOf(pod) };
    if (pod.spec.nodeName) running(ref);
    else pending.push(ref);
  }
  const driver = new SchedulingDriver(backend, {
    podInitialBackoffSeconds: options.config.podInitialBackoffSeconds,
    podMaxBackoffSeconds: options.config.podMaxBackoffSeconds,
    explain: options.explain === true,
    hint: queueingHints(options.config, cluster),
  });
  driver.enqueue(pending);
  driver.runUntilIdle();
  const notBuilt = new Set<string>();
  for (const ref of pending) {
    const profile = options.config.profiles.find((p) => p.schedulerName === (ref.pod.spec.schedulerName || 'default-scheduler'));
    if (profile) for (const n of skipped(profile)) notBuilt.add(n);
  }
  const result: import('./types.js').ScheduleOutcome['result'] = {
    placements: driver.results().map((r) => (r.node ? { pod: r.key, node: r.node } : { pod: r.key, node: null, reason: r.reason! })),
    preemptions: driver.preemptions,
  };
  if (options.explain) result.explain = driver.explain;
  if (notBuilt.size > 0) result.skippedPlugins = [...notBuilt];
  return { result, pods };
}
