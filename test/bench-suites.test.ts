// Bench suites: registration (cli.md's names and order), --quick plumbing through `kubescale bench`
// on a tiny suite, and Ctrl-C: the runner stops between cases and the command writes what finished.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUITES, selectSuites, suiteNames } from '../src/bench/registry.js';
import { silentProgress } from '../src/bench/progress.js';
import { runSuites, type StopFlag } from '../src/bench/runner.js';
import { kernelSizes, kernelSkipReason } from '../src/bench/suites/kernel.js';
import { KERNEL_NAMES, MICRO_GROUPS, microSuite } from '../src/bench/suites/micro.js';
import { networkSizes } from '../src/bench/suites/network.js';
import { scaleSizes } from '../src/bench/suites/scale.js';
import { schedulingSuite } from '../src/bench/suites/scheduling.js';
import type { BenchContext, CaseResult, SuiteDef } from '../src/bench/types.js';
import { runBench } from '../src/cli/commands/bench.js';
import { readResults } from '../src/report/schema.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ctx = (quick: boolean): BenchContext => ({ quick, workers: 1, root: ROOT, log: () => {} });
const result = (suite: string, name: string, v: number): CaseResult => ({ suite, name, dataset: 'tiny', params: { v }, metrics: { medianMs: v } });

test('registry: the five suites of cli.md, in order; selection keeps registry order; unknown names listed', () => {
  assert.deepEqual(suiteNames(), ['micro', 'scheduling', 'network', 'kernel', 'scale']);
  const picked = selectSuites(['scale', 'micro']);
  assert.ok(Array.isArray(picked));
  assert.deepEqual(picked.map((s) => s.name), ['micro', 'scale']);
  assert.equal((selectSuites([]) as SuiteDef[]).length, SUITES.length);
  const bad = selectSuites(['micro', 'netwrk']);
  assert.ok(!Array.isArray(bad));
  assert.equal(bad.error, 'unknown suite "netwrk"; known: micro, scheduling, network, kernel, scale');
});

test('suite sizes: issue #8 sizes in full runs, small ones with --quick', () => {
  assert.deepEqual(networkSizes(false), [1000, 5000, 10000, 30000]);
  assert.deepEqual(networkSizes(true), [1000, 5000]);
  assert.deepEqual(kernelSizes(true), [1000]);
  const full = scaleSizes(false);
  assert.equal(full.nodeSweep[0], 500);
  assert.equal(full.nodeSweep.at(-1), 15000);
  assert.ok(scaleSizes(true).nodeSweep.at(-1)! < 15000);
});

test('kernel suite: skipped with a reason when not root or binaries are missing', () => {
  assert.match(kernelSkipReason(false, () => true)!, /needs root/);
  assert.equal(kernelSkipReason(true, (b) => b !== 'nft' && b !== 'nfacct'), 'missing binaries: nft, nfacct');
  assert.equal(kernelSkipReason(true, () => true), null);
});

test('micro suite: one case per kernel, names as the kernels call themselves (bitset group built)', () => {
  const plan = microSuite.plan(ctx(true));
  assert.ok(Array.isArray(plan));
  assert.deepEqual(plan.map((c) => c.name), Object.values(KERNEL_NAMES).flat());
  const bitset = MICRO_GROUPS.find((g) => g.group === 'bitset')!.build();
  assert.deepEqual(bitset.map((k) => k.name), KERNEL_NAMES.bitset);
  assert.equal(bitset[0]!.fn(), bitset[0]!.fn()); // deterministic, seeded
});

test('scheduling suite: --quick runs the performance workloads at scale 0.1 plus the short ones', () => {
  const quick = schedulingSuite.plan(ctx(true));
  const full = schedulingSuite.plan(ctx(false));
  assert.ok(Array.isArray(quick) && Array.isArray(full));
  assert.ok(full.some((c) => c.name === 'SchedulingBasic/5000Nodes_10000Pods'));
  assert.ok(!full.some((c) => c.name.endsWith('/short')));
  assert.ok(quick.some((c) => c.name === 'SchedulingBasic/5000Nodes_10000Pods x0.1'));
  assert.ok(quick.some((c) => c.name === 'SchedulingBasic/short'));
  assert.equal(quick.filter((c) => c.name.endsWith(' x0.1')).length, full.length);
});

