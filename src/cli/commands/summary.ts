import { loadCluster } from '../../k8s/load.js';
import { buildTables } from '../../model/cluster.js';
import { clusterSummary, formatSummary } from '../../model/summary.js';
import { printJson } from '../common.js';

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  const loaded = await loadCluster(args);
  const tables = loaded.snapshot?.tables ?? buildTables(loaded.objects);
  const summary = clusterSummary(loaded.objects, tables);
  if (opts.output === 'json') printJson(summary);
  else process.stdout.write(formatSummary(summary));
  return 0;
}
