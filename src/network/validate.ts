// Validation of the Service and EndpointSlice fields the network layer relies on (upstream
// pkg/apis/core/validation ValidateService, pkg/apis/discovery/validation). Each throws
// FieldError(fieldPath, upstream-like message); the loader adds file and object.
// Names reach rule comments and chain hashes, so anything that could break out of a quoted
// iptables/nft argument (quotes, spaces, newlines) must be refused here: Service names are
// DNS-1035 labels, namespaces DNS-1123 labels, port names DNS-1123 labels (and IANA_SVC_NAME for
// named target ports) — none of them admits such characters.

import type { KubeObject } from '../k8s/types.js';
import { FieldError } from '../k8s/errors.js';
import { isRecord, optArray, optBool, optInt, optRecord, optString, oneOf, validateLabels, validateMeta } from '../k8s/validate.js';
import * as v from '../k8s/validation.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;

function invalid(path: string, value: unknown, msg: string): never {
  throw new FieldError(path, `Invalid value: ${JSON.stringify(value)}: ${msg}`);
}

function checkAll(path: string, value: unknown, errs: string[]): void {
  if (errs.length) invalid(path, value, errs.join(', '));
}

function portNum(x: unknown, path: string, required: boolean, min = 1): number | undefined {
  if (x === undefined || x === null) {
    if (required) throw new FieldError(path, 'Required value');
    return undefined;
  }
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > 65535) invalid(path, x, `must be between ${min} and 65535, inclusive`);
  return x;
}

function ip(x: unknown, path: string): string {
  if (typeof x !== 'string') invalid(path, x, 'must be a string');
  checkAll(path, x, v.ipAddress(x));
  return x;
}

export function validateService(obj: KubeObject): void {
  validateMeta(obj, true, 'dns1035');
  const spec = optRecord(obj.spec, 'spec') ?? {};
  const type = oneOf(spec.type, 'spec.type', ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const) ?? 'ClusterIP';
  if (type === 'ExternalName') {
    const name = optString(spec.externalName, 'spec.externalName');
    if (!name) throw new FieldError('spec.externalName', 'Required value');
    checkAll('spec.externalName', name, v.dns1123Subdomain(name.endsWith('.') ? name.slice(0, -1) : name));
  }
  const clusterIP = optString(spec.clusterIP, 'spec.clusterIP');
  if (clusterIP && clusterIP !== 'None') ip(clusterIP, 'spec.clusterIP');
  const clusterIPs = optArray(spec.clusterIPs, 'spec.clusterIPs') ?? [];
  clusterIPs.forEach((x, i) => { if (x !== 'None') ip(x, `spec.clusterIPs[${i}]`); });
  if (clusterIP && clusterIPs.length && clusterIPs[0] !== clusterIP) invalid('spec.clusterIPs[0]', clusterIPs[0], 'must be same as clusterIP');
  const families = optArray(spec.ipFamilies, 'spec.ipFamilies') ?? [];
  families.forEach((f, i) => oneOf(f, `spec.ipFamilies[${i}]`, ['IPv4', 'IPv6'] as const, true));
  if (spec.selector !== undefined) validateLabels(spec.selector, 'spec.selector');

  const ports = optArray(spec.ports, 'spec.ports') ?? [];
  if (ports.length === 0 && type !== 'ExternalName' && clusterIP !== 'None') throw new FieldError('spec.ports', 'Required value');
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const p = `spec.ports[${i}]`;
    if (!isRecord(raw)) throw new FieldError(p, 'must be an object');
    const name = optString(raw.name, `${p}.name`);
    if (ports.length > 1 && !name) throw new FieldError(`${p}.name`, 'Required value');
    if (name) {
      checkAll(`${p}.name`, name, v.dns1123Label(name));
      if (names.has(name)) throw new FieldError(`${p}.name`, `Duplicate value: ${JSON.stringify(name)}`);
      names.add(name);
    }
    const protocol = oneOf(raw.protocol, `${p}.protocol`, PROTOCOLS);
    portNum(raw.port, `${p}.port`, true);
    const tp = raw.targetPort;
    if (typeof tp === 'string') {
      if (/^\d+$/.test(tp)) portNum(Number(tp), `${p}.targetPort`, true);
      else checkAll(`${p}.targetPort`, tp, v.portName(tp));
    } else if (tp !== undefined && tp !== 0) {
      portNum(tp, `${p}.targetPort`, true);
    }
    const np = portNum(raw.nodePort, `${p}.nodePort`, false, 0);
    if (np && type !== 'NodePort' && type !== 'LoadBalancer') invalid(`${p}.nodePort`, np, 'may not be used when `type` is \'ClusterIP\'');
    optString(raw.appProtocol, `${p}.appProtocol`);
    void protocol;
  });
  (optArray(spec.externalIPs, 'spec.externalIPs') ?? []).forEach((x, i) => ip(x, `spec.externalIPs[${i}]`));
  (optArray(spec.loadBalancerSourceRanges, 'spec.loadBalancerSourceRanges') ?? []).forEach((x, i) => {
    const path = `spec.loadBalancerSourceRanges[${i}]`;
    if (typeof x !== 'string') invalid(path, x, 'must be a string');
    checkAll(path, x, v.cidr(x.trim()));
  });
  oneOf(spec.externalTrafficPolicy, 'spec.externalTrafficPolicy', ['Cluster', 'Local'] as const);
  oneOf(spec.internalTrafficPolicy, 'spec.internalTrafficPolicy', ['Cluster', 'Local'] as const);
  portNum(spec.healthCheckNodePort, 'spec.healthCheckNodePort', false, 0);
  const affinity = oneOf(spec.sessionAffinity, 'spec.sessionAffinity', ['ClientIP', 'None'] as const);
  const cfg = optRecord(spec.sessionAffinityConfig, 'spec.sessionAffinityConfig');
  const clientIP = cfg ? optRecord(cfg.clientIP, 'spec.sessionAffinityConfig.clientIP') : undefined;
  const timeout = clientIP ? optInt(clientIP.timeoutSeconds, 'spec.sessionAffinityConfig.clientIP.timeoutSeconds') : undefined;
  if (timeout !== undefined) {
    if (affinity !== 'ClientIP') throw new FieldError('spec.sessionAffinityConfig', `Invalid value: must not be set when sessionAffinity is ${affinity ?? 'None'}`);
    if (timeout < 1 || timeout > 86400) invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, 'must be greater than 0 and less than 86400');
  }
  optBool(spec.publishNotReadyAddresses, 'spec.publishNotReadyAddresses');
  const status = optRecord(obj.status, 'status');
  const lb = status ? optRecord(status.loadBalancer, 'status.loadBalancer') : undefined;
  (lb ? optArray(lb.ingress, 'status.loadBalancer.ingress') ?? [] : []).forEach((x, i) => {
    const p = `status.loadBalancer.ingress[${i}]`;
    if (!isRecord(x)) throw new FieldError(p, 'must be an object');
    if (x.ip !== undefined) ip(x.ip, `${p}.ip`);
    oneOf(x.ipMode, `${p}.ipMode`, ['Proxy', 'VIP'] as const);
  });
}

