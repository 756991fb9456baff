// What the loader knows about each kind: accepted apiVersions, scope, validation and where the
// object goes in ClusterObjects.

import type { ClusterObjects, GenericObject, KubeObject } from './types.js';
import {
  isRecord, oneOf, optArray, optBool, optInt, optRecord, optString, requireRecord, validateLabelSelector, validateLabels,
  validateMeta, validatePodSpec, validateResourceList, validateTaints,
} from './validate.js';
import { FieldError } from './errors.js';
import { validateEndpointSlice, validateService } from '../network/validate.js';
import { validateGateway, validateHTTPRoute, validateIngress } from '../network/routes/validate.js';

export interface KindRule {
  apiVersions?: string[];
  namespaced: boolean;
  /** Expanded into pods by the loader. */
  controller?: boolean;
  validate(obj: KubeObject): void;
  collect(out: ClusterObjects, obj: KubeObject): void;
}

function validatePod(obj: KubeObject): void {
  validateMeta(obj, true);
  validatePodSpec(obj.spec, 'spec');
  const status = optRecord(obj.status, 'status');
  if (status) oneOf(status.phase, 'status.phase', ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const);
}

function validateNode(obj: KubeObject): void {
  validateMeta(obj, false);
  const spec = optRecord(obj.spec, 'spec');
  if (spec) {
    optBool(spec.unschedulable, 'spec.unschedulable');
    validateTaints(spec.taints, 'spec.taints');
  }
  const status = optRecord(obj.status, 'status');
  if (status) {
    validateResourceList(status.capacity, 'status.capacity');
    validateResourceList(status.allocatable, 'status.allocatable');
    optArray(status.images, 'status.images')?.forEach((im, i) => {
      const r = requireRecord(im, `status.images[${i}]`);
      optArray(r.names, `status.images[${i}].names`)?.forEach((n, j) => optString(n, `status.images[${i}].names[${j}]`));
      optInt(r.sizeBytes, `status.images[${i}].sizeBytes`, 0, Number.MAX_SAFE_INTEGER);
    });
  }
}

