import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from '@msgpack/msgpack';
import { InputError } from '../src/k8s/errors.js';
import { captureEnvironment, gitCommit } from '../src/report/environment.js';
import { figureUnit, readResults, validateResults, writeResults, RESULTS_SCHEMA, type Results } from '../src/report/schema.js';
import { fixedResults } from './report-fixtures.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'kubescale-report-'));
}

test('round trip: results.json without samples, results.msgpack with them, read back deep-equal', () => {
  const dir = tmp();
  try {
    const r = fixedResults();
    // Values a JSON/float32 round trip would change.
    r.bench[0]!.cases[0]!.samples = { medianNs: [0.1, 1 / 3, 1e-300, 123456789.123456789, -0] };
    const out = writeResults(dir, r);
    assert.equal(out.msgpack, join(dir, 'results.msgpack'));
    const json = JSON.parse(readFileSync(out.json, 'utf8')) as Record<string, unknown>;
    assert.equal(json.schema, RESULTS_SCHEMA);
    assert.equal(json.version, 1);
    assert.equal(json.samplesFile, 'results.msgpack');
    assert.equal(Object.keys(json)[0], 'schema');
    assert.equal(Object.keys(json)[2], 'environment', 'environment comes first after the schema tag');
    const text = readFileSync(out.json, 'utf8');
    assert.ok(!/"samples": [[{]/.test(text), 'bulky samples stay out of the JSON');
    assert.ok(!text.includes('baselineSamples'));
    const pack = decode(readFileSync(out.msgpack!)) as { cases: { suite: string; case: string; samples: Record<string, Uint8Array> }[] };
    assert.deepEqual(pack.cases.map((c) => `${c.suite}/${c.case}`), ['micro/filter-node-resources', 'scale/nodes-1000']);
    assert.equal(pack.cases[0]!.samples.medianNs!.byteLength, 5 * 8, 'float64 per sample');
    const back = readResults(out.json);
    assert.deepEqual(back, r);
    assert.ok(Object.is(back.bench[0]!.cases[0]!.samples!.medianNs![4], -0));
    // The msgpack path itself leads back to the same results.
    assert.deepEqual(readResults(out.msgpack!), r);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('round trip without samples writes no msgpack', () => {
  const dir = tmp();
  try {
    const r = fixedResults();
    for (const s of r.bench) for (const c of s.cases) delete c.samples;
    delete r.environment.baselineSamples;
    const out = writeResults(dir, r);
    assert.equal(out.msgpack, null);
    assert.equal(existsSync(join(dir, 'results.msgpack')), false);
    assert.deepEqual(readResults(out.json), r);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('missing msgpack: results still read, with a note', () => {
  const dir = tmp();
  try {
    const out = writeResults(dir, fixedResults());
    rmSync(out.msgpack!);
    const back = readResults(out.json);
    assert.equal(back.bench[0]!.cases[0]!.samples, undefined);
    assert.equal(back.notes.at(-1), 'raw samples file results.msgpack not found beside results.json');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('validation errors name the field', () => {
  const bad = (mut: (r: Results) => void): string[] => {
    const r = fixedResults();
    mut(r);
    const v = validateResults(JSON.parse(JSON.stringify(r)));
    assert.equal(v.ok, false);
    return v.ok ? [] : v.errors;
  };
  assert.match(bad((r) => (r.bench[0]!.cases[0]!.figures = { median: 3 }))[0]!, /^bench\[0\]\.cases\[0\]\.figures\.median: figure name must .*end in a unit/);
  assert.match(bad((r) => ((r.environment as { cores: number }).cores = 0))[0]!, /^environment\.cores: /);
  assert.match(bad((r) => ((r as { version: number }).version = 2))[0]!, /^version: /);
  assert.deepEqual(bad((r) => r.bench[1]!.cases.push({ ...r.bench[1]!.cases[0]! })), ['bench[1].cases[2].name: duplicate case "nodes-1000" in suite "scale"']);
  assert.deepEqual(bad((r) => (r.bench[0]!.cases[0]!.primary = 'p99Ms')), ['bench[0].cases[0].primary: "p99Ms" is not one of its figures']);
  assert.match(bad((r) => (r.bench[0]!.cases[0]!.figures.medianNs = Number.NaN))[0]!, /^bench\[0\]\.cases\[0\]\.figures\.medianNs: /);
  assert.match(bad((r) => ((r.runs[0] as { metrics: unknown }).metrics = {}))[0]!, /^runs\[0\]\.metrics\.SchedulingThroughput: /);
});

test('figure units', () => {
  assert.equal(figureUnit('podsPerSec'), 'PerSec');
  assert.equal(figureUnit('medianMs'), 'Ms');
  assert.equal(figureUnit('payloadBytes'), 'Bytes');
  assert.equal(figureUnit('natRules'), 'Rules');
  assert.equal(figureUnit('median'), undefined);
  assert.equal(figureUnit('MedianMs'), undefined);
});

test('readResults: errors as InputError with file and field; runner output converted', () => {
  const dir = tmp();
  try {
    const f = join(dir, 'x.json');
    writeFileSync(f, '{"schema": "kubescale.io/results", "version": 7}');
    assert.throws(() => readResults(f), (e: unknown) => e instanceof InputError && e.message === `${f}: version: unsupported results version 7 (this kubescale reads 1)`);
    writeFileSync(f, '{nope');
    assert.throws(() => readResults(f), (e: unknown) => e instanceof InputError && e.message.startsWith(`${f}: not valid JSON`));
    writeFileSync(f, '{"kind": "List"}');
    assert.throws(() => readResults(f), (e: unknown) => e instanceof InputError && e.message.startsWith(`${f}: schema: not a kubescale results file`));
    const r = fixedResults();
    r.bench[0]!.cases[0]!.figures = { median: 1 };
    writeFileSync(f, JSON.stringify(r));
    assert.throws(() => readResults(f), (e: unknown) => e instanceof InputError && e.message.startsWith(`${f}: bench[0].cases[0].figures.median: figure name must`));
    assert.throws(() => readResults(join(dir, 'absent.json')), (e: unknown) => e instanceof InputError && e.message === `${join(dir, 'absent.json')}: cannot read: ENOENT`);
    // `kubescale run -o json` as cli.md prints it.
    const runDoc = { results: [fixedResults().runs[0]], environment: { node: 'v20.1.0', cpus: 2, cpuModel: 'Test CPU' } };
    writeFileSync(f, JSON.stringify(runDoc));
    const conv = readResults(f);
    assert.equal(conv.command, 'run');
    assert.deepEqual(conv.runs, runDoc.results);
    assert.equal(conv.environment.cores, 2);
    assert.equal(conv.environment.cpuModel, 'Test CPU');
    assert.equal(conv.environment.gitCommit, 'unknown');
    assert.deepEqual(conv.environment.baseline, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('captureEnvironment: git commit, cores, a positive no-op baseline with its samples', () => {
  const env = captureEnvironment({ now: new Date('2025-01-02T03:04:05Z') });
  assert.equal(env.timestamp, '2025-01-02T03:04:05.000Z');
  assert.ok(env.cores >= 1);
  assert.equal(env.node, process.version);
  assert.ok(env.baseline.noopMedianNs! > 0);
  assert.equal(env.baselineSamples!.noopMedianNs!.length, 21);
  assert.match(gitCommit(), /^([0-9a-f]{40}|unknown)$/);
  assert.equal(gitCommit(tmpdir()), 'unknown');
  assert.equal(validateResults({ schema: RESULTS_SCHEMA, version: 1, environment: env, command: 'bench', runs: [], bench: [], compare: [], notes: [] }).ok, true);
});
