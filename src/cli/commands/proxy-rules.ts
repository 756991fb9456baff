// kubescale proxy-rules FILES... --node NAME — what kube-proxy on one node writes (cli.md).

import { loadInputs } from '../../k8s/load.js';
import { IptablesProxier, type SyncResult } from '../../network/iptables/proxier.js';
import { parseCidr } from '../../network/ip.js';
import { networkState } from '../../network/state.js';
import { runNftables } from './proxy-rules-nft.js';
import { printJson, UsageError } from '../common.js';

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  const mode = (opts.mode as string | undefined) ?? 'iptables';
  const node = opts.node as string;
  const cidr = opts.clusterCidr as string | undefined;
  if (cidr !== undefined && !parseCidr(cidr)) throw new UsageError(`--cluster-cidr: not a valid CIDR: ${JSON.stringify(cidr)}`);
  const bit = (opts.masqueradeBit as number | undefined) ?? 14;
  if (bit < 0 || bit > 31) throw new UsageError(`--masquerade-bit must be between 0 and 31, got ${bit}`);
  const output = (opts.output as string | undefined) ?? 'text';
  const states = [args, ...((opts.then as string[] | undefined) ?? []).map((s) => s.split(',').filter(Boolean))];

  const first = await loadInputs(states[0]!);
  let nodeIPs = (opts.nodeIp as string[] | undefined) ?? [];
  if (nodeIPs.length === 0) {
    const n = first.nodes.find((x) => x.metadata.name === node);
    nodeIPs = (n?.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address);
  }
  if (mode === 'nftables') {
    return runNftables(states, first, { node, nodeIPs, clusterCIDR: cidr ? parseCidr(cidr)!.text : undefined, masqueradeBit: bit, output });
  }
  const proxier = new IptablesProxier({
    nodeName: node, nodeIPs, clusterCIDR: cidr ? parseCidr(cidr)!.text : undefined, masqueradeBit: bit,
    localhostNodePorts: opts.localhostNodeports !== false,
  });
  const syncs: SyncResult[] = [];
  for (let i = 0; i < states.length; i++) {
    const objs = i === 0 ? first : await loadInputs(states[i]!);
    const st = networkState(objs);
    proxier.setState(st.services, st.slices);
    if (output === 'json') syncs.push(proxier.sync());
    else {
      // Text output only needs the bytes: no string of the whole payload. The view is reused by
      // the next sync, so keep a copy.
      const r = proxier.sync({ payload: 'buffer' });
      r.payloadBuffer = Buffer.from(r.payloadBuffer!);
      syncs.push(r);
    }
  }
  if (output === 'json') {
    printJson({ syncs: syncs.map((s) => ({ kind: s.kind, payload: s.payload, rules: s.rules, rulesWritten: s.rulesWritten, bytes: s.bytes, computeMs: s.computeMs, largeClusterMode: s.largeClusterMode, noLocalEndpoints: s.noLocalEndpoints })) });
    return 0;
  }
  syncs.forEach((s, i) => {
    if (i > 0) process.stdout.write(`# sync ${i + 1} (${s.kind})\n`);
    process.stdout.write(s.payloadBuffer ?? s.payload);
  });
  return 0;
}
