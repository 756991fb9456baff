// Field validation for Ingress, HTTPRoute and Gateway, thrown as FieldError (the loader adds file
// and object). Ingress follows upstream pkg/apis/networking/validation; HTTPRoute and Gateway
// follow the Gateway API CRD schema and CEL rules (enums, required fields, limits). Messages use
// the apimachinery field.Error wording ("Required value", "Unsupported value", "Invalid value").

import { FieldError } from '../../k8s/errors.js';
import type { GenericObject } from '../../k8s/types.js';
import { dns1035Label, dns1123Subdomain, inclusiveRange, isIPv4, isIPv6, regexError } from '../../k8s/validation.js';

const q = (v: unknown) => JSON.stringify(v);
const unsupported = (field: string, v: unknown, values: readonly string[]) =>
  new FieldError(field, `Unsupported value: ${q(v)}: supported values: ${values.map(q).join(', ')}`);
const invalid = (field: string, v: unknown, detail: string) => new FieldError(field, `Invalid value: ${q(v)}: ${detail}`);
const required = (field: string, detail = '') => new FieldError(field, `Required value${detail ? `: ${detail}` : ''}`);

const WILDCARD_FMT = '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const WILDCARD_MSG = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

/** Host of an Ingress rule or a Gateway API hostname: DNS subdomain, optionally "*."-prefixed, not an IP. */
function checkHost(field: string, host: string): void {
  if (isIPv4(host) || isIPv6(host)) throw invalid(field, host, 'must be a DNS name, not an IP address');
  if (host.startsWith('*.')) {
    if (dns1123Subdomain(host.slice(2)).length) throw invalid(field, host, regexError(WILDCARD_MSG, WILDCARD_FMT, '*.example.com'));
    return;
  }
  if (host.includes('*')) throw invalid(field, host, regexError(WILDCARD_MSG, WILDCARD_FMT, '*.example.com'));
  const e = dns1123Subdomain(host);
  if (e.length) throw invalid(field, host, e[0]!);
}

const arr = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? v as Record<string, unknown> : {});

// ---- Ingress -------------------------------------------------------------------------------

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const BAD_PATH_PARTS = ['//', '/./', '/../', '%2f', '%2F'];
const BAD_PATH_SUFFIXES = ['/..', '/.'];

function ingressBackend(field: string, b: Record<string, unknown>): void {
  const svc = b.service ? obj(b.service) : undefined;
  if (svc && b.resource) throw new FieldError(field, 'Invalid value: cannot set both service and resource backends');
  if (!svc && !b.resource) throw required(field, 'one of `service` or `resource` must be specified');
  if (!svc) return;
  const name = svc.name;
  if (typeof name !== 'string' || !name) throw required(`${field}.service.name`);
  const ne = dns1035Label(name);
  if (ne.length) throw invalid(`${field}.service.name`, name, ne[0]!);
  const port = obj(svc.port);
  const hasName = typeof port.name === 'string' && port.name !== '';
  const hasNumber = port.number !== undefined && port.number !== 0;
  if (hasName && hasNumber) throw new FieldError(`${field}.service.port`, 'Invalid value: cannot set both port name & port number');
  if (!hasName && !hasNumber) throw required(`${field}.service.port`, 'port name or number is required');
  if (hasNumber && inclusiveRange(port.number as number, 1, 65535).length) throw invalid(`${field}.service.port.number`, port.number, 'must be between 1 and 65535, inclusive');
}

