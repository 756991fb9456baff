// Per-kind validation of loaded objects, with Kubernetes' rules (apimachinery validation, core/v1
// and apps/v1 validation). Validators throw FieldError(path, message); the loader adds file and object.
// Only what kubescale reads is checked, but that is checked strictly: names end up in iptables
// comments and HTML reports, quantities in arithmetic.

import { FieldError } from './errors.js';
import * as v from './validation.js';
import { parseQuantity, QuantityError, cmpQuantity, resourceAmount } from '../model/quantity.js';
import type {
  Affinity, Container, KubeObject, LabelSelector, NodeSelectorRequirement, NodeSelectorTerm, PodAffinityTerm, PodSpec,
  ResourceList, Taint, Toleration, TopologySpreadConstraint,
} from './types.js';

export type Rec = Record<string, unknown>;

export function isRecord(x: unknown): x is Rec {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function fail(path: string, msg: string): never {
  throw new FieldError(path, msg);
}

function check(path: string, value: string, errors: string[]): void {
  if (errors.length > 0) fail(path, `Invalid value: ${JSON.stringify(value)}: ${errors[0]}`);
}

export function requireRecord(x: unknown, path: string): Rec {
  if (!isRecord(x)) fail(path, `Required value: must be an object`);
  return x;
}

export function optRecord(x: unknown, path: string): Rec | undefined {
  if (x === undefined || x === null) return undefined;
  if (!isRecord(x)) fail(path, `Invalid value: must be an object`);
  return x;
}

export function optArray(x: unknown, path: string): unknown[] | undefined {
  if (x === undefined || x === null) return undefined;
  if (!Array.isArray(x)) fail(path, `Invalid value: must be a list`);
  return x;
}

export function requireString(x: unknown, path: string): string {
  if (typeof x !== 'string') fail(path, x === undefined ? 'Required value' : `Invalid value: ${JSON.stringify(x)}: must be a string`);
  return x;
}

export function optString(x: unknown, path: string): string | undefined {
  if (x === undefined || x === null) return undefined;
  return requireString(x, path);
}

export function optInt(x: unknown, path: string, min = -2147483648, max = 2147483647): number | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'number' || !Number.isInteger(x)) fail(path, `Invalid value: ${JSON.stringify(x)}: must be an integer`);
  if (x < min) fail(path, `Invalid value: ${x}: must be greater than or equal to ${min}`);
  if (x > max) fail(path, `Invalid value: ${x}: must be less than or equal to ${max}`);
  return x;
}

export function optBool(x: unknown, path: string): boolean | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'boolean') fail(path, `Invalid value: ${JSON.stringify(x)}: must be a boolean`);
  return x;
}

