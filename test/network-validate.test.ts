import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldError } from '../src/k8s/errors.js';
import { validateEndpointSlice, validateService } from '../src/network/validate.js';
import type { KubeObject } from '../src/k8s/types.js';

const svc = (patch: (o: any) => void = () => {}): KubeObject => {
  const o: any = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'prod' },
    spec: { clusterIP: '10.96.0.10', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } };
  patch(o);
  return o;
};

function refused(obj: KubeObject, field: string, fn = validateService): void {
  assert.throws(() => fn(obj), (e: unknown) => e instanceof FieldError && e.field === field, `expected FieldError on ${field}`);
}

test('valid Services and EndpointSlices pass', () => {
  validateService(svc());
  validateService(svc((o) => { o.spec.type = 'LoadBalancer'; o.spec.ports[0].nodePort = 30080; o.spec.loadBalancerSourceRanges = [' 203.0.113.0/25']; o.spec.sessionAffinity = 'ClientIP'; o.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } }; o.status = { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }; }));
  validateService(svc((o) => { o.spec.clusterIP = 'None'; o.spec.ports = []; }));
  validateEndpointSlice({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abcde', namespace: 'prod' }, addressType: 'IPv4',
    endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] });
});

test('names cannot inject: quotes, spaces and newlines in Service, namespace and port names are refused', () => {
  for (const bad of ['we"b', 'we b', 'web\n-A INPUT', "we'b", 'Web']) refused(svc((o) => { o.metadata.name = bad; }), 'metadata.name');
  for (const bad of ['pr"od', 'pr od', 'prod\nx']) refused(svc((o) => { o.metadata.namespace = bad; }), 'metadata.namespace');
  for (const bad of ['ht"tp', 'ht tp', 'http\n', 'HTTP']) refused(svc((o) => { o.spec.ports[0].name = bad; }), 'spec.ports[0].name');
  refused(svc((o) => { o.spec.ports[0].targetPort = 'a b'; }), 'spec.ports[0].targetPort');
  const slice = (patch: (o: any) => void): KubeObject => {
    const o: any = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's', namespace: 'prod' }, addressType: 'IPv4', endpoints: [], ports: [{ name: 'http', port: 80 }] };
    patch(o);
    return o;
  };
  refused(slice((o) => { o.ports[0].name = 'a"b'; }), 'ports[0].name', validateEndpointSlice);
  refused(slice((o) => { o.endpoints = [{ addresses: ['10.0.0.1"'] }]; }), 'endpoints[0].addresses[0]', validateEndpointSlice);
  refused(slice((o) => { o.endpoints = [{ addresses: ['10.0.0.1'], nodeName: 'n 1' }]; }), 'endpoints[0].nodeName', validateEndpointSlice);
});

test('Service field checks use upstream-like messages', () => {
  assert.throws(() => validateService(svc((o) => { o.spec.ports[0].port = 70000; })), /spec\.ports\[0\]\.port: Invalid value: 70000: must be between 1 and 65535, inclusive/);
  refused(svc((o) => { o.spec.ports[0].protocol = 'ICMP'; }), 'spec.ports[0].protocol');
  refused(svc((o) => { o.spec.ports.push({ port: 81 }); }), 'spec.ports[1].name');
  refused(svc((o) => { o.spec.ports.push({ name: 'http', port: 81 }); }), 'spec.ports[1].name');
  refused(svc((o) => { o.spec.clusterIP = '10.96.0.300'; }), 'spec.clusterIP');
  refused(svc((o) => { o.spec.externalIPs = ['x']; }), 'spec.externalIPs[0]');
  refused(svc((o) => { o.spec.loadBalancerSourceRanges = ['10.0.0.0/33']; }), 'spec.loadBalancerSourceRanges[0]');
  refused(svc((o) => { o.spec.externalTrafficPolicy = 'Nearby'; }), 'spec.externalTrafficPolicy');
  refused(svc((o) => { o.spec.sessionAffinity = 'ClientIP'; o.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 0 } }; }), 'spec.sessionAffinityConfig.clientIP.timeoutSeconds');
  refused(svc((o) => { o.spec.ports[0].nodePort = 30000; }), 'spec.ports[0].nodePort');
  refused(svc((o) => { o.spec.type = 'ExternalName'; }), 'spec.externalName');
});
