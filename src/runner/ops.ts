// The op interpreter: runs a workload's resolved ops in order against a Driver, as upstream's
// scheduler_perf runWorkload does (createPods waits for its pods unless skipWaitToCompletion; churn runs
// in the background until the workload ends; default namespaces are "namespace-<op index>").

import { performance } from 'node:perf_hooks';
import type { KubeObject, Node, Pod } from '../k8s/types.js';
import type { Rng } from '../model/rng.js';
import { podKeyOf, type Driver, type PodFilter } from './driver.js';
import { ObjectFactory, NodePreparer } from './generate.js';
import { PhaseCollector } from './metrics.js';
import { defaultNodeTemplate, defaultPodTemplate, TemplateCache } from './templates.js';
import type { ChurnOp, DeletePodsOp, ResolvedCreatePods, ResolvedOp } from './workload.js';

export interface OpContext {
  driver: Driver;
  templates: TemplateCache;
  rng: Rng;
  /** The test case's defaultPodTemplatePath (absolute). */
  defaultPodTemplatePath?: string;
  /** Progress lines (stderr). */
  log?: (line: string) => void;
}

export interface OpsOutcome {
  phases: PhaseCollector[];
  warnings: string[];
  /** Pods created by collectMetrics ops (or matched by a metrics window) left unbound, with reasons. */
  unboundMeasured: string[];
}

export class OpRunner {
  private readonly factory: ObjectFactory;
  private readonly phases: PhaseCollector[] = [];
  private readonly warnings: string[] = [];
  private readonly unboundMeasured: string[] = [];
  private readonly stops: (() => void)[] = [];
  private window?: { phase: PhaseCollector; filter: PodFilter; stop: () => void };

  constructor(private readonly ctx: OpContext) {
    this.factory = new ObjectFactory(ctx.rng);
  }

  run(ops: readonly ResolvedOp[]): OpsOutcome {
    try {
      ops.forEach((op) => this.runOp(op));
      if (this.window) this.warnings.push('startCollectingMetrics without stopCollectingMetrics: the window ends with the workload');
      this.closeWindow();
    } finally {
      for (const s of this.stops) s();
    }
    return { phases: this.phases, warnings: this.warnings, unboundMeasured: this.unboundMeasured };
  }

  private ensureNamespace(name: string): void {
    const d = this.ctx.driver;
    if (!d.namespaceNames().has(name)) d.createNamespaces([this.factory.namespace(name)]);
  }

  private podTemplate(path: string | undefined): Pod {
    const p = path ?? this.ctx.defaultPodTemplatePath;
    return p ? (this.ctx.templates.load(p, ['Pod']) as Pod) : defaultPodTemplate();
  }

