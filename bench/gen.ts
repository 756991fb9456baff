// `kubescale gen` throughput: generate and write clusters at the envelope's scale.
// Usage: node dist/bench/gen.js [runs]   (default 3 runs per case; prints medians)

import os from 'node:os';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateObjects, type GenOptions } from '../src/k8s/gen.js';
import { manifestChunks, writeChunksAtomic } from '../src/cli/commands/gen.js';

const runs = Number(process.argv[2] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`# gen bench — ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version}, ${runs} runs per case (median)`);
const dir = mkdtempSync(join(os.tmpdir(), 'kubescale-bench-gen-'));
let sink = 0;
try {
  const cases: [string, GenOptions, 'none' | 'yaml' | 'json'][] = [];
  for (const [nodes, pods] of [[500, 15000], [5000, 150000]] as const) {
    const o: GenOptions = { nodes, pods, zones: 3, services: Math.round(pods / 30), bound: 0.5, expand: false, seed: 1 };
    cases.push([`${nodes}n/${pods}p objects only`, o, 'none']);
    cases.push([`${nodes}n/${pods}p yaml`, o, 'yaml']);
    cases.push([`${nodes}n/${pods}p json`, o, 'json']);
    cases.push([`${nodes}n/${pods}p yaml --expand`, { ...o, expand: true }, 'yaml']);
  }
  console.log('| case | services | median s | MB | objects | objects/s |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, o, format] of cases) {
    const times: number[] = [];
    let objects = 0, bytes = 0;
    for (let r = 0; r < runs; r++) {
      const file = join(dir, `out.${format}`);
      const t0 = process.hrtime.bigint();
      if (format === 'none') {
        objects = 0;
        for (const obj of generateObjects(o)) { objects++; sink ^= obj.kind!.length; }
      } else {
        writeChunksAtomic(file, manifestChunks(generateObjects(o), format));
      }
      times.push(Number(process.hrtime.bigint() - t0) / 1e9);
      if (format !== 'none') bytes = statSync(file).size; // outside the timed region
    }
    if (format !== 'none') { objects = 0; for (const _ of generateObjects(o)) objects++; }
    const s = median(times);
    console.log(`| ${name} | ${o.services} | ${s.toFixed(2)} | ${format === 'none' ? '-' : (bytes / 1e6).toFixed(1)} | ${objects} | ${Math.round(objects / s)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (sink === 0.5) console.log(sink);
