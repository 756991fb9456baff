// kubescale routes FILES... --request 'METHOD URL' [--header K:V]... [-o json|text] (cli.md)

import { loadInputs } from '../../k8s/load.js';
import { Router } from '../../network/routes/router.js';
import { parseRequest, type Request } from '../../network/routes/table.js';
import { printJson, UsageError } from '../common.js';

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  let req: Request;
  try {
    req = parseRequest(opts.request as string, (opts.header as string[] | undefined) ?? []);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const objs = await loadInputs(args);
  const d = new Router(objs).route(req);
  if (opts.output === 'json') {
    printJson({ status: d.status, backend: d.backend, backends: d.backends, source: d.source, reason: d.reason });
  } else if (d.backend) {
    process.stdout.write(`${d.backend.service}:${d.backend.port}  (${d.source}; ${d.reason})\n`);
  } else {
    process.stdout.write(`404 ${d.source ? `(${d.source}: no backend)` : `(${d.reason})`}\n`);
  }
  return d.backend ? 0 : 1;
}
