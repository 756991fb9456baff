// Cluster DNS as CoreDNS's kubernetes plugin answers it (default Corefile: zone cluster.local,
// `pods insecure`, ttl 5), from loaded Services, EndpointSlices and Pods:
//   <svc>.<ns>.svc.<zone>            A/AAAA: ClusterIPs; headless: ready endpoint addresses;
//                                    ExternalName: CNAME
//   <ep>.<svc>.<ns>.svc.<zone>       headless endpoints: <ep> = endpoint hostname (pod hostname when
//                                    its subdomain names the service), else the dashed IP
//   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV per named port (headless: one per endpoint)
//   <a-b-c-d>.<ns>.pod.<zone>        A for the dashed IP (insecure mode: not checked against pods)
//   PTR                              ClusterIPs -> service name; headless endpoints -> endpoint name
// A name that exists without records of the asked type is NOERROR with no answers (NODATA).

import type { EndpointSlice, Pod, Service } from '../../k8s/types.js';
import { LABEL_SERVICE_NAME } from '../endpoint-cache.js';
import { canonicalIP, familyOf } from '../ip.js';
import { clusterIPsOf, isHeadless, serviceType } from '../service.js';

export type RecordType = 'A' | 'AAAA' | 'SRV' | 'PTR' | 'CNAME';

export interface DnsRecord { name: string; type: RecordType; ttl: number; data: string }
export interface DnsAnswer { query: string; type: RecordType; rcode: 'NOERROR' | 'NXDOMAIN'; answers: DnsRecord[]; additional: DnsRecord[] }

export const TTL = 5;

interface Endpoint { ip: string; name: string; ports: { name: string; port: number; protocol: string }[] }

interface ServiceEntry { svc: Service; endpoints: Endpoint[] }

const dashed = (ip: string) => (ip.includes(':') ? ip.replaceAll(':', '-') : ip.replaceAll('.', '-'));

/** "1.2.3.4" -> "4.3.2.1.in-addr.arpa"; IPv6 -> nibble form under ip6.arpa. */
export function reverseName(ip: string): string {
  if (familyOf(ip) === 'IPv4') return ip.split('.').reverse().join('.') + '.in-addr.arpa';
  const full = expandIPv6(ip);
  return full.replaceAll(':', '').split('').reverse().join('.') + '.ip6.arpa';
}

function expandIPv6(ip: string): string {
  const [h, t] = ip.split('::') as [string, string | undefined];
  const head = h ? h.split(':') : [];
  const tail = t !== undefined && t ? t.split(':') : [];
  const groups = t !== undefined ? [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail] : head;
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

/** Inverse of reverseName, or undefined. */
export function ipFromReverse(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const p = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (p.length !== 4) return undefined;
    const ip = p.reverse().join('.');
    return familyOf(ip) === 'IPv4' ? canonicalIP(ip) : undefined;
  }
  if (name.endsWith('.ip6.arpa')) {
    const n = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (n.length !== 32 || n.some((x) => !/^[0-9a-f]$/.test(x))) return undefined;
    const hex = n.reverse().join('');
    return canonicalIP(hex.match(/.{4}/g)!.join(':'));
  }
  return undefined;
}

export class ClusterDNS {
  private readonly services = new Map<string, ServiceEntry>();
  private readonly ptr = new Map<string, string[]>();

