// The nftables branch of `kubescale proxy-rules --mode nftables` (cli.md): the `nft -f` transaction
// of each sync; a stale-chain cleanup transaction, when there is one, is printed before its sync.

import { loadInputs } from '../../k8s/load.js';
import type { ClusterObjects } from '../../k8s/types.js';
import { NftablesProxier, type NftSyncResult } from '../../network/nftables/proxier.js';
import { networkState } from '../../network/state.js';
import { printJson } from '../common.js';

export interface NftRunOptions {
  node: string;
  nodeIPs: string[];
  clusterCIDR: string | undefined;
  masqueradeBit: number;
  output: string;
}

export async function runNftables(states: string[][], first: ClusterObjects, o: NftRunOptions): Promise<number> {
  const proxier = new NftablesProxier({ nodeName: o.node, nodeIPs: o.nodeIPs, clusterCIDR: o.clusterCIDR, masqueradeBit: o.masqueradeBit });
  const syncs: NftSyncResult[] = [];
  for (let i = 0; i < states.length; i++) {
    const objs = i === 0 ? first : await loadInputs(states[i]!);
    const st = networkState(objs);
    proxier.setState(st.services, st.slices);
    syncs.push(proxier.sync());
  }
  if (o.output === 'json') {
    printJson({
      syncs: syncs.map((s) => ({
        kind: s.kind, cleanup: s.cleanup, payload: s.payload, rules: { 'kube-proxy': s.rules }, rulesWritten: { 'kube-proxy': s.rulesWritten },
        bytes: s.bytes, computeMs: s.computeMs, chainsFlushed: s.chainsFlushed, chainsDeleted: s.chainsDeleted,
        elementsAdded: s.elementsAdded, elementsDeleted: s.elementsDeleted, noLocalEndpoints: s.noLocalEndpoints,
      })),
    });
    return 0;
  }
  syncs.forEach((s, i) => {
    if (i > 0) process.stdout.write(`# sync ${i + 1} (${s.kind})\n`);
    if (s.cleanup) process.stdout.write(`# cleanup transaction (stale chains)\n${s.cleanup}# sync transaction\n`);
    process.stdout.write(s.payload);
  });
  return 0;
}