export function validateIngress(o: GenericObject): void {
  const spec = obj(o.spec);
  const rules = arr(spec.rules) ?? [];
  if (!spec.defaultBackend && rules.length === 0) throw new FieldError('spec', 'Invalid value: either `defaultBackend` or `rules` must be specified');
  if (spec.defaultBackend) ingressBackend('spec.defaultBackend', obj(spec.defaultBackend));
  rules.forEach((r, i) => {
    const rule = obj(r);
    const base = `spec.rules[${i}]`;
    if (typeof rule.host === 'string' && rule.host) checkHost(`${base}.host`, rule.host);
    const http = rule.http ? obj(rule.http) : undefined;
    if (!http) return;
    const paths = arr(http.paths) ?? [];
    if (paths.length === 0) throw required(`${base}.http.paths`);
    paths.forEach((p, j) => {
      const path = obj(p);
      const f = `${base}.http.paths[${j}]`;
      const pt = path.pathType;
      if (pt === undefined || pt === '') throw required(`${f}.pathType`, 'pathType must be specified');
      if (!PATH_TYPES.includes(pt as string)) throw unsupported(`${f}.pathType`, pt, PATH_TYPES);
      const value = typeof path.path === 'string' ? path.path : '';
      if (pt !== 'ImplementationSpecific' || value) {
        if (!value.startsWith('/')) throw invalid(`${f}.path`, value, 'must be an absolute path');
      }
      if (pt === 'Exact' || pt === 'Prefix') {
        for (const bad of BAD_PATH_PARTS) if (value.includes(bad)) throw invalid(`${f}.path`, value, `must not contain '${bad}'`);
        for (const bad of BAD_PATH_SUFFIXES) if (value.endsWith(bad)) throw invalid(`${f}.path`, value, `cannot end with '${bad}'`);
      }
      ingressBackend(`${f}.backend`, obj(path.backend));
    });
  });
}

// ---- Gateway API ---------------------------------------------------------------------------

const MATCH_PATH_TYPES = ['Exact', 'PathPrefix', 'RegularExpression'];
const STRING_MATCH_TYPES = ['Exact', 'RegularExpression'];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
const PROTOCOLS = ['HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP'];

function tooMany(field: string, n: number, max: number): FieldError {
  return new FieldError(field, `Too many: ${n}: must have at most ${max} items`);
}

function stringMatches(field: string, v: unknown): void {
  const list = arr(v) ?? [];
  if (list.length > 16) throw tooMany(field, list.length, 16);
  const seen = new Set<string>();
  list.forEach((m, k) => {
    const s = obj(m);
    const f = `${field}[${k}]`;
    if (typeof s.name !== 'string' || !s.name) throw required(`${f}.name`);
    if (s.type !== undefined && !STRING_MATCH_TYPES.includes(s.type as string)) throw unsupported(`${f}.type`, s.type, STRING_MATCH_TYPES);
    if (typeof s.value !== 'string') throw required(`${f}.value`);
    if (s.type === 'RegularExpression') { try { new RegExp(s.value); } catch (e) { throw invalid(`${f}.value`, s.value, (e as Error).message); } }
    const key = field.endsWith('headers') ? s.name.toLowerCase() : s.name;
    if (seen.has(key)) throw new FieldError(f, `Duplicate value: ${q(s.name)}`);
    seen.add(key);
  });
}