export function oneOf<T extends string>(x: unknown, path: string, allowed: readonly T[], required = false): T | undefined {
  if (x === undefined || x === null || x === '') {
    if (required) fail(path, `Required value: supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return undefined;
  }
  if (typeof x !== 'string' || !allowed.includes(x as T)) {
    fail(path, `Unsupported value: ${JSON.stringify(x)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  return x as T;
}

export function validateLabels(labels: unknown, path: string): void {
  const rec = optRecord(labels, path);
  if (!rec) return;
  for (const [k, val] of Object.entries(rec)) {
    check(path, k, v.qualifiedName(k));
    if (typeof val !== 'string') fail(`${path}[${k}]`, `Invalid value: ${JSON.stringify(val)}: must be a string`);
    check(`${path}[${k}]`, val, v.labelValue(val));
  }
}

function validateAnnotations(ann: unknown, path: string): void {
  const rec = optRecord(ann, path);
  if (!rec) return;
  let total = 0;
  for (const [k, val] of Object.entries(rec)) {
    check(path, k, v.qualifiedName(k.toLowerCase()));
    if (typeof val !== 'string') fail(`${path}[${k}]`, `Invalid value: ${JSON.stringify(val)}: must be a string`);
    total += k.length + val.length;
  }
  if (total > 256 * 1024) fail(path, `Too long: must have at most 262144 bytes`);
}

export type NameRule = 'subdomain' | 'label' | 'dns1035';

/** ObjectMeta: name (or generateName), namespace, labels, annotations. */
export function validateMeta(obj: KubeObject, namespaced: boolean, nameRule: NameRule = 'subdomain'): void {
  const meta = requireRecord(obj.metadata, 'metadata');
  const name = optString(meta.name, 'metadata.name');
  const gen = optString(meta.generateName, 'metadata.generateName');
  if (name === undefined || name === '') {
    if (!gen) fail('metadata.name', 'Required value: name or generateName is required');
  } else {
    const errs = nameRule === 'label' ? v.dns1123Label(name) : nameRule === 'dns1035' ? v.dns1035Label(name) : v.dns1123Subdomain(name);
    check('metadata.name', name, errs);
  }
  if (gen) {
    const base = gen.endsWith('-') ? gen.slice(0, -1) : gen;
    if (base) check('metadata.generateName', gen, nameRule === 'label' ? v.dns1123Label(base) : v.dns1123Subdomain(base));
  }
  const ns = optString(meta.namespace, 'metadata.namespace');
  if (namespaced) {
    if (ns !== undefined && ns !== '') check('metadata.namespace', ns, v.dns1123Label(ns));
  } else if (ns) {
    fail('metadata.namespace', `Forbidden: not allowed on this type`);
  }
  validateLabels(meta.labels, 'metadata.labels');
  validateAnnotations(meta.annotations, 'metadata.annotations');
  const owners = optArray(meta.ownerReferences, 'metadata.ownerReferences');
  owners?.forEach((o, i) => {
    const p = `metadata.ownerReferences[${i}]`;
    const r = requireRecord(o, p);
    requireString(r.kind, `${p}.kind`);
    const owner = requireString(r.name, `${p}.name`);
    check(`${p}.name`, owner, v.dns1123Subdomain(owner));
  });
}

/** A value as messages show it (JSON.stringify turns Infinity and NaN into "null"). */
function shown(x: unknown): string {
  return typeof x === 'number' && !Number.isFinite(x) ? String(x) : JSON.stringify(x);
}

export function validateQuantity(x: unknown, path: string): void {
  if (typeof x !== 'string' && typeof x !== 'number') fail(path, `Invalid value: ${shown(x)}: must be a quantity`);
  try {
    parseQuantity(x);
  } catch (err) {
    if (err instanceof QuantityError) fail(path, `Invalid value: ${shown(x)}: ${err.message}`);
    throw err;
  }
}

export function validateResourceList(list: unknown, path: string): void {
  const rec = optRecord(list, path);
  if (!rec) return;
  for (const [k, q] of Object.entries(rec)) {
    check(path, k, v.qualifiedName(k));
    const p = `${path}[${k}]`;
    validateQuantity(q, p);
    if (parseQuantity(q as string | number).unscaled < 0n) fail(p, `Invalid value: ${JSON.stringify(q)}: must be greater than or equal to 0`);
    // The tables hold amounts as doubles: refuse what cannot be represented exactly, here rather than mid-build.
    try {
      resourceAmount(k, q as string | number);
    } catch (err) {
      if (err instanceof QuantityError) fail(p, `Invalid value: ${JSON.stringify(q)}: ${err.message}`);
      throw err;
    }
  }
}

export function validateLabelSelector(sel: unknown, path: string): void {
  const s = optRecord(sel, path) as LabelSelector | undefined;
  if (!s) return;
  validateLabels(s.matchLabels, `${path}.matchLabels`);
  optArray(s.matchExpressions, `${path}.matchExpressions`)?.forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const r = requireRecord(e, p);
    const key = requireString(r.key, `${p}.key`);
    check(`${p}.key`, key, v.qualifiedName(key));
    const op = oneOf(r.operator, `${p}.operator`, ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const, true)!;
    const values = optArray(r.values, `${p}.values`) ?? [];
    if ((op === 'In' || op === 'NotIn') && values.length === 0) fail(`${p}.values`, 'Required value: must be specified when `operator` is \'In\' or \'NotIn\'');
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) fail(`${p}.values`, 'Forbidden: may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'');
    values.forEach((val, j) => check(`${p}.values[${j}]`, requireString(val, `${p}.values[${j}]`), v.labelValue(val as string)));
  });
}

function validateNodeSelectorRequirement(req: unknown, path: string, field: boolean): void {
  const r = requireRecord(req, path) as unknown as NodeSelectorRequirement;
  const key = requireString(r.key, `${path}.key`);
  if (field) {
    if (key !== 'metadata.name') fail(`${path}.key`, `Invalid value: ${JSON.stringify(key)}: not a valid field selector key`);
  } else {
    check(`${path}.key`, key, v.qualifiedName(key));
  }
  const op = oneOf(r.operator, `${path}.operator`, field ? (['In', 'NotIn'] as const) : (['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const), true)!;
  const values = optArray(r.values, `${path}.values`) ?? [];
  values.forEach((val, j) => requireString(val, `${path}.values[${j}]`));
  if ((op === 'In' || op === 'NotIn') && values.length === 0) fail(`${path}.values`, "Required value: must be specified when `operator` is 'In' or 'NotIn'");
  if (field && values.length !== 1) fail(`${path}.values`, 'Required value: must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector');
  if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) fail(`${path}.values`, "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
  if (op === 'Gt' || op === 'Lt') {
    if (values.length !== 1) fail(`${path}.values`, "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'");
    if (!/^[+-]?\d+$/.test(values[0] as string)) fail(`${path}.values[0]`, `Invalid value: ${JSON.stringify(values[0])}: must be an integer`);
  }
}

function validateNodeSelectorTerm(term: unknown, path: string): void {
  const t = requireRecord(term, path) as NodeSelectorTerm;
  optArray(t.matchExpressions, `${path}.matchExpressions`)?.forEach((e, i) => validateNodeSelectorRequirement(e, `${path}.matchExpressions[${i}]`, false));
  optArray(t.matchFields, `${path}.matchFields`)?.forEach((e, i) => validateNodeSelectorRequirement(e, `${path}.matchFields[${i}]`, true));
}

function validatePodAffinityTerm(term: unknown, path: string): void {
  const t = requireRecord(term, path) as unknown as PodAffinityTerm;
  const key = requireString(t.topologyKey, `${path}.topologyKey`);
  if (key === '') fail(`${path}.topologyKey`, 'Required value: can not be empty');
  check(`${path}.topologyKey`, key, v.qualifiedName(key));
  validateLabelSelector(t.labelSelector, `${path}.labelSelector`);
  validateLabelSelector(t.namespaceSelector, `${path}.namespaceSelector`);
  optArray(t.namespaces, `${path}.namespaces`)?.forEach((n, i) => check(`${path}.namespaces[${i}]`, requireString(n, `${path}.namespaces[${i}]`), v.dns1123Label(n as string)));
  for (const f of ['matchLabelKeys', 'mismatchLabelKeys'] as const) {
    optArray(t[f], `${path}.${f}`)?.forEach((k, i) => check(`${path}.${f}[${i}]`, requireString(k, `${path}.${f}[${i}]`), v.qualifiedName(k as string)));
  }
}

function validateAffinity(a: unknown, path: string): void {
  const aff = optRecord(a, path) as Affinity | undefined;
  if (!aff) return;
  const na = optRecord(aff.nodeAffinity, `${path}.nodeAffinity`) as Affinity['nodeAffinity'];
  if (na) {
    const rp = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
    const req = optRecord(na.requiredDuringSchedulingIgnoredDuringExecution, rp);
    if (req) {
      const terms = optArray(req.nodeSelectorTerms, `${rp}.nodeSelectorTerms`);
      if (!terms || terms.length === 0) fail(`${rp}.nodeSelectorTerms`, 'Required value: must have at least one node selector term');
      terms.forEach((t, i) => validateNodeSelectorTerm(t, `${rp}.nodeSelectorTerms[${i}]`));
    }
    const pp = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution`;
    optArray(na.preferredDuringSchedulingIgnoredDuringExecution, pp)?.forEach((t, i) => {
      const r = requireRecord(t, `${pp}[${i}]`);
      optInt(r.weight, `${pp}[${i}].weight`, 1, 100);
      if (r.weight === undefined) fail(`${pp}[${i}].weight`, 'Required value');
      validateNodeSelectorTerm(r.preference, `${pp}[${i}].preference`);
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = optRecord(aff[kind], `${path}.${kind}`) as Affinity['podAffinity'];
    if (!pa) continue;
    const rp = `${path}.${kind}.requiredDuringSchedulingIgnoredDuringExecution`;
    optArray(pa.requiredDuringSchedulingIgnoredDuringExecution, rp)?.forEach((t, i) => validatePodAffinityTerm(t, `${rp}[${i}]`));
    const pp = `${path}.${kind}.preferredDuringSchedulingIgnoredDuringExecution`;
    optArray(pa.preferredDuringSchedulingIgnoredDuringExecution, pp)?.forEach((t, i) => {
      const r = requireRecord(t, `${pp}[${i}]`);
      if (r.weight === undefined) fail(`${pp}[${i}].weight`, 'Required value');
      optInt(r.weight, `${pp}[${i}].weight`, 1, 100);
      validatePodAffinityTerm(r.podAffinityTerm, `${pp}[${i}].podAffinityTerm`);
    });
  }
}

function validateTolerations(tols: unknown, path: string): void {
  optArray(tols, path)?.forEach((t, i) => {
    const p = `${path}[${i}]`;
    const r = requireRecord(t, p) as Toleration;
    const key = optString(r.key, `${p}.key`);
    if (key) check(`${p}.key`, key, v.qualifiedName(key));
    const op = oneOf(r.operator, `${p}.operator`, ['Exists', 'Equal'] as const) ?? 'Equal';
    const value = optString(r.value, `${p}.value`);
    if (!key && op !== 'Exists') fail(`${p}.operator`, `Invalid value: ${JSON.stringify(op)}: operator must be Exists when \`key\` is empty, which means "match all values and all keys"`);
    if (op === 'Exists' && value) fail(`${p}.operator`, `Invalid value: ${JSON.stringify(value)}: value must be empty when \`operator\` is 'Exists'`);
    if (op === 'Equal' && value) check(`${p}.value`, value, v.labelValue(value));
    oneOf(r.effect, `${p}.effect`, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const);
    optInt(r.tolerationSeconds, `${p}.tolerationSeconds`, -9007199254740991, 9007199254740991);
  });
}

export function validateTaints(taints: unknown, path: string): void {
  const seen = new Set<string>();
  optArray(taints, path)?.forEach((t, i) => {
    const p = `${path}[${i}]`;
    const r = requireRecord(t, p) as unknown as Taint;
    const key = requireString(r.key, `${p}.key`);
    check(`${p}.key`, key, v.qualifiedName(key));
    const value = optString(r.value, `${p}.value`);
    if (value) check(`${p}.value`, value, v.labelValue(value));
    const effect = oneOf(r.effect, `${p}.effect`, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const, true)!;
    const id = `${key}:${effect}`;
    if (seen.has(id)) fail(path, `Duplicate value: ${JSON.stringify({ key, effect })}: taints must be unique by key and effect pair`);
    seen.add(id);
  });
}

function validateTopologySpread(list: unknown, path: string): void {
  const seen = new Set<string>();
  optArray(list, path)?.forEach((c, i) => {
    const p = `${path}[${i}]`;
    const r = requireRecord(c, p) as unknown as TopologySpreadConstraint;
    if (r.maxSkew === undefined) fail(`${p}.maxSkew`, 'Required value');
    optInt(r.maxSkew, `${p}.maxSkew`, 1);
    const key = requireString(r.topologyKey, `${p}.topologyKey`);
    if (key === '') fail(`${p}.topologyKey`, 'Required value: can not be empty');
    check(`${p}.topologyKey`, key, v.qualifiedName(key));
    const when = oneOf(r.whenUnsatisfiable, `${p}.whenUnsatisfiable`, ['DoNotSchedule', 'ScheduleAnyway'] as const, true)!;
    if (r.minDomains !== undefined && r.minDomains !== null) {
      optInt(r.minDomains, `${p}.minDomains`, 1);
      if (when !== 'DoNotSchedule') fail(`${p}.minDomains`, `Invalid value: ${r.minDomains}: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway`);
    }
    oneOf(r.nodeAffinityPolicy, `${p}.nodeAffinityPolicy`, ['Honor', 'Ignore'] as const);
    oneOf(r.nodeTaintsPolicy, `${p}.nodeTaintsPolicy`, ['Honor', 'Ignore'] as const);
    validateLabelSelector(r.labelSelector, `${p}.labelSelector`);
    optArray(r.matchLabelKeys, `${p}.matchLabelKeys`)?.forEach((k, j) => check(`${p}.matchLabelKeys[${j}]`, requireString(k, `${p}.matchLabelKeys[${j}]`), v.qualifiedName(k as string)));
    const pair = `${key}/${when}`;
    if (seen.has(pair)) fail(`${p}.{topologyKey, whenUnsatisfiable}`, `Duplicate value: "{${key}, ${when}}"`);
    seen.add(pair);
  });
}

function validateContainer(c: unknown, path: string, names: Set<string>): void {
  const r = requireRecord(c, path) as unknown as Container;
  const name = requireString(r.name, `${path}.name`);
  check(`${path}.name`, name, v.dns1123Label(name));
  if (names.has(name)) fail(`${path}.name`, `Duplicate value: ${JSON.stringify(name)}`);
  names.add(name);
  optString(r.image, `${path}.image`);
  const res = optRecord(r.resources, `${path}.resources`);
  if (res) {
    validateResourceList(res.requests, `${path}.resources.requests`);
    validateResourceList(res.limits, `${path}.resources.limits`);
    const req = res.requests as ResourceList | undefined;
    const lim = res.limits as ResourceList | undefined;
    if (req && lim) {
      for (const [k, q] of Object.entries(req)) {
        if (lim[k] !== undefined && cmpQuantity(parseQuantity(q), parseQuantity(lim[k]!)) > 0) {
          fail(`${path}.resources.requests`, `Invalid value: ${JSON.stringify(String(q))}: must be less than or equal to ${k} limit of ${lim[k]}`);
        }
      }
    }
  }
  optArray(r.ports, `${path}.ports`)?.forEach((pt, i) => {
    const p = `${path}.ports[${i}]`;
    const port = requireRecord(pt, p);
    if (port.containerPort === undefined) fail(`${p}.containerPort`, 'Required value');
    optInt(port.containerPort, `${p}.containerPort`, 1, 65535);
    optInt(port.hostPort, `${p}.hostPort`, 0, 65535);
    const pname = optString(port.name, `${p}.name`);
    if (pname) check(`${p}.name`, pname, v.portName(pname));
    oneOf(port.protocol, `${p}.protocol`, ['TCP', 'UDP', 'SCTP'] as const);
    const hostIP = optString(port.hostIP, `${p}.hostIP`);
    if (hostIP) check(`${p}.hostIP`, hostIP, v.ipAddress(hostIP));
  });
  if (r.restartPolicy !== undefined) oneOf(r.restartPolicy, `${path}.restartPolicy`, ['Always'] as const);
}

/** A PodSpec, at `path` ("spec" for pods, "spec.template.spec" for controllers). */
export function validatePodSpec(spec: unknown, path: string): void {
  const s = requireRecord(spec, path) as unknown as PodSpec;
  const containers = optArray(s.containers, `${path}.containers`);
  if (!containers || containers.length === 0) fail(`${path}.containers`, 'Required value');
  const names = new Set<string>();
  containers.forEach((c, i) => validateContainer(c, `${path}.containers[${i}]`, names));
  optArray(s.initContainers, `${path}.initContainers`)?.forEach((c, i) => validateContainer(c, `${path}.initContainers[${i}]`, names));
  const nodeName = optString(s.nodeName, `${path}.nodeName`);
  if (nodeName) check(`${path}.nodeName`, nodeName, v.dns1123Subdomain(nodeName));
  validateLabels(s.nodeSelector, `${path}.nodeSelector`);
  validateAffinity(s.affinity, `${path}.affinity`);
  validateTolerations(s.tolerations, `${path}.tolerations`);
  validateTopologySpread(s.topologySpreadConstraints, `${path}.topologySpreadConstraints`);
  validateResourceList(s.overhead, `${path}.overhead`);
  const sched = optString(s.schedulerName, `${path}.schedulerName`);
  if (sched) check(`${path}.schedulerName`, sched, v.dns1123Subdomain(sched));
  optInt(s.priority, `${path}.priority`);
  const pc = optString(s.priorityClassName, `${path}.priorityClassName`);
  if (pc) check(`${path}.priorityClassName`, pc, v.dns1123Subdomain(pc));
  oneOf(s.preemptionPolicy, `${path}.preemptionPolicy`, ['PreemptLowerPriority', 'Never'] as const);
  optArray(s.schedulingGates, `${path}.schedulingGates`)?.forEach((g, i) => {
    const name = requireString(requireRecord(g, `${path}.schedulingGates[${i}]`).name, `${path}.schedulingGates[${i}].name`);
    check(`${path}.schedulingGates[${i}].name`, name, v.qualifiedName(name));
  });
  const host = optString(s.hostname, `${path}.hostname`);
  if (host) check(`${path}.hostname`, host, v.dns1123Label(host));
  const sub = optString(s.subdomain, `${path}.subdomain`);
  if (sub) check(`${path}.subdomain`, sub, v.dns1123Label(sub));
  optBool(s.hostNetwork, `${path}.hostNetwork`);
}