/** A suite of `n` (quick: 2) cases; `onCase` runs inside case i. */
function tinySuite(name: string, n: number, onCase: (i: number) => void = () => {}): SuiteDef & { seenQuick: boolean[] } {
  const seenQuick: boolean[] = [];
  return {
    name, description: 'tiny', seenQuick,
    plan(c) {
      seenQuick.push(c.quick);
      return Array.from({ length: c.quick ? 2 : n }, (_, i) => ({ name: `case ${i}`, run: () => {
        onCase(i);
        return result(name, `case ${i}`, i + 1);
      } }));
    },
    fits: (cases) => (cases.length >= 2 ? [{ suite: name, name: 'fit', x: 'v', y: 'medianMs', points: cases.map((c) => ({ x: c.metrics.medianMs!, y: c.metrics.medianMs! })), exponent: 1, coefficient: 1, r2: 1 }] : []),
  };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'ks-bench-test-'));
}

test('--quick reaches the suites and the results; -o json prints the schema document', async () => {
  const dir = tmp();
  try {
    const tiny = tinySuite('tiny', 5);
    let printed = '';
    const deps = { registry: [tiny], progress: silentProgress, handleSignals: false, noBaseline: true, stdout: (t: string) => (printed += t) };
    assert.equal(await runBench([], { quick: true, out: dir, output: 'json' }, deps), 0);
    assert.deepEqual(tiny.seenQuick, [true]);
    const doc = JSON.parse(printed);
    assert.equal(doc.schema, 'kubescale.io/results');
    assert.equal(doc.command, 'bench');
    assert.equal(doc.bench[0].quick, true);
    assert.equal(doc.bench[0].cases.length, 2);
    const r = readResults(join(dir, 'results.json'));
    assert.deepEqual(r.bench[0]!.cases.map((c) => c.figures.medianMs), [1, 2]);
    assert.equal(r.bench[0]!.cases[0]!.params.dataset, 'tiny');
    for (const f of ['report.md', 'index.html', 'results.msgpack']) assert.ok(existsSync(join(dir, f)), f);
    printed = '';
    assert.equal(await runBench(['tiny'], { out: dir }, deps), 0);
    assert.deepEqual(tiny.seenQuick, [true, false]);
    assert.equal(readResults(join(dir, 'results.json')).bench[0]!.cases.length, 5);
    assert.match(printed, /^tiny \(completed\)\n {2}case 0 +1(\.00)? ms\n/);
    await assert.rejects(runBench(['nope'], { out: dir }, deps), /unknown suite "nope"; known: tiny/);
    await assert.rejects(runBench([], { out: dir, workers: 0 }, deps), /--workers must be a positive integer/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Ctrl-C during a case: that case is kept, the rest of the suite and later suites are not run', async () => {
  const stop: StopFlag = { stopped: false };
  const ran: string[] = [];
  const a = tinySuite('a', 4, (i) => {
    ran.push(`a${i}`);
    if (i === 1) stop.stopped = true; // the signal arrives while case 1 runs
  });
  const b = tinySuite('b', 2, (i) => ran.push(`b${i}`));
  const r = await runSuites([a, b], { ctx: ctx(false), stop, noBaseline: true });
  assert.deepEqual(ran, ['a0', 'a1']);
  assert.equal(r.interrupted, true);
  assert.deepEqual(r.suites.map((s) => [s.name, s.status, s.cases.length]), [['a', 'interrupted', 2], ['b', 'not-started', 0]]);
  assert.equal(r.suites[0]!.fits.length, 1); // fits over what finished
});

test('a case that fails: errored with its message; the same failure after Ctrl-C counts as the interrupt', async () => {
  const boom = (stopFirst: boolean, stop: StopFlag): SuiteDef => ({
    name: 'boom', description: '',
    plan: () => [{ name: 'ok', run: () => result('boom', 'ok', 1) }, { name: 'bad', run: () => {
      if (stopFirst) stop.stopped = true;
      throw new Error('child killed');
    } }, { name: 'never', run: () => result('boom', 'never', 3) }],
  });
  const s1: StopFlag = { stopped: false };
  const r1 = await runSuites([boom(false, s1)], { ctx: ctx(false), stop: s1, noBaseline: true });
  assert.equal(r1.suites[0]!.status, 'errored');
  assert.equal(r1.suites[0]!.note, 'bad: child killed');
  assert.equal(r1.suites[0]!.cases.length, 1);
  const s2: StopFlag = { stopped: false };
  const r2 = await runSuites([boom(true, s2)], { ctx: ctx(false), stop: s2, noBaseline: true });
  assert.equal(r2.suites[0]!.status, 'interrupted');
  assert.equal(r2.suites[0]!.note, undefined);
});

test('the command after Ctrl-C: exit 130, results.json holds the finished cases and says it was interrupted', async () => {
  const dir = tmp();
  try {
    const stop: StopFlag = { stopped: false };
    const a = tinySuite('a', 3, (i) => {
      if (i === 0) stop.stopped = true;
    });
    const code = await runBench([], { out: dir }, { registry: [a, tinySuite('b', 1)], progress: silentProgress, handleSignals: false, noBaseline: true, stop, stdout: () => {} });
    assert.equal(code, 130);
    const r = readResults(join(dir, 'results.json'));
    assert.deepEqual(r.bench.map((s) => [s.suite, s.status, s.cases.length]), [['a', 'interrupted', 1], ['b', 'skipped', 0]]);
    assert.match(r.bench[1]!.note!, /not started/);
    assert.ok(r.notes.some((n) => /interrupted \(Ctrl-C\)/.test(n)));
    assert.ok(existsSync(join(dir, 'report.md')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('real SIGINT to `kubescale bench scale --quick`: exit 130 and a partial results.json', async () => {
  const dir = tmp();
  try {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'kubescale.js'), 'bench', 'scale', '--quick', '--out', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      // After the first finished case (line mode: stderr is a pipe).
      if (/\[1\/\d+\]/.test(err) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 130, err);
    const r = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    assert.equal(r.bench[0].status, 'interrupted');
    assert.ok(r.bench[0].cases.length >= 1 && r.bench[0].cases.length < 11, `${r.bench[0].cases.length} cases`);
    assert.match(err, /interrupted: stopping after the current case/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a case below its threshold: outputs still written, then exit 1 naming it; an errored suite too', async () => {
  const dir = tmp();
  try {
    const slow: SuiteDef = { name: 'slow', description: '', plan: () => [
      { name: 'fast enough', run: () => ({ ...result('slow', 'fast enough', 1), threshold: { metric: 'medianMs', min: 1, passed: true } }) },
      { name: 'too slow', run: () => ({ ...result('slow', 'too slow', 2), threshold: { metric: 'medianMs', min: 5, passed: false } }) },
    ] };
    const deps = { registry: [slow], progress: silentProgress, handleSignals: false, noBaseline: true, stdout: () => {} };
    await assert.rejects(runBench([], { out: dir }, deps), (e: Error) => e.name === 'RunFailure' && e.message === 'below threshold: slow/too slow');
    const r = readResults(join(dir, 'results.json'));
    assert.match(r.bench[0]!.cases[1]!.note!, /threshold medianMs >= 5: MISSED/);
    const broken: SuiteDef = { name: 'broken', description: '', plan: () => [{ name: 'x', run: () => { throw new Error('no data'); } }] };
    await assert.rejects(runBench([], { out: dir }, { ...deps, registry: [broken] }), /suite broken failed: x: no data/);
    assert.equal(readResults(join(dir, 'results.json')).bench[0]!.status, 'errored');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
