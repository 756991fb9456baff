// `kubescale run --workers 1` and `--workers 2` on a workload whose cycles examine every node of a
// 4,200-node cluster (the cycles the shard workers take): the dumped final states are identical.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../bin/kubescale.js', import.meta.url).pathname;
const WORKLOAD = new URL('../../test/data/parallel/workload.yaml', import.meta.url).pathname;

test('kubescale run: identical placements with 1 and 2 workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubescale-workers-'));
  const placements = [1, 2].map((w) => {
    const dump = join(dir, `state-${w}.json`);
    const r = spawnSync(process.execPath, [BIN, 'run', WORKLOAD, '--engine', 'fast', '--workers', String(w), '--dump-state', dump, '-o', 'json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { results: { metrics: { scheduled: number } }[] };
    assert.equal(out.results[0]!.metrics.scheduled, 300);
    const list = JSON.parse(readFileSync(dump, 'utf8')) as { items: { kind: string; metadata: { name: string }; spec: { nodeName?: string } }[] };
    return list.items.filter((i) => i.kind === 'Pod').map((p) => `${p.metadata.name}=${p.spec.nodeName}`);
  });
  assert.equal(placements[0]!.length, 300);
  assert.deepEqual(placements[1], placements[0]);
});
