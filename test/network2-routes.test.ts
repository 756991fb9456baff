// Routes: the Ingress path and host examples from the Kubernetes docs, HTTPRoute precedence cases
// (path, method, headers, query, hostname, route age/name, rule order, listener attachment) as
// data, the default backend, and the CLI's JSON/exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GenericObject } from '../src/k8s/types.js';
import { Router } from '../src/network/routes/router.js';
import { parseRequest } from '../src/network/routes/table.js';

const DATA = fileURLToPath(new URL('../../test/data/network2/', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/kubescale.js', import.meta.url));
const cases = JSON.parse(readFileSync(DATA + 'routes-cases.json', 'utf8')) as {
  ingressPaths: [string, [string, string][], string, number | null, string][];
  ingressHosts: [string, string, boolean, string][];
  httpRoutes: { name: string; routes: GenericObject[]; request: string; headers?: string[]; backend: string | null; reason: string; source?: string; gateway?: string }[];
  gateways: Record<string, GenericObject>;
};

function ingress(paths: [string, string][], opts: { host?: string; defaultBackend?: string; name?: string } = {}): GenericObject {
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: opts.name ?? 'ing', namespace: 'web' },
    spec: {
      ...(opts.defaultBackend ? { defaultBackend: { service: { name: opts.defaultBackend, port: { number: 8080 } } } } : {}),
      rules: [{ ...(opts.host ? { host: opts.host } : {}), http: { paths: paths.map(([pathType, path], i) => ({ path, pathType, backend: { service: { name: `svc${i}`, port: { number: 80 } } } })) } }],
    },
  };
}

for (const [kind, paths, reqPath, want, note] of cases.ingressPaths) {
  test(`Ingress docs: ${kind} ${paths.map((p) => p[1]).join(', ')} vs ${reqPath} -> ${want === null ? 'no match' : paths[want]![1]}${note ? ` (${note})` : ''}`, () => {
    const r = new Router({ ingresses: [ingress(paths, { defaultBackend: 'fallback' })], httpRoutes: [], gateways: [] });
    const d = r.route(parseRequest(`GET http://foo.bar.com${reqPath}`));
    if (want === null) {
      assert.deepEqual([d.backend, d.reason], [{ service: 'web/fallback', port: 8080 }, 'default backend']);
    } else {
      assert.equal(d.backend?.service, `web/svc${want}`);
      assert.equal(d.source, `Ingress web/ing rule 0 path ${want}`);
    }
  });
}

test('Ingress docs: the reasons name the precedence step', () => {
  const r = new Router({ ingresses: [ingress([['Prefix', '/'], ['Prefix', '/aaa'], ['Prefix', '/foo'], ['Exact', '/foo']])], httpRoutes: [], gateways: [] });
  assert.equal(r.route(parseRequest('GET http://x/aaa/b')).reason, 'longest path');
  assert.equal(r.route(parseRequest('GET http://x/foo')).reason, 'exact over prefix');
  assert.equal(r.route(parseRequest('GET http://x/zzz')).reason, 'only match');
  // No Ingress has a default backend: 404.
  const none = new Router({ ingresses: [ingress([['Exact', '/foo']])], httpRoutes: [], gateways: [] }).route(parseRequest('GET http://x/bar'));
  assert.deepEqual([none.status, none.backend], [404, null]);
});

for (const [host, reqHost, matches, note] of cases.ingressHosts) {
  test(`Ingress docs: host ${host} vs ${reqHost} -> ${matches ? 'match' : 'no match'} (${note})`, () => {
    const r = new Router({ ingresses: [ingress([['Prefix', '/']], { host })], httpRoutes: [], gateways: [] });
    assert.equal(r.route(parseRequest(`GET http://${reqHost}/`)).status, matches ? 200 : 404);
  });
}

