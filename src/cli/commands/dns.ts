// kubescale dns FILES... --query NAME [--type A|AAAA|SRV|PTR] [-o json|text] (cli.md)

import { loadInputs } from '../../k8s/load.js';
import { ClusterDNS, formatRecords } from '../../network/dns/resolver.js';
import { networkState } from '../../network/state.js';
import { printJson, UsageError } from '../common.js';

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  const type = ((opts.type as string | undefined) ?? 'A') as 'A' | 'AAAA' | 'SRV' | 'PTR';
  const query = String(opts.query ?? '').trim();
  if (!query) throw new UsageError('--query must name a DNS name (or an IP address for PTR)');
  const objs = await loadInputs(args);
  const st = networkState(objs);
  const answer = new ClusterDNS(st.services, st.slices, objs.pods).query(query, type);
  if (opts.output === 'json') printJson(answer);
  else process.stdout.write(formatRecords(answer));
  return answer.rcode === 'NXDOMAIN' ? 1 : 0;
}