export function validateHTTPRoute(o: GenericObject): void {
  const spec = obj(o.spec);
  const parents = arr(spec.parentRefs) ?? [];
  if (parents.length > 32) throw tooMany('spec.parentRefs', parents.length, 32);
  parents.forEach((p, i) => { if (typeof obj(p).name !== 'string' || !obj(p).name) throw required(`spec.parentRefs[${i}].name`); });
  const hosts = arr(spec.hostnames) ?? [];
  if (hosts.length > 16) throw tooMany('spec.hostnames', hosts.length, 16);
  hosts.forEach((h, i) => checkHost(`spec.hostnames[${i}]`, String(h)));
  const rules = arr(spec.rules) ?? [];
  if (rules.length > 16) throw tooMany('spec.rules', rules.length, 16);
  rules.forEach((r, i) => {
    const rule = obj(r);
    const matches = arr(rule.matches) ?? [];
    if (matches.length > 64) throw tooMany(`spec.rules[${i}].matches`, matches.length, 64);
    matches.forEach((m, j) => {
      const match = obj(m);
      const f = `spec.rules[${i}].matches[${j}]`;
      if (match.path !== undefined) {
        const p = obj(match.path);
        const type = p.type ?? 'PathPrefix';
        if (!MATCH_PATH_TYPES.includes(type as string)) throw unsupported(`${f}.path.type`, type, MATCH_PATH_TYPES);
        const value = p.value ?? '/';
        if (typeof value !== 'string' || (type !== 'RegularExpression' && !value.startsWith('/'))) throw invalid(`${f}.path.value`, value, "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']");
        if (type !== 'RegularExpression') {
          for (const bad of BAD_PATH_PARTS) if (value.includes(bad)) throw invalid(`${f}.path.value`, value, `must not contain '${bad}' when type one of ['Exact', 'PathPrefix']`);
        } else {
          try { new RegExp(value); } catch (e) { throw invalid(`${f}.path.value`, value, (e as Error).message); }
        }
      }
      if (match.method !== undefined && !METHODS.includes(match.method as string)) throw unsupported(`${f}.method`, match.method, METHODS);
      stringMatches(`${f}.headers`, match.headers);
      stringMatches(`${f}.queryParams`, match.queryParams);
    });
    (arr(rule.backendRefs) ?? []).forEach((b, k) => {
      const ref = obj(b);
      const f = `spec.rules[${i}].backendRefs[${k}]`;
      if (typeof ref.name !== 'string' || !ref.name) throw required(`${f}.name`);
      const isService = (ref.kind ?? 'Service') === 'Service' && (ref.group ?? '') === '';
      if (isService && ref.port === undefined) throw required(`${f}.port`, 'Must have port for Service reference');
      if (ref.port !== undefined && inclusiveRange(ref.port as number, 1, 65535).length) throw invalid(`${f}.port`, ref.port, 'must be between 1 and 65535, inclusive');
      if (ref.weight !== undefined && inclusiveRange(ref.weight as number, 0, 1000000).length) throw invalid(`${f}.weight`, ref.weight, 'must be between 0 and 1000000, inclusive');
    });
  });
}

export function validateGateway(o: GenericObject): void {
  const spec = obj(o.spec);
  if (typeof spec.gatewayClassName !== 'string' || !spec.gatewayClassName) throw required('spec.gatewayClassName');
  const listeners = arr(spec.listeners) ?? [];
  if (listeners.length === 0) throw required('spec.listeners', 'must have at least 1 item');
  if (listeners.length > 64) throw tooMany('spec.listeners', listeners.length, 64);
  const names = new Set<string>();
  listeners.forEach((l, i) => {
    const ls = obj(l);
    const f = `spec.listeners[${i}]`;
    if (typeof ls.name !== 'string' || !ls.name) throw required(`${f}.name`);
    if (names.has(ls.name)) throw new FieldError('spec.listeners', 'Invalid value: Listener name must be unique within the Gateway');
    names.add(ls.name);
    if (ls.protocol === undefined) throw required(`${f}.protocol`);
    if (typeof ls.protocol !== 'string' || (!PROTOCOLS.includes(ls.protocol) && !ls.protocol.includes('/'))) throw unsupported(`${f}.protocol`, ls.protocol, PROTOCOLS);
    if (inclusiveRange(ls.port as number, 1, 65535).length) throw invalid(`${f}.port`, ls.port, 'must be between 1 and 65535, inclusive');
    if (typeof ls.hostname === 'string' && ls.hostname) checkHost(`${f}.hostname`, ls.hostname);
    const from = obj(obj(ls.allowedRoutes).namespaces).from;
    if (from !== undefined && !['All', 'Same', 'Selector'].includes(from as string)) throw unsupported(`${f}.allowedRoutes.namespaces.from`, from, ['All', 'Same', 'Selector']);
  });
}