export function validateEndpointSlice(obj: KubeObject): void {
  validateMeta(obj, true);
  const addressType = oneOf(obj.addressType, 'addressType', ['FQDN', 'IPv4', 'IPv6'] as const, true)!;
  const eps = optArray(obj.endpoints, 'endpoints') ?? [];
  if (eps.length > 1000) throw new FieldError('endpoints', `Too many: ${eps.length}: must have at most 1000 items`);
  eps.forEach((raw, i) => {
    const p = `endpoints[${i}]`;
    if (!isRecord(raw)) throw new FieldError(p, 'must be an object');
    const addrs = optArray(raw.addresses, `${p}.addresses`) ?? [];
    if (addrs.length === 0) throw new FieldError(`${p}.addresses`, 'Required value: must contain at least 1 address');
    addrs.forEach((a, j) => {
      const ap = `${p}.addresses[${j}]`;
      if (typeof a !== 'string') invalid(ap, a, 'must be a string');
      if (addressType === 'IPv4' && !v.isIPv4(a)) invalid(ap, a, 'must be a valid IPv4 address');
      if (addressType === 'IPv6' && !v.isIPv6(a)) invalid(ap, a, 'must be a valid IPv6 address');
      if (addressType === 'FQDN') checkAll(ap, a, v.dns1123Subdomain(a));
    });
    const cond = optRecord(raw.conditions, `${p}.conditions`);
    if (cond) for (const k of ['ready', 'serving', 'terminating']) optBool(cond[k], `${p}.conditions.${k}`);
    const node = optString(raw.nodeName, `${p}.nodeName`);
    if (node) checkAll(`${p}.nodeName`, node, v.dns1123Subdomain(node));
    const host = optString(raw.hostname, `${p}.hostname`);
    if (host) checkAll(`${p}.hostname`, host, v.dns1123Label(host));
    optString(raw.zone, `${p}.zone`);
  });
  const ports = optArray(obj.ports, 'ports') ?? [];
  if (ports.length > 20000) throw new FieldError('ports', 'Too many');
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const p = `ports[${i}]`;
    if (!isRecord(raw)) throw new FieldError(p, 'must be an object');
    const name = optString(raw.name, `${p}.name`) ?? '';
    if (name) checkAll(`${p}.name`, name, v.dns1123Label(name));
    if (names.has(name)) throw new FieldError(`${p}.name`, `Duplicate value: ${JSON.stringify(name)}`);
    names.add(name);
    oneOf(raw.protocol, `${p}.protocol`, PROTOCOLS);
    portNum(raw.port, `${p}.port`, false, 0);
  });
}
