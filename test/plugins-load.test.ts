// Custom plugin modules: loading and shape errors (one InputError line naming the module), config
// acceptance of custom names, and the CLI's exit codes for a bad module (2) and a throwing plugin (1).

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { InputError } from '../src/k8s/errors.js';
import { API_VERSION, parseSchedulerConfig } from '../src/scheduler/config.js';
import { loadPlugins } from '../src/scheduler/plugins/load.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATA = 'test/data/plugins/';
const BIN = fileURLToPath(new URL('../../bin/kubescale.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT });

process.chdir(ROOT);

async function loadError(paths: string[]): Promise<string> {
  try {
    await loadPlugins(paths);
  } catch (err) {
    assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), 'one line');
    return err.message;
  }
  assert.fail('expected loadPlugins to throw');
}

test('missing module: names the path', async () => {
  assert.equal(await loadError([`${DATA}nope.mjs`]), `${DATA}nope.mjs: plugin module not found`);
});

test('syntax error: names the module and the SyntaxError', async () => {
  const m = await loadError([`${DATA}syntax-error.mjs`]);
  assert.match(m, /^test\/data\/plugins\/syntax-error\.mjs: cannot load plugin module: SyntaxError: /);
});

test('no default export', async () => {
  assert.equal(await loadError([`${DATA}no-default.mjs`]),
    `${DATA}no-default.mjs: plugin module has no default export (export default a plugin object or an array of them)`);
});

test('bad shape: the offending plugin of an array and the field', async () => {
  assert.equal(await loadError([`${DATA}bad-shape.mjs`]), `${DATA}bad-shape.mjs: plugin "BadScore": score must be a function, got number 42`);
  assert.equal(await loadError([`${DATA}neither.mjs`]), `${DATA}neither.mjs: plugin "DoesNothing": implements neither filter nor score`);
  assert.equal(await loadError([`${DATA}bad-normalize.mjs`]),
    `${DATA}bad-normalize.mjs: plugin "Norm": normalize must be one of "none", "default", "reverse", got "max"`);
});

test('name clash with an in-tree plugin, and between modules', async () => {
  assert.equal(await loadError([`${DATA}clash.mjs`]), `${DATA}clash.mjs: plugin "NodeResourcesFit": name clashes with the in-tree plugin NodeResourcesFit`);
  assert.equal(await loadError(['examples/gpu-binpack.mjs', `${DATA}duplicate.mjs`]),
    `${DATA}duplicate.mjs: plugin "GpuBinPack": name already used by a plugin of examples/gpu-binpack.mjs`);
});

test('the examples load with their declared extension points', async () => {
  const p = await loadPlugins(['examples/gpu-binpack.mjs', 'examples/rack-filter.mjs']);
  const gpu = p.byName.get('GpuBinPack')!;
  const rack = p.byName.get('RackSpread')!;
  assert.deepEqual([gpu.vectorised, gpu.filters, gpu.scores, gpu.normalize], [true, false, true, 'none']);
  assert.deepEqual([rack.vectorised, rack.filters, rack.scores], [false, true, false]);
  assert.deepEqual(p.modules, ['examples/gpu-binpack.mjs', 'examples/rack-filter.mjs']);
});

test('config: custom names enable like out-of-tree plugins; unknown names still fail', async () => {
  const custom = await loadPlugins(['examples/gpu-binpack.mjs', 'examples/rack-filter.mjs']);
  const cfg = parseSchedulerConfig({
    apiVersion: API_VERSION, kind: 'KubeSchedulerConfiguration',
    profiles: [{ schedulerName: 'default-scheduler', plugins: { multiPoint: { enabled: [{ name: 'GpuBinPack', weight: 5 }, { name: 'RackSpread' }] } } }],
  }, 'p.yaml', custom);
  const prof = cfg.profiles[0]!;
  assert.equal(prof.plugins.score.at(-1), 'GpuBinPack');
  assert.equal(prof.scoreWeights.GpuBinPack, 5);
  assert.equal(prof.plugins.filter.at(-1), 'RackSpread');
  assert.ok(!prof.plugins.score.includes('RackSpread'), 'a filter-only plugin is not a score plugin');
  assert.ok(!prof.plugins.preFilter.includes('RackSpread'));
  assert.deepEqual(prof.notBuilt.filter((n) => n === 'GpuBinPack' || n === 'RackSpread'), []);
  assert.equal(cfg.custom, custom);
  // A score-only plugin in the filter set is rejected with upstream's wording.
  assert.throws(() => parseSchedulerConfig({
    apiVersion: API_VERSION, kind: 'KubeSchedulerConfiguration', profiles: [{ plugins: { filter: { enabled: [{ name: 'GpuBinPack' }] } } }],
  }, 'p.yaml', custom), { message: 'p.yaml: KubeSchedulerConfiguration: profiles[0].plugins.filter: plugin "GpuBinPack" does not extend FilterPlugin plugin' });
  // Without --plugin the name is unknown, as before.
  assert.throws(() => parseSchedulerConfig({
    apiVersion: API_VERSION, kind: 'KubeSchedulerConfiguration', profiles: [{ plugins: { multiPoint: { enabled: [{ name: 'GpuBinPack' }] } } }],
  }, 'p.yaml'), { message: 'p.yaml: KubeSchedulerConfiguration: profiles[0].plugins: plugin "GpuBinPack" does not exist' });
});

test('CLI: a bad module is exit 2 with one line; a throwing plugin is exit 1 naming plugin and pod, no stack', () => {
  const bad = cli('schedule', `${DATA}cluster.yaml`, '--plugin', `${DATA}no-default.mjs`);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /no-default\.mjs: plugin module has no default export/);

  for (const engine of ['fast', 'reference']) {
    const r = cli('schedule', `${DATA}cluster.yaml`, '--config', `${DATA}profile-thrower.yaml`, '--plugin', `${DATA}throwing.mjs`, '--engine', engine);
    assert.equal(r.status, 1, `${engine}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /plugin Thrower \(test\/data\/plugins\/throwing\.mjs\) failed in score for pod default\/boom-1: TypeError: cannot score n[12]/);
    assert.doesNotMatch(r.stderr, /\s+at /);
  }
});
