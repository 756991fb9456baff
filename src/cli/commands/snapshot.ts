import { loadInputs } from '../../k8s/load.js';
import { encodeSnapshot } from '../../model/snapshot.js';
import { UsageError, writeFileAtomic } from '../common.js';

export async function run(args: string[], opts: Record<string, unknown>): Promise<number> {
  const out = opts.output as string;
  if (!out.endsWith('.msgpack')) throw new UsageError(`-o ${out}: snapshot files must end in .msgpack`);
  const objects = await loadInputs(args);
  const bytes = encodeSnapshot(objects);
  writeFileAtomic(out, bytes);
  process.stderr.write(`kubescale: wrote ${out} (${objects.nodes.length} nodes, ${objects.pods.length} pods, ${(bytes.byteLength / 1048576).toFixed(1)} MiB)\n`);
  return 0;
}
