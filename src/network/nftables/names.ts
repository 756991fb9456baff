// Object names kube-proxy's nftables mode uses (upstream pkg/proxy/nftables/proxier.go):
// one table "kube-proxy", fixed chains/sets/maps without prefixes, and per-service chains named
// "<prefix><HASH8>-<ns>/<svc>/<proto>/<port>" (endpoints add "__<ip>/<port>").

import { hash8 } from '../hash.js';

export const KUBE_PROXY_TABLE = 'kube-proxy';

// base chains
export const FILTER_PREROUTING_PRE_DNAT = 'filter-prerouting-pre-dnat';
export const FILTER_OUTPUT_PRE_DNAT = 'filter-output-pre-dnat';
export const FILTER_INPUT = 'filter-input';
export const FILTER_FORWARD = 'filter-forward';
export const FILTER_OUTPUT = 'filter-output';
export const NAT_PREROUTING = 'nat-prerouting';
export const NAT_OUTPUT = 'nat-output';
export const NAT_POSTROUTING = 'nat-postrouting';

// service dispatch, no-endpoint handling, firewall, masquerading
export const SERVICES_CHAIN = 'services';
export const SERVICE_IPS_MAP = 'service-ips';
export const SERVICE_NODEPORTS_MAP = 'service-nodeports';
export const NODEPORT_IPS_SET = 'nodeport-ips';
export const CLUSTER_IPS_SET = 'cluster-ips';
export const SERVICE_ENDPOINTS_CHECK = 'service-endpoints-check';
export const NODEPORT_ENDPOINTS_CHECK = 'nodeport-endpoints-check';
export const NO_ENDPOINT_SERVICES_MAP = 'no-endpoint-services';
export const NO_ENDPOINT_NODEPORTS_MAP = 'no-endpoint-nodeports';
export const REJECT_CHAIN = 'reject-chain';
export const CLUSTER_IPS_CHECK = 'cluster-ips-check';
export const FIREWALL_IPS_MAP = 'firewall-ips';
export const FIREWALL_CHECK = 'firewall-check';
export const MARK_MASQ_CHAIN = 'mark-for-masquerade';
export const MASQUERADING_CHAIN = 'masquerading';

export const CLUSTER_POLICY_PREFIX = 'service-';
export const LOCAL_POLICY_PREFIX = 'local-';
export const EXTERNAL_PREFIX = 'external-';
export const ENDPOINT_PREFIX = 'endpoint-';
export const AFFINITY_PREFIX = 'affinity-';
export const FIREWALL_PREFIX = 'firewall-';

/** knftables.NameLengthMax (256) minus the longest prefix (16). */
const CHAIN_NAME_BASE_LENGTH_MAX = 256 - 16;

/** upstream hashAndTruncate: "HASH8-name", cut to 240 characters with "..." when longer. */
export function hashAndTruncate(name: string): string {
  let out = hash8(name) + '-' + name;
  if (out.length > CHAIN_NAME_BASE_LENGTH_MAX) out = out.slice(0, CHAIN_NAME_BASE_LENGTH_MAX - 3) + '...';
  return out;
}

/** "ULMVA6XW-ns1/svc1/tcp/p80" */
export function servicePortChainNameBase(namespace: string, name: string, proto: string, portName: string): string {
  return hashAndTruncate(`${namespace}/${name}/${proto}/${portName}`);
}

/** "5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80"; IPv6 colons become dots (not allowed in names). */
export function endpointChainNameBase(namespace: string, name: string, proto: string, portName: string, ip: string, port: number): string {
  const epIP = ip.includes(':') ? ip.replaceAll(':', '.') : ip;
  return hashAndTruncate(`${namespace}/${name}/${proto}/${portName}__${epIP}/${port}`);
}

/** Service and endpoint chains always contain "/"; the fixed chains never do. */
export function isServiceChainName(chain: string): boolean {
  return chain.includes('/');
}
