// `kubescale run` warms the JIT up with a scaled-down run of the same workload before measuring
// (runner.ts warmUp): the result says so, `--no-warmup` turns it off, and placements are identical.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planRuns, runWorkloadFile, WARMUP_PODS } from '../src/runner/runner.js';

const BIN = new URL('../../bin/kubescale.js', import.meta.url).pathname;
const MISC = new URL('../../datasets/workloads/misc.yaml', import.meta.url).pathname;

test('kubescale run: the warm-up is reported, --no-warmup skips it, placements are identical', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubescale-warmup-'));
  const runs = ['', '--no-warmup'].map((flag, i) => {
    const dump = join(dir, `state-${i}.json`);
    const args = [BIN, 'run', MISC, '--case', 'SchedulingBasic', '--workload', '5000Nodes_10000Pods', '--scale', '0.4', '--workers', '1', '--dump-state', dump, '-o', 'json'];
    if (flag) args.push(flag);
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { results: { warmup?: boolean; metrics: { scheduled: number } }[] };
    return { result: out.results[0]!, dump: readFileSync(dump, 'utf8') };
  });
  assert.equal(runs[0]!.result.warmup, true);
  assert.equal(runs[1]!.result.warmup, undefined);
  assert.equal(runs[0]!.result.metrics.scheduled, 4000);
  assert.equal(runs[0]!.dump, runs[1]!.dump);
});

test('the warm-up runs the workload with its largest count parameter scaled to WARMUP_PODS', () => {
  // 5000Nodes_10000Pods at --scale 0.4: 2,000 nodes, 400 + 4,000 pods; the warm-up scales 4,000 to WARMUP_PODS.
  const [plan] = planRuns(MISC, { caseName: 'SchedulingBasic', workloadName: '5000Nodes_10000Pods', scale: 0.4 });
  assert.equal(plan!.params.measurePods, 4000);
  assert.ok(WARMUP_PODS < 4000);
  const seen: number[] = [];
  runWorkloadFile(MISC, {
    caseName: 'SchedulingBasic', workloadName: '5000Nodes_10000Pods', scale: 0.4, engine: 'fast', seed: 1, warmup: true,
    onState: (state) => seen.push(state.pods.length),
  });
  // onState is the measured run's only (the warm-up passes no callbacks).
  assert.deepEqual(seen, [4400]);
});