test('Ingress: exact host before wildcard before host-less rules; oldest Ingress wins a tie', () => {
  const a = ingress([['Prefix', '/']], { host: 'www.foo.com', name: 'exact' });
  const b = ingress([['Prefix', '/long/path']], { host: '*.foo.com', name: 'wild' });
  const c = ingress([['Prefix', '/']], { name: 'any' });
  const r = new Router({ ingresses: [c, b, a], httpRoutes: [], gateways: [] });
  const d = r.route(parseRequest('GET http://www.foo.com/long/path'));
  assert.deepEqual([d.source, d.reason], ['Ingress web/exact rule 0 path 0', 'exact hostname']);
  assert.equal(r.route(parseRequest('GET http://api.foo.com/long/path/x')).source, 'Ingress web/wild rule 0 path 0');
  assert.equal(r.route(parseRequest('GET http://api.foo.com/other')).source, 'Ingress web/any rule 0 path 0');
  const old = { ...ingress([['Prefix', '/']], { name: 'zz-old' }), metadata: { name: 'zz-old', namespace: 'web', creationTimestamp: '2020-01-01T00:00:00Z' } } as GenericObject;
  const young = { ...ingress([['Prefix', '/']], { name: 'aa-new' }), metadata: { name: 'aa-new', namespace: 'web', creationTimestamp: '2024-01-01T00:00:00Z' } } as GenericObject;
  const t = new Router({ ingresses: [young, old], httpRoutes: [], gateways: [] }).route(parseRequest('GET http://h/'));
  assert.deepEqual([t.source, t.reason], ['Ingress web/zz-old rule 0 path 0', 'oldest ingress']);
});

for (const c of cases.httpRoutes) {
  test(`HTTPRoute: ${c.name}`, () => {
    const r = new Router({ ingresses: [], httpRoutes: c.routes, gateways: [cases.gateways[c.gateway ?? 'all']!] });
    const d = r.route(parseRequest(c.request, c.headers ?? []));
    assert.equal(d.backend?.service ?? null, c.backend);
    assert.equal(d.reason, c.reason);
    if (c.source) assert.equal(d.source, c.source);
    assert.equal(d.status, c.backend ? 200 : 404);
    // The fast path agrees with the explained path.
    assert.equal(r.match(parseRequest(c.request, c.headers ?? []))?.source, c.backend ? d.source : undefined);
  });
}

test('routes CLI: JSON shape of cli.md, text output, exit 1 on 404, exit 2 on a bad request', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-routes-'));
  const f = join(dir, 'r.json');
  const c = cases.httpRoutes[1]!;
  writeFileSync(f, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [cases.gateways.all, ...c.routes] }));
  const run = (...a: string[]) => spawnSync(process.execPath, [BIN, 'routes', f, ...a], { encoding: 'utf8' });
  const j = run('--request', 'GET http://a.example.com/foo/bar/baz', '-o', 'json');
  assert.equal(j.status, 0, j.stderr);
  const out = JSON.parse(j.stdout) as { backend: unknown; source: string; reason: string };
  assert.deepEqual(out.backend, { service: 'default/long', port: 80, weight: 1 });
  assert.equal(out.source, 'HTTPRoute default/r rule 1 match 0');
  assert.equal(out.reason, 'longest prefix');
  const t = run('--request', 'GET http://a.example.com/foo');
  assert.equal(t.stdout, 'default/short:80  (HTTPRoute default/r rule 0 match 0; only match)\n');
  assert.equal(run('--request', 'GET http://a.example.com/nothing').status, 1);
  const bad = run('--request', 'GET not-a-url');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /not an absolute URL/);
});

import { validateGateway, validateHTTPRoute, validateIngress } from '../src/network/routes/validate.js';
import { FieldError } from '../src/k8s/errors.js';