  private runOp(op: ResolvedOp): void {
    const d = this.ctx.driver;
    switch (op.opcode) {
      case 'createNodes': {
        const tmpl = op.nodeTemplatePath ? (this.ctx.templates.load(op.nodeTemplatePath, ['Node']) as Node) : defaultNodeTemplate();
        if (tmpl.metadata.name && op.count > 1) op.at.at('count').fail(`the node template names its node ${JSON.stringify(tmpl.metadata.name)}, so count must be 1, got ${op.count}`);
        d.createNodes(this.factory.nodes(tmpl, op.count, new NodePreparer(op.strategy, this.ctx.rng)));
        return;
      }
      case 'createNamespaces': {
        const tmpl = op.namespaceTemplatePath ? this.ctx.templates.load(op.namespaceTemplatePath, ['Namespace']) : undefined;
        const existing = d.namespaceNames();
        const ns = [];
        for (let i = 0; i < op.count; i++) {
          const name = `${op.prefix}-${i}`;
          if (existing.has(name)) op.at.fail(`namespace ${JSON.stringify(name)} already exists`);
          ns.push(this.factory.namespace(name, tmpl));
        }
        d.createNamespaces(ns);
        return;
      }
      case 'createPods':
        this.createPods(op, op.namespace ?? `namespace-${op.index}`);
        return;
      case 'createPodSets':
        for (let i = 0; i < op.count; i++) this.createPods(op.createPodsOp, `${op.namespacePrefix}-${i}`);
        return;
      case 'deletePods':
        this.deletePods(op);
        return;
      case 'churn':
        this.churn(op);
        return;
      case 'barrier': {
        const r = d.waitFor({ namespaces: op.namespaces, labelSelector: op.labelSelector }, op.stageRequirement);
        if (!r.satisfied) this.warnings.push(`${op.at.path}: barrier (${op.stageRequirement}) gave up with ${r.remaining} pod(s) not ${op.stageRequirement === 'Scheduled' ? 'scheduled' : 'attempted'}`);
        return;
      }
      case 'sleep':
        d.advance(op.durationMs);
        return;
      case 'startCollectingMetrics': {
        if (this.window) op.at.fail('metrics collection already started (stopCollectingMetrics missing)');
        const phase = new PhaseCollector(op.name, performance.now(), d.counters());
        const filter: PodFilter = { namespaces: op.namespaces, labelSelector: op.labelSelector };
        const stop = d.onAttempt((e) => {
          if (e.node && (!filter.namespaces?.length || filter.namespaces.includes(e.pod.metadata.namespace || 'default')) && matchesLabels(e.pod, filter)) phase.binds.push(e.wallMs);
        });
        this.window = { phase, filter, stop };
        return;
      }
      case 'stopCollectingMetrics':
        if (!this.window) op.at.fail('stopCollectingMetrics without startCollectingMetrics');
        this.closeWindow();
        return;
      case 'createAny': {
        const tmpl = this.ctx.templates.load(op.templatePath);
        const namespaced = tmpl.kind !== 'Node' && tmpl.kind !== 'Namespace' && tmpl.kind !== 'PriorityClass';
        if (op.namespace && !namespaced) op.at.at('namespace').fail(`namespace set, but ${tmpl.kind} is cluster-scoped`);
        if (!op.namespace && namespaced) op.at.at('namespace').fail(`namespace not set, but ${tmpl.kind} is namespaced`);
        if (op.namespace) this.ensureNamespace(op.namespace);
        if (tmpl.kind === 'Pod') d.createPods(this.factory.pods(tmpl as Pod, op.count, op.namespace!));
        else if (tmpl.kind === 'Node') d.createNodes(this.factory.nodes(tmpl as Node, op.count, new NodePreparer(undefined, this.ctx.rng)));
        else d.createObjects(Array.from({ length: op.count }, () => this.factory.object(tmpl, op.namespace)));
        return;
      }
    }
  }

  private closeWindow(): void {
    const w = this.window;
    if (!w) return;
    const end = performance.now();
    w.stop();
    const d = this.ctx.driver;
    const unbound = d.listPods(w.filter).filter((p) => !p.spec.nodeName);
    w.phase.finish(end, d.counters(), unbound.length);
    this.phases.push(w.phase);
    this.window = undefined;
  }

  private createPods(op: ResolvedCreatePods, namespace: string): void {
    const d = this.ctx.driver;
    this.ensureNamespace(namespace);
    const pods = this.factory.pods(this.podTemplate(op.podTemplatePath), op.count, namespace);
    const keys = new Set(pods.map(podKeyOf));
    let phase: PhaseCollector | undefined;
    let stopBinds: (() => void) | undefined;
    if (op.collectMetrics) {
      if (this.window) op.at.fail('collectMetrics while a startCollectingMetrics window is open');
      phase = new PhaseCollector(op.at.path, performance.now(), d.counters());
      const p = phase;
      stopBinds = d.onAttempt((e) => {
        if (e.node && keys.has(e.key)) p.binds.push(e.wallMs);
      });
    }
    this.ctx.log?.(`${op.at.path}: creating ${pods.length} pod(s) in ${namespace}`);
    d.createPods(pods);
    if (op.steadyState) {
      this.steadyState(op, namespace, keys);
    } else if (!op.skipWaitToCompletion) {
      const r = d.waitFor({ namespaces: [namespace] }, 'Scheduled');
      if (!r.satisfied) this.warnings.push(`${op.at.path}: ${r.remaining} pod(s) in ${namespace} could not be scheduled`);
    }
    if (phase) {
      // The phase ends when its pods are scheduled (or the wait gave up); counting the leftovers is not part of it.
      const end = performance.now();
      stopBinds!();
      const unbound = d.listPods({ namespaces: [namespace] }).filter((p) => keys.has(podKeyOf(p)) && !p.spec.nodeName);
      for (const p of unbound.slice(0, 5)) this.unboundMeasured.push(podKeyOf(p));
      phase.finish(end, d.counters(), unbound.length);
      this.phases.push(phase);
    }
  }

