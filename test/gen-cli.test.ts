import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { generateObjects } from '../src/k8s/gen.js';
import { manifestChunks } from '../src/cli/commands/gen.js';
import type { ClusterObjects } from '../src/k8s/types.js';

/** Runs the CLI with stderr captured. */
async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  try {
    return { code: await main(['node', 'kubescale', ...args]), stderr };
  } finally {
    process.stderr.write = write;
  }
}

test('kubescale gen writes the generator output for yaml and json, and leaves no temp file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubescale-gen-cli-'));
  try {
    const y = join(dir, 'out', 'c.yaml');
    const r = await cli(['gen', '--nodes', '9', '--pods', '70', '--zones', '2', '--services', '3', '--bound', '0.25', '--seed', '12', '-o', y]);
    assert.equal(r.code, 0, r.stderr);
    const opts = { nodes: 9, pods: 70, zones: 2, services: 3, bound: 0.25, expand: false, seed: 12 };
    assert.equal(readFileSync(y, 'utf8'), [...manifestChunks(generateObjects(opts), 'yaml')].join(''));
    const j = join(dir, 'c.json');
    assert.equal((await cli(['gen', '--nodes', '9', '--pods', '70', '--zones', '2', '--services', '3', '--bound', '0.25', '--seed', '12', '--expand', '--format', 'json', '-o', j])).code, 0);
    assert.equal(readFileSync(j, 'utf8'), [...manifestChunks(generateObjects({ ...opts, expand: true }), 'json')].join(''));
    assert.deepEqual(readdirSync(dir).sort(), ['c.json', 'out']);
    assert.deepEqual(readdirSync(join(dir, 'out')), ['c.yaml']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad options exit 2 with one line naming the flag, and write nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubescale-gen-cli-'));
  try {
    const out = join(dir, 'x.yaml');
    for (const [args, re] of [[['--bound', '1.5'], /--bound must be a fraction/], [['--zones', '0'], /--zones must be an integer/],
      [['--nodes', '99999999'], /--nodes must be an integer in \[0, 61440\]/], [['--nodes', 'ten'], /--nodes takes an integer/]] as [string[], RegExp][]) {
      const r = await cli(['gen', ...args, '-o', out]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
    assert.equal(existsSync(out), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--format msgpack writes a snapshot that loads to the same cluster as the YAML', async (t) => {
  let load: ((p: string[]) => Promise<ClusterObjects>) | undefined;
  try {
    load = ((await import(new URL('../src/k8s/load.js', import.meta.url).href)) as { loadInputs: typeof load }).loadInputs;
    await import(new URL('../src/model/snapshot.js', import.meta.url).href);
  } catch {
    return t.skip('src/k8s/load.ts or src/model/snapshot.ts not present');
  }
  const dir = mkdtempSync(join(tmpdir(), 'kubescale-gen-cli-'));
  try {
    const args = ['--nodes', '10', '--pods', '100', '--services', '4', '--bound', '0.5', '--seed', '3'];
    assert.equal((await cli(['gen', ...args, '--format', 'msgpack', '-o', join(dir, 'c.msgpack')])).code, 0);
    assert.equal((await cli(['gen', ...args, '-o', join(dir, 'c.yaml')])).code, 0);
    const a = await load!([join(dir, 'c.msgpack')]);
    const b = await load!([join(dir, 'c.yaml')]);
    const key = (c: ClusterObjects) => c.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}@${p.spec.nodeName ?? ''}`).sort();
    assert.equal(a.nodes.length, 10);
    assert.deepEqual(key(a), key(b));
    assert.deepEqual(a.services.map((s) => s.metadata.name), b.services.map((s) => s.metadata.name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