function validateWorkload(obj: KubeObject, kind: string): void {
  validateMeta(obj, true);
  const spec = requireRecord(obj.spec, 'spec');
  if (kind !== 'DaemonSet' && kind !== 'Job') optInt(spec.replicas, 'spec.replicas', 0);
  if (kind === 'Job') {
    optInt(spec.parallelism, 'spec.parallelism', 0);
    optInt(spec.completions, 'spec.completions', 0);
    oneOf(spec.completionMode, 'spec.completionMode', ['NonIndexed', 'Indexed'] as const);
  }
  const template = requireRecord(spec.template, 'spec.template');
  const tmeta = optRecord(template.metadata, 'spec.template.metadata');
  if (tmeta) validateLabels(tmeta.labels, 'spec.template.metadata.labels');
  validatePodSpec(template.spec, 'spec.template.spec');
  if (kind !== 'Job') {
    if (spec.selector === undefined) throw new FieldError('spec.selector', 'Required value');
    validateLabelSelector(spec.selector, 'spec.selector');
    const sel = spec.selector as { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
    const labels = (tmeta?.labels ?? {}) as Record<string, string>;
    const matches = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    if (!matches) throw new FieldError('spec.template.metadata.labels', `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``);
    if (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
      throw new FieldError('spec.selector', 'Invalid value: "{}": empty selector is invalid for deployment');
    }
  }
}

function validatePriorityClass(obj: KubeObject): void {
  validateMeta(obj, false);
  const value = (obj as Record<string, unknown>).value;
  if (value === undefined) throw new FieldError('value', 'Required value');
  optInt(value, 'value', -2147483648, 1000000000 * 2);
  const name = obj.metadata?.name ?? '';
  if ((value as number) > 1000000000 && !name.startsWith('system-')) {
    throw new FieldError('value', `Invalid value: ${value}: must be less than or equal to 1000000000 (reserved for system-critical priority classes)`);
  }
  optBool((obj as Record<string, unknown>).globalDefault, 'globalDefault');
  oneOf((obj as Record<string, unknown>).preemptionPolicy, 'preemptionPolicy', ['PreemptLowerPriority', 'Never'] as const);
}

function intOrPercent(x: unknown, path: string): void {
  if (x === undefined || x === null) return;
  if (typeof x === 'number') {
    optInt(x, path, 0);
    return;
  }
  if (typeof x !== 'string' || !/^\d+%$/.test(x)) throw new FieldError(path, `Invalid value: ${JSON.stringify(x)}: must be an integer or percentage (e.g '5%')`);
}

function validatePDB(obj: KubeObject): void {
  validateMeta(obj, true);
  const spec = optRecord(obj.spec, 'spec');
  if (!spec) return;
  intOrPercent(spec.minAvailable, 'spec.minAvailable');
  intOrPercent(spec.maxUnavailable, 'spec.maxUnavailable');
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) throw new FieldError('spec', 'Invalid value: minAvailable and maxUnavailable cannot be both set');
  validateLabelSelector(spec.selector, 'spec.selector');
}

function validateGeneric(obj: KubeObject): void {
  validateMeta(obj, true);
  if (obj.spec !== undefined && !isRecord(obj.spec)) throw new FieldError('spec', 'Invalid value: must be an object');
}

const push = <K extends keyof ClusterObjects>(key: K) => (out: ClusterObjects, obj: KubeObject) => {
  (out[key] as unknown[]).push(obj);
};

export const KIND_RULES: Record<string, KindRule> = {
  Pod: { apiVersions: ['v1'], namespaced: true, validate: validatePod, collect: push('pods') },
  Node: { apiVersions: ['v1'], namespaced: false, validate: validateNode, collect: push('nodes') },
  Namespace: { apiVersions: ['v1'], namespaced: false, validate: (o) => validateMeta(o, false, 'label'), collect: push('namespaces') },
  Deployment: { apiVersions: ['apps/v1'], namespaced: true, controller: true, validate: (o) => validateWorkload(o, 'Deployment'), collect: push('workloads') },
  ReplicaSet: { apiVersions: ['apps/v1'], namespaced: true, controller: true, validate: (o) => validateWorkload(o, 'ReplicaSet'), collect: push('workloads') },
  StatefulSet: { apiVersions: ['apps/v1'], namespaced: true, controller: true, validate: (o) => validateWorkload(o, 'StatefulSet'), collect: push('workloads') },
  DaemonSet: { apiVersions: ['apps/v1'], namespaced: true, controller: true, validate: (o) => validateWorkload(o, 'DaemonSet'), collect: push('workloads') },
  Job: { apiVersions: ['batch/v1'], namespaced: true, controller: true, validate: (o) => validateWorkload(o, 'Job'), collect: push('workloads') },
  Service: { apiVersions: ['v1'], namespaced: true, validate: validateService, collect: push('services') },
  EndpointSlice: { apiVersions: ['discovery.k8s.io/v1'], namespaced: true, validate: validateEndpointSlice, collect: push('endpointSlices') },
  PriorityClass: { apiVersions: ['scheduling.k8s.io/v1'], namespaced: false, validate: validatePriorityClass, collect: push('priorityClasses') },
  PodDisruptionBudget: { apiVersions: ['policy/v1'], namespaced: true, validate: validatePDB, collect: push('podDisruptionBudgets') },
  Ingress: { apiVersions: ['networking.k8s.io/v1'], namespaced: true, validate: (o) => { validateGeneric(o); validateIngress(o as GenericObject); }, collect: push('ingresses') },
  HTTPRoute: { apiVersions: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'], namespaced: true, validate: (o) => { validateGeneric(o); validateHTTPRoute(o as GenericObject); }, collect: push('httpRoutes') },
  Gateway: { apiVersions: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'], namespaced: true, validate: (o) => { validateGeneric(o); validateGateway(o as GenericObject); }, collect: push('gateways') },
  KubeSchedulerConfiguration: {
    apiVersions: ['kubescheduler.config.k8s.io/v1'], namespaced: false,
    // Decoded strictly by the scheduler's config layer, which knows every field.
    validate: (o) => { if (!isRecord(o)) throw new FieldError('', 'must be an object'); },
    collect: push('schedulerConfigs'),
  },
};
