// kubescale dataplane verify FILES... --node NAME [--mode iptables|nftables] [--connections N] (cli.md)

import { loadInputs } from '../../k8s/load.js';
import { SandboxError } from '../../network/dataplane/netns.js';
import { verifyDataplane, type VerifyReport } from '../../network/dataplane/verify.js';
import { networkState } from '../../network/state.js';
import { printJson, UsageError } from '../common.js';

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  const node = opts.node as string;
  const mode = ((opts.mode as string | undefined) ?? 'iptables') as 'iptables' | 'nftables';
  const connections = (opts.connections as number | undefined) ?? 200;
  if (!Number.isInteger(connections) || connections < 1 || connections > 100_000) throw new UsageError(`--connections must be between 1 and 100000, got ${connections}`);
  const objs = await loadInputs(args);
  const st = networkState(objs);
  let report: VerifyReport;
  try {
    report = await verifyDataplane(st.services, st.slices, objs.nodes, { node, mode, connections, log: (l) => process.stderr.write(l + '\n') });
  } catch (e) {
    if (e instanceof SandboxError) throw new UsageError(e.message);
    throw e;
  }
  if (opts.output === 'json') printJson(report);
  else process.stdout.write(renderText(report));
  return report.ok ? 0 : 1;
}

export function renderText(r: VerifyReport): string {
  const lines = [`dataplane ${r.mode} on ${r.node} (node IP ${r.nodeIP}): ${r.pods} pod namespaces, ${r.endpoints} endpoints, rules applied in ${r.applyMs.toFixed(0)} ms, connections in ${r.connectMs.toFixed(0)} ms`];
  for (const t of r.targets) {
    const spread = t.expect === 'endpoints'
      ? t.expected.map((e) => `${e}=${t.counts[e] ?? 0}`).join(' ')
      : `${t.expect}: ${Object.entries(t.errors).map(([k, c]) => `${k} x${c}`).join(', ')}`;
    const chi = t.chiSquare ? ` chi2=${t.chiSquare.statistic.toFixed(2)} p=${t.chiSquare.pValue.toFixed(3)}` : '';
    lines.push(`${t.ok ? 'ok  ' : 'FAIL'} ${t.service} ${t.kind} ${t.address}${t.affinity ? ' (ClientIP)' : ''}: ${spread}${chi}${t.reason ? ` — ${t.reason}` : ''}`);
  }
  if (r.skippedPorts.length) lines.push(`skipped (not TCP): ${r.skippedPorts.join(', ')}`);
  lines.push(r.ok ? 'dataplane check passed' : 'dataplane check FAILED');
  return lines.join('\n') + '\n';
}
