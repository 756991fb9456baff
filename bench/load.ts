// Foundation loading bench (issue #2): a 5,000-node / 150,000-pod cluster, every pod bound, loaded
// from JSON manifests (parse, validation, expansion, table build) and from a msgpack snapshot.
//
//   npx tsc -p . && node dist/bench/load.js [--runs N] [--nodes N] [--pods N] [--keep DIR]
//
// Each measurement runs in a fresh child process (`--measure json|snapshot FILE`) so that peak RSS
// belongs to that path alone and no JIT or heap state carries over; the parent prints medians.
// Targets: snapshot < 2 s, JSON manifests < 15 s, NodeTable + PodTable buffers < 200 MB.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateObjects, type GenOptions } from '../src/k8s/gen.js';
import { manifestChunks, writeChunksAtomic } from '../src/cli/commands/gen.js';
import { buildObjects, loadCluster } from '../src/k8s/load.js';
import { flattenDocuments, parseDocuments, readText } from '../src/k8s/parse.js';
import { buildTables, type ClusterTables } from '../src/model/cluster.js';
import { encodeSnapshot } from '../src/model/snapshot.js';

interface Measurement {
  mode: string;
  totalMs: number;
  phases: Record<string, number>;
  nodes: number;
  pods: number;
  boundPods: number;
  tableBytes: number;
  nodeTableBytes: number;
  podTableBytes: number;
  compactedTableBytes: number;
  maxRssMB: number;
  heapUsedMB: number;
}

const MB = 1024 * 1024;

function tableBytes(t: ClusterTables) {
  const nodeTableBytes = t.nodes.buffer.byteLength;
  const podTableBytes = t.pods.buffer.byteLength;
  return { nodeTableBytes, podTableBytes, tableBytes: nodeTableBytes + podTableBytes };
}

/** Child: one load, timed by phase. */
async function measure(mode: string, file: string): Promise<Measurement> {
  const phases: Record<string, number> = {};
  const t0 = performance.now();
  let tables: ClusterTables;
  let pods: number;
  let bound = 0;
  if (mode === 'json') {
    let t = performance.now();
    const text = readText(file);
    phases.read = performance.now() - t;
    t = performance.now();
    const sourced = flattenDocuments(file, parseDocuments(file, text));
    phases.parse = performance.now() - t;
    t = performance.now();
    const objects = buildObjects(sourced, (m) => process.stderr.write(`warning: ${m}\n`));
    phases.validate = performance.now() - t;
    t = performance.now();
    tables = buildTables(objects);
    phases.tables = performance.now() - t;
    pods = objects.pods.length;
    for (const p of objects.pods) if (p.spec.nodeName) bound++;
  } else {
    const loaded = await loadCluster([file]);
    tables = loaded.snapshot!.tables;
    pods = loaded.objects.pods.length;
    for (const p of loaded.objects.pods) if (p.spec.nodeName) bound++;
  }
  const totalMs = performance.now() - t0;
  const compacted = tables.nodes.compacted().buffer.byteLength + tables.pods.compacted().buffer.byteLength;
  return {
    mode, totalMs, phases, nodes: tables.nodes.count, pods, boundPods: bound, ...tableBytes(tables), compactedTableBytes: compacted,
    maxRssMB: process.resourceUsage().maxRSS / 1024, heapUsedMB: process.memoryUsage().heapUsed / MB,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function runChild(mode: string, file: string): Measurement {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--measure', mode, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`measure ${mode} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Measurement;
}

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

async function main(): Promise<void> {
  const mi = process.argv.indexOf('--measure');
  if (mi >= 0) {
    process.stdout.write(JSON.stringify(await measure(process.argv[mi + 1]!, process.argv[mi + 2]!)) + '\n');
    return;
  }
  const runs = arg('--runs', 3);
  const opts: GenOptions = { nodes: arg('--nodes', 5000), pods: arg('--pods', 150_000), zones: 3, services: 0, bound: 1, expand: true, seed: 1 };
  const keep = process.argv.includes('--keep') ? process.argv[process.argv.indexOf('--keep') + 1]! : undefined;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'kubescale-bench-load-'));
  mkdirSync(dir, { recursive: true });
  const jsonFile = join(dir, `cluster-${opts.nodes}-${opts.pods}.json`);
  const snapFile = join(dir, `cluster-${opts.nodes}-${opts.pods}.msgpack`);
  console.log(`machine: ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), node ${process.version}`);
  try {
    let t = performance.now();
    if (!existsSync(jsonFile)) writeChunksAtomic(jsonFile, manifestChunks(generateObjects(opts), 'json'));
    const genMs = performance.now() - t;
    t = performance.now();
    if (!existsSync(snapFile)) {
      // The snapshot of exactly what the JSON loads to.
      const text = readText(jsonFile);
      const objects = buildObjects(flattenDocuments(jsonFile, parseDocuments(jsonFile, text)), () => {});
      writeFileSync(snapFile, encodeSnapshot(objects));
    }
    const snapMs = performance.now() - t;
    console.log(`dataset: gen --nodes ${opts.nodes} --pods ${opts.pods} --bound 1 --expand --seed 1 (every pod a Pod object)`);
    console.log(`  JSON List ${(statSync(jsonFile).size / MB).toFixed(1)} MiB (written in ${(genMs / 1000).toFixed(1)} s), `
      + `snapshot ${(statSync(snapFile).size / MB).toFixed(1)} MiB (load + encode + write ${(snapMs / 1000).toFixed(1)} s)`);

    const results: Record<string, Measurement[]> = { snapshot: [], json: [] };
    for (const mode of ['snapshot', 'json'] as const) {
      for (let i = 0; i < runs; i++) {
        const m = runChild(mode, mode === 'json' ? jsonFile : snapFile);
        results[mode]!.push(m);
        const ph = Object.entries(m.phases).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(', ');
        console.log(`  ${mode} run ${i + 1}: ${(m.totalMs / 1000).toFixed(2)} s${ph ? ` (${ph})` : ''}, peak RSS ${m.maxRssMB.toFixed(0)} MB`);
      }
    }
    const first = results.json![0]!;
    console.log(`cluster: ${first.nodes} nodes, ${first.pods} pods (${first.boundPods} bound)`);
    console.log('| path | median s | target | peak RSS MB (median) | table buffers MB | compacted MB |');
    console.log('|---|---|---|---|---|---|');
    for (const [mode, target] of [['snapshot', 2], ['json', 15]] as const) {
      const ms = results[mode]!;
      const med = median(ms.map((m) => m.totalMs)) / 1000;
      console.log(`| ${mode === 'json' ? 'JSON manifests (parse + validate + expand + tables)' : 'msgpack snapshot'} | ${med.toFixed(2)} | < ${target} s ${med < target ? 'met' : 'MISSED'} `
        + `| ${median(ms.map((m) => m.maxRssMB)).toFixed(0)} | ${(ms[0]!.tableBytes / MB).toFixed(1)} (node ${(ms[0]!.nodeTableBytes / MB).toFixed(1)}, pod ${(ms[0]!.podTableBytes / MB).toFixed(1)}) `
        + `| ${(ms[0]!.compactedTableBytes / MB).toFixed(1)} |`);
    }
    const phaseNames = Object.keys(first.phases);
    console.log(`JSON phases (median s): ${phaseNames.map((p) => `${p} ${(median(results.json!.map((m) => m.phases[p]!)) / 1000).toFixed(2)}`).join(', ')}`);
    const tb = first.tableBytes / MB;
    console.log(`table memory ${tb.toFixed(1)} MB: target < 200 MB ${tb < 200 ? 'met' : 'MISSED'}`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
