// kubescale endpointslices FILES... — reconciles EndpointSlices for every Service (cli.md).

import { stringify } from 'yaml';
import { loadInputs } from '../../k8s/load.js';
import { EndpointSliceController, type ServiceSyncReport } from '../../network/endpointslices/controller.js';
import { serviceKey } from '../../network/service.js';
import { printJson, UsageError } from '../common.js';

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  const max = (opts.maxEndpointsPerSlice as number | undefined) ?? 100;
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new UsageError(`--max-endpoints-per-slice must be between 1 and 1000, got ${max}`);
  const seed = (opts.seed as number | undefined) ?? 1;
  const output = (opts.output as string | undefined) ?? 'json';
  const objs = await loadInputs(args);
  const c = new EndpointSliceController({ maxEndpointsPerSlice: max, seed, requireNodes: objs.nodes.length > 0 });
  for (const n of objs.nodes) c.upsertNode(n);
  for (const s of objs.services) c.upsertService(s);
  for (const p of objs.pods) c.upsertPod(p);
  for (const s of objs.endpointSlices) c.addExistingSlice(s);
  const byService = new Map<string, ServiceSyncReport>();
  for (const r of c.sync()) byService.set(r.service, r);
  if (output === 'yaml') {
    const docs = objs.services.flatMap((s) => c.slicesOf(serviceKey(s)));
    process.stdout.write(docs.map((d) => stringify(d)).join('---\n'));
    return 0;
  }
  const services = objs.services.map((s) => byService.get(serviceKey(s))).filter((r): r is ServiceSyncReport => !!r)
    .map((r) => ({ service: r.service, actions: r.actions, slices: r.slices, ...(r.errors.length ? { errors: r.errors } : {}) }));
  const m = c.metrics;
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  printJson({
    services,
    metrics: {
      endpoint_slice_controller_changes: m.changes,
      endpoint_slice_controller_endpoints_added_per_sync: { sum: sum(m.endpoints_added_per_sync), count: m.endpoints_added_per_sync.length },
      endpoint_slice_controller_endpoints_removed_per_sync: { sum: sum(m.endpoints_removed_per_sync), count: m.endpoints_removed_per_sync.length },
      endpoint_slice_controller_endpoints_desired: m.endpoints_desired,
      endpoint_slice_controller_num_endpoint_slices: m.num_endpoint_slices,
      endpoint_slice_controller_desired_endpoint_slices: m.desired_endpoint_slices,
      endpoint_slice_controller_endpointslices_changed_per_sync: { sum: sum(m.endpointslices_changed_per_sync), count: m.endpointslices_changed_per_sync.length },
    },
  });
  return 0;
}