  constructor(services: readonly Service[], slices: readonly EndpointSlice[], pods: readonly Pod[] = [], readonly zone = 'cluster.local') {
    for (const svc of services) this.services.set(`${svc.metadata.name}.${svc.metadata.namespace ?? 'default'}`, { svc, endpoints: [] });
    for (const s of slices) {
      const svcName = s.metadata.labels?.[LABEL_SERVICE_NAME];
      const e = svcName && this.services.get(`${svcName}.${s.metadata.namespace ?? 'default'}`);
      if (!e) continue;
      const publishNotReady = !!e.svc.spec?.publishNotReadyAddresses;
      for (const ep of s.endpoints ?? []) {
        if (ep.conditions?.ready === false && !publishNotReady) continue;
        for (const addr of ep.addresses ?? []) {
          const ip = canonicalIP(addr);
          if (!ip) continue;
          let rec = e.endpoints.find((x) => x.ip === ip);
          if (!rec) e.endpoints.push((rec = { ip, name: ep.hostname || dashed(ip), ports: [] }));
          for (const p of s.ports ?? []) {
            if (p.port && !rec.ports.some((q) => q.name === (p.name ?? '') && q.protocol === (p.protocol ?? 'TCP'))) rec.ports.push({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' });
          }
        }
      }
    }
    // Pods with hostname + subdomain naming a headless service get records even without slices.
    for (const pod of pods) {
      const { hostname, subdomain } = pod.spec;
      const ip = pod.status?.podIP;
      const e = subdomain && this.services.get(`${subdomain}.${pod.metadata.namespace ?? 'default'}`);
      if (!hostname || !ip || !e || !isHeadless(e.svc)) continue;
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      if (!ready && !e.svc.spec?.publishNotReadyAddresses) continue;
      if (!e.endpoints.some((x) => x.ip === ip)) e.endpoints.push({ ip: canonicalIP(ip) ?? ip, name: hostname, ports: [] });
    }
    for (const [key, e] of this.services) {
      const fqdn = `${key}.svc.${this.zone}`;
      if (isHeadless(e.svc)) for (const ep of e.endpoints) this.addPtr(ep.ip, `${ep.name}.${fqdn}`);
      else if (serviceType(e.svc) !== 'ExternalName') for (const ip of clusterIPsOf(e.svc)) if (canonicalIP(ip)) this.addPtr(canonicalIP(ip)!, fqdn);
    }
  }

  private addPtr(ip: string, name: string): void {
    const l = this.ptr.get(ip);
    if (!l) this.ptr.set(ip, [name]);
    else if (!l.includes(name)) l.push(name);
  }

  query(rawName: string, type: Exclude<RecordType, 'CNAME'>): DnsAnswer {
    let name = rawName.toLowerCase().replace(/\.$/, '');
    if (type === 'PTR' && familyOf(name)) name = reverseName(canonicalIP(name)!);
    const out: DnsAnswer = { query: name + '.', type, rcode: 'NOERROR', answers: [], additional: [] };
    const rr = (n: string, t: RecordType, data: string) => ({ name: n + '.', type: t, ttl: TTL, data });
    const nx = () => { out.rcode = 'NXDOMAIN'; return out; };

    if (type === 'PTR') {
      const ip = ipFromReverse(name);
      const names = ip ? this.ptr.get(ip) : undefined;
      if (!names) return nx();
      for (const n of names) out.answers.push(rr(name, 'PTR', n + '.'));
      return out;
    }
    const zone = '.' + this.zone;
    if (!name.endsWith(zone)) return nx();
    const labels = name.slice(0, -zone.length).split('.');
    const family = type === 'AAAA' ? 'IPv6' : 'IPv4';

    // <a-b-c-d>.<ns>.pod.<zone>
    if (labels.length === 3 && labels[2] === 'pod') {
      const ip = labels[0]!.includes('-') && familyOf(labels[0]!.replaceAll('-', '.')) ? labels[0]!.replaceAll('-', '.') : familyOf(labels[0]!.replaceAll('-', ':')) ? labels[0]!.replaceAll('-', ':') : undefined;
      if (!ip) return nx();
      if (familyOf(ip) === family && (type === 'A' || type === 'AAAA')) out.answers.push(rr(name, type, canonicalIP(ip)!));
      return out;
    }
    const svcAt = labels.lastIndexOf('svc');
    if (svcAt < 2 || svcAt !== labels.length - 1) return nx();
    const e = this.services.get(`${labels[svcAt - 2]}.${labels[svcAt - 1]}`);
    if (!e) return nx();
    const svcName = labels.slice(svcAt - 2).join('.') + zone;
    const extra = labels.slice(0, svcAt - 2);
    const headless = isHeadless(e.svc);

    if (serviceType(e.svc) === 'ExternalName') {
      if (extra.length) return nx();
      const target = (e.svc.spec?.externalName ?? '').replace(/\.$/, '') + '.';
      out.answers.push(rr(name, 'CNAME', target));
      return out;
    }

    if (type === 'SRV') {
      let portName: string | undefined, proto: string | undefined;
      if (extra.length === 2 && extra[0]!.startsWith('_') && extra[1]!.startsWith('_')) { portName = extra[0]!.slice(1); proto = extra[1]!.slice(1).toUpperCase(); }
      else if (extra.length) return nx();
      const srv: { target: string; port: number }[] = [];
      if (headless) {
        for (const ep of e.endpoints) for (const p of ep.ports) {
          if (portName === undefined ? p.name !== '' : p.name === portName && p.protocol === proto) srv.push({ target: `${ep.name}.${svcName}`, port: p.port });
        }
      } else {
        for (const p of e.svc.spec?.ports ?? []) {
          const pn = p.name ?? '';
          if (portName === undefined ? pn !== '' : pn === portName && (p.protocol ?? 'TCP') === proto) srv.push({ target: svcName, port: p.port });
        }
      }
      if (!srv.length) return portName !== undefined ? nx() : out;
      // CoreDNS: equal weights, normalised so one priority group sums to about 100.
      const weight = Math.floor(100 / srv.length);
      for (const s of srv) out.answers.push(rr(name, 'SRV', `0 ${weight} ${s.port} ${s.target}.`));
      const seen = new Set<string>();
      for (const s of srv) {
        if (seen.has(s.target)) continue;
        seen.add(s.target);
        for (const a of this.addresses(e, s.target === svcName ? undefined : s.target.slice(0, s.target.indexOf('.')), 'IPv4')) out.additional.push(rr(s.target, 'A', a));
      }
      return out;
    }

    if (extra.length > 1) return nx();
    if (extra.length === 1) {
      if (!headless || !e.endpoints.some((ep) => ep.name === extra[0])) return nx();
      for (const a of this.addresses(e, extra[0], family)) out.answers.push(rr(name, type, a));
      return out;
    }
    for (const a of this.addresses(e, undefined, family)) out.answers.push(rr(name, type, a));
    return out;
  }

  private addresses(e: ServiceEntry, endpointName: string | undefined, family: 'IPv4' | 'IPv6'): string[] {
    if (!isHeadless(e.svc)) return endpointName ? [] : clusterIPsOf(e.svc).map((ip) => canonicalIP(ip)!).filter((ip) => ip && familyOf(ip) === family);
    return e.endpoints.filter((ep) => (endpointName === undefined || ep.name === endpointName) && familyOf(ep.ip) === family).map((ep) => ep.ip);
  }
}

export function formatRecords(a: DnsAnswer): string {
  const lines = [`;; ${a.query} ${a.type} status: ${a.rcode}`];
  for (const r of a.answers) lines.push(`${r.name}\t${r.ttl}\tIN\t${r.type}\t${r.data}`);
  if (a.additional.length) {
    lines.push(';; ADDITIONAL');
    for (const r of a.additional) lines.push(`${r.name}\t${r.ttl}\tIN\t${r.type}\t${r.data}`);
  }
  return lines.join('\n') + '\n';
}