test('validation: Ingress, HTTPRoute and Gateway fields as FieldError', () => {
  const bad = (fn: () => void, field: string, detail: RegExp) => assert.throws(fn, (e: unknown) => e instanceof FieldError && e.field === field && detail.test(e.detail));
  const ing = (paths: unknown[], host?: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'n' },
    spec: { rules: [{ ...(host ? { host } : {}), http: { paths } }] } }) as GenericObject;
  const be = { service: { name: 'web', port: { number: 80 } } };
  validateIngress(ing([{ path: '/a', pathType: 'Prefix', backend: be }], '*.foo.com'));
  bad(() => validateIngress(ing([{ path: '/a', backend: be }])), 'spec.rules[0].http.paths[0].pathType', /^Required value: pathType must be specified$/);
  bad(() => validateIngress(ing([{ path: '/a', pathType: 'Regex', backend: be }])), 'spec.rules[0].http.paths[0].pathType', /^Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"$/);
  bad(() => validateIngress(ing([{ path: 'a', pathType: 'Exact', backend: be }])), 'spec.rules[0].http.paths[0].path', /must be an absolute path/);
  bad(() => validateIngress(ing([{ path: '/a//b', pathType: 'Prefix', backend: be }])), 'spec.rules[0].http.paths[0].path', /must not contain '\/\/'/);
  bad(() => validateIngress(ing([{ path: '/', pathType: 'Prefix', backend: be }], '1.2.3.4')), 'spec.rules[0].host', /must be a DNS name, not an IP address/);
  bad(() => validateIngress(ing([{ path: '/', pathType: 'Prefix', backend: be }], 'a.*.com')), 'spec.rules[0].host', /wildcard DNS-1123 subdomain must start with '\*\.'/);
  bad(() => validateIngress(ing([{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80, name: 'http' } } } }])), 'spec.rules[0].http.paths[0].backend.service.port', /cannot set both port name & port number/);
  bad(() => validateIngress({ kind: 'Ingress', metadata: { name: 'x' }, spec: {} } as GenericObject), 'spec', /either `defaultBackend` or `rules` must be specified/);

  const route = (rules: unknown[], hostnames?: string[]) => ({ kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { parentRefs: [{ name: 'gw' }], ...(hostnames ? { hostnames } : {}), rules } }) as GenericObject;
  validateHTTPRoute(route([{ matches: [{ path: { type: 'Exact', value: '/x' }, method: 'GET' }], backendRefs: [{ name: 's', port: 80 }] }], ['*.example.com']));
  bad(() => validateHTTPRoute(route([{ matches: [{ path: { type: 'Glob', value: '/x' } }] }])), 'spec.rules[0].matches[0].path.type', /^Unsupported value: "Glob"/);
  bad(() => validateHTTPRoute(route([{ matches: [{ path: { type: 'PathPrefix', value: 'x' } }] }])), 'spec.rules[0].matches[0].path.value', /must be an absolute path/);
  bad(() => validateHTTPRoute(route([{ matches: [{ method: 'FETCH' }] }])), 'spec.rules[0].matches[0].method', /Unsupported value: "FETCH"/);
  bad(() => validateHTTPRoute(route([{ matches: [{ headers: [{ name: 'A', value: '1' }, { name: 'a', value: '2' }] }] }])), 'spec.rules[0].matches[0].headers[1]', /Duplicate value/);
  bad(() => validateHTTPRoute(route([{ backendRefs: [{ name: 's' }] }])), 'spec.rules[0].backendRefs[0].port', /Must have port for Service reference/);
  bad(() => validateHTTPRoute(route([], ['10.0.0.1'])), 'spec.hostnames[0]', /not an IP address/);

  const gw = (listeners: unknown[]) => ({ kind: 'Gateway', metadata: { name: 'g' }, spec: { gatewayClassName: 'c', listeners } }) as GenericObject;
  validateGateway(gw([{ name: 'http', port: 80, protocol: 'HTTP', hostname: '*.example.com' }]));
  bad(() => validateGateway(gw([])), 'spec.listeners', /at least 1 item/);
  bad(() => validateGateway(gw([{ name: 'a', port: 80, protocol: 'HTTP' }, { name: 'a', port: 81, protocol: 'HTTP' }])), 'spec.listeners', /must be unique/);
  bad(() => validateGateway(gw([{ name: 'a', port: 0, protocol: 'HTTP' }])), 'spec.listeners[0].port', /between 1 and 65535/);
});