  /** Upstream steadyState: every pod of the op that gets scheduled is deleted and replaced, for `duration`. */
  private steadyState(op: ResolvedCreatePods, namespace: string, keys: Set<string>): void {
    const d = this.ctx.driver;
    const tmpl = this.podTemplate(op.podTemplatePath);
    const bound: string[] = [];
    const stopHook = d.onAttempt((e) => {
      if (e.node && keys.has(e.key)) bound.push(e.key);
    });
    const stopTimer = d.every(1, () => {
      if (bound.length === 0) return;
      const done = bound.splice(0);
      d.deletePods(done);
      const fresh = this.factory.pods(tmpl, done.length, namespace);
      for (const p of fresh) keys.add(podKeyOf(p));
      d.createPods(fresh);
    });
    try {
      d.advance(op.durationMs!);
    } finally {
      stopHook();
      stopTimer();
    }
  }

  private deletePods(op: DeletePodsOp): void {
    const d = this.ctx.driver;
    const victims = d.listPods({ namespaces: [op.namespace], labelSelector: op.labelSelector }).map(podKeyOf);
    if (op.deletePodsPerSecond === 0) {
      d.deletePods(victims);
      return;
    }
    let next = 0;
    const interval = 1000 / op.deletePodsPerSecond;
    let cancel = () => {};
    cancel = d.every(interval, () => {
      if (next < victims.length) d.deletePods([victims[next++]!]);
      if (next >= victims.length) cancel();
    });
    this.stops.push(cancel);
    if (!op.skipWaitToCompletion) {
      while (next < victims.length) d.advance(interval);
    }
  }

  /** Upstream churnOp: objects from each template every interval, in the background until the workload ends. */
  private churn(op: ChurnOp): void {
    const d = this.ctx.driver;
    const namespace = op.namespace ?? `namespace-${op.index}`;
    const tmpls = op.templatePaths.map((p) => this.ctx.templates.load(p, ['Node', 'Pod', 'Service', 'PriorityClass']));
    if (tmpls.some((t) => t.kind !== 'Node' && t.kind !== 'PriorityClass')) this.ensureNamespace(namespace);
    const create = (t: KubeObject): KubeObject => {
      if (t.kind === 'Node') {
        const [n] = this.factory.nodes(t as Node, 1, new NodePreparer(undefined, this.ctx.rng));
        d.createNodes([n!]);
        return n!;
      }
      if (t.kind === 'Pod') {
        const [p] = this.factory.pods(t as Pod, 1, namespace);
        d.createPods([p!]);
        return p!;
      }
      const o = this.factory.object(t, t.kind === 'PriorityClass' ? undefined : namespace);
      d.createObjects([o]);
      return o;
    };
    let count = 0;
    let cancel: () => void;
    if (op.mode === 'create') {
      cancel = d.every(op.intervalMilliseconds, () => {
        if (op.number === 0 || count < op.number) tmpls.forEach(create);
        count++;
      });
    } else {
      const slots: (KubeObject | undefined)[][] = tmpls.map(() => new Array<KubeObject | undefined>(op.number).fill(undefined));
      let warnedNode = false;
      cancel = d.every(op.intervalMilliseconds, () => {
        const i = count % op.number;
        tmpls.forEach((t, j) => {
          const held = slots[j]![i];
          if (held) {
            if (held.kind === 'Node') {
              if (d.deleteNode(held.metadata!.name!)) this.factory.forgetNode(held.metadata!.name!);
              else if (!warnedNode) {
                warnedNode = true;
                this.warnings.push(`${op.at.path}: the engine cannot remove nodes yet; churned nodes stay (they have no pod capacity)`);
              }
            } else d.deleteObject(held);
            slots[j]![i] = undefined;
          } else {
            slots[j]![i] = create(t);
          }
        });
        count++;
      });
    }
    this.stops.push(cancel);
  }
}

function matchesLabels(pod: Pod, f: PodFilter): boolean {
  if (!f.labelSelector) return true;
  const labels = pod.metadata.labels ?? {};
  return Object.entries(f.labelSelector).every(([k, v]) => labels[k] === v);
}

export function runOps(ops: readonly ResolvedOp[], ctx: OpContext): OpsOutcome {
  return new OpRunner(ctx).run(ops);
}
